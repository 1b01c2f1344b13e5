package reports

import (
	"encoding/json"
	"html/template"
	"math"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/pbequity/pbequity/analytics"
)

// Chart is one rendered chart: an element id, the ECharts option as JSON
// safe to place inside a <script type="application/json"> element, and the
// numbers behind it as a table.
type Chart struct {
	ID string
	// Key names the chart's data files: /cycles/{cycle}/data/{Key}.csv|.json.
	Key    string
	Title  string
	Note   string
	Option template.JS
	Table  Table
	// Class sizes the chart box ("tall").
	Class string
	// CSV and JSON link to the chart's data (data: URLs in a standalone file).
	CSV, JSON template.URL
}

// Table is the accessible table of a chart's numbers.
type Table struct {
	Head []string
	Rows [][]string
	// Foot is an optional totals row.
	Foot []string
	// Long tables may break across printed pages between rows.
	Long bool
}

// clean makes a string that comes from data safe to hand to go-echarts:
// go-echarts turns anything wrapped in __f__ into JavaScript, so every
// occurrence of the marker is removed (repeatedly, so none can be rebuilt).
func clean(s string) string {
	for strings.Contains(s, "__f__") {
		s = strings.ReplaceAll(s, "__f__", "")
	}
	return s
}

// safeOption renders a go-echarts chart's option and escapes it for a
// script element: go-echarts writes options unescaped, so <, > and & are
// turned into JSON escapes, which leaves the JSON value unchanged but can
// never close the script element.
func safeOption(c optioner) template.JS { return safeOptionWith(c, nil) }

// optioner is a go-echarts chart.
type optioner interface {
	JSONNotEscaped() template.HTML
	Validate()
}

// safeOptionWith is safeOption with a patch applied to the decoded option
// first, for ECharts options go-echarts does not model (funnel alignment,
// visual maps, per-series layout). Strings a patch adds must be cleaned
// like any other.
func safeOptionWith(c optioner, patch func(map[string]any)) template.JS {
	c.Validate()
	raw := string(c.JSONNotEscaped())
	// Round-trip through encoding/json: it escapes <, >, &, U+2028 and U+2029
	// and fails loudly if go-echarts produced anything that is not JSON.
	var v map[string]any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		panic("reports: chart option is not JSON: " + err.Error())
	}
	if patch != nil {
		patch(v)
	}
	b, _ := json.Marshal(v)
	return template.JS(b)
}

// axisOpts returns x and y axis options reading right to left in Persian:
// the category axis is inverted and the value axis sits on the right.
func axisOpts(lang, xName, yName string, xValue bool) (opts.XAxis, opts.YAxis) {
	x := opts.XAxis{Name: xName, NameLocation: "middle", NameGap: 30}
	y := opts.YAxis{Name: yName}
	if xValue {
		x.Type = "value"
		y.Type = "value"
	}
	if lang == "fa" {
		x.Inverse = opts.Bool(true)
		y.Position = "right"
	}
	return x, y
}

func baseOpts(id, lang string) []charts.GlobalOpts {
	legend := opts.Legend{Show: opts.Bool(true), Top: "0"}
	if lang == "fa" {
		legend.Right = "0"
	} else {
		legend.Left = "0"
	}
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: "360px"}),
		charts.WithLegendOpts(legend),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithGridOpts(opts.Grid{Left: "8%", Right: "8%", Top: "48", Bottom: "56", ContainLabel: opts.Bool(true)}),
		charts.WithAnimation(false),
	}
}

func num(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

// figureValue returns the value to plot for a figure: nil (a gap) when it
// is suppressed or undefined, so no small number is ever drawn.
func figureValue(f analytics.Figure) any {
	if f.Value == nil {
		return "-"
	}
	return *f.Value
}

// categoryChart draws the funded money by category.
func categoryChart(ind *analytics.Indicators, f formatter) Chart {
	bar := charts.NewBar()
	bar.SetGlobalOptions(baseOpts("chart-category", f.lang)...)
	unit := f.moneyUnit(ind.Currency)
	x, y := axisOpts(f.lang, "", unit, false)
	x.AxisLabel = &opts.AxisLabel{Interval: "0", Rotate: 20}
	bar.SetGlobalOptions(charts.WithXAxisOpts(x), charts.WithYAxisOpts(y))
	scale, _ := moneyScale(ind.Currency)
	var names []string
	var data []opts.BarData
	t := Table{Head: []string{f.tr("category"), f.tr("projects"), f.tr("amount") + " (" + unit + ")", f.tr("share")}}
	for _, r := range ind.Allocation.Categories {
		name := r.NameFa
		if f.lang == "en" && r.NameEn != "" {
			name = r.NameEn
		}
		if name == "" {
			name = r.ID
		}
		names = append(names, clean(name))
		data = append(data, opts.BarData{Value: num(float64(r.Amount) / scale)})
		t.Rows = append(t.Rows, []string{name, f.int(int64(r.Projects)), f.money(float64(r.Amount), ind.Currency), f.figure(r.Share, 1, true)})
	}
	t.Foot = []string{"", f.int(int64(ind.Allocation.Projects)), f.money(float64(ind.Allocation.Total), ind.Currency), f.pct(1)}
	bar.SetXAxis(names).AddSeries(f.tr("amount"), data, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#2a9d8f"}))
	return Chart{ID: "chart-category", Key: "category", Title: f.tr("by_category"), Option: safeOption(bar), Table: t}
}

// areaChart draws per-capita funded money by area.
func areaChart(ind *analytics.Indicators, f formatter) Chart {
	bar := charts.NewBar()
	bar.SetGlobalOptions(baseOpts("chart-area", f.lang)...)
	unit := f.moneyUnit(ind.Currency)
	x, y := axisOpts(f.lang, "", f.tr("per_capita"), false)
	x.AxisLabel = &opts.AxisLabel{Interval: "0", Rotate: 45}
	bar.SetGlobalOptions(charts.WithXAxisOpts(x), charts.WithYAxisOpts(y))
	var names []string
	var data []opts.BarData
	t := Table{Head: []string{f.tr("area"), f.tr("projects"), f.tr("amount") + " (" + unit + ")", f.tr("population"), f.tr("per_capita")}}
	for _, r := range ind.Allocation.Areas {
		name := r.NameFa
		if f.lang == "en" && r.NameEn != "" {
			name = r.NameEn
		}
		if name == "" {
			name = r.ID
		}
		names = append(names, clean(name))
		data = append(data, opts.BarData{Value: figureValue(r.PerCapita)})
		t.Rows = append(t.Rows, []string{name, f.int(int64(r.Projects)), f.money(float64(r.Amount), ind.Currency),
			f.count(r.Population), f.figure(r.PerCapita, 0, false)})
	}
	if cw := ind.Allocation.CityWide; cw.Projects > 0 {
		t.Foot = []string{f.tr("city_wide"), f.int(int64(cw.Projects)), f.money(float64(cw.Amount), ind.Currency), "", ""}
	}
	bar.SetXAxis(names).AddSeries(f.tr("per_capita"), data, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#e76f51"}))
	return Chart{ID: "chart-area", Key: "area", Title: f.tr("by_area"), Option: safeOption(bar), Table: t}
}

// lorenzChart draws the Lorenz curve of per-capita allocation with the line
// of equality.
func lorenzChart(ind *analytics.Indicators, f formatter) Chart {
	line := charts.NewLine()
	line.SetGlobalOptions(baseOpts("chart-lorenz", f.lang)...)
	x, y := axisOpts(f.lang, f.tr("cum_pop"), f.tr("cum_alloc"), true)
	one := 1.0
	x.Min, x.Max = 0, one
	y.Min, y.Max = 0, one
	line.SetGlobalOptions(charts.WithXAxisOpts(x), charts.WithYAxisOpts(y),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}))
	var pts []opts.LineData
	t := Table{Head: []string{"#", f.tr("cum_pop"), f.tr("cum_alloc")}}
	for i, p := range ind.Distribution.Lorenz {
		pts = append(pts, opts.LineData{Value: []float64{num(p.X), num(p.Y)}})
		t.Rows = append(t.Rows, []string{f.int(int64(i)), f.pct(p.X), f.pct(p.Y)})
	}
	line.AddSeries(f.tr("equality"), []opts.LineData{{Value: []float64{0, 0}}, {Value: []float64{1, 1}}},
		charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Color: "#888"}), charts.WithItemStyleOpts(opts.ItemStyle{Color: "#888"})).
		AddSeries(f.tr("lorenz_series"), pts, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#6a4c93"}),
			charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.15)}))
	title := f.tr("lorenz")
	note := f.tr("lorenz_note")
	if g := ind.Distribution.Gini; g.Value != nil {
		title += " — " + f.tr("gini") + " " + f.float(*g.Value, 3)
	}
	return Chart{ID: "chart-lorenz", Key: "lorenz", Title: title, Note: note, Option: safeOption(line), Table: t}
}
