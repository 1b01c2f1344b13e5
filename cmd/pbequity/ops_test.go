package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/pbequity/pbequity"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRequestLogsAndMetrics checks the operator's view: one JSON log line
// per request with its id (taken from X-Request-Id or made up, and sent
// back), method, route template, status and duration; Prometheus metrics of
// requests by route and status, upload rows and query durations.
func TestRequestLogsAndMetrics(t *testing.T) {
	_, db := testServer(t, 200)
	var logs syncBuffer
	srv := httptest.NewServer(newHandlerMax(db, 5, 64<<10, slog.New(slog.NewJSONHandler(&logs, nil))))
	defer srv.Close()
	admin := tokenFor(t, db, pbequity.RoleAdmin)

	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/cycles/tehran-1403", nil)
	req.Header.Set("X-Request-Id", "trace-42.a_b")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-Id"); got != "trace-42.a_b" {
		t.Errorf("X-Request-Id answered %q, want the client's", got)
	}
	// A hostile request id is replaced, not echoed.
	req, _ = http.NewRequest("GET", srv.URL+"/healthz", nil)
	req.Header.Set("X-Request-Id", "bad id\" <script>")
	resp, _ = http.DefaultClient.Do(req)
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-Id"); len(got) != 16 || strings.ContainsAny(got, " <\"") {
		t.Errorf("hostile X-Request-Id answered as %q, want a fresh id", got)
	}
	get(t, srv.URL+"/no/such/page")

	code, out := post(t, srv.URL+"/api/v1/cycles/tehran-1403/uploads", admin, nil,
		map[string]string{"votes.csv": "participant_id,project_id\nops-1,p001\nops-2,p001\nops-3,p002\n"})
	if code != 201 {
		t.Fatalf("upload: %d %v", code, out)
	}
	if code, body, _ := postQuery(t, srv.URL, admin, "", map[string]string{"sql": "SELECT 1"}); code != 200 {
		t.Fatalf("query: %d %s", code, body)
	}

	// Request bodies are bounded: uploads by --max-upload-mb (64 KiB here), everything else by 1 MiB.
	big := strings.Repeat("participant_id,project_id\n", 4000)
	if code, _ := post(t, srv.URL+"/api/v1/cycles/tehran-1403/uploads", admin, nil, map[string]string{"big.csv": big}); code != http.StatusRequestEntityTooLarge {
		t.Errorf("upload over the limit: %d, want 413", code)
	}
	huge := `{"sql": "SELECT 1 -- ` + strings.Repeat("x", 2<<20) + `"}`
	if code, body, _ := postQuery(t, srv.URL, admin, "", json.RawMessage(huge)); code < 400 || code >= 500 {
		t.Errorf("2 MiB query body: %d %.100s, want a 4xx refusal", code, body)
	}

	// Logs: JSON, one line per request.
	type line struct {
		Msg       string  `json:"msg"`
		RequestID string  `json:"request_id"`
		Method    string  `json:"method"`
		Route     string  `json:"route"`
		Path      string  `json:"path"`
		Status    int     `json:"status"`
		Duration  float64 `json:"duration_ms"`
		Role      string  `json:"role"`
	}
	var lines []line
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("log line is not JSON: %s", sc.Text())
		}
		if l.Msg == "request" {
			lines = append(lines, l)
		}
	}
	find := func(route string, status int) *line {
		for i := range lines {
			if lines[i].Route == route && lines[i].Status == status {
				return &lines[i]
			}
		}
		t.Errorf("no log line for %s with status %d in %+v", route, status, lines)
		return nil
	}
	if l := find("/api/v1/cycles/{cycle}", 200); l != nil && (l.RequestID != "trace-42.a_b" || l.Method != "GET" || l.Path != "/api/v1/cycles/tehran-1403" || l.Duration <= 0) {
		t.Errorf("log line %+v", *l)
	}
	if l := find("/api/v1/cycles/{cycle}/uploads", 201); l != nil && l.Role != "admin" {
		t.Errorf("upload log line %+v, want role admin", *l)
	}
	find("unmatched", 404)
	find("/api/v1/cycles/{cycle}/uploads", 413)
	if strings.Contains(logs.String(), admin) {
		t.Errorf("a token was logged")
	}

	// Metrics need the admin token.
	if code, _, _ := get(t, srv.URL+"/metrics"); code != 401 {
		t.Errorf("/metrics without a token: %d, want 401", code)
	}
	req, _ = http.NewRequest("GET", srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	metrics := string(b)
	for _, want := range []string{
		`pbequity_http_requests_total{method="GET",route="/api/v1/cycles/{cycle}",status="200"} 1`,
		`pbequity_http_request_duration_seconds_bucket{method="GET",route="/api/v1/cycles/{cycle}",status="200",le="+Inf"} 1`,
		`pbequity_http_requests_total{method="POST",route="/api/v1/cycles/{cycle}/uploads",status="201"} 1`,
		`pbequity_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`pbequity_upload_rows_total{kind="votes"} 3`,
		`pbequity_uploads_total{result="loaded"} 1`,
		`pbequity_query_duration_seconds_count{result="ok",source="adhoc"} 1`,
		`pbequity_http_requests_in_flight 1`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestConcurrentUploadsAndReaders runs uploads from several clients at once
// while others read reports, indicators and SQL: every upload loads whole
// (writers take turns), every read answers.
func TestConcurrentUploadsAndReaders(t *testing.T) {
	srv, db := testServer(t, 500)
	ctx := context.Background()
	citizen := tokenFor(t, db, pbequity.RoleCitizen)
	analyst := tokenFor(t, db, pbequity.RoleAnalyst)
	before, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes WHERE cycle_id = 'tehran-1403'")
	const uploaders, uploadsEach, rowsEach = 4, 5, 2000
	var wg sync.WaitGroup
	errs := make(chan string, 1000)
	stop := make(chan struct{})
	for u := range uploaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range uploadsEach {
				var sb strings.Builder
				sb.WriteString("participant_id,project_id\n")
				for r := range rowsEach {
					fmt.Fprintf(&sb, "c%d-%d-%d,p%03d\n", u, i, r, 1+r%20)
				}
				var body bytes.Buffer
				mw := multipart.NewWriter(&body)
				w, _ := mw.CreateFormFile("file", fmt.Sprintf("votes-%d-%d.csv", u, i))
				io.WriteString(w, sb.String())
				mw.Close()
				req, _ := http.NewRequest("POST", srv.URL+"/api/v1/cycles/tehran-1403/uploads", &body)
				req.Header.Set("Content-Type", mw.FormDataContentType())
				req.Header.Set("Authorization", "Bearer "+citizen)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err.Error()
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 201 {
					errs <- fmt.Sprintf("upload %d/%d: %d %.200s", u, i, resp.StatusCode, b)
				}
			}
		}()
	}
	var reads sync.WaitGroup
	var nreads [3]int
	for r := range 3 {
		reads.Add(1)
		go func() {
			defer reads.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var code int
				var body string
				switch r {
				case 0:
					code, body, _ = getQuiet(srv.URL + "/api/v1/cycles/tehran-1403/indicators")
				case 1:
					code, body, _ = getQuiet(srv.URL + "/cycles/tehran-1403/report")
				case 2:
					b, _ := json.Marshal(map[string]string{"sql": "SELECT count(*) FROM votes"})
					req, _ := http.NewRequest("POST", srv.URL+"/api/v1/query", bytes.NewReader(b))
					req.Header.Set("Authorization", "Bearer "+analyst)
					req.Header.Set("Content-Type", "application/json")
					if resp, err := http.DefaultClient.Do(req); err == nil {
						bb, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						code, body = resp.StatusCode, string(bb)
					}
				}
				if code != 200 {
					errs <- fmt.Sprintf("reader %d: %d %.200s", r, code, body)
				}
				nreads[r]++
			}
		}()
	}
	wg.Wait()
	close(stop)
	reads.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	after, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes WHERE cycle_id = 'tehran-1403'")
	if want := before + uploaders*uploadsEach*rowsEach; after != want {
		t.Errorf("votes after %d concurrent uploads: %d, want %d", uploaders*uploadsEach, after, want)
	}
	if n, _ := db.QueryInt(ctx, "SELECT count(*) FROM datasets WHERE file_name LIKE 'votes-%-%.csv'"); n != uploaders*uploadsEach {
		t.Errorf("datasets: %d, want %d", n, uploaders*uploadsEach)
	}
	t.Logf("%d uploads of %d rows beside %v reads (indicators, report, SQL)", uploaders*uploadsEach, rowsEach, nreads)
	if nreads[0] == 0 || nreads[1] == 0 || nreads[2] == 0 {
		t.Errorf("a reader never got through: %v", nreads)
	}
}

// getQuiet is get for goroutines other than the test's.
func getQuiet(url string) (int, string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error(), err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

// TestIndicatorsCacheFollowsUploads checks that the encoded indicators the
// server keeps are replaced once an upload changes the cycle.
func TestIndicatorsCacheFollowsUploads(t *testing.T) {
	srv, db := testServer(t, 300)
	url := srv.URL + "/api/v1/cycles/tehran-1403/indicators"
	_, first, _ := get(t, url)
	if _, again, _ := get(t, url); again != first {
		t.Fatalf("two answers of unchanged indicators differ")
	}
	code, out := post(t, srv.URL+"/api/v1/cycles/tehran-1403/uploads", tokenFor(t, db, pbequity.RoleCitizen), nil,
		map[string]string{"projects.csv": "project_id,title,cost,category,selected\ncache-1,Cache test,999000000000,sport,true\n"})
	if code != 201 {
		t.Fatalf("upload: %d %v", code, out)
	}
	_, after, _ := get(t, url)
	if after == first {
		t.Errorf("indicators unchanged after an upload that funds a new project")
	}
}

// TestLoadCommand runs `pbequity load` briefly on a small demo: every route
// answers without errors and the figures are printed.
func TestLoadCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the service for two seconds")
	}
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"load", "--duration", "2s", "--participants", "2000", "--clients", "2", "--upload-rows", "2000"}, &out, &errb)
	t.Logf("%s", out.String())
	if err != nil && err.Error() != "load goal missed" {
		t.Fatalf("load: %v\n%s", err, errb.String())
	}
	for _, want := range []string{"GET /cycles/{cycle}/report (cached)", "GET /api/v1/cycles/{cycle}/indicators", "POST /api/v1/query", "POST /api/v1/cycles/{cycle}/uploads", "vote rows uploaded", "p99 ms"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out.String(), "first error") {
		t.Errorf("requests failed under load")
	}
}

// TestAnonymousUpload checks the upload page's anonymous option through the
// API: the dataset keeps no uploader role, only that it was anonymous.
func TestAnonymousUpload(t *testing.T) {
	srv, db := testServer(t, 200)
	tok := tokenFor(t, db, pbequity.RoleCouncillor)
	code, out := post(t, srv.URL+"/api/v1/cycles/tehran-1403/uploads", tok, map[string]string{"anonymous": "true"},
		map[string]string{"anon.csv": "participant_id,project_id\nanon-1,p001\n"})
	if code != 201 {
		t.Fatalf("upload: %d %v", code, out)
	}
	n, err := db.QueryInt(context.Background(), "SELECT count(*) FROM datasets WHERE file_name = 'anon.csv' AND anonymous AND uploader_role IS NULL")
	if err != nil || n != 1 {
		t.Errorf("anonymous dataset with no uploader role: %d (%v), want 1", n, err)
	}
}
