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
	// Size is the size in bytes of the file the rows come from, when known:
	// the rows of a large file go to DuckDB through spool files.
	Size int64
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
		if err := w.loadAll(loads); err != nil {
			return err
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

// before prepares the transaction for the rows of l: it creates or checks
// the cycle and makes l's dataset the one rows are written with.
func (w *Writer) before(l *Load) error {
	w.dataset = l.Dataset.ID
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
	if w.participants[cycleID] == nil {
		cp := &cycleParticipants{}
		var n int64
		if err := w.queryInt(&n, "SELECT count(*) FROM (SELECT 1 FROM participants WHERE cycle_id = ? LIMIT 1)", cycleID); err != nil {
			return err
		}
		cp.existing = n > 0
		w.participants[cycleID] = cp
	}
	return nil
}

// after records the dataset of l once its runs are written.
func (w *Writer) after(l *Load, runs []run) error {
	w.dataset = nil
	var total int64
	participants := false
	for _, r := range runs {
		total += r.count()
		participants = participants || (r.table() == bulkParticipants && r.count() > 0)
	}
	if participants {
		w.participants[l.Dataset.CycleID].loads++
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

// run is a step of loading, on the writer's goroutine, in order: the rows
// of one table that a Load gives in a row (a bulkStream into
// pbequity_bulk(), or a spoolStream of chunk files), or a step between
// them.
type run interface {
	table() *bulkTable // nil for a step
	count() int64
	// close ends the producer's side.
	close() error
	// insert writes the rows until the producer closes the run; abandon is
	// called instead when an earlier run failed.
	insert(w *Writer) error
	abandon()
	// remove deletes what the run left on disk, once both sides ended.
	remove()
}

// step is a run that calls fn.
type step struct{ fn func() error }

func (s step) table() *bulkTable      { return nil }
func (s step) count() int64           { return 0 }
func (s step) close() error           { return nil }
func (s step) insert(w *Writer) error { return s.fn() }
func (s step) abandon()               {}
func (s step) remove()                {}

// loadAll writes the rows of every load, table by table as they come: the
// loads produce their rows one after the other on a goroutine of their own,
// while this one runs the INSERT statements of each run of rows of a table
// (and the steps before and after each load). So the rows of one file are
// decoded while those of the previous one are still being inserted. A load
// large enough is spooled: its tables that can be go through chunk files
// (spool.go).
func (w *Writer) loadAll(loads []*Load) error {
	runs := make(chan run, 2)
	done := make(chan error, 1)
	go func() {
		var err error
		for _, l := range loads {
			if err = w.produce(l, runs); err != nil {
				break
			}
		}
		close(runs)
		done <- err
	}()
	var ierr error
	var all []run
	for r := range runs {
		all = append(all, r)
		if ierr == nil {
			ierr = r.insert(w)
		} else {
			r.abandon()
		}
	}
	perr := <-done
	for _, r := range all {
		r.remove()
	}
	if ierr != nil {
		return ierr
	}
	if perr != nil {
		if cerr := w.ctx.Err(); cerr != nil {
			return cerr
		}
		return perr
	}
	return nil
}

// produce sends the runs of l to runs, between a step before and a step
// after them.
func (w *Writer) produce(l *Load, runs chan<- run) error {
	produce := l.Stream
	if produce == nil {
		produce = l.emitRows
		if err := uniqueParticipants(l.Participants); err != nil {
			return err
		}
	}
	spool := w.spool != "" && (l.Size >= w.spoolMin || l.Rows.Len()*spoolRowBytes >= w.spoolMin)
	runs <- step{func() error { return w.before(l) }}
	var cur run
	var mine []run
	to := func(t *bulkTable) (run, error) {
		if cur != nil && cur.table() == t {
			return cur, nil
		}
		if cur != nil {
			err := cur.close()
			cur = nil
			if err != nil {
				return nil, err
			}
		}
		if spool && t.spool != "" {
			s, err := newSpoolStream(w.ctx, t, w.spool, w.spoolChunk)
			if err != nil {
				return nil, err
			}
			cur = s
		} else {
			cur = newBulkStream(w.ctx, t)
		}
		mine = append(mine, cur)
		runs <- cur
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
	if err != nil {
		return err
	}
	runs <- step{func() error { return w.after(l, mine) }}
	return nil
}

func emitAll[T any](to func(*bulkTable) (run, error), t *bulkTable, enc func(values, *T), rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	r, err := to(t)
	if err != nil {
		return err
	}
	switch s := r.(type) {
	case *bulkStream:
		for i := range rows {
			if err := add(s, enc, &rows[i]); err != nil {
				return err
			}
		}
	case *spoolStream:
		for i := range rows {
			if err := spoolAdd(s, enc, &rows[i]); err != nil {
				return err
			}
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
