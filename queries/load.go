package queries

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/pbequity/pbequity"
)

// Rows are rows of the tables of a cycle.
type Rows struct {
	Projects      []pbequity.Project
	BudgetLines   []pbequity.BudgetLine
	Participants  []pbequity.Participant
	Participation []pbequity.Participation
	Votes         []pbequity.Vote
	Population    []pbequity.PopulationCount
}

// Len is the number of rows.
func (r *Rows) Len() int64 {
	return int64(len(r.Projects) + len(r.BudgetLines) + len(r.Participants) + len(r.Participation) + len(r.Votes) + len(r.Population))
}

// Load is one file's rows to load into a cycle, with its provenance.
type Load struct {
	Dataset Dataset
	// Cycle, when set, creates the cycle (a Pabulib file is a whole cycle);
	// otherwise the cycle must exist.
	Cycle *pbequity.Cycle
	// Rows are the rows of a file decoded whole.
	Rows
	// Stream, when set, produces the rows instead, while they are written:
	// it runs on a goroutine of its own and calls emit with batches of rows
	// (whose slices it may reuse once emit returns), and returns nil once
	// every row was given. The rows it emits have no duplicate participant
	// ids among them (package ingest refuses them). It may still change
	// Dataset (its hash is known at the end only); an error returned from
	// emit must be returned.
	Stream func(emit func(*Rows) error) error
	// Progress, when set, is called now and then with rows written and the
	// total (for the Rows of the load; a Stream reports its own progress).
	Progress func(done, total int64)
}

// ProjectIDs returns the set of project ids of a cycle.
func (d *DB) ProjectIDs(ctx context.Context, cycleID string) (map[string]bool, error) {
	rows, err := d.db.QueryContext(ctx, statement("project_ids"), cycleID)
	if err != nil {
		return nil, fmt.Errorf("project ids: %w", translate(err))
	}
	defer rows.Close()
	ids := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("project ids: %w", translate(err))
		}
		ids[id] = true
	}
	return ids, rows.Err()
}

// DatasetBySHA returns the id of a loaded dataset of the cycle with the
// given content hash, or "".
func (d *DB) DatasetBySHA(ctx context.Context, cycleID, sha string) (string, error) {
	var id string
	err := d.db.QueryRowContext(ctx, statement("dataset_by_sha"), cycleID, sha).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("dataset by sha: %w", translate(err))
	}
	return id, nil
}

// LoadAll loads every file of an upload in one transaction: all of them or
// none. Duplicate participants (within the upload or with rows already
// loaded) and project ids already in the cycle are refused. check, when set,
// runs after every file was written and before the commit, inside the
// transaction: an error from it rolls everything back.
func (d *DB) LoadAll(ctx context.Context, loads []*Load, check func(*Writer) error) error {
	return d.Write(ctx, "", func(w *Writer) error {
		for _, l := range loads {
			if err := w.load(l); err != nil {
				return err
			}
		}
		if check != nil {
			if err := check(w); err != nil {
				return err
			}
		}
		return w.checkUnique()
	})
}

// DatasetBySHA returns the id of a dataset of the cycle with the given
// content hash, other than those of ids, or "", inside the transaction.
func (w *Writer) DatasetBySHA(cycleID, sha string, ids ...string) (string, error) {
	var id string
	err := w.queryRow([]any{&id}, "SELECT dataset_id FROM datasets WHERE cycle_id = ? AND sha256 = ? AND NOT list_contains(string_split(?, chr(31)), dataset_id) LIMIT 1",
		cycleID, sha, strings.Join(ids, "\x1f"))
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("dataset by sha: %w", err)
	}
	return id, nil
}

func (w *Writer) load(l *Load) error {
	w.dataset = l.Dataset.ID
	defer func() { w.dataset = nil }()
	cycleID := l.Dataset.CycleID
	if l.Cycle != nil {
		var n int64
		if err := w.queryInt(&n, "SELECT count(*) FROM cycles WHERE cycle_id = ?", l.Cycle.ID); err != nil {
			return err
		}
		if n > 0 {
			return pbequity.Errorf(pbequity.ECONFLICT, "cycle %q already exists: a Pabulib file creates a new cycle", l.Cycle.ID)
		}
		if err := w.Cycle(*l.Cycle); err != nil {
			return err
		}
	} else {
		var n int64
		if err := w.queryInt(&n, "SELECT count(*) FROM cycles WHERE cycle_id = ?", cycleID); err != nil {
			return err
		}
		if n == 0 {
			return pbequity.Errorf(pbequity.ENOTFOUND, "cycle %q not found", cycleID)
		}
	}
	// Any load may change the ballots (votes) or their project indices.
	if err := w.Exec("DELETE FROM ballot_cache WHERE cycle_id = ?", cycleID); err != nil {
		return err
	}
	// Participants already in the cycle: a new one may duplicate them.
	if w.participants == nil {
		w.participants = map[string]*cycleParticipants{}
	}
	cp := w.participants[cycleID]
	if cp == nil {
		cp = &cycleParticipants{}
		var n int64
		if err := w.queryInt(&n, "SELECT count(*) FROM (SELECT 1 FROM participants WHERE cycle_id = ? LIMIT 1)", cycleID); err != nil {
			return err
		}
		cp.existing = n > 0
		w.participants[cycleID] = cp
	}
	produce := l.Stream
	if produce == nil {
		produce = l.emitRows
		if err := uniqueParticipants(l.Participants); err != nil {
			return err
		}
	}
	counts, err := w.stream(cycleID, produce)
	if err != nil {
		return err
	}
	if n := counts[bulkParticipants]; n > 0 {
		cp.loads++
	}
	var total int64
	for _, n := range counts {
		total += n
	}
	w.rows += total
	ds := l.Dataset
	ds.Rows = total
	return w.Dataset(ds)
}

// cycleParticipants tells whether the participants loaded into a cycle may
// hold duplicates that package ingest could not see.
type cycleParticipants struct {
	existing bool // the cycle had participants before
	loads    int  // loads of this transaction with participants
}

// emitRows hands the load's rows to emit in batches.
func (l *Load) emitRows(emit func(*Rows) error) error {
	const n = 8192
	total, done := l.Rows.Len(), int64(0)
	progress := func(k int) {
		done += int64(k)
		if l.Progress != nil {
			l.Progress(done, total)
		}
	}
	var err error
	each := func(k int, fn func(i, j int) *Rows) {
		for i := 0; i < k && err == nil; i += n {
			j := min(i+n, k)
			err = emit(fn(i, j))
			progress(j - i)
		}
	}
	each(len(l.Projects), func(i, j int) *Rows { return &Rows{Projects: l.Projects[i:j]} })
	each(len(l.BudgetLines), func(i, j int) *Rows { return &Rows{BudgetLines: l.BudgetLines[i:j]} })
	each(len(l.Participants), func(i, j int) *Rows { return &Rows{Participants: l.Participants[i:j]} })
	each(len(l.Participation), func(i, j int) *Rows { return &Rows{Participation: l.Participation[i:j]} })
	each(len(l.Votes), func(i, j int) *Rows { return &Rows{Votes: l.Votes[i:j]} })
	each(len(l.Population), func(i, j int) *Rows { return &Rows{Population: l.Population[i:j]} })
	return err
}

// uniqueParticipants refuses a participant id given twice among ps.
func uniqueParticipants(ps []pbequity.Participant) error {
	seen := make(map[[2]string]struct{}, len(ps))
	for _, p := range ps {
		k := [2]string{p.CycleID, p.ID}
		if _, dup := seen[k]; dup {
			return pbequity.Errorf(pbequity.ECONFLICT, "participant %q of cycle %q would be loaded twice", p.ID, p.CycleID)
		}
		seen[k] = struct{}{}
	}
	return nil
}

// stream writes the rows of cycle that produce emits, table by table as they come:
// produce runs on a goroutine of its own while this one runs one INSERT
// statement per run of rows of a table. It returns the rows written per
// table.
func (w *Writer) stream(cycle string, produce func(emit func(*Rows) error) error) (map[*bulkTable]int64, error) {
	starts := make(chan *bulkStream)
	done := make(chan error, 1)
	counts := map[*bulkTable]int64{}
	go func() {
		var cur *bulkStream
		to := func(t *bulkTable) (*bulkStream, error) {
			if cur != nil && cur.t == t {
				return cur, nil
			}
			if cur != nil {
				if err := cur.close(); err != nil {
					return nil, err
				}
			}
			cur = newBulkStream(w.ctx, t, cycle)
			starts <- cur
			return cur, nil
		}
		emit := func(r *Rows) error {
			if err := emitAll(to, bulkProjects, encProject, r.Projects); err != nil {
				return err
			}
			if err := emitAll(to, bulkBudgetLines, encBudgetLine, r.BudgetLines); err != nil {
				return err
			}
			if err := emitAll(to, bulkParticipants, encParticipant, r.Participants); err != nil {
				return err
			}
			if err := emitAll(to, bulkParticipation, encParticipation, r.Participation); err != nil {
				return err
			}
			if err := emitAll(to, bulkVotes, encVote, r.Votes); err != nil {
				return err
			}
			return emitAll(to, bulkPopulation, encPopulation, r.Population)
		}
		err := produce(emit)
		if cur != nil {
			if cerr := cur.close(); err == nil {
				err = cerr
			}
		}
		close(starts)
		done <- err
	}()
	var ierr error
	for s := range starts {
		if ierr == nil {
			ierr = w.insert(s)
		} else {
			close(s.stop)
		}
		counts[s.t] += s.rows
	}
	perr := <-done
	if ierr != nil {
		return nil, ierr
	}
	if perr != nil {
		if cerr := w.ctx.Err(); cerr != nil {
			return nil, cerr
		}
		return nil, perr
	}
	return counts, nil
}

func emitAll[T any](to func(*bulkTable) (*bulkStream, error), t *bulkTable, enc func(*block, *T), rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	s, err := to(t)
	if err != nil {
		return err
	}
	for i := range rows {
		if err := add(s, enc, &rows[i]); err != nil {
			return err
		}
	}
	return nil
}

// checkUnique refuses participants loaded twice in a cycle. Package ingest
// refuses duplicates within a file, and load within a Load's rows: the
// table is searched only when the cycle had participants already or more
// than one file of the upload brought some.
func (w *Writer) checkUnique() error {
	for c, cp := range w.participants {
		if cp.loads == 0 || (!cp.existing && cp.loads == 1) {
			continue
		}
		var dup string
		var n int64
		err := w.queryRow([]any{&dup, &n}, statement("duplicate_participants"), c)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if n > 1 {
			return pbequity.Errorf(pbequity.ECONFLICT, "participant %q of cycle %q would be loaded twice", dup, c)
		}
	}
	return nil
}
