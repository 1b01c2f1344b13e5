package queries

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/ingest/demo"
)

// collect is a Sink keeping everything.
type collect struct {
	names, types []string
	rows         [][]any
}

func (c *collect) Header(names, types []string) error {
	c.names, c.types = names, types
	return nil
}

func (c *collect) Row(v []any) error {
	c.rows = append(c.rows, append([]any(nil), v...))
	return nil
}

// loadTestDemo fills db with the demo city of n participants.
func loadTestDemo(t *testing.T, db *DB, n int) {
	t.Helper()
	err := db.Write(context.Background(), "demo", func(w *Writer) error {
		for _, id := range demo.CycleIDs {
			if err := w.DeleteCycle(id); err != nil {
				return err
			}
		}
		if err := demo.Generate(w, demo.Options{Participants: n, Seed: 7}); err != nil {
			return err
		}
		return w.Dataset(Dataset{ID: "demo", Kind: "demo", FileName: "built-in demo", Rows: w.Rows(), Role: "admin"})
	})
	if err != nil {
		t.Fatalf("load demo: %v", err)
	}
}

// counts returns the row count of every table.
func counts(t *testing.T, db *DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, tbl := range []string{"cycles", "areas", "population", "categories", "projects", "budget_lines", "participants", "participation", "votes", "datasets", "tokens", "schema_migrations"} {
		n, err := db.QueryInt(context.Background(), "SELECT count(*) FROM "+tbl)
		if err != nil {
			t.Fatalf("count %s: %v", tbl, err)
		}
		out[tbl] = n
	}
	return out
}

// sandboxTest is a demo database with files nearby that the sandbox must
// not reach, locked into a sandbox.
type sandboxTest struct {
	db      *DB
	sb      *Sandbox
	dir     string
	csv     string
	parquet string
}

func newSandboxTest(t *testing.T, opt SandboxOptions) *sandboxTest {
	t.Helper()
	ctx := context.Background()
	st := &sandboxTest{dir: t.TempDir()}
	var err error
	st.db, err = Open(ctx, filepath.Join(st.dir, "sandbox.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.db.Close() })
	loadTestDemo(t, st.db, 2000)
	st.csv = filepath.Join(st.dir, "secret.csv")
	if err := os.WriteFile(st.csv, []byte("secret\nhunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A Parquet file written while the database is still open to files.
	st.parquet = filepath.Join(st.dir, "secret.parquet")
	if _, err := st.db.db.ExecContext(ctx, "COPY (SELECT 'hunter2' AS secret) TO "+quote(st.parquet)+" (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	st.sb, err = st.db.Sandbox(ctx, opt)
	if err != nil {
		t.Fatalf("Sandbox: %v", err)
	}
	return st
}

func (st *sandboxTest) run(sql string) (*collect, Stats, error) {
	c := &collect{}
	s, err := st.sb.Run(context.Background(), Request{SQL: sql, Params: map[string]any{"cycle": "tehran-1403"}}, c)
	return c, s, err
}

func TestSandboxRefuses(t *testing.T) {
	st := newSandboxTest(t, SandboxOptions{Timeout: time.Second})
	before := counts(t, st.db)
	out := filepath.Join(st.dir, "out.csv")
	cases := []struct{ name, sql string }{
		{"read_csv", "SELECT * FROM read_csv(" + quote(st.csv) + ")"},
		{"read_csv_auto", "SELECT * FROM read_csv_auto(" + quote(st.csv) + ")"},
		{"replacement scan", "SELECT * FROM " + quote(st.csv)},
		{"read_text", "SELECT * FROM read_text(" + quote(st.csv) + ")"},
		{"read_text etc", "SELECT content FROM read_text('/etc/passwd')"},
		{"read_blob", "SELECT * FROM read_blob(" + quote(st.csv) + ")"},
		{"glob", "SELECT * FROM glob(" + quote(st.dir+"/*") + ")"},
		{"read_parquet", "SELECT * FROM read_parquet(" + quote(st.parquet) + ")"},
		{"parquet_metadata", "SELECT * FROM parquet_metadata(" + quote(st.parquet) + ")"},
		{"read_json", "SELECT * FROM read_json(" + quote(st.csv) + ")"},
		{"http", "SELECT * FROM read_csv('https://example.com/x.csv')"},
		{"copy to", "COPY votes TO " + quote(out)},
		{"copy query to", "COPY (SELECT * FROM votes) TO " + quote(out) + " (FORMAT parquet)"},
		{"copy from", "COPY votes FROM " + quote(st.csv)},
		{"export database", "EXPORT DATABASE " + quote(filepath.Join(st.dir, "export"))},
		{"import database", "IMPORT DATABASE " + quote(st.dir)},
		{"attach", "ATTACH " + quote(filepath.Join(st.dir, "other.duckdb")) + " AS other"},
		{"attach memory", "ATTACH ':memory:' AS mem"},
		{"detach", "DETACH sandbox"},
		{"use", "USE memory"},
		{"install", "INSTALL httpfs"},
		{"force install", "FORCE INSTALL spatial"},
		{"load", "LOAD parquet"},
		{"set", "SET enable_external_access = true"},
		{"set lock", "SET lock_configuration = false"},
		{"set memory", "SET memory_limit = '100TB'"},
		{"set variable", "SET VARIABLE x = 1"},
		{"reset", "RESET memory_limit"},
		{"pragma", "PRAGMA enable_profiling"},
		{"pragma table_info", "PRAGMA table_info('votes')"},
		{"call", "CALL pragma_table_info('votes')"},
		{"checkpoint", "CHECKPOINT"},
		{"vacuum", "VACUUM votes"},
		{"create table", "CREATE TABLE x AS SELECT 1"},
		{"create temp table", "CREATE TEMP TABLE x (a INT)"},
		{"create view", "CREATE VIEW v AS SELECT 1"},
		{"create macro", "CREATE MACRO twice(x) AS x * 2"},
		{"create table macro", "CREATE MACRO t() AS TABLE SELECT 1"},
		{"create secret", "CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')"},
		{"create sequence", "CREATE SEQUENCE s"},
		{"drop", "DROP TABLE votes"},
		{"alter", "ALTER TABLE votes ADD COLUMN x INT"},
		{"insert", "INSERT INTO votes VALUES ('tehran-1403', 'p', 'q', 1, 1, NULL)"},
		{"insert select", "INSERT INTO tokens SELECT 'h', 'admin', NULL, now(), NULL, NULL"},
		{"update", "UPDATE projects SET selected = NOT selected"},
		{"delete", "DELETE FROM votes"},
		{"delete returning", "DELETE FROM votes RETURNING *"},
		{"truncate", "TRUNCATE votes"},
		{"with delete", "WITH x AS (SELECT 1) DELETE FROM votes"},
		{"begin", "BEGIN TRANSACTION"},
		{"commit", "COMMIT"},
		{"explain analyze delete", "EXPLAIN ANALYZE DELETE FROM votes"},
		{"explain delete", "EXPLAIN DELETE FROM votes"},
		{"explain analyze copy", "EXPLAIN ANALYZE COPY votes TO " + quote(out)},
		{"getenv", "SELECT getenv('HOME')"},
		{"query function", "SELECT * FROM query('DROP TABLE votes')"},
		{"query function two", "SELECT * FROM query('SELECT 1; DROP TABLE votes')"},
		{"two statements", "SELECT 1; DROP TABLE votes"},
		{"write first", "DROP TABLE votes; SELECT 1"},
		{"delete then select", "DELETE FROM votes; SELECT count(*) FROM votes"},
		{"two selects", "SELECT 1; SELECT 2"},
		{"comment hides", "/* SELECT */ DROP TABLE votes"},
		{"line comment hides", "-- SELECT\nDELETE FROM votes"},
		{"prepare", "PREPARE p AS DELETE FROM votes"},
		{"execute", "EXECUTE p"},
		{"empty", "   "},
		{"only comment", "-- nothing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := st.run(tc.sql)
			if err == nil {
				t.Fatalf("Run(%q) ran; want it refused", tc.sql)
			}
			if code := pbequity.ErrorCode(err); code != pbequity.EINVALID {
				t.Fatalf("Run(%q) = %v (code %s), want %s", tc.sql, err, code, pbequity.EINVALID)
			}
			msg := pbequity.ErrorMessage(err)
			if strings.Contains(msg, "hunter2") || strings.Contains(msg, st.dir+"/sandbox.duckdb") {
				t.Errorf("Run(%q) error leaks: %s", tc.sql, msg)
			}
			t.Logf("%s → %s", tc.name, strings.SplitN(msg, "\n", 2)[0])
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s was written", out)
	}
	if _, err := os.Stat(filepath.Join(st.dir, "export")); err == nil {
		t.Errorf("EXPORT DATABASE wrote its folder")
	}
	after := counts(t, st.db)
	for tbl, n := range before {
		if after[tbl] != n {
			t.Errorf("%s: %d rows after the refused statements, %d before", tbl, after[tbl], n)
		}
	}
	// The whole configuration is still locked.
	for _, q := range []string{"SET enable_external_access = true", "SET lock_configuration = false"} {
		if _, err := st.db.db.Exec(q); err == nil {
			t.Errorf("%s succeeded on the trusted connection after locking", q)
		}
	}
}

func TestSandboxReads(t *testing.T) {
	st := newSandboxTest(t, SandboxOptions{})
	cases := []struct {
		name, sql string
		rows      int
	}{
		{"select", "SELECT count(*) AS n FROM votes", 1},
		{"params", "SELECT count(*) AS n FROM votes WHERE cycle_id = $cycle", 1},
		{"with", "WITH v AS (SELECT * FROM votes WHERE cycle_id = $cycle) SELECT gender, count(*) FROM v JOIN participants p USING (cycle_id, participant_id) GROUP BY 1 ORDER BY 1", -1},
		{"from first", "FROM cycles SELECT cycle_id ORDER BY 1", 2},
		{"values", "VALUES (1, 'a'), (2, 'b')", 2},
		{"trailing semicolon", "SELECT 1 AS one;", 1},
		{"leading comment", "-- the total\n/* votes */ SELECT count(*) FROM votes", 1},
		{"trailing comment", "SELECT 1 AS one -- done", 1},
		{"describe", "DESCRIBE votes", 6},
		{"summarize", "SUMMARIZE votes", 6},
		{"show tables", "SHOW TABLES", -1},
		{"explain", "EXPLAIN SELECT count(*) FROM votes", -1},
		{"explain analyze", "EXPLAIN ANALYZE SELECT count(*) FROM votes", -1},
		{"parenthesised", "(SELECT 1 AS one)", 1},
		{"query function", "SELECT * FROM query('SELECT 42 AS answer')", 1},
		{"duplicate names", "SELECT 1 AS a, 2 AS a", 1},
		{"persian text", "SELECT name_fa FROM areas WHERE level = 'city' LIMIT 1", 1},
		{"types", "SELECT 1::HUGEINT AS h, 1.5::DECIMAL(5,2) AS d, DATE '2024-03-20' AS day, TIMESTAMP '2024-03-20 10:00:00' AS ts, INTERVAL 2 DAY AS i, 'nan'::DOUBLE AS f, [1,2] AS l, {'a': 1} AS s, MAP {'k': 1} AS m, '\\x01'::BLOB AS b, uuid() AS u, NULL AS z", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := st.run(tc.sql)
			if err != nil {
				t.Fatalf("Run(%q): %v", tc.sql, err)
			}
			if tc.rows >= 0 && len(c.rows) != tc.rows {
				t.Errorf("Run(%q) gave %d rows, want %d", tc.sql, len(c.rows), tc.rows)
			}
			if len(c.names) == 0 || len(c.types) != len(c.names) {
				t.Errorf("Run(%q) columns %v types %v", tc.sql, c.names, c.types)
			}
		})
	}
	c, _, err := st.run("SELECT 1::HUGEINT AS h, 1.5::DECIMAL(5,2) AS d, DATE '2024-03-20' AS day, 'nan'::DOUBLE AS f, '\\x01'::BLOB AS b")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1", "1.5", "2024-03-20", "NaN", `\x01`}
	for i, w := range want {
		if got := toString(c.rows[0][i]); got != w {
			t.Errorf("column %s = %q, want %q", c.names[i], got, w)
		}
	}
	if c.types[0] != "HUGEINT" || c.types[2] != "DATE" {
		t.Errorf("types = %v", c.types)
	}
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case interface{ String() string }:
		return x.String()
	}
	return ""
}

func TestSandboxErrorsCarryPosition(t *testing.T) {
	st := newSandboxTest(t, SandboxOptions{})
	_, _, err := st.run("SELECT no_such_column FROM votes")
	if pbequity.ErrorCode(err) != pbequity.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	msg := pbequity.ErrorMessage(err)
	if !strings.Contains(msg, "no_such_column") || !strings.Contains(msg, "LINE 1") || !strings.Contains(msg, "^") {
		t.Errorf("message %q lacks DuckDB's position", msg)
	}
	_, _, err = st.run("SELECT * FROM votes WHERE cycle_id = $nope")
	if pbequity.ErrorCode(err) != pbequity.EINVALID || !strings.Contains(pbequity.ErrorMessage(err), "$nope") {
		t.Errorf("missing parameter: %v", err)
	}
}

func TestSandboxRowLimit(t *testing.T) {
	st := newSandboxTest(t, SandboxOptions{MaxRows: 100})
	c, s, err := st.run("SELECT range AS n FROM range(1000) ORDER BY n DESC")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.rows) != 100 || !s.Truncated || s.Rows != 100 {
		t.Fatalf("got %d rows, stats %+v; want 100 truncated", len(c.rows), s)
	}
	if c.rows[0][0] != int64(999) || c.rows[99][0] != int64(900) {
		t.Errorf("order lost under the limit: first %v last %v", c.rows[0][0], c.rows[99][0])
	}
	c, s, err = st.run("SELECT range AS n FROM range(100)")
	if err != nil || len(c.rows) != 100 || s.Truncated {
		t.Fatalf("exactly the limit: %d rows, %+v, %v; want 100 not truncated", len(c.rows), s, err)
	}
	// A streamed answer (CSV) asks for every row.
	c2 := &collect{}
	s, err = st.sb.Run(context.Background(), Request{SQL: "SELECT * FROM votes", Limit: -1}, c2)
	n, _ := st.db.QueryInt(context.Background(), "SELECT count(*) FROM votes")
	if err != nil || int64(len(c2.rows)) != n || s.Truncated {
		t.Fatalf("unlimited: %d rows of %d, %+v, %v", len(c2.rows), n, s, err)
	}
}

func TestSandboxTimeLimit(t *testing.T) {
	st := newSandboxTest(t, SandboxOptions{Timeout: time.Second})
	before := counts(t, st.db)
	cases := []struct{ name, sql string }{
		{"recursive", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"},
		{"cross join", "SELECT sum(a.range * b.range) FROM range(1000000000) a, range(1000000000) b"},
		{"cross join of votes", "SELECT count(*) FROM votes a, votes b, votes c WHERE a.points + b.points <> c.points"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, _, err := st.run(tc.sql)
			took := time.Since(start)
			if pbequity.ErrorCode(err) != pbequity.ETIMEOUT {
				t.Fatalf("Run(%q) = %v, want %s", tc.sql, err, pbequity.ETIMEOUT)
			}
			if !strings.Contains(pbequity.ErrorMessage(err), "cut off after 1s") {
				t.Errorf("message %q", pbequity.ErrorMessage(err))
			}
			if took > 10*time.Second {
				t.Errorf("cut off after %s, want about 1s", took)
			}
		})
	}
	// The service still answers, and nothing changed.
	if _, _, err := st.run("SELECT 1"); err != nil {
		t.Fatalf("after the timeouts: %v", err)
	}
	after := counts(t, st.db)
	for tbl, n := range before {
		if after[tbl] != n {
			t.Errorf("%s: %d rows, %d before", tbl, after[tbl], n)
		}
	}
}

func TestSandboxMemoryLimit(t *testing.T) {
	st := newSandboxTest(t, SandboxOptions{MemoryLimit: "200MB", MaxTempSize: "0GB", Timeout: 20 * time.Second})
	_, _, err := st.run("SELECT list(range::VARCHAR || 'padding padding padding') AS l FROM range(50000000)")
	if pbequity.ErrorCode(err) != pbequity.EINVALID || !strings.Contains(pbequity.ErrorMessage(err), "Out of Memory") {
		t.Fatalf("err = %v, want DuckDB's out-of-memory error", err)
	}
	if _, _, err := st.run("SELECT count(*) FROM votes"); err != nil {
		t.Fatalf("after running out of memory: %v", err)
	}
}

// TestSandboxWritersStillWork proves the global lock leaves uploads alone:
// the Appender, transactions and deletes of a full demo load run after it.
func TestSandboxWritersStillWork(t *testing.T) {
	st := newSandboxTest(t, SandboxOptions{})
	loadTestDemo(t, st.db, 1500)
	n, err := st.db.QueryInt(context.Background(), "SELECT count(*) FROM participants WHERE cycle_id = 'tehran-1403'")
	if err != nil || n != 1500 {
		t.Fatalf("participants after reload = %d, %v; want 1500", n, err)
	}
	if err := st.db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A second sandbox on the locked database is fine.
	if _, err := st.db.Sandbox(context.Background(), SandboxOptions{}); err != nil {
		t.Fatalf("second Sandbox: %v", err)
	}
}

func TestSandboxCallerGone(t *testing.T) {
	st := newSandboxTest(t, SandboxOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := st.sb.Run(ctx, Request{SQL: "SELECT sum(a.range * b.range) FROM range(1000000000) a, range(1000000000) b"}, &collect{})
	if err == nil {
		t.Fatal("ran to the end")
	}
	if !errors.Is(err, context.Canceled) && pbequity.ErrorCode(err) != pbequity.ETIMEOUT {
		t.Errorf("err = %v", err)
	}
}

func TestSandboxParquet(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.parquet")
	other := filepath.Join(dir, "other.parquet")
	db, err := Open(context.Background(), filepath.Join(dir, "p.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loadTestDemo(t, db, 1000)
	sb, err := db.Sandbox(context.Background(), SandboxOptions{WritablePaths: []string{out}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := sb.Parquet(context.Background(), Request{Saved: "votes_by_gender", Params: map[string]any{"cycle": "tehran-1403"}}, out)
	if err != nil {
		t.Fatalf("Parquet: %v", err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() == 0 || s.Rows == 0 {
		t.Fatalf("parquet file: %v, stats %+v", err, s)
	}
	// The file is readable by the sandbox (it is allowed) and holds the rows.
	c := &collect{}
	if _, err := sb.Run(context.Background(), Request{SQL: "SELECT sum(votes) FROM " + quote(out)}, c); err != nil {
		t.Fatalf("read back: %v", err)
	}
	// Other paths stay closed, and the check still guards the statement.
	if _, err := sb.Parquet(context.Background(), Request{SQL: "SELECT 1"}, other); err == nil {
		t.Errorf("wrote %s, which is not allowed", other)
	}
	if _, err := sb.Parquet(context.Background(), Request{SQL: "DELETE FROM votes"}, out); pbequity.ErrorCode(err) != pbequity.EINVALID {
		t.Errorf("Parquet(DELETE) = %v, want refused", err)
	}
}

func TestSavedQueriesRun(t *testing.T) {
	st := newSandboxTest(t, SandboxOptions{})
	all := SavedQueries()
	catalogue := 0
	for _, q := range all {
		if q.Source == "catalogue" {
			catalogue++
			if q.Title == "" || q.TitleFa == "" || q.Description == "" || q.DescriptionFa == "" {
				t.Errorf("%s: header incomplete: %+v", q.Name, q)
			}
		}
	}
	if catalogue < 4 || len(all) <= catalogue {
		t.Fatalf("SavedQueries() has %d catalogue queries of %d", catalogue, len(all))
	}
	for _, q := range all {
		t.Run(q.Name, func(t *testing.T) {
			c := &collect{}
			_, err := st.sb.Run(context.Background(), Request{Saved: q.Name, Params: map[string]any{"cycle": "tehran-1403"}}, c)
			if err != nil {
				t.Fatalf("Run(%s): %v", q.Name, err)
			}
			if q.Source == "catalogue" && len(c.rows) == 0 {
				t.Errorf("%s gave no rows on the demo", q.Name)
			}
		})
	}
	if _, err := st.sb.Run(context.Background(), Request{Saved: "no_such"}, &collect{}); pbequity.ErrorCode(err) != pbequity.ENOTFOUND {
		t.Errorf("unknown saved query: %v", err)
	}
	if _, err := st.sb.Run(context.Background(), Request{Saved: "votes_by_gender"}, &collect{}); pbequity.ErrorCode(err) != pbequity.EINVALID {
		t.Errorf("saved query without its cycle: %v", err)
	}
}

func TestSandboxSchema(t *testing.T) {
	st := newSandboxTest(t, SandboxOptions{})
	tables, err := st.sb.Schema(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, tb := range tables {
		seen[tb.Name] = len(tb.Columns) > 0
	}
	for _, want := range []string{"votes", "participants", "projects", "population", "cycles"} {
		if !seen[want] {
			t.Errorf("schema lacks %s: %v", want, tables)
		}
	}
}

// TestSandboxStatementTypes checks the second gate alone: whatever the first
// word, DuckDB's parser must call the statement a SELECT (or an EXPLAIN of
// one).
func TestSandboxStatementTypes(t *testing.T) {
	st := newSandboxTest(t, SandboxOptions{})
	before := counts(t, st.db)
	for _, q := range []string{
		"DROP TABLE votes", "DELETE FROM votes", "INSERT INTO votes SELECT * FROM votes", "UPDATE votes SET points = 0",
		"CREATE TABLE x (a INT)", "CREATE MACRO m(x) AS x", "ALTER TABLE votes RENAME TO v", "COPY votes TO 'x.csv'",
		"EXPORT DATABASE 'x'", "ATTACH ':memory:' AS m", "DETACH m", "INSTALL httpfs", "LOAD httpfs", "SET threads = 1",
		"RESET threads", "PRAGMA enable_profiling", "CALL pragma_version()", "CHECKPOINT", "BEGIN", "VACUUM",
		"SELECT 1; DROP TABLE votes", "DROP TABLE votes; SELECT 1",
	} {
		err := st.sb.session(context.Background(), func(c *duckdb.Conn) error {
			stmt, err := st.sb.prepareRead(c, q, 10)
			if err == nil {
				stmt.Close()
			}
			return err
		})
		if pbequity.ErrorCode(err) != pbequity.EINVALID {
			t.Errorf("prepareRead(%q) = %v, want refused", q, err)
		}
	}
	after := counts(t, st.db)
	for tbl, n := range before {
		if after[tbl] != n {
			t.Errorf("%s: %d rows, %d before", tbl, after[tbl], n)
		}
	}
}
