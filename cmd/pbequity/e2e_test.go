package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pbequity/pbequity/ingest/demo"
	"github.com/pbequity/pbequity/queries"
)

// testServer starts the real server on 127.0.0.1 with a temp database holding
// the demo city.
func testServer(t *testing.T, participants int) (*httptest.Server, *queries.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := queries.Open(ctx, filepath.Join(t.TempDir(), "e2e.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := loadDemo(ctx, db, demo.Options{Participants: participants, Seed: 5}, io.Discard); err != nil {
		t.Fatalf("loadDemo: %v", err)
	}
	srv := httptest.NewServer(newHandler(db, 5, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	return srv, db
}

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestEndToEnd(t *testing.T) {
	srv, db := testServer(t, 3000)
	ctx := context.Background()

	if code, body, _ := get(t, srv.URL+"/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Fatalf("/healthz = %d %q", code, body)
	}

	// The archive lists both demo cycles with their participants.
	code, body, _ := get(t, srv.URL+"/")
	if code != 200 || !strings.Contains(body, `dir="rtl"`) || !strings.Contains(body, `lang="fa"`) {
		t.Fatalf("archive: %d, not a Persian RTL page", code)
	}
	for _, id := range demo.CycleIDs {
		if !strings.Contains(body, `data-cycle="`+id+`"`) {
			t.Errorf("archive does not list %s", id)
		}
	}
	n, _ := db.QueryInt(ctx, "SELECT count(*) FROM participants WHERE cycle_id = 'tehran-1403'")
	if n != 3000 || !strings.Contains(body, "۳٬۰۰۰") {
		t.Errorf("archive should show 3000 participants in Persian digits (db has %d)", n)
	}

	// The indicators JSON agrees with SQL on the same database.
	code, body, _ = get(t, srv.URL+"/api/v1/cycles/tehran-1403/indicators")
	if code != 200 {
		t.Fatalf("indicators: %d %s", code, body)
	}
	var got struct {
		Cycle struct {
			ID string `json:"id"`
		} `json:"cycle"`
		Indicators struct {
			Funnel []struct {
				Stage  string `json:"stage"`
				Counts struct {
					F, M struct {
						Value *float64 `json:"value"`
					}
				} `json:"counts"`
				WomenShare struct {
					Value *float64 `json:"value"`
				} `json:"women_share"`
			} `json:"funnel"`
			Allocation struct {
				Total      int64 `json:"total"`
				Categories []struct {
					ID     string `json:"id"`
					Amount int64  `json:"amount"`
				} `json:"categories"`
				Areas []struct {
					ID     string `json:"id"`
					Amount int64  `json:"amount"`
				} `json:"areas"`
			} `json:"allocation"`
			Distribution struct {
				Gini struct {
					Value *float64 `json:"value"`
				} `json:"gini"`
				Lorenz []struct{ X, Y float64 } `json:"lorenz"`
			} `json:"distribution"`
		} `json:"indicators"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("indicators JSON: %v", err)
	}
	if got.Cycle.ID != "tehran-1403" {
		t.Errorf("cycle id = %q", got.Cycle.ID)
	}
	ind := got.Indicators
	stages := map[string]int{}
	for _, s := range ind.Funnel {
		stages[s.Stage]++
		if s.Stage == "funded" {
			continue
		}
		for _, g := range []struct {
			gender string
			v      *float64
		}{{"F", s.Counts.F.Value}, {"M", s.Counts.M.Value}} {
			want, err := db.QueryInt(ctx, `SELECT count(DISTINCT e.participant_id) FROM participation e
				JOIN participants p USING (cycle_id, participant_id) WHERE e.cycle_id = 'tehran-1403' AND e.stage = ? AND p.gender = ?`, s.Stage, g.gender)
			if err != nil {
				t.Fatal(err)
			}
			if g.v == nil || int64(*g.v) != want {
				t.Errorf("stage %s gender %s: indicators %v, SQL %d", s.Stage, g.gender, g.v, want)
			}
		}
	}
	for _, s := range []string{"problem", "solution", "vote", "funded"} {
		if stages[s] != 1 {
			t.Errorf("funnel has %d rows for stage %s", stages[s], s)
		}
	}
	total, _ := db.QueryInt(ctx, "SELECT sum(coalesce(approved, cost)) FROM projects WHERE cycle_id = 'tehran-1403' AND selected")
	if ind.Allocation.Total != total || total == 0 {
		t.Errorf("allocation total = %d, SQL %d", ind.Allocation.Total, total)
	}
	for _, c := range ind.Allocation.Categories {
		want, _ := db.QueryInt(ctx, "SELECT coalesce(sum(cost), 0) FROM projects WHERE cycle_id = 'tehran-1403' AND selected AND category = ?", c.ID)
		if c.Amount != want {
			t.Errorf("category %s: %d, SQL %d", c.ID, c.Amount, want)
		}
	}
	if len(ind.Allocation.Categories) != 6 || len(ind.Allocation.Areas) != 22 {
		t.Errorf("%d categories, %d areas; want 6 and 22", len(ind.Allocation.Categories), len(ind.Allocation.Areas))
	}
	for _, a := range ind.Allocation.Areas {
		want, _ := db.QueryInt(ctx, `SELECT coalesce(sum(p.cost), 0) FROM projects p JOIN areas a ON a.cycle_id = p.cycle_id AND a.area_id = p.area
			WHERE p.cycle_id = 'tehran-1403' AND p.selected AND (a.area_id = ? OR a.parent_id = ?)`, a.ID, a.ID)
		if a.Amount != want {
			t.Errorf("area %s: %d, SQL %d", a.ID, a.Amount, want)
		}
	}
	if g := ind.Distribution.Gini.Value; g == nil || *g <= 0 || *g >= 1 {
		t.Errorf("Gini = %v, want in (0,1)", g)
	}
	if l := ind.Distribution.Lorenz; len(l) != 23 || l[len(l)-1].X < 0.999 || l[len(l)-1].Y < 0.999 {
		t.Errorf("Lorenz has %d points ending at %v; want 23 ending at (1,1)", len(l), l[len(l)-1])
	}

	// The report: Persian by default, English on request, four charts with tables.
	for _, tc := range []struct{ query, lang, dir string }{{"", "fa", "rtl"}, {"?lang=en", "en", "ltr"}} {
		code, body, hdr := get(t, srv.URL+"/cycles/tehran-1403/report"+tc.query)
		if code != 200 {
			t.Fatalf("report%s: %d", tc.query, code)
		}
		if !strings.Contains(body, `lang="`+tc.lang+`" dir="`+tc.dir+`"`) {
			t.Errorf("report%s: not lang=%s dir=%s", tc.query, tc.lang, tc.dir)
		}
		if n := strings.Count(body, `class="chart-option"`); n < 3 {
			t.Errorf("report%s: %d charts, want at least 3", tc.query, n)
		}
		if n := strings.Count(body, `class="chart-data"`); n < 3 {
			t.Errorf("report%s: %d chart tables, want at least 3", tc.query, n)
		}
		// Nothing is loaded from another host.
		for _, m := range regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(body, -1) {
			if strings.Contains(m[1], "//") {
				t.Errorf("report%s loads %s from another host", tc.query, m[1])
			}
		}
		if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("report CSP = %q", csp)
		}
	}
	if code, _, _ := get(t, srv.URL+"/assets/vendor/echarts.min.js"); code != 200 {
		t.Errorf("echarts asset: %d (run make assets)", code)
	}
	if code, body, _ := get(t, srv.URL+"/cycles/nope/report"); code != 404 || !strings.Contains(body, `"error"`) {
		t.Errorf("unknown cycle: %d %s", code, body)
	}
	if code, _, _ := get(t, srv.URL+"/api/v1/cycles/tehran-1403"); code != 200 {
		t.Errorf("cycle API: %d", code)
	}
	resp, err := http.Post(srv.URL+"/api/v1/cycles", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /api/v1/cycles = %d, want 405", resp.StatusCode)
	}
}
