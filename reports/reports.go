// Package reports turns a cycle's indicators into pages a councillor reads:
// the archive of cycles and the equity report, in Persian (default, right to
// left, Persian digits, Solar Hijri dates) and English, with go-echarts
// charts whose numbers are also given as tables. All JavaScript, CSS and
// fonts are embedded (Assets) or inlined into a standalone file, so pages
// work offline. It builds on analytics and the root package and must not
// import the queries package or the DuckDB driver.
package reports

import (
	"bytes"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/analytics"
)

//go:embed assets
var assetsFS embed.FS

//go:embed templates/*.html
var templateFS embed.FS

// Assets are the files pages load: report.css, report.js and, after `make
// assets`, vendor/echarts.min.js and the Vazirmatn fonts.
func Assets() fs.FS {
	sub, _ := fs.Sub(assetsFS, "assets")
	return sub
}

// Options control how a page is rendered.
type Options struct {
	// Lang is "fa" (default) or "en".
	Lang string
	// Standalone inlines every asset so the page is one self-contained file.
	Standalone bool
	// AssetBase is the URL prefix of Assets (default "/assets/").
	AssetBase string
	// Now is the time the page is generated (default time.Now).
	Now time.Time
}

func (o Options) norm() Options {
	o.Lang = NormLang(o.Lang)
	if o.AssetBase == "" {
		o.AssetBase = "/assets/"
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return o
}

// page is the data of the layout template.
type page struct {
	Lang, Dir, Title string
	Standalone       bool
	Assets           string
	Home             string
	OtherLang        string
	InlineCSS        template.CSS
	InlineJS         template.JS
	InlineEcharts    template.JS
	Charts           []Chart
}

func newPage(o Options, title, path string) page {
	p := page{Lang: o.Lang, Dir: "rtl", Title: title, Standalone: o.Standalone, Assets: o.AssetBase, Home: "/"}
	if o.Lang == "en" {
		p.Dir = "ltr"
		p.Home = "/?lang=en"
	}
	other := "en"
	if o.Lang == "en" {
		other = "fa"
	}
	if !o.Standalone {
		p.OtherLang = path + "?lang=" + other
	}
	return p
}

func (p *page) inline() error {
	if !p.Standalone {
		return nil
	}
	css, err := fs.ReadFile(assetsFS, "assets/report.css")
	if err != nil {
		return err
	}
	// Fonts become data: URLs so the file needs nothing beside it.
	s := string(css)
	for _, font := range []string{"Vazirmatn-Regular.woff2", "Vazirmatn-Bold.woff2"} {
		b, err := fs.ReadFile(assetsFS, "assets/vendor/"+font)
		if err != nil {
			return fmt.Errorf("standalone report: %w (run make assets)", err)
		}
		s = strings.ReplaceAll(s, "vendor/"+font, "data:font/woff2;base64,"+base64.StdEncoding.EncodeToString(b))
	}
	p.InlineCSS = template.CSS(s)
	js, err := fs.ReadFile(assetsFS, "assets/report.js")
	if err != nil {
		return err
	}
	p.InlineJS = template.JS(js)
	ec, err := fs.ReadFile(assetsFS, "assets/vendor/echarts.min.js")
	if err != nil {
		return fmt.Errorf("standalone report: %w (run make assets)", err)
	}
	// A script element ends at "</script"; echarts.min.js has none, but be sure.
	p.InlineEcharts = template.JS(strings.ReplaceAll(string(ec), "</script", `<\/script`))
	return nil
}

func parse(lang, name string) (*template.Template, error) {
	return template.New("layout").Funcs(template.FuncMap{
		"tr": func(key string) string { return tr(lang, key) },
	}).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
}

func execute(w io.Writer, lang, name string, data any) error {
	t, err := parse(lang, name)
	if err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	// Render to a buffer first so a failure never leaves half a page.
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// archiveRow is one cycle of the archive, formatted.
type archiveRow struct {
	ID, Name, URL, Year, Budget, Participants, Voters, WomenShare, GPI, Gini, Projects, Funded, Allocated string
}

// Archive renders the home page: every cycle with its headline figures
// and, for every city (Unit) with more than one cycle, the trends of its
// headline indicators. inds are the cycles' indicators by id (nil or
// missing: no trends for that cycle). Counts of people below k are shown
// as suppressed.
func Archive(w io.Writer, cycles []pbequity.CycleSummary, k int, opt Options, inds map[string]*analytics.Indicators) error {
	o := opt.norm()
	f := newFormatter(o.Lang)
	if k <= 0 {
		k = analytics.DefaultK
	}
	p := newPage(o, tr(o.Lang, "title"), "/")
	data := struct {
		page
		Cycles    []archiveRow
		Trends    []Chart
		MoneyUnit string
	}{MoneyUnit: f.moneyUnit("IRR")}
	for _, c := range cycles {
		name := c.Name
		if o.Lang == "en" && c.NameEn != "" {
			name = c.NameEn
		}
		share := "—"
		switch {
		case small(c.Women, k) || small(c.Men, k):
			share = f.tr("suppressed")
		case c.Women+c.Men > 0:
			share = f.pct(float64(c.Women) / float64(c.Women+c.Men))
		}
		budget := f.money(float64(c.Budget), c.Currency)
		if c.Currency != "" && c.Currency != "IRR" {
			budget += " " + c.Currency
		}
		gpi, gini := "—", "—"
		if ind := inds[c.ID]; ind != nil {
			gpi = f.figure(stageRow(ind, "vote").GPI.Figure, 2, false)
			gini = f.figure(ind.Distribution.Gini.Figure, 3, false)
		}
		data.Cycles = append(data.Cycles, archiveRow{
			ID: c.ID, Name: name, URL: "/cycles/" + url.PathEscape(c.ID) + "/report?lang=" + o.Lang,
			Year: f.year(c.FiscalYear), Budget: budget, Participants: f.countInt(c.Participants, k),
			Voters: f.countInt(c.Voters, k), WomenShare: share, GPI: gpi, Gini: gini, Projects: f.int(c.Projects), Funded: f.int(c.Funded),
			Allocated: f.money(float64(c.Allocated), c.Currency),
		})
	}
	trends, err := trendCharts(cycles, inds, o)
	if err != nil {
		return err
	}
	data.Trends = trends
	p.Charts = trends
	if err := p.inline(); err != nil {
		return err
	}
	data.page = p
	return execute(w, o.Lang, "archive", data)
}

func small(n int64, k int) bool { return n > 0 && n < int64(k) }

// countInt formats a count of people, suppressed below k.
func (f formatter) countInt(n int64, k int) string {
	if small(n, k) {
		return f.sup()
	}
	return f.int(n)
}

// card is one headline figure.
type card struct{ Key, Label, Value string }

// Report renders the equity report of a cycle from its indicators and, when
// not nil, the comparison of allocation rules with the audit of the official
// outcome.
func Report(w io.Writer, c pbequity.CycleSummary, ind *analytics.Indicators, cmp *Comparison, opt Options) error {
	o := opt.norm()
	f := newFormatter(o.Lang)
	name := c.Name
	if o.Lang == "en" && c.NameEn != "" {
		name = c.NameEn
	}
	p := newPage(o, tr(o.Lang, "report")+" — "+name, "/cycles/"+url.PathEscape(c.ID)+"/report")
	b := newBuilder(c, ind, cmp, f)
	secs := b.sections()
	if err := dataLinks(secs, c, ind, cmp, o); err != nil {
		return err
	}
	p.Charts = chartsOf(secs)
	if err := p.inline(); err != nil {
		return err
	}
	data := struct {
		page
		CycleName, Period, Year, Rule, Generated, Description string
		Cards                                                 []card
		Findings                                              []string
		Sections                                              []section
		MoneyNote                                             string
	}{
		page: p, CycleName: name, Year: f.year(c.FiscalYear), Rule: c.Rule, Generated: f.date(o.Now),
		Period:      f.date(c.StartDate) + " – " + f.date(c.EndDate),
		Description: c.Description,
		MoneyNote:   fmt.Sprintf(f.tr("currency_unit"), f.moneyUnit(c.Currency)),
		Sections:    secs,
	}
	vote := stageRow(ind, "vote")
	data.Cards = []card{
		{"budget", f.tr("budget") + " (" + f.moneyUnit(c.Currency) + ")", f.money(float64(c.Budget), c.Currency)},
		{"participants", f.tr("participants"), f.countInt(c.Participants, ind.K)},
		{"voters", f.tr("voters"), f.figure(ind.Representation.Voters, 0, false)},
		{"women_share", f.tr("women_share") + " (" + f.tr("voters") + ")", f.figure(vote.WomenShare.Figure, 1, true)},
		{"gpi", f.tr("gpi") + " (" + f.tr("voters") + ")", f.figure(vote.GPI.Figure, 2, false)},
		{"gini", f.tr("gini"), f.figure(ind.Distribution.Gini.Figure, 3, false)},
		{"focused", f.tr("focused"), f.figure(ind.Markers.Focused.Figure, 1, true)},
		{"allocated", f.tr("allocated") + " (" + f.moneyUnit(c.Currency) + ")", f.money(float64(ind.Allocation.Total), c.Currency)},
	}
	data.Findings = findings(ind, cmp, f)
	return execute(w, o.Lang, "report", data)
}

// findings are the three or four findings a council should hear first:
// whether women took part in proportion, whether their proposals and the
// money reached them, how evenly the money spread, and what the audit found.
func findings(ind *analytics.Indicators, cmp *Comparison, f formatter) []string {
	vote := stageRow(ind, "vote")
	var out []string
	add := func(hs ...analytics.Headline) {
		for _, h := range hs {
			if s := pick(f.lang, h.Reading); s != "" {
				out = append(out, s)
				return
			}
		}
	}
	add(vote.GPI, vote.WomenShare)
	if ind.Success.Flagged {
		add(ind.Success.ImpactRatio)
	} else {
		add(ind.Benefit.Gap, ind.Success.ImpactRatio)
	}
	add(ind.Distribution.Gini)
	add(ind.Markers.Focused)
	if cmp != nil && cmp.Audit != nil && !cmp.Audit.Matches {
		out = append(out, newRulesView(cmp, f, ind.Currency).Audit)
	}
	return out
}

func pick(lang string, t analytics.Text) string {
	if lang == "en" {
		return t.En
	}
	return t.Fa
}

func stageRow(ind *analytics.Indicators, stage string) analytics.StageRow {
	for _, s := range ind.Funnel {
		if s.Stage == stage {
			return s
		}
	}
	return analytics.StageRow{Stage: stage}
}
