package queries

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pbequity/pbequity"
)

// Cycles lists every cycle with its headline counts, newest first.
func (d *DB) Cycles(ctx context.Context) ([]pbequity.CycleSummary, error) {
	return d.summaries(ctx, nil)
}

// Cycle returns one cycle with its headline counts, or an ENOTFOUND error.
// Only that cycle's rows are counted.
func (d *DB) Cycle(ctx context.Context, id string) (*pbequity.CycleSummary, error) {
	all, err := d.summaries(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, pbequity.Errorf(pbequity.ENOTFOUND, "cycle %q not found", id)
	}
	return &all[0], nil
}

// summaries runs cycles.sql for every cycle (id nil) or for one.
func (d *DB) summaries(ctx context.Context, id any) ([]pbequity.CycleSummary, error) {
	rows, err := d.db.QueryContext(ctx, statement("cycles"), id)
	if err != nil {
		return nil, fmt.Errorf("cycles: %w", translate(err))
	}
	defer rows.Close()
	var out []pbequity.CycleSummary
	for rows.Next() {
		var s pbequity.CycleSummary
		var start, end sql.NullTime
		var meta string
		if err := rows.Scan(&s.ID, &s.Name, &s.NameEn, &s.Unit, &s.FiscalYear, &s.Budget, &s.Currency, &s.VoteType, &s.Rule,
			&s.MinProjectScore, &s.MinLength, &s.MaxLength, &s.MaxSumPoints, &start, &end, &s.Description, &meta,
			&s.Participants, &s.Women, &s.Men, &s.Voters, &s.Projects, &s.Funded, &s.Allocated); err != nil {
			return nil, fmt.Errorf("cycles: %w", translate(err))
		}
		s.StartDate, s.EndDate = start.Time, end.Time
		if meta != "" {
			json.Unmarshal([]byte(meta), &s.Meta)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cycles: %w", translate(err))
	}
	return out, nil
}

// CycleInfo returns a cycle's own row without counting its people, or an
// ENOTFOUND error.
func (d *DB) CycleInfo(ctx context.Context, id string) (*pbequity.Cycle, error) {
	var c pbequity.Cycle
	var start, end sql.NullTime
	var meta string
	err := d.db.QueryRowContext(ctx, statement("cycle"), id).Scan(&c.ID, &c.Name, &c.NameEn, &c.Unit, &c.FiscalYear,
		&c.Budget, &c.Currency, &c.VoteType, &c.Rule, &c.MinProjectScore, &c.MinLength, &c.MaxLength, &c.MaxSumPoints,
		&start, &end, &c.Description, &meta)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pbequity.Errorf(pbequity.ENOTFOUND, "cycle %q not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("cycle: %w", translate(err))
	}
	c.StartDate, c.EndDate = start.Time, end.Time
	if meta != "" {
		json.Unmarshal([]byte(meta), &c.Meta)
	}
	return &c, nil
}

// Aggregates reduces a cycle's data to the counts its indicators rest on.
// The people of the cycle are counted in one pass over its events and votes
// (participant_stages.sql); the small statements run beside it on other
// connections.
func (d *DB) Aggregates(ctx context.Context, cycleID string) (*pbequity.Aggregates, error) {
	c, err := d.CycleInfo(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	a := &pbequity.Aggregates{Cycle: *c}
	var people *peopleCounts
	err = parallel(
		func() (err error) { people, err = d.people(ctx, cycleID); return err },
		func() (err error) {
			if a.Areas, err = d.Areas(ctx, cycleID); err != nil {
				return err
			}
			if a.Categories, err = d.Categories(ctx, cycleID); err != nil {
				return err
			}
			if a.Projects, err = d.Projects(ctx, cycleID); err != nil {
				return err
			}
			a.Population, err = d.cells(ctx, "population_cells", cycleID)
			return err
		},
	)
	if err != nil {
		return nil, err
	}
	a.Stages, a.Participants, a.Voters = people.stages, people.participants, people.voters
	return a, nil
}

// StageCounts counts distinct participants of a cycle per stage and gender.
func (d *DB) StageCounts(ctx context.Context, cycleID string) ([]pbequity.StageCount, error) {
	rows, err := d.db.QueryContext(ctx, statement("stage_counts"), cycleID)
	if err != nil {
		return nil, fmt.Errorf("stage counts: %w", translate(err))
	}
	defer rows.Close()
	var out []pbequity.StageCount
	for rows.Next() {
		var s pbequity.StageCount
		if err := rows.Scan(&s.Stage, &s.Gender, &s.N); err != nil {
			return nil, fmt.Errorf("stage counts: %w", translate(err))
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// cells runs a statement returning (area, gender, age_band, n) rows.
func (d *DB) cells(ctx context.Context, name, cycleID string) ([]pbequity.Cell, error) {
	rows, err := d.db.QueryContext(ctx, statement(name), cycleID)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, translate(err))
	}
	defer rows.Close()
	var out []pbequity.Cell
	for rows.Next() {
		var c pbequity.Cell
		if err := rows.Scan(&c.Area, &c.Gender, &c.AgeBand, &c.N); err != nil {
			return nil, fmt.Errorf("%s: %w", name, translate(err))
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Areas lists the areas of a cycle, parents first.
func (d *DB) Areas(ctx context.Context, cycleID string) ([]pbequity.Area, error) {
	rows, err := d.db.QueryContext(ctx, statement("areas"), cycleID)
	if err != nil {
		return nil, fmt.Errorf("areas: %w", translate(err))
	}
	defer rows.Close()
	var out []pbequity.Area
	for rows.Next() {
		a := pbequity.Area{CycleID: cycleID}
		if err := rows.Scan(&a.ID, &a.ParentID, &a.Level, &a.NameFa, &a.NameEn, &a.NeedScore); err != nil {
			return nil, fmt.Errorf("areas: %w", translate(err))
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Categories lists the categories of a cycle in display order.
func (d *DB) Categories(ctx context.Context, cycleID string) ([]pbequity.Category, error) {
	rows, err := d.db.QueryContext(ctx, statement("categories"), cycleID)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", translate(err))
	}
	defer rows.Close()
	var out []pbequity.Category
	for rows.Next() {
		c := pbequity.Category{CycleID: cycleID}
		if err := rows.Scan(&c.ID, &c.NameFa, &c.NameEn, &c.Sort); err != nil {
			return nil, fmt.Errorf("categories: %w", translate(err))
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Projects lists the projects of a cycle by id.
func (d *DB) Projects(ctx context.Context, cycleID string) ([]pbequity.Project, error) {
	return d.projects(ctx, "projects", cycleID)
}

// projects runs a statement returning the columns of projects.sql and
// scans its rows; Extra is decoded from a JSON object (or, as older files
// stored it, a JSON string holding one).
func (d *DB) projects(ctx context.Context, name, cycleID string) ([]pbequity.Project, error) {
	rows, err := d.db.QueryContext(ctx, statement(name), cycleID)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, translate(err))
	}
	defer rows.Close()
	var out []pbequity.Project
	for rows.Next() {
		p := pbequity.Project{CycleID: cycleID}
		var marker int64
		var selected sql.NullBool
		var gender, extra string
		if err := rows.Scan(&p.ID, &p.Title, &p.Description, &p.Cost, &p.Category, &p.Area, &p.Stage, &gender, &marker,
			&p.WomenShare, &p.Beneficiaries, &selected, &p.Approved, &p.Spent, &p.Status, &extra); err != nil {
			return nil, fmt.Errorf("%s: %w", name, translate(err))
		}
		p.ProposerGender = pbequity.Gender(gender)
		p.GenderMarker = pbequity.Marker(marker)
		if selected.Valid {
			v := selected.Bool
			p.Selected = &v
		}
		if p.Extra, err = extraMap(extra); err != nil {
			return nil, fmt.Errorf("%s: extra of %s: %w", name, p.ID, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, translate(err))
	}
	return out, nil
}

// QueryInt runs a read statement returning one integer, for checks and the
// command line.
func (d *DB) QueryInt(ctx context.Context, query string, args ...any) (int64, error) {
	var n sql.NullInt64
	if err := d.db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("query: %w", translate(err))
	}
	return n.Int64, nil
}
