package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/ingest/demo"
	"github.com/pbequity/pbequity/queries"
	"github.com/pbequity/pbequity/server"
)

// benchQueryFixture is the demo city at scale, generated once per run.
type benchQueryFixture struct {
	db    *queries.DB
	srv   *httptest.Server
	token string
	votes int64
	err   error
}

var (
	benchQueryOnce sync.Once
	benchQuery     benchQueryFixture
)

// benchVotesByGender is the aggregate over every vote of the newest cycle.
const benchVotesByGender = `SELECT p.gender, count(*) AS votes, count(DISTINCT v.participant_id) AS voters
FROM votes v JOIN participants p ON p.cycle_id = v.cycle_id AND p.participant_id = v.participant_id
WHERE v.cycle_id = 'tehran-1403'
GROUP BY p.gender ORDER BY p.gender`

func queryFixture(b *testing.B) *benchQueryFixture {
	benchQueryOnce.Do(func() {
		n := 2_000_000
		if v := os.Getenv("PBEQUITY_BENCH_PARTICIPANTS"); v != "" {
			if n, benchQuery.err = strconv.Atoi(v); benchQuery.err != nil {
				return
			}
		}
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "pbequity-bench-query")
		if err != nil {
			benchQuery.err = err
			return
		}
		db, err := queries.Open(ctx, filepath.Join(dir, "bench.duckdb"))
		if err != nil {
			benchQuery.err = err
			return
		}
		start := time.Now()
		if benchQuery.err = loadDemo(ctx, db, demo.Options{Participants: n, Seed: 1403}, io.Discard); benchQuery.err != nil {
			return
		}
		benchQuery.votes, _ = db.QueryInt(ctx, "SELECT count(*) FROM votes WHERE cycle_id = 'tehran-1403'")
		fmt.Printf("query bench: demo of %d participants (%d votes in the cycle) generated in %s (not part of the ratio)\n",
			n, benchQuery.votes, time.Since(start).Round(time.Millisecond))
		benchQuery.db = db
		benchQuery.token = "bench-analyst-token-0123456789"
		if benchQuery.err = db.CreateToken(ctx, hashForBench(benchQuery.token), pbequity.RoleAnalyst, "bench", time.Time{}); benchQuery.err != nil {
			return
		}
		benchQuery.srv = httptest.NewServer(newHandler(db, 5, slog.New(slog.NewTextHandler(io.Discard, nil))))
	})
	if benchQuery.err != nil {
		b.Fatal(benchQuery.err)
	}
	return &benchQuery
}

// BenchmarkQueryAPI runs an aggregate over every vote of the 2-million-
// participant demo cycle through POST /api/v1/query on a real server and
// directly on DuckDB, alternating, and reports the ratio of their medians
// (goal ≤ 1.1).
func BenchmarkQueryAPI(b *testing.B) {
	f := queryFixture(b)
	ctx := context.Background()
	var direct, api []time.Duration
	for i := 0; i < b.N; i++ {
		for rep := 0; rep < 3; rep++ {
			t0 := time.Now()
			n, err := f.db.Drain(ctx, benchVotesByGender)
			if err != nil || n == 0 {
				b.Fatalf("direct: %d rows, %v", n, err)
			}
			direct = append(direct, time.Since(t0))

			t0 = time.Now()
			code, body, _ := postQueryBench(f.srv.URL, f.token, benchVotesByGender)
			api = append(api, time.Since(t0))
			var ans struct {
				Rows [][]any `json:"rows"`
			}
			if code != 200 || json.Unmarshal([]byte(body), &ans) != nil || len(ans.Rows) == 0 {
				b.Fatalf("api: %d %.300s", code, body)
			}
		}
	}
	d, a := median(direct), median(api)
	ratio := float64(a) / float64(d)
	b.ReportMetric(float64(d.Microseconds())/1000, "direct-ms")
	b.ReportMetric(float64(a.Microseconds())/1000, "api-ms")
	b.ReportMetric(ratio, "api/direct")
	fmt.Printf("query bench: votes by gender over %d votes: direct DuckDB %s, POST /api/v1/query %s, ratio %.3f (goal ≤ 1.1)\n",
		f.votes, d.Round(time.Microsecond), a.Round(time.Microsecond), ratio)
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func hashForBench(tok string) string { return server.HashToken(tok) }

// postQueryBench posts one statement as an analyst and reads the answer.
func postQueryBench(url, token, sql string) (int, string, error) {
	body, _ := json.Marshal(map[string]any{"sql": sql})
	req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}
