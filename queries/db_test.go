package queries

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/pbequity/pbequity"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.duckdb"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestStatementsPrepare prepares every embedded statement against a migrated
// database, so a broken query fails the build's tests.
func TestStatementsPrepare(t *testing.T) {
	db := openTest(t)
	names := Statements()
	if len(names) < 5 {
		t.Fatalf("Statements() = %v, want the embedded files", names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			st, err := db.db.PrepareContext(context.Background(), statement(name))
			if err != nil {
				t.Fatalf("prepare %s: %v", name, err)
			}
			st.Close()
		})
	}
}

func TestMigrateTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "twice.duckdb")
	files, _ := fs.Glob(schemaFS, "schema/*.sql")
	if len(files) < 2 {
		t.Fatalf("schema files = %v", files)
	}
	for i := 0; i < 2; i++ {
		db, err := Open(context.Background(), path)
		if err != nil {
			t.Fatalf("Open #%d: %v", i, err)
		}
		var n int
		if err := db.db.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != len(files) {
			t.Errorf("schema_migrations has %d rows after open #%d, want %d", n, i, len(files))
		}
		db.Close()
	}
}

func TestWriteRollsBackOnError(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := db.Write(ctx, "", func(w *Writer) error {
		if err := w.Cycle(pbequity.Cycle{ID: "c1", Name: "one", Budget: 10}); err != nil {
			return err
		}
		for i := 0; i < 100000; i++ {
			if err := w.Vote(pbequity.Vote{CycleID: "c1", ParticipantID: "p", ProjectID: "x"}); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want boom", err)
	}
	var cycles, votes int
	db.db.QueryRow("SELECT count(*) FROM cycles").Scan(&cycles)
	db.db.QueryRow("SELECT count(*) FROM votes").Scan(&votes)
	if cycles != 0 || votes != 0 {
		t.Errorf("after a failed write: %d cycles, %d votes; want none", cycles, votes)
	}
}

func TestWriteCancelledContext(t *testing.T) {
	db := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := db.Write(ctx, "", func(w *Writer) error {
		for i := 0; i < 300000; i++ {
			if i == 150000 {
				cancel()
			}
			if err := w.Vote(pbequity.Vote{CycleID: "c1", ParticipantID: "p", ProjectID: "x"}); err != nil {
				return err
			}
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Write = %v, want context.Canceled", err)
	}
	var votes int
	db.db.QueryRow("SELECT count(*) FROM votes").Scan(&votes)
	if votes != 0 {
		t.Errorf("after a cancelled write: %d votes, want 0", votes)
	}
}

func TestWriteAndAggregate(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	yes, no := true, false
	err := db.Write(ctx, "d1", func(w *Writer) error {
		steps := []error{
			w.Cycle(pbequity.Cycle{ID: "c1", Name: "چرخه", FiscalYear: 1403, Budget: 100}),
			w.Area(pbequity.Area{CycleID: "c1", ID: "d1", Level: pbequity.LevelDistrict, NameFa: "منطقه ۱"}),
			w.Category(pbequity.Category{CycleID: "c1", ID: "health", NameFa: "سلامت", NameEn: "Health"}),
			w.Project(pbequity.Project{CycleID: "c1", ID: "p1", Title: "پارک", Cost: 60, Area: "d1", Category: "health", GenderMarker: 2, WomenShare: 0.6, Selected: &yes,
				Extra: map[string]string{"title_en": "Park", "votes": "2"}}),
			w.Project(pbequity.Project{CycleID: "c1", ID: "p2", Title: "جاده", Cost: 70, Area: "d1", GenderMarker: pbequity.NotScreened, WomenShare: -1, Selected: &no}),
			w.Participant(pbequity.Participant{CycleID: "c1", ID: "a", Gender: pbequity.Female, Age: 30, AgeBand: "30-44", Area: "d1"}),
			w.Participant(pbequity.Participant{CycleID: "c1", ID: "b", Gender: pbequity.Male, Area: "d1"}),
			w.Participation(pbequity.Participation{CycleID: "c1", ParticipantID: "a", Stage: pbequity.StageProblem}),
			w.Vote(pbequity.Vote{CycleID: "c1", ParticipantID: "a", ProjectID: "p1"}),
			w.Vote(pbequity.Vote{CycleID: "c1", ParticipantID: "b", ProjectID: "p1"}),
			w.Vote(pbequity.Vote{CycleID: "c1", ParticipantID: "b", ProjectID: "p2"}),
			w.Population(pbequity.PopulationCount{CycleID: "c1", Area: "d1", Gender: pbequity.Female, AgeBand: "30-44", Count: 50}),
		}
		return errors.Join(steps...)
	})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	cs, err := db.Cycles(ctx)
	if err != nil || len(cs) != 1 {
		t.Fatalf("Cycles = %v, %v", cs, err)
	}
	c := cs[0]
	if c.Participants != 2 || c.Women != 1 || c.Men != 1 || c.Voters != 2 || c.Projects != 2 || c.Funded != 1 || c.Allocated != 60 {
		t.Errorf("summary = %+v", c)
	}
	a, err := db.Aggregates(ctx, "c1")
	if err != nil {
		t.Fatalf("Aggregates: %v", err)
	}
	want := map[pbequity.StageCount]bool{
		{Stage: pbequity.StageProblem, Gender: pbequity.Female, N: 1}: true,
		{Stage: pbequity.StageVote, Gender: pbequity.Female, N: 1}:    true,
		{Stage: pbequity.StageVote, Gender: pbequity.Male, N: 1}:      true,
	}
	if len(a.Stages) != len(want) {
		t.Errorf("Stages = %v, want %v", a.Stages, want)
	}
	for _, s := range a.Stages {
		if !want[s] {
			t.Errorf("unexpected stage count %+v", s)
		}
	}
	if len(a.Projects) != 2 || a.Projects[0].GenderMarker != 2 || a.Projects[1].GenderMarker != pbequity.NotScreened ||
		a.Projects[1].WomenShare != -1 || a.Projects[0].Selected == nil || !*a.Projects[0].Selected {
		t.Errorf("Projects = %+v", a.Projects)
	}
	if a.Projects[0].Extra["title_en"] != "Park" || a.Projects[0].Extra["votes"] != "2" {
		t.Errorf("project extra = %v, want it back", a.Projects[0].Extra)
	}
	if v, err := db.QueryInt(ctx, "SELECT (extra->>'votes')::INTEGER FROM projects WHERE project_id = 'p1'"); err != nil || v != 2 {
		t.Errorf("extra->>'votes' = %d, %v; want 2 (a JSON object, not a string)", v, err)
	}
	if len(a.Voters) != 2 || len(a.Population) != 1 || a.Population[0].N != 50 {
		t.Errorf("Voters = %v, Population = %v", a.Voters, a.Population)
	}
	if _, err := db.Cycle(ctx, "nope"); pbequity.ErrorCode(err) != pbequity.ENOTFOUND {
		t.Errorf("Cycle(nope) = %v, want ENOTFOUND", err)
	}
}
