package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/queries"
	"github.com/pbequity/pbequity/server"
)

// consoleState is what the tests read from the SQL console page.
type consoleState struct {
	Lang     string     `json:"lang"`
	Dir      string     `json:"dir"`
	Title    string     `json:"title"`
	Status   string     `json:"status"`
	Running  string     `json:"running"`
	Error    string     `json:"error"`
	ErrorOn  bool       `json:"errorOn"`
	SQL      string     `json:"sql"`
	Cycle    string     `json:"cycle"`
	Tables   []string   `json:"tables"`
	Saved    []string   `json:"saved"`
	Headers  []string   `json:"headers"`
	Rows     [][]string `json:"rows"`
	ImgX     int        `json:"imgX"`
	Handlers int        `json:"handlers"`
	CSV      string     `json:"csv"`
}

const consoleStateJS = `(() => {
	const $ = id => document.getElementById(id);
	const err = $("error");
	const csv = $("dl-csv");
	return {
		lang: document.documentElement.lang,
		dir: document.dir,
		title: document.title,
		status: $("status").textContent,
		running: $("console").dataset.msgRunning,
		error: err.textContent,
		errorOn: !err.hidden,
		sql: $("sql").value,
		cycle: $("cycle").value,
		tables: Array.from(document.querySelectorAll("#schema summary code"), c => c.textContent),
		saved: Array.from(document.querySelectorAll("#saved li button"), b => b.textContent),
		headers: Array.from(document.querySelectorAll("#result thead th"), c => c.textContent),
		rows: Array.from(document.querySelectorAll("#result tbody tr"), r => Array.from(r.cells, c => c.textContent)),
		imgX: document.querySelectorAll("img[src=x]").length,
		handlers: Array.from(document.querySelectorAll("*")).filter(e => Array.from(e.attributes).some(a => a.name.startsWith("on"))).length,
		csv: csv && csv.offsetParent !== null ? csv.textContent : "",
	};
})()`

func (tb *tab) console() consoleState {
	tb.t.Helper()
	return eval[consoleState](tb, consoleStateJS)
}

// waitConsole polls the console page until ok holds, failing on a page
// exception or after timeout.
func (tb *tab) waitConsole(what string, timeout time.Duration, ok func(consoleState) bool) consoleState {
	tb.t.Helper()
	return waitFor(tb, what, timeout, tb.console, ok)
}

// waitFor polls get until ok holds, failing on a page exception or after
// timeout.
func waitFor[T any](tb *tab, what string, timeout time.Duration, get func() T, ok func(T) bool) T {
	tb.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := get()
		if ok(s) {
			return s
		}
		for _, p := range tb.problemList() {
			if strings.HasPrefix(p, "exception") {
				tb.t.Fatalf("waiting for %s: page exception: %s", what, p)
			}
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("waiting for %s: timed out; page state %+v; problems %q", what, s, tb.problemList())
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// do runs chromedp actions in the tab.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("chromedp: %v", err)
	}
}

// runSQL replaces the editor's text with sql (as a paste would), runs it with
// the Run button and waits until the answer arrived.
func (tb *tab) runSQL(sql string) consoleState {
	tb.t.Helper()
	tb.do(chromedp.SetValue(chromedp.ID("sql"), sql), chromedp.Click(chromedp.ID("run")))
	return tb.waitAnswer(sql)
}

// waitAnswer waits until the run started by the caller is answered: the
// status no longer says it is running.
func (tb *tab) waitAnswer(what string) consoleState {
	tb.t.Helper()
	return tb.waitConsole("the answer to "+what, 10*time.Second, func(s consoleState) bool { return s.Status != s.Running })
}

// checkConsoleClean fails the test for every page problem except the
// browser's own log line of a refused query (an HTTP 422 of /api/v1/query,
// which console.js shows in the page), and for requests to other hosts.
func (tb *tab) checkConsoleClean(host string) {
	tb.t.Helper()
	tb.checkCleanExcept(host, func(p string) bool {
		return strings.HasPrefix(p, "log error (network) http://"+host+"/api/v1/query:") && strings.Contains(p, "status of 422")
	})
}

// checkCleanExcept is checkClean after dropping the problems that expected
// says the page itself handles.
func (tb *tab) checkCleanExcept(host string, expected func(problem string) bool) {
	tb.t.Helper()
	eval[bool](tb, "true") // events sent before this reply have been recorded
	tb.mu.Lock()
	kept := tb.problems[:0:0]
	for _, p := range tb.problems {
		if !expected(p) {
			kept = append(kept, p)
		}
	}
	tb.problems = kept
	tb.mu.Unlock()
	tb.checkClean(host)
}

func TestBrowserConsole(t *testing.T) {
	start := time.Now()
	srv, db := testServer(t, 300)
	ctx := context.Background()
	const hostileArea = `<img src=x onerror="document.title='PWNED'">`
	err := db.Write(ctx, "", func(w *queries.Writer) error {
		return w.Participant(pbequity.Participant{CycleID: "tehran-1403", ID: "hostile-1", Gender: pbequity.Female,
			Age: 30, AgeBand: pbequity.AgeBand(30), Area: hostileArea, Channel: "online"})
	})
	if err != nil {
		t.Fatalf("write hostile participant: %v", err)
	}
	tok := newToken()
	if err := db.CreateToken(ctx, server.HashToken(tok), pbequity.RoleAnalyst, "test", time.Time{}); err != nil {
		t.Fatal(err)
	}
	votesBefore, err := db.QueryInt(ctx, "SELECT count(*) FROM votes")
	if err != nil || votesBefore == 0 {
		t.Fatalf("votes before: %d, %v", votesBefore, err)
	}
	t.Logf("server ready in %s", time.Since(start).Round(time.Millisecond))
	b := newBrowser(t)
	host := strings.TrimPrefix(srv.URL, "http://")

	for _, tc := range []struct{ name, query, lang, dir, saved string }{
		{"fa", "", "fa", "rtl", "آرا به تفکیک جنسیت"},
		{"en", "?lang=en", "en", "ltr", "Votes by gender"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tabStart := time.Now()
			tb := b.open(t, srv.URL+"/query"+tc.query)
			s := tb.console()
			if s.Lang != tc.lang || s.Dir != tc.dir {
				t.Errorf("lang %q dir %q, want %s %s", s.Lang, s.Dir, tc.lang, tc.dir)
			}
			if s.CSV == "" {
				t.Errorf("the CSV download button is missing or hidden")
			}
			if len(s.Tables) != 0 || len(s.Saved) != 0 {
				t.Errorf("schema %q or saved queries %q shown before a token was given", s.Tables, s.Saved)
			}
			tb.checkConsoleClean(host) // the page loads clean, before any token

			// The token, typed and applied.
			tb.do(chromedp.SendKeys(chromedp.ID("token"), tok), chromedp.Click(chromedp.ID("token-save")))
			s = tb.waitConsole("the schema and saved queries", 10*time.Second, func(s consoleState) bool {
				return len(s.Tables) > 0 && len(s.Saved) > 0 || s.ErrorOn
			})
			if s.ErrorOn {
				t.Fatalf("applying the token: error %q", s.Error)
			}
			for _, want := range []string{"votes", "participants", "projects", "areas"} {
				if !slices.Contains(s.Tables, want) {
					t.Errorf("schema lists %q, missing %s", s.Tables, want)
				}
			}
			saved := -1
			for i, name := range s.Saved {
				if name == tc.saved {
					saved = i
				}
			}
			if saved < 0 {
				t.Fatalf("saved queries %q, missing %q", s.Saved, tc.saved)
			}
			if s.Cycle == "" {
				t.Errorf("the cycle field was not filled from /api/v1/cycles")
			}

			// A saved query loads into the editor and runs with Ctrl+Enter.
			tb.do(chromedp.Click(chromedp.CSS(fmt.Sprintf("#saved li:nth-child(%d) button", saved+1))))
			s = tb.console()
			if !strings.Contains(s.SQL, "share_of_votes") || !strings.Contains(s.SQL, "$cycle") {
				t.Fatalf("the saved query did not load into the editor: %q", s.SQL)
			}
			tb.do(chromedp.Focus(chromedp.ID("sql")), chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
			s = tb.waitAnswer("the saved query")
			if s.ErrorOn || len(s.Rows) == 0 {
				t.Fatalf("saved query: error %q, %d rows", s.Error, len(s.Rows))
			}
			if strings.Join(s.Headers, ",") != "gender,votes,voters,share_of_votes" {
				t.Errorf("result headers %q", s.Headers)
			}
			for _, r := range s.Rows {
				if len(r) != 4 || parseInt(r[1]) <= 0 {
					t.Errorf("result row %q: want 4 cells and votes > 0", r)
				}
			}
			if !strings.Contains(s.Status, fmt.Sprint(len(s.Rows))) {
				t.Errorf("status %q does not give the %d rows", s.Status, len(s.Rows))
			}
			tb.screenshot("console-" + tc.name + "-saved")

			// A hostile value in the data is shown as text.
			s = tb.runSQL("SELECT participant_id, area FROM participants WHERE cycle_id = $cycle AND participant_id = 'hostile-1'")
			if s.ErrorOn || len(s.Rows) != 1 || len(s.Rows[0]) != 2 || s.Rows[0][1] != hostileArea {
				t.Errorf("hostile row: error %q, rows %q; want the area %q as text", s.Error, s.Rows, hostileArea)
			}
			if s.Title == "PWNED" || s.ImgX != 0 || s.Handlers != 0 {
				t.Errorf("hostile value ran or was parsed as HTML: title %q, %d img[src=x], %d inline handlers", s.Title, s.ImgX, s.Handlers)
			}

			// An error of DuckDB is shown as its message.
			s = tb.runSQL("SELECT * FROM nope")
			if !s.ErrorOn || !strings.Contains(s.Error, "nope") || !strings.Contains(s.Error, "does not exist") {
				t.Errorf("bad SQL: error shown %v, %q; want DuckDB's message about table nope", s.ErrorOn, s.Error)
			}
			for _, leak := range []string{".go:", "goroutine", "panic", "sandbox:"} {
				if strings.Contains(s.Error, leak) {
					t.Errorf("bad SQL: error %q leaks internals (%s)", s.Error, leak)
				}
			}
			if len(s.Rows) != 0 || len(s.Headers) != 0 {
				t.Errorf("bad SQL: the previous result is still shown under the error: %q", s.Headers)
			}
			tb.screenshot("console-" + tc.name + "-error")

			// A refused statement is shown as refused and changes nothing.
			s = tb.runSQL("DROP TABLE votes")
			if !s.ErrorOn || !strings.Contains(s.Error, "refused") {
				t.Errorf("DROP TABLE: error shown %v, %q; want a refusal", s.ErrorOn, s.Error)
			}
			if n, err := db.QueryInt(ctx, "SELECT count(*) FROM votes"); err != nil || n != votesBefore {
				t.Errorf("votes: %d (%v) after DROP TABLE, %d before", n, err, votesBefore)
			}

			// After errors, a good statement runs again and clears the error.
			s = tb.runSQL("SELECT count(*) AS n FROM votes")
			if s.ErrorOn || len(s.Rows) != 1 || s.Rows[0][0] != fmt.Sprint(votesBefore) {
				t.Errorf("count after errors: error %v %q, rows %q; want %d", s.ErrorOn, s.Error, s.Rows, votesBefore)
			}
			if s.Title == "PWNED" {
				t.Errorf("document.title = PWNED")
			}
			tb.checkConsoleClean(host)
			tb.screenshot("console-" + tc.name + "-done")
			t.Logf("%s done in %s", tc.name, time.Since(tabStart).Round(time.Millisecond))
		})
	}
}
