package queries

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/pbequity/pbequity"
)

// Reference statements: the plain (slow) definitions of the counts that
// participant_stages.sql computes in one pass.
const (
	refStageCounts = `WITH ev AS (
    SELECT participant_id, stage FROM participation WHERE cycle_id = $1
    UNION
    SELECT DISTINCT participant_id, 'vote' FROM votes WHERE cycle_id = $1
)
SELECT ev.stage, coalesce(p.gender, 'U') AS gender, count(*) AS n
FROM ev LEFT JOIN participants p ON p.cycle_id = $1 AND p.participant_id = ev.participant_id
GROUP BY ALL ORDER BY 1, 2`
	refParticipantCells = `SELECT coalesce(area, '') AS area, gender, coalesce(age_band, '') AS age_band, count(*) AS n
FROM participants WHERE cycle_id = $1 GROUP BY ALL ORDER BY 1, 2, 3`
	refVoterCells = `WITH voters AS (
    SELECT participant_id FROM votes WHERE cycle_id = $1
    UNION
    SELECT participant_id FROM participation WHERE cycle_id = $1 AND stage = 'vote'
)
SELECT coalesce(p.area, '') AS area, coalesce(p.gender, 'U') AS gender, coalesce(p.age_band, '') AS age_band, count(*) AS n
FROM voters v LEFT JOIN participants p ON p.cycle_id = $1 AND p.participant_id = v.participant_id
GROUP BY ALL ORDER BY 1, 2, 3`
	refVoters = `SELECT count(DISTINCT participant_id) FROM votes WHERE cycle_id = $1`
)

// TestAggregatesMatchReference loads two cycles with the awkward cases (a
// ballot without a vote event and the reverse, repeated events, a voter
// with no participants row, a participant with no events, a stage outside
// the funnel, rows of another cycle) and checks that Aggregates and Cycle
// agree with the plain SQL definitions.
func TestAggregatesMatchReference(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	err := db.Write(ctx, "d1", func(w *Writer) error {
		var steps []error
		add := func(err error) { steps = append(steps, err) }
		for _, c := range []string{"c1", "c2"} {
			add(w.Cycle(pbequity.Cycle{ID: c, Name: c, FiscalYear: 1403, Budget: 100}))
			add(w.Project(pbequity.Project{CycleID: c, ID: "p1", Title: "t", Cost: 10, GenderMarker: pbequity.NotScreened, WomenShare: -1}))
			add(w.Project(pbequity.Project{CycleID: c, ID: "p2", Title: "t", Cost: 20, GenderMarker: pbequity.NotScreened, WomenShare: -1}))
		}
		people := []pbequity.Participant{
			{CycleID: "c1", ID: "a", Gender: pbequity.Female, AgeBand: "30-44", Area: "d1"}, // ballot and vote event
			{CycleID: "c1", ID: "b", Gender: pbequity.Male, Area: "d1"},                     // ballot only
			{CycleID: "c1", ID: "c", Gender: pbequity.Female, AgeBand: "18-29", Area: "d2"}, // vote event only
			{CycleID: "c1", ID: "d", Gender: pbequity.Other},                                // no events at all
			{CycleID: "c1", ID: "e", Gender: pbequity.Unknown, Area: "d2"},                  // problem twice, meeting
			{CycleID: "c2", ID: "a", Gender: pbequity.Male, Area: "d9"},                     // same id, other cycle
		}
		for _, p := range people {
			add(w.Participant(p))
		}
		events := []pbequity.Participation{
			{CycleID: "c1", ParticipantID: "a", Stage: pbequity.StageVote},
			{CycleID: "c1", ParticipantID: "a", Stage: pbequity.StageProblem},
			{CycleID: "c1", ParticipantID: "c", Stage: pbequity.StageVote},
			{CycleID: "c1", ParticipantID: "c", Stage: pbequity.StageSolution},
			{CycleID: "c1", ParticipantID: "e", Stage: pbequity.StageProblem, ProjectID: "p1"},
			{CycleID: "c1", ParticipantID: "e", Stage: pbequity.StageProblem, ProjectID: "p2"},
			{CycleID: "c1", ParticipantID: "e", Stage: pbequity.StageMeeting},
			{CycleID: "c1", ParticipantID: "e", Stage: "workshop"},            // outside the funnel
			{CycleID: "c1", ParticipantID: "x", Stage: pbequity.StageMeeting}, // not registered
			{CycleID: "c2", ParticipantID: "a", Stage: pbequity.StageVote},
		}
		for _, e := range events {
			add(w.Participation(e))
		}
		votes := []pbequity.Vote{
			{CycleID: "c1", ParticipantID: "a", ProjectID: "p1"},
			{CycleID: "c1", ParticipantID: "a", ProjectID: "p2"},
			{CycleID: "c1", ParticipantID: "b", ProjectID: "p2"},
			{CycleID: "c1", ParticipantID: "y", ProjectID: "p1"}, // not registered
			{CycleID: "c1", ParticipantID: "y", ProjectID: "p2"},
			{CycleID: "c2", ParticipantID: "a", ProjectID: "p1"},
			{CycleID: "c2", ParticipantID: "z", ProjectID: "p1"},
		}
		for _, v := range votes {
			add(w.Vote(v))
		}
		return errors.Join(steps...)
	})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	for _, cycle := range []string{"c1", "c2"} {
		t.Run(cycle, func(t *testing.T) {
			a, err := db.Aggregates(ctx, cycle)
			if err != nil {
				t.Fatalf("Aggregates(%s): %v", cycle, err)
			}
			if got, want := a.Stages, refStages(t, db, cycle); !reflect.DeepEqual(got, want) {
				t.Errorf("Stages = %v, want %v", got, want)
			}
			if got, want := a.Participants, refCells(t, db, refParticipantCells, cycle); !reflect.DeepEqual(got, want) {
				t.Errorf("Participants = %v, want %v", got, want)
			}
			if got, want := a.Voters, refCells(t, db, refVoterCells, cycle); !reflect.DeepEqual(got, want) {
				t.Errorf("Voters = %v, want %v", got, want)
			}
			if a.Cycle.ID != cycle || len(a.Projects) != 2 {
				t.Errorf("Aggregates(%s): cycle %q, %d projects", cycle, a.Cycle.ID, len(a.Projects))
			}
			s, err := db.Cycle(ctx, cycle)
			if err != nil {
				t.Fatalf("Cycle(%s): %v", cycle, err)
			}
			voters, _ := db.QueryInt(ctx, refVoters, cycle)
			if s.ID != cycle || s.Voters != voters || s.Projects != 2 {
				t.Errorf("Cycle(%s) = %+v, want %d voters", cycle, s, voters)
			}
		})
	}
	// Hand-checked figures of c1, so a wrong reference cannot hide a bug.
	a, _ := db.Aggregates(ctx, "c1")
	count := func(stage pbequity.Stage, g pbequity.Gender) int64 {
		for _, s := range a.Stages {
			if s.Stage == stage && s.Gender == g {
				return s.N
			}
		}
		return 0
	}
	for _, tc := range []struct {
		stage pbequity.Stage
		g     pbequity.Gender
		want  int64
	}{
		{pbequity.StageVote, pbequity.Female, 2}, {pbequity.StageVote, pbequity.Male, 1}, {pbequity.StageVote, pbequity.Unknown, 1},
		{pbequity.StageProblem, pbequity.Unknown, 1}, {pbequity.StageProblem, pbequity.Female, 1},
		{pbequity.StageMeeting, pbequity.Unknown, 2}, {"workshop", pbequity.Unknown, 1}, {pbequity.StageSolution, pbequity.Female, 1},
	} {
		if got := count(tc.stage, tc.g); got != tc.want {
			t.Errorf("stage %s gender %s = %d, want %d", tc.stage, tc.g, got, tc.want)
		}
	}
	all, err := db.Cycles(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("Cycles = %v, %v", all, err)
	}
	for _, s := range all {
		one, err := db.Cycle(ctx, s.ID)
		if err != nil || !reflect.DeepEqual(*one, s) {
			t.Errorf("Cycle(%s) = %+v, %v; Cycles has %+v", s.ID, one, err, s)
		}
	}
	for _, id := range []string{"", "nope"} {
		if _, err := db.Cycle(ctx, id); pbequity.ErrorCode(err) != pbequity.ENOTFOUND {
			t.Errorf("Cycle(%q) = %v, want ENOTFOUND", id, err)
		}
		if _, err := db.Aggregates(ctx, id); pbequity.ErrorCode(err) != pbequity.ENOTFOUND {
			t.Errorf("Aggregates(%q) = %v, want ENOTFOUND", id, err)
		}
	}
}

// TestAggregateStatements checks that every statement a benchmark times as
// the bare aggregation SQL exists and takes the cycle id.
func TestAggregateStatements(t *testing.T) {
	db := openTest(t)
	for _, name := range AggregateStatements {
		q, err := Statement(name)
		if err != nil {
			t.Fatalf("Statement(%s): %v", name, err)
		}
		if _, err := db.Drain(context.Background(), q, "c1"); err != nil {
			t.Errorf("Drain(%s): %v", name, err)
		}
	}
	if _, err := Statement("nope"); pbequity.ErrorCode(err) != pbequity.ENOTFOUND {
		t.Errorf("Statement(nope) = %v, want ENOTFOUND", err)
	}
}

func refStages(t *testing.T, db *DB, cycle string) []pbequity.StageCount {
	t.Helper()
	rows, err := db.db.Query(refStageCounts, cycle)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []pbequity.StageCount{}
	for rows.Next() {
		var s pbequity.StageCount
		if err := rows.Scan(&s.Stage, &s.Gender, &s.N); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func refCells(t *testing.T, db *DB, query, cycle string) []pbequity.Cell {
	t.Helper()
	rows, err := db.db.Query(query, cycle)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []pbequity.Cell{}
	for rows.Next() {
		var c pbequity.Cell
		if err := rows.Scan(&c.Area, &c.Gender, &c.AgeBand, &c.N); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}
