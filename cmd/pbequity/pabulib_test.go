package main

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/analytics/rules"
	"github.com/pbequity/pbequity/ingest/pabulib"
	"github.com/pbequity/pbequity/internal/shareddata"
	"github.com/pbequity/pbequity/queries"
	"github.com/pbequity/pbequity/reports"
)

// sharedPabulib returns the shared Pabulib folder beside the project, or
// skips the test when a fresh clone has none.

// sharedPabulibFiles returns the shared .pb files, or skips like sharedPabulib.
func sharedPabulibFiles(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(shareddata.PabulibDir(t), "*.pb"))
	if len(files) == 0 {
		t.Fatal("no .pb files")
	}
	return files
}

// tempDB opens a fresh DuckDB file, closed when the test ends.
func tempDB(t *testing.T) *queries.DB {
	t.Helper()
	db, err := queries.Open(context.Background(), filepath.Join(t.TempDir(), "test.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestPabulibThroughTheDatabase loads every shared Pabulib file through the
// real upload path into one DuckDB file, then checks counts against SQL and
// audits the official outcome with the city's own rule.
func TestPabulibThroughTheDatabase(t *testing.T) {
	files := sharedPabulibFiles(t)
	ctx := context.Background()
	db := tempDB(t)
	u := &uploader{db: db}
	for _, path := range files {
		name := filepath.Base(path)
		id := pabulibCycleID(name)
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := u.Upload(ctx, pbequity.UploadRequest{CycleID: id, Role: "admin", Files: []pbequity.UploadFile{{Name: name, Body: bytes.NewReader(raw)}}})
			if err != nil {
				t.Fatalf("upload: %v", err)
			}
			// Voters and vote rows in the database equal those of the file text.
			wantVoters, wantVotes := countVotes(string(raw))
			voters, _ := db.QueryInt(ctx, "SELECT count(*) FROM participants WHERE cycle_id = ?", id)
			votes, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes WHERE cycle_id = ?", id)
			if voters != int64(wantVoters) || votes != int64(wantVotes) {
				t.Errorf("db has %d voters, %d vote rows; file has %d, %d", voters, votes, wantVoters, wantVotes)
			}
			if res.Rows == 0 || res.Datasets[0].SHA256 == "" {
				t.Errorf("upload result %+v", res)
			}
			// The same file again is refused and changes nothing.
			if _, err := u.Upload(ctx, pbequity.UploadRequest{CycleID: id, Files: []pbequity.UploadFile{{Name: name, Body: bytes.NewReader(raw)}}}); pbequity.ErrorCode(err) != pbequity.ECONFLICT {
				t.Errorf("re-upload: %v, want a conflict", err)
			}
			if again, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes WHERE cycle_id = ?", id); again != votes {
				t.Errorf("re-upload changed the votes: %d → %d", votes, again)
			}
			// The city's own rule reproduces the recorded outcome.
			b, err := db.Ballots(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			// The second read comes from ballot_cache and is the same.
			cached, err := db.Ballots(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cached.Voters, b.Voters) || !reflect.DeepEqual(cached.Ballot, b.Ballot) || !reflect.DeepEqual(cached.Points, b.Points) {
				t.Errorf("cached ballots differ from computed ones")
			}
			// Ballots packed by DuckDB give the scores of the file's own rows.
			pf, err := pabulib.Decode(bytes.NewReader(raw), name, id)
			if err != nil {
				t.Fatal(err)
			}
			direct, err := rules.FromVotes(pf.Cycle, pf.Projects, pf.Votes)
			if err != nil {
				t.Fatal(err)
			}
			packed, err := rules.FromBallots(b)
			if err != nil {
				t.Fatal(err)
			}
			// Project order may differ (file order, id order): compare scores by id.
			ds, ps := map[string]int64{}, map[string]int64{}
			for j, s := range direct.Scores() {
				ds[direct.ProjectIDs[j]] = s
			}
			for j, s := range packed.Scores() {
				ps[packed.ProjectIDs[j]] = s
			}
			if !maps.Equal(ds, ps) || len(direct.Ballots) != len(packed.Ballots) {
				t.Errorf("scores from the database %v, from the file %v (%d vs %d ballots)", ps, ds, len(packed.Ballots), len(direct.Ballots))
			}
			people, err := db.Participants(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			o, err := reports.OutcomeOf(b, people, "", "", 5)
			if err != nil {
				t.Fatalf("outcome: %v", err)
			}
			recorded, _ := db.QueryInt(ctx, "SELECT count(selected) FROM projects WHERE cycle_id = ?", id)
			if recorded == 0 {
				if o.Audit != nil {
					t.Errorf("audit %+v on a file without selected", o.Audit)
				}
				return
			}
			if o.Audit == nil || !o.Audit.Matches {
				t.Errorf("rule %s: audit %+v, want a match", o.Rule, o.Audit)
			}
			funded, _ := db.QueryInt(ctx, "SELECT count(*) FROM projects WHERE cycle_id = ? AND selected", id)
			if int64(len(o.Funded)) != funded {
				t.Errorf("rule %s funds %d projects, officially %d", o.Rule, len(o.Funded), funded)
			}
		})
	}
}

// countVotes counts the voters and vote rows of a .pb file's VOTES section
// from its text: the vote column is a comma-separated list.
func countVotes(text string) (voters, votes int) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	in, col := false, -1
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if strings.EqualFold(l, "VOTES") {
			in = true
			i++
			for j, h := range strings.Split(lines[i], ";") {
				if strings.TrimSpace(h) == "vote" {
					col = j
				}
			}
			continue
		}
		if !in || l == "" {
			continue
		}
		voters++
		f := strings.Split(l, ";")
		if col >= 0 && col < len(f) && strings.Trim(f[col], `" `) != "" {
			votes += len(strings.Split(strings.Trim(f[col], `" `), ","))
		}
	}
	return voters, votes
}
