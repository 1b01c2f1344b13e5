package queries

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pbequity/pbequity"
)

// TestBulkRoundTrip loads rows through the bulk path — several blocks,
// empty values, columns empty in a whole block and values holding the
// table-function path's separator — and reads them back as they were given.
func TestBulkRoundTrip(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if err := db.Write(ctx, "", func(w *Writer) error { return w.Cycle(pbequity.Cycle{ID: "c", Name: "c"}) }); err != nil {
		t.Fatal(err)
	}
	n := 2*blockRows + 904 // three blocks
	var votes []pbequity.Vote
	for i := range n {
		v := pbequity.Vote{CycleID: "c", ParticipantID: fmt.Sprintf("v%07d", i/2), ProjectID: fmt.Sprintf("p%d", i%7)}
		if i >= 2*blockRows { // the third block has points and ranks
			v.Points, v.Rank = int64(i%5), i%3
		}
		switch i {
		case 10, blockRows - 1, blockRows, n - 1:
			v.ParticipantID = fmt.Sprintf("a\x1fb%d", i)
		}
		votes = append(votes, v)
	}
	var people []pbequity.Participant
	for i := range n / 2 {
		people = append(people, pbequity.Participant{CycleID: "c", ID: fmt.Sprintf("v%07d", i), Gender: pbequity.Female,
			Age: i % 90, Extra: map[string]string{"note": "x\x1fy"}})
	}
	l := &Load{Dataset: Dataset{ID: "ds-test", CycleID: "c", Kind: "votes"}, Rows: Rows{Votes: votes, Participants: people}}
	if err := db.LoadAll(ctx, []*Load{l}, nil); err != nil {
		t.Fatal(err)
	}
	rows, err := db.db.QueryContext(ctx, "SELECT participant_id, project_id, points, rank, dataset_id FROM votes ORDER BY rowid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var pid, proj, ds string
		var points, rank *int64
		if err := rows.Scan(&pid, &proj, &points, &rank, &ds); err != nil {
			t.Fatal(err)
		}
		v := votes[i]
		var gotPoints, gotRank int64
		if points != nil {
			gotPoints = *points
		}
		if rank != nil {
			gotRank = *rank
		}
		if pid != v.ParticipantID || proj != v.ProjectID || gotPoints != v.Points || gotRank != int64(v.Rank) || ds != "ds-test" ||
			(points == nil) != (v.Points == 0) || (rank == nil) != (v.Rank == 0) {
			t.Fatalf("vote %d = %q %q %v %v %q, want %+v", i, pid, proj, points, rank, ds, v)
		}
	}
	if i != n {
		t.Errorf("read %d votes back, want %d", i, n)
	}
	var ages, extras int
	if err := db.db.QueryRowContext(ctx, `SELECT count(age), count(*) FILTER (WHERE extra->>'note' = 'x'||chr(31)||'y')
		FROM participants`).Scan(&ages, &extras); err != nil {
		t.Fatal(err)
	}
	if ages != n/2-(n/2+89)/90 || extras != n/2 {
		t.Errorf("participants: %d ages, %d extras, want %d and %d", ages, extras, n/2-(n/2+89)/90, n/2)
	}
}

// TestBulkTypes loads a row of every table with each kind of column set
// and unset, and reads them back with the types of the schema.
func TestBulkTypes(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if err := db.Write(ctx, "", func(w *Writer) error { return w.Cycle(pbequity.Cycle{ID: "c", Name: "c"}) }); err != nil {
		t.Fatal(err)
	}
	yes := true
	day := time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC)
	l := &Load{Dataset: Dataset{ID: "ds-t", CycleID: "c", Kind: "mixed"}, Rows: Rows{
		Projects: []pbequity.Project{
			{CycleID: "c", ID: "p1", Title: "پارک بانوان", Cost: 1_500_000_000, GenderMarker: 2, WomenShare: 0.75,
				Selected: &yes, Approved: 7, Extra: map[string]string{"محله": "ونک"}},
			{CycleID: "c", ID: "p2", Title: "t", Cost: 0, GenderMarker: pbequity.NotScreened, WomenShare: -1},
		},
		BudgetLines: []pbequity.BudgetLine{{CycleID: "c", ProjectID: "p1", LineNo: 3, Item: "نیمکت", Quantity: 2.5,
			UnitCost: 40, Amount: 100, GenderMarker: pbequity.NotScreened}},
		Participants:  []pbequity.Participant{{CycleID: "c", ID: "a", Gender: pbequity.Female, Age: 31, AgeBand: "30-44"}},
		Participation: []pbequity.Participation{{CycleID: "c", ParticipantID: "a", Stage: "problem", Date: day}, {CycleID: "c", ParticipantID: "a", Stage: "vote", ProjectID: "p1"}},
		Population:    []pbequity.PopulationCount{{CycleID: "c", Area: "d1", Gender: pbequity.Male, AgeBand: "18-29", Count: 1234}},
	}}
	if err := db.LoadAll(ctx, []*Load{l}, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ query, want string }{
		{`SELECT string_agg(concat_ws('|', project_id, title, cost, gender_marker, women_share, selected, approved, spent, extra->>'محله', dataset_id), ';' ORDER BY project_id) FROM projects`,
			"p1|پارک بانوان|1500000000|2|0.75|true|7|ونک|ds-t;p2|t|0|ds-t"},
		{`SELECT concat_ws('|', project_id, line_no, item, quantity, unit, unit_cost, amount, gender_marker) FROM budget_lines`, "p1|3|نیمکت|2.5|40|100"},
		{`SELECT concat_ws('|', participant_id, gender, age, age_band, area, extra) FROM participants`, "a|F|31|30-44"},
		{`SELECT string_agg(concat_ws('|', stage, project_id, date), ';' ORDER BY stage) FROM participation`, "problem|2024-03-20;vote|p1"},
		{`SELECT concat_ws('|', cycle_id, area, gender, age_band, count) FROM population`, "c|d1|M|18-29|1234"},
	} {
		var got string
		if err := db.db.QueryRowContext(ctx, c.query).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		if got != c.want {
			t.Errorf("%s\n got %q\nwant %q", c.query, got, c.want)
		}
	}
	// A row of another cycle than the load's is refused, and nothing of
	// the load stays.
	bad := &Load{Dataset: Dataset{ID: "ds-u", CycleID: "c", Kind: "votes"}, Rows: Rows{Votes: []pbequity.Vote{
		{CycleID: "c", ParticipantID: "a", ProjectID: "p1"}, {CycleID: "other", ParticipantID: "a", ProjectID: "p2"}}}}
	if err := db.LoadAll(ctx, []*Load{bad}, nil); err == nil || !strings.Contains(err.Error(), `"other"`) {
		t.Errorf("a vote of another cycle: err = %v", err)
	}
	var votes int
	if err := db.db.QueryRowContext(ctx, "SELECT count(*) FROM votes").Scan(&votes); err != nil || votes != 0 {
		t.Errorf("votes after the refused load: %d, %v", votes, err)
	}
}
