package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/queries"
)

// roundTripTables are the tables a Pabulib import fills, with the columns
// that differ between two imports of the same data.
var roundTripTables = []struct{ table, exclude string }{
	{"cycles", "cycle_id, id, dataset_id, created_at"},
	{"projects", "cycle_id, dataset_id"},
	{"participants", "cycle_id, dataset_id"},
	{"votes", "cycle_id, dataset_id"},
}

// tablesDiffer counts the rows of table in cycle a that are not in cycle b
// and the other way round (as multisets), ignoring the excluded columns.
func tablesDiffer(t *testing.T, db *queries.DB, table, exclude, a, b string) (int64, int64) {
	t.Helper()
	q := func(x, y string) int64 {
		n, err := db.QueryInt(context.Background(), fmt.Sprintf(`SELECT count(*) FROM (
			SELECT * EXCLUDE (%[2]s) FROM %[1]s WHERE cycle_id = ?
			EXCEPT ALL
			SELECT * EXCLUDE (%[2]s) FROM %[1]s WHERE cycle_id = ?)`, table, exclude), x, y)
		if err != nil {
			t.Fatalf("compare %s: %v", table, err)
		}
		return n
	}
	return q(a, b), q(b, a)
}

// TestExportPabulibRoundTrip imports every shared Pabulib file, exports the
// cycle back to .pb, imports that as a second cycle and checks that both
// cycles hold the same rows in every table.
func TestExportPabulibRoundTrip(t *testing.T) {
	files := sharedPabulibFiles(t)
	ctx := context.Background()
	db := tempDB(t)
	u := &uploader{db: db}
	out := t.TempDir()
	for i, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			a, b := fmt.Sprintf("rt-%d-a", i), fmt.Sprintf("rt-%d-b", i)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := u.Upload(ctx, pbequity.UploadRequest{CycleID: a, Role: "admin", Files: []pbequity.UploadFile{{Name: name, Body: bytes.NewReader(raw)}}}); err != nil {
				t.Fatalf("import: %v", err)
			}
			f, err := pabulibFile(ctx, db, a, newProgress(io.Discard, "export"))
			if err != nil {
				t.Fatalf("export: %v", err)
			}
			pb := filepath.Join(out, name)
			if err := writePabulib(pb, f); err != nil {
				t.Fatalf("encode: %v", err)
			}
			again, err := os.Open(pb)
			if err != nil {
				t.Fatal(err)
			}
			defer again.Close()
			if _, err := u.Upload(ctx, pbequity.UploadRequest{CycleID: b, Role: "admin", Files: []pbequity.UploadFile{{Name: name, Body: again}}}); err != nil {
				t.Fatalf("import of the export: %v", err)
			}
			for _, tc := range roundTripTables {
				n, _ := db.QueryInt(ctx, "SELECT count(*) FROM "+tc.table+" WHERE cycle_id = ?", a)
				if n == 0 {
					t.Errorf("%s: no rows imported", tc.table)
				}
				if onlyA, onlyB := tablesDiffer(t, db, tc.table, tc.exclude, a, b); onlyA != 0 || onlyB != 0 {
					t.Errorf("%s: %d rows only in the import, %d only in the re-import of the export", tc.table, onlyA, onlyB)
				}
			}
			// Ballots keep their order: the first voter's ballot reads the same.
			first := func(c string) string {
				var s string
				rows, _ := db.ExportVotes(ctx, c)
				for _, v := range rows {
					if v.ParticipantID != rows[0].ParticipantID {
						break
					}
					s += v.ProjectID + ","
				}
				return s
			}
			if fa, fb := first(a), first(b); fa != fb {
				t.Errorf("first ballot %q, after the round trip %q", fa, fb)
			}
		})
	}
}

// TestExportCommand runs pbequity export in every format on a demo cycle.
func TestExportCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.duckdb")
	db, err := queries.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := loadDemo(ctx, db, demoOptions(500), io.Discard); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	for _, table := range queries.ExportTables {
		want[table], _ = db.QueryInt(ctx, "SELECT count(*) FROM "+table+" WHERE cycle_id = 'tehran-1403'")
	}
	db.Close()
	export := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"export", "--db", path, "--cycle", "tehran-1403"}, args...), &out, io.Discard)
		return out.String(), err
	}
	// Pabulib: a cycle that did not come from a .pb file still exports.
	pb := filepath.Join(dir, "tehran.pb")
	if _, err := export("--format", "pabulib", "--out", pb); err != nil {
		t.Fatalf("pabulib: %v", err)
	}
	body, _ := os.ReadFile(pb)
	if !bytes.HasPrefix(body, []byte("META\nkey;value\n")) || !bytes.Contains(body, []byte("\nVOTES\nvoter_id;vote")) {
		t.Errorf("pabulib export starts %q", body[:min(len(body), 200)])
	}
	// CSV and Parquet: one file per table, every row of the cycle.
	for _, format := range []string{"csv", "parquet"} {
		out := filepath.Join(dir, format)
		if _, err := export("--format", format, "--out", out); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		db, err := queries.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range queries.ExportTables {
			file := filepath.Join(out, table+"."+format)
			read := "read_parquet"
			if format == "csv" {
				read = "read_csv"
				b, err := os.ReadFile(file)
				if err != nil || !bytes.HasPrefix(b, []byte("\ufeff")) || !strings.Contains(string(b[:min(len(b), 300)]), "cycle_id") {
					t.Errorf("%s: %v, starts %q; want a BOM and a header", file, err, b[:min(len(b), 40)])
				}
			}
			n, err := db.QueryInt(ctx, fmt.Sprintf("SELECT count(*) FROM %s('%s')", read, file))
			if err != nil || n != want[table] {
				t.Errorf("%s: %d rows (%v), want %d", file, n, err, want[table])
			}
		}
		if n, _ := db.QueryInt(ctx, fmt.Sprintf("SELECT count(*) FROM read_%s('%s') WHERE gender = 'F'", format, filepath.Join(out, "participants."+format))); n == 0 {
			t.Errorf("%s participants: no women", format)
		}
		db.Close()
	}
	for _, tc := range []struct {
		name string
		args []string
		code string
	}{
		{"unknown cycle", []string{"--cycle", "nope", "--format", "csv", "--out", filepath.Join(dir, "nope")}, pbequity.ENOTFOUND},
		{"bad cycle id", []string{"--cycle", "x'; DROP TABLE votes; --", "--format", "csv", "--out", filepath.Join(dir, "bad")}, pbequity.EINVALID},
		{"bad format", []string{"--format", "xml", "--out", filepath.Join(dir, "x.xml")}, pbequity.EINVALID},
		{"no out", []string{"--format", "csv"}, pbequity.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := export(tc.args...); pbequity.ErrorCode(err) != tc.code {
				t.Errorf("export %v: %v, want %s", tc.args, err, tc.code)
			}
		})
	}
	// A quote in the output path is quoted, not spliced.
	odd := filepath.Join(dir, "it's")
	if _, err := export("--format", "parquet", "--out", odd); err != nil {
		t.Errorf("path with a quote: %v", err)
	} else if _, err := os.Stat(filepath.Join(odd, "votes.parquet")); err != nil {
		t.Errorf("path with a quote: %v", err)
	}
}
