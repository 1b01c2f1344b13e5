package queries

import (
	"context"
	"fmt"
	"testing"

	"github.com/pbequity/pbequity"
)

// TestBulkRoundTrip loads rows through pbequity_bulk() — several blocks,
// empty values, columns empty in a whole block and values holding the
// separator — and reads them back as they were given.
func TestBulkRoundTrip(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if err := db.Write(ctx, "", func(w *Writer) error { return w.Cycle(pbequity.Cycle{ID: "c", Name: "c"}) }); err != nil {
		t.Fatal(err)
	}
	const n = 5000
	var votes []pbequity.Vote
	for i := range n {
		v := pbequity.Vote{CycleID: "c", ParticipantID: fmt.Sprintf("v%05d", i/2), ProjectID: fmt.Sprintf("p%d", i%7)}
		if i >= 4096 { // the third block has points and ranks
			v.Points, v.Rank = int64(i%5), i%3
		}
		switch i {
		case 10, 2047, 2048, 4999:
			v.ParticipantID = fmt.Sprintf("a\x1fb%d", i)
		}
		votes = append(votes, v)
	}
	var people []pbequity.Participant
	for i := range n / 2 {
		people = append(people, pbequity.Participant{CycleID: "c", ID: fmt.Sprintf("v%05d", i), Gender: pbequity.Female,
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
	var ages, extras int64
	if err := db.db.QueryRowContext(ctx, `SELECT count(age), count(*) FILTER (WHERE extra->>'note' = 'x'||chr(31)||'y')
		FROM participants`).Scan(&ages, &extras); err != nil {
		t.Fatal(err)
	}
	if ages != n/2-(n/2+89)/90 || extras != n/2 {
		t.Errorf("participants: %d ages, %d extras, want %d and %d", ages, extras, n/2-(n/2+89)/90, n/2)
	}
}
