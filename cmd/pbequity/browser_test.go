package main

import (
	"bytes"
	"context"
	csvpkg "encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/ingest/demo"
	"github.com/pbequity/pbequity/queries"
)

// chromiumPath is where Debian (and the CI image) installs Chromium.
const chromiumPath = "/usr/bin/chromium"

// browser is one headless Chromium for one test. Each page opens in a tab of
// its own, which records what the page did.
type browser struct {
	t   *testing.T
	ctx context.Context
}

// newBrowser starts a headless Chromium with a fresh profile. It skips the
// test when Chromium is not installed, except in CI (the environment has CI
// set), where a missing browser fails the test.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but Chromium is missing at %s: %v", chromiumPath, err)
		}
		t.Skipf("Chromium is not installed at %s (apt-get install chromium); skipping the browser test", chromiumPath)
	}
	profile := t.TempDir() // created first, so removed after the browser exits
	// chromedp may log from its goroutines; stop passing that to t.Logf
	// once the test ends, when t.Logf would panic.
	var logMu sync.Mutex
	ended := false
	t.Cleanup(func() { logMu.Lock(); ended = true; logMu.Unlock() })
	logf := func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		if !ended {
			t.Logf("chromedp: "+format, args...)
		}
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(profile),
	)
	t.Cleanup(cancelAlloc) // kills Chromium and waits for it
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithErrorf(logf))
	t.Cleanup(cancel)
	start := time.Now()
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no deadline
		t.Fatalf("start Chromium: %v", err)
	}
	t.Logf("Chromium started in %s", time.Since(start).Round(time.Millisecond))
	return &browser{t: t, ctx: ctx}
}

// tab is a page opened by (*browser).open, with what it did since.
type tab struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	requests []string // every URL the page requested
	problems []string // console errors and warnings, exceptions, browser log warnings and errors
}

// open opens rawURL in a new tab and waits for its load event. The tab
// records its requests, console messages, exceptions and log entries (CSP
// violations arrive as log entries) from its start.
func (b *browser) open(t *testing.T, rawURL string) *tab {
	t.Helper()
	tb := &tab{t: t}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithListener(tb.listen))
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // opens the tab, with no deadline
		t.Fatalf("open tab: %v", err)
	}
	tb.ctx = ctx
	nav, cancelNav := context.WithTimeout(ctx, 20*time.Second)
	defer cancelNav()
	if err := chromedp.Do(nav, chromedp.Navigate(rawURL)); err != nil {
		t.Fatalf("navigate to %s: %v", rawURL, err)
	}
	return tb
}

// listen runs in the tab's event loop: it must return fast and send nothing.
func (tb *tab) listen(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		tb.requests = append(tb.requests, ev.Request.URL)
	case *runtime.EventConsoleAPICalled:
		switch ev.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeWarning, runtime.ConsoleAPICalledTypeAssert:
			var args []string
			for _, a := range ev.Args {
				if a.Value != nil {
					args = append(args, string(a.Value))
				} else {
					args = append(args, a.Description)
				}
			}
			tb.problems = append(tb.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		tb.problems = append(tb.problems, fmt.Sprintf("exception at %s:%d:%d: %s", d.URL, d.LineNumber+1, d.ColumnNumber+1, msg))
	case *log.EventEntryAdded:
		if e := ev.Entry; e.Level == log.EntryLevelWarning || e.Level == log.EntryLevelError {
			tb.problems = append(tb.problems, fmt.Sprintf("log %s (%s) %s: %s", e.Level, e.Source, e.URL, e.Text))
		}
	}
}

// eval evaluates a JavaScript expression in the page and decodes its value.
// Runtime.evaluate is not subject to the page's CSP, unlike chromedp.Poll,
// which builds its predicate with new Function.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// chartState describes the charts of a page.
type chartState struct {
	Charts string `json:"charts"` // <html data-charts>
	Boxes  []struct {
		ID    string `json:"id"`
		Drawn string `json:"drawn"`
		Ink   string `json:"ink"`
	} `json:"boxes"`
}

const chartStateJS = `({
	charts: document.documentElement.dataset.charts || "",
	boxes: Array.from(document.querySelectorAll(".chart-box"), d => ({id: d.id, drawn: d.dataset.drawn || "", ink: d.dataset.ink || ""})),
})`

// waitCharts waits until report.js has drawn every chart and returns their state.
func (tb *tab) waitCharts(timeout time.Duration) chartState {
	tb.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := eval[chartState](tb, chartStateJS)
		done := s.Charts != ""
		for _, b := range s.Boxes {
			done = done && b.Drawn == "1"
		}
		if done {
			return s
		}
		problems := tb.problemList()
		failed := false
		for _, p := range problems {
			failed = failed || strings.HasPrefix(p, "exception")
		}
		if failed || time.Now().After(deadline) {
			tb.t.Fatalf("charts not drawn: %+v; page problems: %q", s, problems)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (tb *tab) problemList() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.problems...)
}

// checkClean fails the test for every console error or warning, exception
// and browser log warning or error, and for every request to a host other
// than host. data: URLs are allowed: they never leave the page.
func (tb *tab) checkClean(host string) {
	tb.t.Helper()
	eval[bool](tb, "true") // events sent before this reply have been recorded
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		tb.t.Errorf("page problem: %s", p)
	}
	if len(tb.requests) == 0 {
		tb.t.Errorf("no network requests recorded")
	}
	for _, r := range tb.requests {
		u, err := url.Parse(r)
		if err != nil {
			tb.t.Errorf("request to unparsable URL %q", r)
			continue
		}
		if u.Scheme == "data" {
			continue
		}
		if u.Host != host || u.Scheme != "http" {
			tb.t.Errorf("request to another host: %s", r)
		}
	}
}

// screenshot saves a full-page PNG into the test's artifact directory
// (kept with go test -artifacts -outputdir DIR) and logs its path.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(tb.t.ArtifactDir(), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: %s (%d KB)", path, len(png)/1024)
}

// pageInfo is what the tests read from a page after it is drawn.
type pageInfo struct {
	Lang    string `json:"lang"`
	Dir     string `json:"dir"`
	HTMLDir string `json:"htmlDir"`
	Title   string `json:"title"`
	H1      string `json:"h1"`
	Scripts []struct {
		Src   string `json:"src"`
		Type  string `json:"type"`
		Class string `json:"class"`
	} `json:"scripts"`
	// Handlers counts elements with an inline event handler attribute.
	Handlers int      `json:"handlers"`
	ImgX     int      `json:"imgX"`
	Cells    []string `json:"cells"`
}

const pageInfoJS = `({
	lang: document.documentElement.lang,
	dir: document.dir,
	htmlDir: document.documentElement.getAttribute("dir") || "",
	title: document.title,
	h1: (document.querySelector("h1") || {}).textContent || "",
	scripts: Array.from(document.scripts, s => ({src: s.getAttribute("src") || "", type: s.type, class: s.className})),
	handlers: Array.from(document.querySelectorAll("*")).filter(e => Array.from(e.attributes).some(a => a.name.startsWith("on"))).length,
	imgX: document.querySelectorAll("img[src=x]").length,
	cells: Array.from(document.querySelectorAll("td, th, a"), c => c.textContent),
})`

// checkScripts fails the test for any script element that is not one of
// ours: the two served scripts and the JSON chart options.
func checkScripts(t *testing.T, p pageInfo, charts int) {
	t.Helper()
	var src, opts int
	for _, s := range p.Scripts {
		switch {
		case s.Src != "" && strings.HasPrefix(s.Src, "/assets/"):
			src++
		case s.Type == "application/json" && s.Class == "chart-option":
			opts++
		default:
			t.Errorf("unexpected script element: %+v", s)
		}
	}
	if src != 2 || opts != charts {
		t.Errorf("%d script files and %d chart options, want 2 and %d", src, opts, charts)
	}
}

func TestBrowserReport(t *testing.T) {
	start := time.Now()
	srv, _ := testServer(t, 3000)
	t.Logf("demo server ready in %s", time.Since(start).Round(time.Millisecond))
	b := newBrowser(t)
	host := strings.TrimPrefix(srv.URL, "http://")

	for _, tc := range []struct{ name, query, lang, dir string }{
		{"fa", "", "fa", "rtl"},
		{"en", "?lang=en", "en", "ltr"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tabStart := time.Now()
			tb := b.open(t, srv.URL+"/cycles/tehran-1403/report"+tc.query)
			s := tb.waitCharts(20 * time.Second)
			t.Logf("charts drawn in %s", time.Since(tabStart).Round(time.Millisecond))
			// Every section's chart is there, drawn with ink.
			got := map[string]bool{}
			for _, c := range s.Boxes {
				got[c.ID] = true
			}
			for _, id := range reportCharts {
				if !got[id] {
					t.Errorf("chart %s missing; charts: %+v", id, s.Boxes)
				}
			}
			if s.Charts != fmt.Sprint(len(s.Boxes)) {
				t.Errorf("html data-charts = %q, but %d chart boxes", s.Charts, len(s.Boxes))
			}
			for _, c := range s.Boxes {
				if n := parseInt(c.Ink); n <= 0 {
					t.Errorf("chart %s: data-ink = %q, want > 0 (blank canvas)", c.ID, c.Ink)
				}
			}
			p := eval[pageInfo](tb, pageInfoJS)
			if p.Lang != tc.lang || p.Dir != tc.dir || p.HTMLDir != tc.dir {
				t.Errorf("lang %q, document.dir %q, html[dir] %q; want %s, %s", p.Lang, p.Dir, p.HTMLDir, tc.lang, tc.dir)
			}
			checkScripts(t, p, len(s.Boxes))
			checkSections(t, tb)
			checkDataLinks(t, tb, srv.URL, len(s.Boxes))
			checkDigits(t, tb, tc.lang)
			tb.checkClean(host)
			tb.screenshot("report-" + tc.name)
			tb.printPDF("report-" + tc.name)
		})
	}

	t.Run("archive", func(t *testing.T) {
		tb := b.open(t, srv.URL+"/")
		// The demo city has two cycles: one trends chart, drawn.
		st := tb.waitCharts(20 * time.Second)
		if len(st.Boxes) != 1 || parseInt(st.Boxes[0].Ink) <= 0 {
			t.Errorf("archive charts %+v, want one trends chart with ink", st.Boxes)
		}
		checkDataLinks(t, tb, srv.URL, len(st.Boxes))
		type row struct {
			Cycle string `json:"cycle"`
			Href  string `json:"href"`
		}
		rows := eval[[]row](tb, `Array.from(document.querySelectorAll("tr[data-cycle]"), r => ({cycle: r.dataset.cycle, href: (r.querySelector("a") || {}).href || ""}))`)
		got := map[string]string{}
		for _, r := range rows {
			got[r.Cycle] = r.Href
		}
		for _, id := range demo.CycleIDs {
			if want := srv.URL + "/cycles/" + id + "/report"; !strings.HasPrefix(got[id], want) {
				t.Errorf("archive row of %s links to %q, want %s", id, got[id], want)
			}
		}
		p := eval[pageInfo](tb, pageInfoJS)
		if p.Lang != "fa" || p.Dir != "rtl" {
			t.Errorf("archive: lang %q dir %q, want fa rtl", p.Lang, p.Dir)
		}
		tb.checkClean(host)
		tb.screenshot("archive-fa")
	})
}

// reportCharts are the charts of a demo report, whose cycle has districts
// with neighbourhoods and few enough voters for the rule comparison.
var reportCharts = []string{"chart-funnel", "chart-representation", "chart-category", "chart-flows", "chart-area",
	"chart-lorenz", "chart-indices", "chart-theil", "chart-markers", "chart-benefit", "chart-fairness", "chart-rules", "chart-execution"}

// checkSections fails the test when a section of the report is missing.
func checkSections(t *testing.T, tb *tab) {
	t.Helper()
	ids := eval[[]string](tb, `Array.from(document.querySelectorAll("section.part, section.headline"), s => s.id)`)
	want := []string{"headline-section", "participation", "representation", "allocation", "inequality", "markers", "fairness", "evaluation", "quality", "methodology"}
	if strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Errorf("sections %v, want %v", ids, want)
	}
	if n := eval[int](tb, `document.querySelectorAll("#findings li").length`); n < 3 || n > 5 {
		t.Errorf("%d headline findings, want 3 to 5", n)
	}
	if n := eval[int](tb, `document.querySelectorAll("#methodology dl.formulas dt").length`); n < 15 {
		t.Errorf("%d formulas in the methodology, want at least 15", n)
	}
}

// checkDataLinks fetches the CSV and JSON link of every chart of the page
// and checks that each is the chart's table: same columns and rows.
func checkDataLinks(t *testing.T, tb *tab, base string, charts int) {
	t.Helper()
	type link struct {
		Chart string `json:"chart"`
		CSV   string `json:"csv"`
		JSON  string `json:"json"`
		Rows  int    `json:"rows"`
		Cols  int    `json:"cols"`
	}
	links := eval[[]link](tb, `Array.from(document.querySelectorAll("table.chart-data"), t => {
		const a = t.querySelectorAll("caption a.data-link");
		return {chart: t.dataset.chart, csv: a[0] ? a[0].href : "", json: a[1] ? a[1].href : "",
			rows: t.tBodies[0].rows.length, cols: t.tHead.rows[0].cells.length};
	})`)
	if len(links) != charts {
		t.Errorf("%d chart tables, want %d", len(links), charts)
	}
	for _, l := range links {
		if l.CSV == "" || l.JSON == "" {
			t.Errorf("chart %s has no CSV or JSON link", l.Chart)
			continue
		}
		body := func(u string) string {
			if strings.HasPrefix(u, "data:") {
				_, data, _ := strings.Cut(u, ",")
				s, err := url.PathUnescape(data)
				if err != nil {
					t.Errorf("chart %s: data URL does not decode: %v", l.Chart, err)
				}
				return s
			}
			if !strings.HasPrefix(u, base+"/") {
				t.Errorf("chart %s links to %s, not to the server", l.Chart, u)
			}
			code, b, _ := get(t, u)
			if code != 200 {
				t.Errorf("GET %s = %d", u, code)
			}
			return b
		}
		var d struct {
			Columns []string `json:"columns"`
			Rows    [][]any  `json:"rows"`
		}
		if err := json.Unmarshal([]byte(body(l.JSON)), &d); err != nil {
			t.Errorf("chart %s: JSON does not parse: %v", l.Chart, err)
			continue
		}
		if len(d.Columns) != l.Cols || len(d.Rows) != l.Rows {
			t.Errorf("chart %s: JSON has %d columns and %d rows, the table %d and %d", l.Chart, len(d.Columns), len(d.Rows), l.Cols, l.Rows)
		}
		csv := strings.TrimPrefix(body(l.CSV), "\uFEFF")
		r := csvpkg.NewReader(strings.NewReader(csv))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil || len(recs) < l.Rows+1 {
			t.Errorf("chart %s: CSV has %d records (%v), want at least %d", l.Chart, len(recs), err, l.Rows+1)
		}
	}
}

// checkDigits fails the test when a Persian page shows Latin digits in the
// tables, figures or chart axes, or an English page Persian ones.
func checkDigits(t *testing.T, tb *tab, lang string) {
	t.Helper()
	text := eval[string](tb, `Array.from(document.querySelectorAll("td.n, .card .v"), c => c.textContent).join(" ")`)
	latin := strings.ContainsAny(text, "0123456789")
	persian := strings.ContainsAny(text, "۰۱۲۳۴۵۶۷۸۹")
	if lang == "fa" && (latin || !persian) {
		t.Errorf("Persian page: numbers with Latin digits (%v) or without Persian ones (%v)", latin, persian)
	}
	if lang == "en" && persian {
		t.Errorf("English page shows Persian digits")
	}
}

// printPDF prints the page to PDF as Chromium does for a user, checks that
// it has more than one page, and saves it into the test's artifacts.
func (tb *tab) printPDF(name string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 60*time.Second)
	defer cancel()
	yes := true
	pdf, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		r, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{PrintBackground: &yes, PreferCSSPageSize: &yes})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	})
	if err != nil {
		tb.t.Fatalf("print to PDF: %v", err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		tb.t.Fatalf("print to PDF: not a PDF (%d bytes)", len(pdf))
	}
	pages := pdfPages(pdf)
	if pages < 2 {
		tb.t.Errorf("printed report has %d pages, want more than 1", pages)
	}
	path := filepath.Join(tb.t.ArtifactDir(), name+".pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("PDF: %s (%d pages, %d KB)", path, pages, len(pdf)/1024)
}

// pdfPages counts the page objects of a PDF (/Type /Page, not /Pages).
func pdfPages(pdf []byte) int {
	return len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAllIndex(pdf, -1))
}

func parseInt(s string) int {
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		return -1
	}
	return n
}

// hostile are texts that break out of HTML, JavaScript, JSON, go-echarts'
// function marker or a Go template when a page does not escape them.
var hostile = []string{
	`</script><script>document.title='PWNED'</script>`,
	`__f__function(){document.title='PWNED'}()__f__`,
	`<img src=x onerror="document.title='PWNED'">`,
	`"]});document.title='PWNED';//`,
	`{{.}}`,
	"line\u2028separator\u2029paragraph",
}

// writeHostileCycle writes a small but complete cycle whose names and titles
// are all hostile: 3 districts with a neighbourhood each, 3 categories, 6
// projects (3 funded), 40 participants who voted.
func writeHostileCycle(t *testing.T, db *queries.DB, id string) {
	t.Helper()
	h := func(i int) string { return hostile[i%len(hostile)] }
	date := func(m, d int) time.Time { return time.Date(2025, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	err := db.Write(context.Background(), "", func(w *queries.Writer) error {
		if err := w.Cycle(pbequity.Cycle{ID: id, Name: h(0) + " " + h(5), NameEn: h(3) + " " + h(1),
			Unit: h(2), FiscalYear: 1404, Budget: 30_000_000_000, Currency: "IRR", VoteType: pbequity.VoteApproval,
			Rule: "greedy", StartDate: date(3, 1), EndDate: date(9, 1), Description: h(2) + h(4)}); err != nil {
			return err
		}
		if err := w.Area(pbequity.Area{CycleID: id, ID: "city", Level: pbequity.LevelCity, NameFa: h(4), NameEn: h(4)}); err != nil {
			return err
		}
		for c := 0; c < 3; c++ {
			if err := w.Category(pbequity.Category{CycleID: id, ID: fmt.Sprintf("c%d", c), NameFa: h(c), NameEn: h(c + 3), Sort: c}); err != nil {
				return err
			}
		}
		for d := 0; d < 3; d++ {
			did, nid := fmt.Sprintf("d%d", d), fmt.Sprintf("d%d-n1", d)
			if err := w.Area(pbequity.Area{CycleID: id, ID: did, ParentID: "city", Level: pbequity.LevelDistrict,
				NameFa: h(d + 1), NameEn: h(d + 2), NeedScore: 0.2 + 0.3*float64(d)}); err != nil {
				return err
			}
			if err := w.Area(pbequity.Area{CycleID: id, ID: nid, ParentID: did, Level: pbequity.LevelNeighbourhood,
				NameFa: h(d + 3), NameEn: h(d + 4), NeedScore: 0.5}); err != nil {
				return err
			}
			for bi, band := range pbequity.AgeBands {
				for _, g := range []pbequity.Gender{pbequity.Female, pbequity.Male} {
					if err := w.Population(pbequity.PopulationCount{CycleID: id, Area: nid, Gender: g, AgeBand: band,
						Count: int64(1000*(d+1) + 100*bi)}); err != nil {
						return err
					}
				}
			}
		}
		for p := 0; p < 6; p++ {
			sel := p%2 == 0
			proj := pbequity.Project{CycleID: id, ID: fmt.Sprintf("p%d", p), Title: h(p), Description: h(p + 1),
				Cost: int64(p+1) * 2_000_000_000, Category: fmt.Sprintf("c%d", p%3), Area: fmt.Sprintf("d%d-n1", p%3),
				Stage: "budget", ProposerGender: pbequity.Female, GenderMarker: pbequity.Marker(p % 3), WomenShare: 0.5,
				Beneficiaries: h(p + 2), Selected: &sel, Status: "not-funded", Extra: map[string]string{"title_en": h(p + 3)}}
			if sel {
				proj.Approved, proj.Status = proj.Cost, "approved"
			}
			if err := w.Project(proj); err != nil {
				return err
			}
		}
		for i := 0; i < 40; i++ {
			pid := fmt.Sprintf("x%03d", i)
			g := pbequity.Female
			if i%2 == 1 {
				g = pbequity.Male
			}
			age := 18 + i
			if err := w.Participant(pbequity.Participant{CycleID: id, ID: pid, Gender: g, Age: age,
				AgeBand: pbequity.AgeBand(age), Area: fmt.Sprintf("d%d-n1", i%3), Channel: "online"}); err != nil {
				return err
			}
			if i%4 == 0 {
				if err := w.Participation(pbequity.Participation{CycleID: id, ParticipantID: pid, Stage: pbequity.StageProblem, Date: date(4, 1+i%20)}); err != nil {
					return err
				}
			}
			if err := w.Participation(pbequity.Participation{CycleID: id, ParticipantID: pid, Stage: pbequity.StageVote, Date: date(6, 1+i%20)}); err != nil {
				return err
			}
			for _, p := range []int{i % 6, (i + 2) % 6} {
				if err := w.Vote(pbequity.Vote{CycleID: id, ParticipantID: pid, ProjectID: fmt.Sprintf("p%d", p)}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("write hostile cycle: %v", err)
	}
}

func TestBrowserHostileTitles(t *testing.T) {
	srv, db := testServer(t, 300)
	const id = "hostile-1404"
	writeHostileCycle(t, db, id)
	b := newBrowser(t)
	host := strings.TrimPrefix(srv.URL, "http://")

	// checkPage asserts that no hostile text ran, was parsed as HTML, or
	// went missing: each text in want appears in the page as text.
	checkPage := func(t *testing.T, tb *tab, want []string) pageInfo {
		t.Helper()
		p := eval[pageInfo](tb, pageInfoJS)
		if p.Title == "PWNED" {
			t.Errorf("document.title = %q: a hostile script ran", p.Title)
		}
		if p.ImgX != 0 || p.Handlers != 0 {
			t.Errorf("%d img[src=x] and %d elements with an inline handler: hostile HTML was parsed", p.ImgX, p.Handlers)
		}
		text := p.H1 + "\n" + strings.Join(p.Cells, "\n")
		for _, s := range want {
			if !strings.Contains(text, s) {
				t.Errorf("hostile text %q is not shown as text in a heading, link or table cell", s)
			}
		}
		tb.checkClean(host)
		return p
	}

	for _, tc := range []struct {
		name, query, h1 string
		want            []string // texts that must appear as text
	}{
		// Persian: cycle name h(0)+h(5), categories h(0..2), districts h(1..3).
		{"fa", "", hostile[0] + " " + hostile[5], []string{hostile[0], hostile[1], hostile[2], hostile[3]}},
		// English: cycle name h(3)+h(1), categories h(3..5), districts h(2..4).
		{"en", "?lang=en", hostile[3] + " " + hostile[1], []string{hostile[3], hostile[1], hostile[2], hostile[4], hostile[5]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := b.open(t, srv.URL+"/cycles/"+id+"/report"+tc.query)
			s := tb.waitCharts(20 * time.Second)
			if len(s.Boxes) < 4 {
				t.Errorf("%d charts, want at least 4", len(s.Boxes))
			}
			for _, c := range s.Boxes {
				if parseInt(c.Ink) <= 0 {
					t.Errorf("chart %s: data-ink = %q, want > 0", c.ID, c.Ink)
				}
			}
			p := checkPage(t, tb, tc.want)
			checkScripts(t, p, len(s.Boxes))
			checkDataLinks(t, tb, srv.URL, len(s.Boxes))
			// The data files carry the hostile names intact, as data.
			code, body, _ := get(t, srv.URL+"/cycles/"+id+"/data/flows.json"+tc.query)
			var d struct {
				Rows [][]any `json:"rows"`
			}
			if err := json.Unmarshal([]byte(body), &d); code != 200 || err != nil {
				t.Fatalf("flows.json: %d %v", code, err)
			}
			var names []string
			for _, r := range d.Rows {
				names = append(names, fmt.Sprint(r[0]), fmt.Sprint(r[1]))
			}
			for _, h := range []string{tc.want[0], hostile[2]} { // a category and a district
				if !strings.Contains(strings.Join(names, "\n"), h) {
					t.Errorf("flows.json does not carry %q intact: %q", h, names)
				}
			}
			if !strings.Contains(p.H1, tc.h1) || !strings.Contains(p.Title, tc.h1) {
				t.Errorf("h1 %q or title %q does not show the hostile cycle name %q", p.H1, p.Title, tc.h1)
			}
			tb.screenshot("hostile-" + tc.name)
		})
	}

	t.Run("archive", func(t *testing.T) {
		tb := b.open(t, srv.URL+"/")
		checkPage(t, tb, []string{hostile[0] + " " + hostile[5]})
	})

	t.Run("json", func(t *testing.T) {
		code, body, hdr := get(t, srv.URL+"/api/v1/cycles/"+id+"/indicators")
		if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
			t.Fatalf("indicators: %d %s %.200s", code, hdr.Get("Content-Type"), body)
		}
		var v struct {
			Cycle struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"cycle"`
			Indicators map[string]json.RawMessage `json:"indicators"`
		}
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("indicators JSON does not parse: %v", err)
		}
		if v.Cycle.ID != id || v.Cycle.Name != hostile[0]+" "+hostile[5] {
			t.Errorf("cycle = %q %q, want %q with its hostile name intact", v.Cycle.ID, v.Cycle.Name, id)
		}
		if len(v.Indicators) == 0 {
			t.Errorf("no indicators")
		}
	})
}
