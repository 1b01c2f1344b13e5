package queries

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/pbequity/pbequity"
)

// Stage bits of participant_stages.sql.
const (
	bitProblem  = 1
	bitSolution = 2
	bitVote     = 4 // a vote event in participation
	bitMeeting  = 8
	bitOther    = 16 // a stage outside the funnel
	bitBallot   = 32 // a ballot in votes
)

// stageBits maps the funnel stages to their bits; a ballot also counts as
// the vote stage.
var stageBits = []struct {
	stage pbequity.Stage
	mask  int
}{
	{pbequity.StageProblem, bitProblem},
	{pbequity.StageSolution, bitSolution},
	{pbequity.StageVote, bitVote | bitBallot},
	{pbequity.StageMeeting, bitMeeting},
}

// AggregateStatements names the statements (*DB).Aggregates runs, each with
// the cycle id as its only parameter, so a benchmark can time the bare SQL.
var AggregateStatements = []string{"cycle", "participant_stages", "population_cells", "projects", "areas", "categories"}

// Statement returns the text of the embedded statement sql/name.sql.
func Statement(name string) (string, error) {
	b, err := sqlFS.ReadFile("sql/" + name + ".sql")
	if err != nil {
		return "", pbequity.Errorf(pbequity.ENOTFOUND, "no statement %q", name)
	}
	return string(b), nil
}

// stageCell is one row of participant_stages.sql: people of one area, gender
// and age band who took part in exactly the stages of the mask.
type stageCell struct {
	cell       pbequity.Cell
	registered bool
	stages     int
}

// participantStages runs participant_stages.sql.
func (d *DB) participantStages(ctx context.Context, cycleID string) ([]stageCell, error) {
	rows, err := d.db.QueryContext(ctx, statement("participant_stages"), cycleID)
	if err != nil {
		return nil, fmt.Errorf("participant stages: %w", translate(err))
	}
	defer rows.Close()
	var out []stageCell
	for rows.Next() {
		var s stageCell
		if err := rows.Scan(&s.cell.Area, &s.cell.Gender, &s.cell.AgeBand, &s.registered, &s.stages, &s.cell.N); err != nil {
			return nil, fmt.Errorf("participant stages: %w", translate(err))
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("participant stages: %w", translate(err))
	}
	return out, nil
}

// add fills the participant, voter and funnel counts from the rows of
// participant_stages.sql. It reports whether some participant took part in a
// stage outside the funnel.
func (a *peopleCounts) add(rows []stageCell) (other bool) {
	participants := map[cellKey]int64{}
	voters := map[cellKey]int64{}
	stages := map[pbequity.StageCount]int64{}
	for _, r := range rows {
		k := cellKey{r.cell.Area, r.cell.Gender, r.cell.AgeBand}
		if r.registered {
			participants[k] += r.cell.N
		}
		if r.stages&(bitVote|bitBallot) != 0 {
			voters[k] += r.cell.N
		}
		for _, sb := range stageBits {
			if r.stages&sb.mask != 0 {
				stages[pbequity.StageCount{Stage: sb.stage, Gender: r.cell.Gender}] += r.cell.N
			}
		}
		if r.stages&bitOther != 0 {
			other = true
		}
	}
	a.participants = sortedCells(participants)
	a.voters = sortedCells(voters)
	a.stages = make([]pbequity.StageCount, 0, len(stages))
	for k, n := range stages {
		k.N = n
		a.stages = append(a.stages, k)
	}
	sortStages(a.stages)
	return other
}

// peopleCounts is what participant_stages.sql reduces to.
type peopleCounts struct {
	participants, voters []pbequity.Cell
	stages               []pbequity.StageCount
}

type cellKey struct {
	area    string
	gender  pbequity.Gender
	ageBand string
}

func sortedCells(m map[cellKey]int64) []pbequity.Cell {
	out := make([]pbequity.Cell, 0, len(m))
	for k, n := range m {
		out = append(out, pbequity.Cell{Area: k.area, Gender: k.gender, AgeBand: k.ageBand, N: n})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Area != b.Area {
			return a.Area < b.Area
		}
		if a.Gender != b.Gender {
			return a.Gender < b.Gender
		}
		return a.AgeBand < b.AgeBand
	})
	return out
}

// sortStages orders stage counts by stage, then gender, as stage_counts.sql does.
func sortStages(s []pbequity.StageCount) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].Stage != s[j].Stage {
			return s[i].Stage < s[j].Stage
		}
		return s[i].Gender < s[j].Gender
	})
}

// people counts a cycle's registered participants, voters and funnel stages
// with one pass over its events and votes.
func (d *DB) people(ctx context.Context, cycleID string) (*peopleCounts, error) {
	rows, err := d.participantStages(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	var pc peopleCounts
	if pc.add(rows) {
		// Stages outside the funnel are rare (ingest refuses them): count
		// them with the general statement.
		all, err := d.StageCounts(ctx, cycleID)
		if err != nil {
			return nil, err
		}
		for _, s := range all {
			if !s.Stage.Valid() {
				pc.stages = append(pc.stages, s)
			}
		}
		sortStages(pc.stages)
	}
	return &pc, nil
}

// parallel runs fns concurrently, each on its own connection from the pool,
// and returns the first error in the order of fns.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { errs[i] = fn() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
