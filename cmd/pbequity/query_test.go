package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/ingest/demo"
	"github.com/pbequity/pbequity/queries"
	"github.com/pbequity/pbequity/server"
)

// tokenFor issues a token of role on db.
func tokenFor(t *testing.T, db *queries.DB, role string) string {
	t.Helper()
	tok := "test-" + role + "-token-0123456789"
	if err := db.CreateToken(context.Background(), server.HashToken(tok), role, "test", time.Time{}); err != nil {
		t.Fatal(err)
	}
	return tok
}

func postQuery(t *testing.T, url, token, accept string, body any) (int, string, http.Header) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/query", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /api/v1/query: %v", err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out), resp.Header
}

type queryAnswer struct {
	Columns []struct{ Name, Type string } `json:"columns"`
	Rows    [][]any                       `json:"rows"`
	// RowCount is the number of rows in Rows.
	RowCount  int     `json:"row_count"`
	Truncated bool    `json:"truncated"`
	ElapsedMS float64 `json:"elapsed_ms"`
	Error     string  `json:"error"`
}

func TestQueryAPI(t *testing.T) {
	srv, db := testServer(t, 2000)
	ctx := context.Background()
	analyst := tokenFor(t, db, pbequity.RoleAnalyst)
	citizen := tokenFor(t, db, pbequity.RoleCitizen)
	votesBefore, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes")

	// Roles: none is 401, citizen 403.
	if code, _, _ := postQuery(t, srv.URL, "", "", map[string]any{"sql": "SELECT 1"}); code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", code)
	}
	if code, _, _ := postQuery(t, srv.URL, citizen, "", map[string]any{"sql": "SELECT 1"}); code != http.StatusForbidden {
		t.Errorf("citizen: %d, want 403", code)
	}

	// Typed JSON, agreeing with DuckDB.
	code, body, _ := postQuery(t, srv.URL, analyst, "", map[string]any{
		"sql":    "SELECT p.gender, count(*) AS votes FROM votes v JOIN participants p USING (cycle_id, participant_id) WHERE cycle_id = $cycle GROUP BY 1 ORDER BY 1",
		"params": map[string]any{"cycle": "tehran-1403"}})
	var ans queryAnswer
	if err := json.Unmarshal([]byte(body), &ans); err != nil || code != 200 {
		t.Fatalf("query: %d %s", code, body)
	}
	if len(ans.Columns) != 2 || ans.Columns[1].Name != "votes" || ans.Columns[1].Type != "BIGINT" || ans.Truncated {
		t.Errorf("columns %+v truncated %v", ans.Columns, ans.Truncated)
	}
	var sum float64
	for _, r := range ans.Rows {
		sum += r[1].(float64)
	}
	want, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes WHERE cycle_id = 'tehran-1403'")
	if int64(sum) != want {
		t.Errorf("votes by gender sum to %v, DuckDB says %d", sum, want)
	}

	// The row limit.
	code, body, _ = postQuery(t, srv.URL, analyst, "", map[string]any{"sql": "SELECT * FROM range(20000)"})
	ans = queryAnswer{}
	json.Unmarshal([]byte(body), &ans)
	if code != 200 || len(ans.Rows) != queries.DefaultMaxRows || !ans.Truncated {
		t.Errorf("row limit: %d, %d rows, truncated %v", code, len(ans.Rows), ans.Truncated)
	}

	// A saved query by name.
	code, body, _ = postQuery(t, srv.URL, analyst, "", map[string]any{"saved": "women_share_of_votes_by_district", "params": map[string]any{"cycle": "tehran-1403"}})
	ans = queryAnswer{}
	json.Unmarshal([]byte(body), &ans)
	if code != 200 || len(ans.Rows) == 0 {
		t.Errorf("saved query: %d %s", code, body)
	}

	// CSV with a BOM, streamed, every row.
	code, body, h := postQuery(t, srv.URL, analyst, "text/csv", map[string]any{"sql": "SELECT * FROM range(25000) t(n)"})
	if code != 200 || !strings.HasPrefix(body, "\ufeffn\n0\n1\n") || strings.Count(body, "\n") != 25001 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		t.Errorf("CSV: %d %q… (%d lines) %s", code, body[:min(len(body), 20)], strings.Count(body, "\n"), h.Get("Content-Type"))
	}
	code, body, _ = postQuery(t, srv.URL, analyst, "text/csv", map[string]any{"sql": "SELECT name_fa FROM areas WHERE level = 'city' LIMIT 1"})
	if code != 200 || !strings.Contains(body, "تهران") {
		t.Errorf("Persian CSV: %d %q", code, body)
	}

	// Refusals are 422 with a clear reason and no internals; the data stays.
	for _, q := range []string{"DROP TABLE votes", "SELECT 1; DROP TABLE votes", "SELECT * FROM read_csv('/etc/passwd')", "COPY votes TO '/tmp/x.csv'", "ATTACH ':memory:' AS m", "SELECT nope FROM votes"} {
		code, body, _ := postQuery(t, srv.URL, analyst, "", map[string]any{"sql": q})
		ans := queryAnswer{}
		json.Unmarshal([]byte(body), &ans)
		if code != http.StatusUnprocessableEntity || ans.Error == "" {
			t.Errorf("%q: %d %s, want 422 with a reason", q, code, body)
		}
		if strings.Contains(ans.Error, ".go:") || strings.Contains(ans.Error, "goroutine") || strings.Contains(ans.Error, os.TempDir()) {
			t.Errorf("%q leaks internals: %s", q, ans.Error)
		}
	}
	code, body, _ = postQuery(t, srv.URL, analyst, "text/csv", map[string]any{"sql": "DELETE FROM votes"})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `"error"`) {
		t.Errorf("refused CSV: %d %s, want a JSON 422", code, body)
	}
	code, body, _ = postQuery(t, srv.URL, analyst, "", map[string]any{"sql": "SELECT nope FROM votes"})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "LINE 1") {
		t.Errorf("DuckDB's position is missing: %s", body)
	}
	if n, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes"); n != votesBefore {
		t.Errorf("votes: %d after, %d before", n, votesBefore)
	}

	// Saved queries and schema need the analyst too.
	for _, path := range []string{"/api/v1/queries", "/api/v1/schema"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without token: %d", path, resp.StatusCode)
		}
		req.Header.Set("Authorization", "Bearer "+analyst)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), "votes") {
			t.Errorf("%s: %d %.200s", path, resp.StatusCode, b)
		}
	}
	// Uploads still work after the lock: the demo reloads through the writer.
	if err := loadDemo(ctx, db, demoOptions(1000), io.Discard); err != nil {
		t.Fatalf("reload after lock: %v", err)
	}
}

func TestQueryConsolePage(t *testing.T) {
	srv, _ := testServer(t, 500)
	for _, tc := range []struct{ path, lang, dir string }{{"/query", "fa", "rtl"}, {"/query?lang=en", "en", "ltr"}} {
		code, body, h := get(t, srv.URL+tc.path)
		if code != 200 || !strings.Contains(body, `lang="`+tc.lang+`"`) || !strings.Contains(body, `dir="`+tc.dir+`"`) {
			t.Errorf("%s: %d, not %s/%s", tc.path, code, tc.lang, tc.dir)
		}
		if !strings.Contains(body, `src="/assets/console.js"`) || strings.Contains(body, "<script>") || strings.Contains(body, "style=") {
			t.Errorf("%s: console.js missing or inline script/style present", tc.path)
		}
		if !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("%s: no strict CSP", tc.path)
		}
	}
	code, body, _ := get(t, srv.URL+"/assets/console.js")
	if code != 200 || strings.Contains(body, "innerHTML") {
		t.Errorf("console.js: %d, or it uses innerHTML", code)
	}
}

func TestQueryCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "q.duckdb")
	db, err := queries.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := loadDemo(ctx, db, demoOptions(1000), io.Discard); err != nil {
		t.Fatal(err)
	}
	db.Close()
	run1 := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, append([]string{"query", "--db", path}, args...), &out, &errb)
		return out.String(), err
	}
	out, err := run1("SELECT gender, count(*) AS n FROM participants GROUP BY 1 ORDER BY 1")
	if err != nil || !strings.HasPrefix(out, "gender  ") || !strings.Contains(out, "------") {
		t.Errorf("table: %v\n%s", err, out)
	}
	out, err = run1("--format", "csv", "SELECT 1 AS a, 'x,y' AS b")
	if err != nil || out != "\ufeffa,b\n1,\"x,y\"\n" {
		t.Errorf("csv: %v %q", err, out)
	}
	out, err = run1("--format", "json", "--saved", "votes_by_gender", "--cycle", "tehran-1403")
	var ans queryAnswer
	if err != nil || json.Unmarshal([]byte(out), &ans) != nil || len(ans.Rows) == 0 {
		t.Errorf("json saved: %v %s", err, out)
	}
	pq := filepath.Join(dir, "out.parquet")
	if _, err := run1("--format", "parquet", "--out", pq, "--saved", "turnout_by_channel_and_gender", "--cycle", "tehran-1403"); err != nil {
		t.Errorf("parquet: %v", err)
	}
	if fi, err := os.Stat(pq); err != nil || fi.Size() < 100 {
		t.Errorf("parquet file: %v", err)
	}
	if _, err := run1("DROP TABLE votes"); pbequity.ErrorCode(err) != pbequity.EINVALID {
		t.Errorf("DROP: %v, want refused", err)
	}
	if _, err := run1("--timeout", "500ms", "SELECT sum(a.range * b.range) FROM range(1000000000) a, range(1000000000) b"); pbequity.ErrorCode(err) != pbequity.ETIMEOUT {
		t.Errorf("cross join: %v, want cut off", err)
	}
	if _, err := run1("--format", "parquet", "--out", pq, "SELECT * FROM read_text('/etc/passwd')"); pbequity.ErrorCode(err) != pbequity.EINVALID {
		t.Errorf("parquet of read_text: %v, want refused", err)
	}
}

func demoOptions(n int) demo.Options { return demo.Options{Participants: n, Seed: 5} }
