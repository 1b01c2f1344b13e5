package queries

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pbequity/pbequity"
)

// Load is one file's rows to load into a cycle, with its provenance.
type Load struct {
	Dataset Dataset
	// Cycle, when set, creates the cycle (a Pabulib file is a whole cycle);
	// otherwise the cycle must exist.
	Cycle         *pbequity.Cycle
	Projects      []pbequity.Project
	BudgetLines   []pbequity.BudgetLine
	Participants  []pbequity.Participant
	Participation []pbequity.Participation
	Votes         []pbequity.Vote
	Population    []pbequity.PopulationCount
	// Progress, when set, is called now and then with rows written and the total.
	Progress func(done, total int64)
}

// Rows is the number of rows of the load.
func (l *Load) Rows() int64 {
	return int64(len(l.Projects) + len(l.BudgetLines) + len(l.Participants) + len(l.Participation) + len(l.Votes) + len(l.Population))
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
// loaded) and project ids already in the cycle are refused.
func (d *DB) LoadAll(ctx context.Context, loads []*Load) error {
	return d.Write(ctx, "", func(w *Writer) error {
		for _, l := range loads {
			if err := w.load(l); err != nil {
				return err
			}
		}
		return w.checkUnique(loads)
	})
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
	total, done := l.Rows(), int64(0)
	tick := func() {
		done++
		if l.Progress != nil && (done&0xffff == 0 || done == total) {
			l.Progress(done, total)
		}
	}
	for _, p := range l.Projects {
		if err := w.Project(p); err != nil {
			return err
		}
		tick()
	}
	for _, b := range l.BudgetLines {
		if err := w.BudgetLine(b); err != nil {
			return err
		}
		tick()
	}
	for _, p := range l.Participants {
		if err := w.Participant(p); err != nil {
			return err
		}
		tick()
	}
	for _, e := range l.Participation {
		if err := w.Participation(e); err != nil {
			return err
		}
		tick()
	}
	for _, v := range l.Votes {
		if err := w.Vote(v); err != nil {
			return err
		}
		tick()
	}
	for _, p := range l.Population {
		if err := w.Population(p); err != nil {
			return err
		}
		tick()
	}
	ds := l.Dataset
	ds.Rows = total
	return w.Dataset(ds)
}

// checkUnique refuses participants loaded twice in a cycle.
func (w *Writer) checkUnique(loads []*Load) error {
	cycles := map[string]bool{}
	for _, l := range loads {
		if len(l.Participants) > 0 {
			cycles[l.Dataset.CycleID] = true
		}
	}
	for c := range cycles {
		if err := w.flush("participants"); err != nil {
			return err
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
