package queries

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pbequity/pbequity"
)

// spoolEverything makes db spool every load in chunks of about chunk bytes.
func spoolEverything(db *DB, chunk int64) {
	db.spoolMin, db.spoolChunk = 0, chunk
}

// spoolFiles lists the files left in db's spool directory.
func spoolFiles(t *testing.T, db *DB) []string {
	t.Helper()
	var files []string
	filepath.WalkDir(db.spool, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	return files
}

// awkward are values that CSV must carry unchanged.
var awkward = []string{
	`plain`, `comma, inside`, `"quoted"`, `say "hi", then`, "line\nbreak", "cr\r\nlf", "tab\tinside",
	" leading space", "trailing space ", "\ttab edge", `\N`, `NULL`, `null`, "\x1f", "باغ‌های شهری ۱۴۰۳", "، ٬ ٫",
	`back\slash\`, `""`, `"`, `,`, "x\"\n\"y",
}

// TestSpoolRoundTrip loads rows through spool files — several chunks, the
// cycle id changing inside a run, awkward text, NULLs, large amounts and
// dates — and reads them back as they were given.
func TestSpoolRoundTrip(t *testing.T) {
	db := openTest(t)
	spoolEverything(db, 4<<10)
	ctx := context.Background()
	for _, c := range []string{"c", "d"} {
		if err := db.Write(ctx, "", func(w *Writer) error { return w.Cycle(pbequity.Cycle{ID: c, Name: c}) }); err != nil {
			t.Fatal(err)
		}
	}
	const n = 3000
	var votes []pbequity.Vote
	var people []pbequity.Participant
	var events []pbequity.Participation
	day := time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC)
	for i := range n {
		cycle := "c"
		if i >= 1000 && i < 1500 || i == 2999 {
			cycle = "d"
		}
		text := awkward[i%len(awkward)]
		v := pbequity.Vote{CycleID: cycle, ParticipantID: fmt.Sprintf("v%05d %s", i, text), ProjectID: text}
		if i%3 == 0 {
			v.Points, v.Rank = int64(i)*1_000_000_000_007, i%7
		}
		if i == 1 {
			v.Points = -9_223_372_036_854_775_808
		}
		votes = append(votes, v)
		p := pbequity.Participant{CycleID: cycle, ID: fmt.Sprintf("p%05d", i), Gender: pbequity.Female, Age: i % 90, Area: text,
			AgeBand: "", Channel: "online"}
		if i%5 == 0 {
			p.Extra = map[string]string{"note": text, "k,\"": "v\n"}
		}
		people = append(people, p)
		e := pbequity.Participation{CycleID: cycle, ParticipantID: p.ID, Stage: "vote", ProjectID: text}
		if i%2 == 0 {
			e.Date = day.AddDate(0, 0, i)
		}
		events = append(events, e)
	}
	l := &Load{Dataset: Dataset{ID: "ds-spool", CycleID: "c", Kind: "votes"},
		Rows: Rows{Votes: votes, Participants: people, Participation: events}}
	if err := db.LoadAll(ctx, []*Load{l}, nil); err != nil {
		t.Fatal(err)
	}
	if files := spoolFiles(t, db); len(files) > 0 {
		t.Errorf("spool files left after the load: %v", files)
	}

	rows, err := db.db.QueryContext(ctx, "SELECT cycle_id, participant_id, project_id, points, rank, dataset_id FROM votes ORDER BY rowid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var cycle, pid, proj, ds string
		var points, rank *int64
		if err := rows.Scan(&cycle, &pid, &proj, &points, &rank, &ds); err != nil {
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
		if cycle != v.CycleID || pid != v.ParticipantID || proj != v.ProjectID || gotPoints != v.Points || gotRank != int64(v.Rank) ||
			ds != "ds-spool" || (points == nil) != (v.Points == 0) || (rank == nil) != (v.Rank == 0) {
			t.Fatalf("vote %d = %q %q %q %v %v %q, want %+v", i, cycle, pid, proj, points, rank, ds, v)
		}
	}
	if i != n {
		t.Errorf("read %d votes back, want %d", i, n)
	}

	prow, err := db.db.QueryContext(ctx, "SELECT cycle_id, participant_id, gender, age, age_band, area, channel, extra->>'note', extra->>'k,\"' FROM participants ORDER BY rowid")
	if err != nil {
		t.Fatal(err)
	}
	defer prow.Close()
	i = 0
	for ; prow.Next(); i++ {
		var cycle, id, gender, channel string
		var age *int64
		var band, area, note, k *string
		if err := prow.Scan(&cycle, &id, &gender, &age, &band, &area, &channel, &note, &k); err != nil {
			t.Fatal(err)
		}
		p := people[i]
		if cycle != p.CycleID || id != p.ID || gender != string(p.Gender) || (age == nil) != (p.Age == 0) || (age != nil && *age != int64(p.Age)) ||
			band != nil || area == nil || *area != p.Area || channel != p.Channel {
			t.Fatalf("participant %d = %q %q %q %v %v %v %q, want %+v", i, cycle, id, gender, age, band, area, channel, p)
		}
		if (note == nil) != (p.Extra == nil) || (note != nil && (*note != p.Extra["note"] || k == nil || *k != "v\n")) {
			t.Fatalf("participant %d extra = %v %v, want %v", i, note, k, p.Extra)
		}
	}
	if i != n {
		t.Errorf("read %d participants back, want %d", i, n)
	}

	erow, err := db.db.QueryContext(ctx, "SELECT cycle_id, participant_id, stage, project_id, date FROM participation ORDER BY rowid")
	if err != nil {
		t.Fatal(err)
	}
	defer erow.Close()
	i = 0
	for ; erow.Next(); i++ {
		var cycle, pid, stage, proj string
		var date *time.Time
		if err := erow.Scan(&cycle, &pid, &stage, &proj, &date); err != nil {
			t.Fatal(err)
		}
		e := events[i]
		if cycle != e.CycleID || pid != e.ParticipantID || stage != string(e.Stage) || proj != e.ProjectID ||
			(date == nil) != e.Date.IsZero() || (date != nil && !date.Equal(e.Date)) {
			t.Fatalf("participation %d = %q %q %q %q %v, want %+v", i, cycle, pid, stage, proj, date, e)
		}
	}
	if i != n {
		t.Errorf("read %d participation rows back, want %d", i, n)
	}
}

// TestSpoolFailureLeavesNothing loads spooled rows of which a late one
// breaks a constraint: nothing is loaded and no spool file is left.
func TestSpoolFailureLeavesNothing(t *testing.T) {
	db := openTest(t)
	spoolEverything(db, 2<<10)
	ctx := context.Background()
	if err := db.Write(ctx, "", func(w *Writer) error { return w.Cycle(pbequity.Cycle{ID: "c", Name: "c"}) }); err != nil {
		t.Fatal(err)
	}
	var votes []pbequity.Vote
	for i := range 2000 {
		votes = append(votes, pbequity.Vote{CycleID: "c", ParticipantID: fmt.Sprintf("v%d", i), ProjectID: "p1"})
	}
	votes[1500].ProjectID = "" // NULL in a NOT NULL column
	err := db.LoadAll(ctx, []*Load{{Dataset: Dataset{ID: "ds-bad", CycleID: "c", Kind: "votes"}, Rows: Rows{Votes: votes}}}, nil)
	if err == nil {
		t.Fatal("a vote without a project loaded")
	}
	if n, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes"); n != 0 {
		t.Errorf("%d votes after the failed load, want 0", n)
	}
	if files := spoolFiles(t, db); len(files) > 0 {
		t.Errorf("spool files left after the failed load: %v", files)
	}

	// Cancelled while streaming: the same.
	cctx, cancel := context.WithCancel(ctx)
	l := &Load{Dataset: Dataset{ID: "ds-cancel", CycleID: "c", Kind: "votes"}, Stream: func(emit func(*Rows) error) error {
		for i := range 50 {
			if i == 20 {
				cancel()
			}
			if err := emit(&Rows{Votes: votes[:1000]}); err != nil {
				return err
			}
		}
		return nil
	}}
	if err := db.LoadAll(cctx, []*Load{l}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled load = %v, want context.Canceled", err)
	}
	if n, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes"); n != 0 {
		t.Errorf("%d votes after the cancelled load, want 0", n)
	}
	if files := spoolFiles(t, db); len(files) > 0 {
		t.Errorf("spool files left after the cancelled load: %v", files)
	}
}

// TestSpoolStaleFilesRemoved reopens a database whose spool directory
// holds what a killed process left: the files are gone.
func TestSpoolStaleFilesRemoved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stale.duckdb")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	stale := filepath.Join(path+".spool", "votes-123", "chunk-1.csv")
	if err := os.MkdirAll(filepath.Dir(stale), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("c,v,p,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale spool file after Open: %v", err)
	}
}

// TestSpoolAfterSandbox loads spooled rows after the sandbox has locked
// the database, and checks that ad hoc SQL cannot name the spool
// directory.
func TestSpoolAfterSandbox(t *testing.T) {
	db := openTest(t)
	spoolEverything(db, 2<<10)
	ctx := context.Background()
	sb, err := db.Sandbox(ctx, SandboxOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Write(ctx, "", func(w *Writer) error { return w.Cycle(pbequity.Cycle{ID: "c", Name: "c"}) }); err != nil {
		t.Fatal(err)
	}
	var votes []pbequity.Vote
	for i := range 1000 {
		votes = append(votes, pbequity.Vote{CycleID: "c", ParticipantID: fmt.Sprintf("v%d", i), ProjectID: "p1"})
	}
	if err := db.LoadAll(ctx, []*Load{{Dataset: Dataset{ID: "ds-1", CycleID: "c", Kind: "votes"}, Rows: Rows{Votes: votes}}}, nil); err != nil {
		t.Fatalf("spooled load after the sandbox: %v", err)
	}
	if n, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes"); n != 1000 {
		t.Errorf("%d votes, want 1000", n)
	}
	// A chunk in flight, as an analyst would look for it.
	dir := filepath.Join(db.spool, "votes-1")
	os.MkdirAll(dir, 0o700)
	chunk := filepath.Join(dir, "chunk-1.csv")
	if err := os.WriteFile(chunk, []byte("v,p,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"SELECT * FROM read_csv('" + chunk + "')",
		"SELECT * FROM '" + chunk + "'",
		"SELECT * FROM read_csv('" + db.spool + "/*/*.csv')",
		"SELECT * FROM glob('" + db.spool + "/**')",
		"SELECT * FROM read_text('" + filepath.Base(db.spool) + "/votes-1/chunk-1.csv')",
		"SELECT * FROM read_csv('" + filepath.Dir(db.spool) + "/" + filepath.Base(db.spool) + "/votes-1/chunk-1.csv')",
		"select * from READ_CSV('" + filepath.Dir(db.spool) + "/TEST.DUCKDB.SPOOL/votes-1/chunk-1.csv')",
	} {
		_, err := sb.Run(ctx, Request{SQL: q}, &collect{})
		if !isRefused(err) {
			t.Errorf("Run(%s) = %v, want refused", q, err)
		}
	}
	// Without its name, the directory cannot be found: a glob above it is
	// outside what DuckDB lets through, and the settings that show the name
	// are refused.
	base := filepath.Base(db.spoolBase)
	for _, q := range []string{
		"SELECT * FROM read_csv('" + filepath.Dir(db.spoolBase) + "/*/*/*/*.csv')",
		"SELECT * FROM read_csv(concat('" + filepath.Dir(db.spoolBase) + "/" + base[:len(base)-3] + "', '" + base[len(base)-3:] + "/*/*/*.csv'))",
	} {
		if _, err := sb.Run(ctx, Request{SQL: q}, &collect{}); err == nil {
			t.Errorf("Run(%s) read files", q)
		}
	}
	for _, q := range []string{
		"SELECT current_setting('allowed_directories')",
		"SELECT value FROM DuckDB_Settings() WHERE name = 'allowed_directories'",
		"SELECT current_setting(concat('allowed_', 'directories'))",
	} {
		if _, err := sb.Run(ctx, Request{SQL: q}, &collect{}); !isRefused(err) {
			t.Errorf("Run(%s) = %v, want refused", q, err)
		}
	}
	// Elsewhere, files stay out of reach.
	other := filepath.Join(t.TempDir(), "x.csv")
	os.WriteFile(other, []byte("a\n1\n"), 0o600)
	if _, err := sb.Run(ctx, Request{SQL: "SELECT * FROM read_csv('" + other + "')"}, &collect{}); err == nil {
		t.Errorf("read_csv of %s ran in the sandbox", other)
	}
}

// isRefused reports whether err is the sandbox's refusal of the spool
// directory.
func isRefused(err error) bool {
	var pe *pbequity.Error
	return errors.As(err, &pe) && pe.Code == pbequity.EINVALID && strings.Contains(pe.Message, "uploads in progress")
}
