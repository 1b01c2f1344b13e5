package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pbequity/pbequity"
)

// uploadState is what the tests read from the upload page.
type uploadState struct {
	Lang      string     `json:"lang"`
	Dir       string     `json:"dir"`
	Cycles    string     `json:"cycles"`
	Options   []string   `json:"options"`
	Done      string     `json:"done"`
	Status    string     `json:"status"`
	Progress  float64    `json:"progress"`
	OK        bool       `json:"ok"`
	Summary   string     `json:"summary"`
	Totals    [][]string `json:"totals"`
	Datasets  [][]string `json:"datasets"`
	Bad       bool       `json:"bad"`
	Failure   string     `json:"failure"`
	Errors    [][]string `json:"errors"`
	ErrorHead []string   `json:"errorHead"`
	Focused   string     `json:"focused"`
	ImgX      int        `json:"imgX"`
	Handlers  int        `json:"handlers"`
	Title     string     `json:"title"`
	Token     string     `json:"token"`
	Stored    string     `json:"stored"`
	Overflow  int        `json:"overflow"`
}

const uploadStateJS = `(() => {
	const $ = id => document.getElementById(id);
	const f = $("upload");
	const cells = sel => Array.from(document.querySelectorAll(sel), r => Array.from(r.cells, c => c.textContent));
	return {
		lang: document.documentElement.lang, dir: document.dir,
		cycles: f.dataset.cycles || "", options: Array.from($("cycle").options, o => o.value),
		done: f.dataset.done || "0", status: $("status").textContent, progress: $("progress").value,
		ok: !$("success").hidden, summary: $("summary").textContent,
		totals: cells("#datasets table.totals tbody tr"), datasets: cells("#datasets table:not(.totals) tr"),
		bad: !$("failure").hidden, failure: $("failure-msg").textContent,
		errors: cells("#errors tbody tr"), errorHead: Array.from(document.querySelectorAll("#errors thead th"), c => c.textContent),
		focused: document.activeElement ? document.activeElement.id : "",
		imgX: document.querySelectorAll("img[src=x]").length,
		handlers: Array.from(document.querySelectorAll("*")).filter(e => Array.from(e.attributes).some(a => a.name.startsWith("on"))).length,
		title: document.title, token: $("token").value, stored: sessionStorage.getItem("pbequity.token") || "",
		overflow: document.documentElement.scrollWidth - window.innerWidth,
	};
})()`

func (tb *tab) upload() uploadState {
	tb.t.Helper()
	return eval[uploadState](tb, uploadStateJS)
}

func (tb *tab) waitUpload(what string, ok func(uploadState) bool) uploadState {
	tb.t.Helper()
	return waitFor(tb, what, 15*time.Second, tb.upload, ok)
}

// send chooses files and submits the form with the keyboard (Enter on the
// upload button), then waits for the answer.
func (tb *tab) send(files ...string) uploadState {
	tb.t.Helper()
	before := tb.upload().Done
	tb.do(chromedp.SetUploadFiles(chromedp.ID("file"), files),
		chromedp.Focus(chromedp.ID("send")), chromedp.KeyEvent("\r"))
	return tb.waitUpload("the answer to the upload", func(s uploadState) bool { return s.Done != before })
}

// checkUploadClean is checkClean, except for the browser's own log line of
// a refused upload (HTTP 422 or 401), which the page shows as its error.
func (tb *tab) checkUploadClean(host string) {
	tb.t.Helper()
	tb.checkCleanExcept(host, func(p string) bool {
		return strings.Contains(p, "/uploads:") && (strings.Contains(p, "status of 422") || strings.Contains(p, "status of 401"))
	})
}

// TestBrowserUpload drives the citizens' upload page in headless Chromium
// with the keyboard: a good file loads and its summary shows the rows and
// the totals as parsed; a bad file loads nothing and every row error shows
// in a table, in Persian (or English with ?lang=en); the page has no
// console errors and fits a 375-pixel phone screen.
func TestBrowserUpload(t *testing.T) {
	srv, db := testServer(t, 300)
	ctx := context.Background()
	tok := tokenFor(t, db, pbequity.RoleCitizen)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("طرح-ها.csv", "\ufeffکد طرح,عنوان,هزینه (تومان),کارگروه,جنسیت پیشنهاددهنده\n"+
		"web-1,بوستان بانوان محله,۱۲۰٬۰۰۰٬۰۰۰,sport,زن\nweb-2,کتابخانه کودک,۵۰٬۰۰۰٬۰۰۰,social,مرد\nweb-3,زمین بازی,۳۰٬۰۰۰٬۰۰۰,sport,زن\n")
	const hostile = `<img src=x onerror="document.title='PWNED'">`
	bad := write("votes-bad.csv", "participant_id,project_id,points\n1403-0000001,web-1,1\n1403-0000002,web-1,\""+strings.ReplaceAll(hostile, `"`, `""`)+"\"\n1403-0000003,web-2,many\n")
	projectsBefore, _ := db.QueryInt(ctx, "SELECT count(*) FROM projects WHERE cycle_id = 'tehran-1403'")
	votesBefore, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes")

	b := newBrowser(t)
	host := strings.TrimPrefix(srv.URL, "http://")

	t.Run("fa", func(t *testing.T) {
		tb := b.open(t, srv.URL+"/upload?cycle=tehran-1403")
		s := tb.waitUpload("the cycles", func(s uploadState) bool { return s.Cycles != "" })
		if s.Lang != "fa" || s.Dir != "rtl" {
			t.Errorf("lang %q dir %q, want fa rtl", s.Lang, s.Dir)
		}
		if !slices.Contains(s.Options, "tehran-1403") || len(s.Options) < 2 {
			t.Fatalf("cycle options %q", s.Options)
		}

		// Keyboard only: Tab reaches every control in order, with a visible focus ring.
		var order []string
		for range 12 {
			tb.do(chromedp.KeyEvent("\t"))
			if id := tb.upload().Focused; id != "" && !slices.Contains(order, id) {
				order = append(order, id)
			}
		}
		want := []string{"token", "cycle", "file", "kind", "unit", "anonymous", "send"}
		if got := slices.DeleteFunc(slices.Clone(order), func(id string) bool { return !slices.Contains(want, id) }); !slices.Equal(got, want) {
			t.Errorf("Tab order %q, want %q", order, want)
		}
		tb.do(chromedp.Focus(chromedp.ID("token")))
		if outline := eval[string](tb, `getComputedStyle(document.getElementById("token")).outlineStyle`); outline == "none" || outline == "" {
			t.Errorf("focused token field has no visible outline (%q)", outline)
		}
		// Every control has a label.
		if n := eval[int](tb, `Array.from(document.querySelectorAll("#upload input, #upload select")).filter(e => !e.labels || !e.labels.length).length`); n != 0 {
			t.Errorf("%d form controls have no label", n)
		}

		// The token is typed and kept in sessionStorage.
		tb.do(chromedp.SendKeys(chromedp.ID("token"), tok), chromedp.KeyEvent("\t"))
		if s := tb.upload(); s.Stored != tok || s.Options[0] == "" {
			t.Errorf("token kept %q, want the typed one", s.Stored)
		}
		tb.do(chromedp.SetValue(chromedp.ID("cycle"), "tehran-1403"))

		// A good file: the success summary gives the rows and the totals per category as parsed.
		s = tb.send(good)
		if !s.OK || s.Bad {
			t.Fatalf("good file: success shown %v, failure %v %q %q", s.OK, s.Bad, s.Failure, s.Errors)
		}
		if !strings.Contains(s.Summary, "۳") {
			t.Errorf("summary %q does not give 3 rows in Persian digits", s.Summary)
		}
		if s.Progress != 100 {
			t.Errorf("progress bar at %v, want 100", s.Progress)
		}
		totals := map[string]string{}
		for _, r := range s.Totals {
			totals[r[0]] = r[1]
		}
		// 120,000,000 + 30,000,000 toman = 1,500,000,000 rial.
		if totals["sport"] != "۱٬۵۰۰٬۰۰۰٬۰۰۰" || totals["social"] != "۵۰۰٬۰۰۰٬۰۰۰" {
			t.Errorf("totals %q, want sport ۱٬۵۰۰٬۰۰۰٬۰۰۰ and social ۵۰۰٬۰۰۰٬۰۰۰ rial", s.Totals)
		}
		if s.Focused != "success-title" {
			t.Errorf("focus after success on %q, want the result heading", s.Focused)
		}
		if n, _ := db.QueryInt(ctx, "SELECT count(*) FROM projects WHERE cycle_id = 'tehran-1403'"); n != projectsBefore+3 {
			t.Errorf("projects %d, want %d", n, projectsBefore+3)
		}
		tb.screenshot("upload-fa-success")

		// A bad file: every row error in a table, in Persian; nothing loaded.
		s = tb.send(bad)
		if !s.Bad || s.OK {
			t.Fatalf("bad file: failure shown %v, success %v", s.Bad, s.OK)
		}
		if len(s.Errors) != 2 {
			t.Fatalf("error rows %q, want 2", s.Errors)
		}
		if s.ErrorHead[0] != "فایل" || s.ErrorHead[1] != "ردیف" || s.ErrorHead[2] != "ستون" {
			t.Errorf("error table headers %q, want Persian", s.ErrorHead)
		}
		byRow := map[string][]string{}
		for _, r := range s.Errors {
			byRow[r[1]] = r
		}
		if r := byRow["۴"]; r == nil || r[0] != "votes-bad.csv" || r[3] != "many" || !strings.ContainsFunc(r[4], func(c rune) bool { return c >= 'آ' && c <= 'ی' }) {
			t.Errorf("row 4 error %q, want votes-bad.csv, points, many, a Persian message", r)
		}
		if r := byRow["۳"]; r == nil || r[2] != "points" || r[3] != hostile {
			t.Errorf("row 3 error %q, want column points with the hostile value as text", r)
		}
		if !strings.Contains(s.Failure, "۲") {
			t.Errorf("failure message %q does not count 2 problems in Persian digits", s.Failure)
		}
		if s.ImgX != 0 || s.Handlers != 0 || s.Title == "PWNED" {
			t.Errorf("a value from the file was parsed as HTML: %d img, %d handlers, title %q", s.ImgX, s.Handlers, s.Title)
		}
		if n, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes"); n != votesBefore {
			t.Errorf("votes %d after a refused upload, want %d", n, votesBefore)
		}
		tb.screenshot("upload-fa-errors")

		// A phone-width screen: nothing sticks out sideways.
		tb.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2)))
		time.Sleep(200 * time.Millisecond)
		if s := tb.upload(); s.Overflow > 0 {
			t.Errorf("at 375 px the page is %d px wider than the screen", s.Overflow)
		}
		if w := eval[float64](tb, `document.getElementById("send").getBoundingClientRect().width`); w < 300 {
			t.Errorf("at 375 px the upload button is %v px wide, want the full width", w)
		}
		tb.screenshot("upload-fa-phone-375")
		tb.checkUploadClean(host)
	})

	t.Run("en", func(t *testing.T) {
		tb := b.open(t, srv.URL+"/upload?lang=en&cycle=tehran-1403")
		s := tb.waitUpload("the cycles", func(s uploadState) bool { return s.Cycles != "" })
		if s.Lang != "en" || s.Dir != "ltr" {
			t.Errorf("lang %q dir %q, want en ltr", s.Lang, s.Dir)
		}
		// sessionStorage belongs to one tab: a new tab asks for the token again.
		if s.Token != "" {
			t.Errorf("a new tab knows the token of another tab")
		}
		tb.do(chromedp.SendKeys(chromedp.ID("token"), tok))
		// The same bad file answers in English.
		s = tb.send(bad)
		if !s.Bad || len(s.Errors) != 2 || s.ErrorHead[1] != "Row" {
			t.Fatalf("bad file in English: %+v", s)
		}
		for _, r := range s.Errors {
			if strings.ContainsFunc(r[4], func(c rune) bool { return c >= 'آ' && c <= 'ی' }) {
				t.Errorf("English error message %q is Persian", r[4])
			}
		}
		// A token of no value is refused in the page, not with a crash.
		tb.do(chromedp.SetValue(chromedp.ID("token"), "pbe_wrong"))
		s = tb.send(good)
		if !s.Bad || !strings.Contains(s.Failure, "invalid") {
			t.Errorf("wrong token: failure %v %q", s.Bad, s.Failure)
		}
		tb.checkUploadClean(host)
	})
}
