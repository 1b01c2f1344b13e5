package reports

import (
	"encoding/json"
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/analytics"
)

// section is one part of the report: a heading, a lead, key figures,
// charts with their tables, and sentences.
type section struct {
	ID, Title, Lead string
	Figures         []figureRow
	Charts          []Chart
	Items           []string
	// Formulas are the methodology's definitions.
	Formulas []formula
}

// figureRow is one key figure of a section.
type figureRow struct{ Label, Value, Note string }

// formula is one definition of the methodology, in the page's language.
type formula struct{ Name, Expr, Note string }

// builder builds the sections of one report in one language.
type builder struct {
	c   pbequity.CycleSummary
	ind *analytics.Indicators
	cmp *Comparison
	f   formatter
	// areaName maps area ids to their names in the page's language.
	areaName map[string]string
}

func newBuilder(c pbequity.CycleSummary, ind *analytics.Indicators, cmp *Comparison, f formatter) *builder {
	b := &builder{c: c, ind: ind, cmp: cmp, f: f, areaName: map[string]string{}}
	for _, r := range ind.Representation.Areas {
		b.areaName[r.ID] = b.name(r.NameFa, r.NameEn, r.ID)
	}
	for _, r := range ind.Allocation.Areas {
		b.areaName[r.ID] = b.name(r.NameFa, r.NameEn, r.ID)
	}
	return b
}

// name picks the name of a row in the page's language.
func (b *builder) name(fa, en, id string) string {
	n := fa
	if b.f.lang == "en" && en != "" {
		n = en
	}
	if n == "" {
		n = id
	}
	return n
}

func (b *builder) area(id string) string {
	if id == "" {
		return b.f.tr("city_wide_short")
	}
	if n, ok := b.areaName[id]; ok {
		return n
	}
	return id
}

// sections returns every section of the report after the headline.
func (b *builder) sections() []section {
	f := b.f
	var out []section
	out = append(out, section{ID: "participation", Title: f.tr("sec_participation"), Lead: f.tr("funnel_note"),
		Charts: []Chart{b.funnel()}, Items: b.readings(b.stage("problem").WomenShare, b.stage("vote").GPI, b.ind.Success.ImpactRatio)})
	rep := section{ID: "representation", Title: f.tr("sec_representation"), Lead: f.tr("representation_note"),
		Figures: b.representationFigures(), Items: b.readings(b.ind.Representation.Rose, b.ind.Representation.Gallagher)}
	if c, ok := b.representation(); ok {
		rep.Charts = append(rep.Charts, c)
	}
	out = append(out, rep)
	alloc := section{ID: "allocation", Title: f.tr("sec_allocation"), Lead: fmt.Sprintf(f.tr("allocation_note"), f.moneyUnit(b.ind.Currency)),
		Charts: []Chart{categoryChart(b.ind, f)}}
	if c, ok := b.flows(); ok {
		alloc.Charts = append(alloc.Charts, c)
	}
	alloc.Charts = append(alloc.Charts, areaChart(b.ind, f))
	out = append(out, alloc)
	ineq := section{ID: "inequality", Title: f.tr("sec_inequality"), Lead: f.tr("inequality_note"),
		Charts: []Chart{lorenzChart(b.ind, f), b.indices()}, Items: b.readings(b.ind.Distribution.Gini)}
	if c, ok := b.theil(); ok {
		ineq.Charts = append(ineq.Charts, c)
	}
	out = append(out, ineq)
	out = append(out, section{ID: "markers", Title: f.tr("sec_markers"), Lead: f.tr("markers_note"),
		Figures: b.markerFigures(), Charts: []Chart{b.markers(), b.benefit()},
		Items: b.readings(b.ind.Markers.Focused, b.ind.Markers.Principal, b.ind.Benefit.Gap)})
	fair := section{ID: "fairness", Title: f.tr("sec_fairness"), Lead: f.tr("fairness_note")}
	if c, ok := b.fairness(); ok {
		fair.Charts = append(fair.Charts, c)
	}
	if c, ok := b.rules(); ok {
		fair.Charts = append(fair.Charts, c)
	}
	if b.cmp != nil {
		v := newRulesView(b.cmp, f, b.ind.Currency)
		if v.Audit != "" {
			fair.Figures = append(fair.Figures, figureRow{Label: f.tr("audit"), Value: v.Audit})
		}
		fair.Items = v.Readings
	} else {
		fair.Items = []string{fmt.Sprintf(f.tr("fairness_none"), f.int(CompareLimit))}
	}
	out = append(out, fair)
	out = append(out, section{ID: "evaluation", Title: f.tr("sec_evaluation"), Lead: f.tr("evaluation_note"),
		Figures: []figureRow{
			{Label: f.tr("execution_rate"), Value: f.figure(b.ind.Execution.Overall.Figure, 1, true)},
			{Label: f.tr("execution_recorded"), Value: f.int(int64(b.ind.Execution.Recorded)) + " / " + f.int(int64(b.ind.Allocation.Projects))},
		},
		Charts: []Chart{b.execution()}, Items: b.readings(b.ind.Execution.Overall)})
	out = append(out, b.quality(), b.methodology())
	return out
}

// readings are the plain-language readings of headlines that have one.
func (b *builder) readings(hs ...analytics.Headline) []string {
	var out []string
	for _, h := range hs {
		if s := pick(b.f.lang, h.Reading); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (b *builder) stage(s string) analytics.StageRow { return stageRow(b.ind, s) }

// chart wraps a go-echarts chart, its patch and its table.
func chart(id, title, note string, c optioner, patch func(map[string]any), t Table) Chart {
	return Chart{ID: "chart-" + id, Key: id, Title: title, Note: note, Option: safeOptionWith(c, patch), Table: t}
}

// funnel draws women and men across the stages as two mirrored funnels.
func (b *builder) funnel() Chart {
	f, ind := b.f, b.ind
	fn := charts.NewFunnel()
	fn.SetGlobalOptions(baseOpts("chart-funnel", f.lang)...)
	fn.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}))
	t := Table{Head: []string{f.tr("stage"), f.tr("women"), f.tr("men"), f.tr("other"), f.tr("unknown"), f.tr("women_share"), f.tr("gpi")}}
	var women, men []opts.FunnelData
	for _, s := range ind.Funnel {
		name := clean(f.tr("short_" + s.Stage))
		women = append(women, opts.FunnelData{Name: name + " · " + f.count(s.Counts.F), Value: figureValue(s.Counts.F)})
		men = append(men, opts.FunnelData{Name: name + " · " + f.count(s.Counts.M), Value: figureValue(s.Counts.M)})
		t.Rows = append(t.Rows, []string{f.tr("stage_" + s.Stage), f.count(s.Counts.F), f.count(s.Counts.M), f.count(s.Counts.O), f.count(s.Counts.U),
			f.figure(s.WomenShare.Figure, 1, true), f.figure(s.GPI.Figure, 2, false)})
	}
	fn.AddSeries(f.tr("women"), women).AddSeries(f.tr("men"), men)
	// Women first in reading order: on the right in Persian.
	// Women first in reading order: on the right in Persian; each half
	// widens towards the middle.
	wLeft, mLeft := "2%", "51%"
	wAlign, mAlign := "right", "left"
	if f.lang == "fa" {
		wLeft, mLeft = "51%", "2%"
		wAlign, mAlign = "left", "right"
	}
	patch := func(o map[string]any) {
		o["legend"] = map[string]any{"show": false}
		o["title"] = []any{
			map[string]any{"text": f.tr("women"), "left": wLeft, "top": 0, "textStyle": map[string]any{"fontSize": 14, "color": colorF}},
			map[string]any{"text": f.tr("men"), "left": mLeft, "top": 0, "textStyle": map[string]any{"fontSize": 14, "color": colorM}},
		}
		for i, s := range series(o) {
			left, align, color := wLeft, wAlign, colorF
			if i == 1 {
				left, align, color = mLeft, mAlign, colorM
			}
			s["left"], s["width"], s["top"], s["bottom"] = left, "47%", 36, 8
			s["sort"], s["funnelAlign"], s["minSize"], s["gap"] = "none", align, "40%", 3
			s["itemStyle"] = map[string]any{"color": color, "borderColor": "#fff"}
			s["label"] = map[string]any{"show": true, "position": "inside", "color": "#fff", "fontSize": 12, "formatter": "{b}"}
		}
	}
	return chart("funnel", f.tr("funnel"), "", fn, patch, t)
}

const (
	colorF = "#b5179e"
	colorM = "#3a86ff"
)

// series returns the series of an option.
func series(o map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := o["series"].([]any)
	for _, s := range list {
		if m, ok := s.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// representationFigures are the representation ratios of the genders.
func (b *builder) representationFigures() []figureRow {
	f := b.f
	var out []figureRow
	for _, r := range b.ind.Representation.Ratios {
		if r.Gender != pbequity.Female && r.Gender != pbequity.Male {
			continue
		}
		out = append(out, figureRow{Label: f.tr("rr") + " — " + f.tr(genderKey(r.Gender)), Value: f.figure(r.Ratio.Figure, 2, false),
			Note: pick(f.lang, r.Ratio.Reading)})
	}
	out = append(out, figureRow{Label: f.tr("rose"), Value: f.figure(b.ind.Representation.Rose.Figure, 2, false)},
		figureRow{Label: f.tr("gallagher"), Value: f.figure(b.ind.Representation.Gallagher.Figure, 2, false)})
	return out
}

func genderKey(g pbequity.Gender) string {
	switch g {
	case pbequity.Female:
		return "women"
	case pbequity.Male:
		return "men"
	case pbequity.Other:
		return "other"
	}
	return "unknown"
}

// representation draws the representation ratio of women and men voters
// by district (or neighbourhood when the cycle has no districts) as a
// heatmap; its table has every district and neighbourhood.
func (b *builder) representation() (Chart, bool) {
	f := b.f
	rows := b.ind.Representation.Areas
	if len(rows) == 0 {
		return Chart{}, false
	}
	level := rows[0].Level
	t := Table{Head: []string{f.tr("area_any"), f.tr("in_district"), f.tr("voters") + " — " + f.tr("women"), f.tr("adult_pop") + " — " + f.tr("women"), f.tr("rr") + " — " + f.tr("women"),
		f.tr("voters") + " — " + f.tr("men"), f.tr("adult_pop") + " — " + f.tr("men"), f.tr("rr") + " — " + f.tr("men"), f.tr("gpi")}}
	var names []string
	type cell struct {
		x, y int
		v    analytics.Figure
	}
	var cells []cell
	for _, r := range rows {
		name := b.name(r.NameFa, r.NameEn, r.ID)
		lv := f.tr("level_" + r.Level)
		if r.Parent != "" {
			lv = b.area(r.Parent)
		}
		t.Rows = append(t.Rows, []string{name, lv, f.count(r.VotersF), f.count(r.PopulationF), f.figure(r.RatioF, 2, false),
			f.count(r.VotersM), f.count(r.PopulationM), f.figure(r.RatioM, 2, false), f.figure(r.GPI, 2, false)})
		if r.Level != level {
			continue
		}
		y := len(names)
		names = append(names, clean(name))
		cells = append(cells, cell{0, y, r.RatioF}, cell{1, y, r.RatioM})
	}
	t.Long = len(t.Rows) > 30
	hm := charts.NewHeatMap()
	hm.SetGlobalOptions(baseOpts("chart-representation", f.lang)...)
	x, y := axisOpts(f.lang, "", "", false)
	x.Type, y.Type = "category", "category"
	x.Data = []string{f.tr("women"), f.tr("men")}
	y.Data = names
	y.Inverse = opts.Bool(true)
	hm.SetGlobalOptions(charts.WithXAxisOpts(x), charts.WithYAxisOpts(y),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}))
	var data []opts.HeatMapData
	for _, c := range cells {
		data = append(data, opts.HeatMapData{Value: []any{c.x, c.y, figureValue(c.v)}})
	}
	hm.AddSeries(f.tr("rr"), data)
	patch := func(o map[string]any) {
		o["legend"] = map[string]any{"show": false}
		o["grid"] = map[string]any{"left": "4%", "right": "4%", "top": 16, "bottom": 64, "containLabel": true}
		o["visualMap"] = map[string]any{"type": "continuous", "min": 0.5, "max": 1.5, "calculable": false, "orient": "horizontal",
			"left": "center", "bottom": 0, "precision": 2, "text": []string{f.float(1.5, 1), f.float(0.5, 1)},
			"inRange": map[string]any{"color": []string{"#d6604d", "#f7f7f7", "#4393c3"}}}
		for _, s := range series(o) {
			s["label"] = map[string]any{"show": true}
			s["itemStyle"] = map[string]any{"borderColor": "#fff", "borderWidth": 1}
		}
	}
	c := chart("representation", f.tr("representation"), f.tr("representation_chart_note"), hm, patch, t)
	if len(names) > 10 {
		c.Class = "tall"
	}
	return c, true
}

// flows draws the funded money from category to area as a sankey diagram;
// in Persian the categories stand on the right.
func (b *builder) flows() (Chart, bool) {
	f, ind := b.f, b.ind
	if len(ind.Allocation.Flows) == 0 {
		return Chart{}, false
	}
	scale, _ := moneyScale(ind.Currency)
	unit := f.moneyUnit(ind.Currency)
	catName := map[string]string{}
	for _, r := range ind.Allocation.Categories {
		catName[r.ID] = b.name(r.NameFa, r.NameEn, r.ID)
	}
	used := map[string]bool{}
	nodeOf := map[string]string{}
	var nodes []opts.SankeyNode
	node := func(key, name string) string {
		if n, ok := nodeOf[key]; ok {
			return n
		}
		n := clean(name)
		for used[n] { // names must be unique: a district may share a category's name
			n += "\u200c"
		}
		used[n] = true
		nodeOf[key] = n
		nodes = append(nodes, opts.SankeyNode{Name: n})
		return n
	}
	t := Table{Head: []string{f.tr("category"), f.tr("area"), f.tr("projects"), f.tr("amount") + " (" + unit + ")"}}
	var links []opts.SankeyLink
	for _, fl := range ind.Allocation.Flows {
		cn := catName[fl.Category]
		if cn == "" {
			cn = fl.Category
			if cn == "" {
				cn = f.tr("no_category")
			}
		}
		src := node("c\x00"+fl.Category, cn)
		dst := node("a\x00"+fl.Area, b.area(fl.Area))
		if f.lang == "fa" {
			src, dst = dst, src
		}
		links = append(links, opts.SankeyLink{Source: src, Target: dst, Value: float32(float64(fl.Amount) / scale)})
		t.Rows = append(t.Rows, []string{cn, b.area(fl.Area), f.int(int64(fl.Projects)), f.money(float64(fl.Amount), ind.Currency)})
	}
	t.Foot = []string{"", "", f.int(int64(ind.Allocation.Projects)), f.money(float64(ind.Allocation.Total), ind.Currency)}
	sk := charts.NewSankey()
	sk.SetGlobalOptions(baseOpts("chart-flows", f.lang)...)
	sk.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}))
	sk.AddSeries(f.tr("amount"), nodes, links)
	patch := func(o map[string]any) {
		o["legend"] = map[string]any{"show": false}
		for _, s := range series(o) {
			// Labels stand right of their nodes: room on the right for the last column.
			s["left"], s["right"], s["top"], s["bottom"] = "2%", "20%", 8, 8
			s["nodeGap"], s["nodeWidth"] = 6, 14
			s["emphasis"] = map[string]any{"focus": "adjacency"}
			s["lineStyle"] = map[string]any{"color": "gradient", "opacity": 0.4}
			s["label"] = map[string]any{"show": true, "fontSize": 11}
		}
	}
	c := chart("flows", f.tr("flows"), fmt.Sprintf(f.tr("flows_note"), unit), sk, patch, t)
	c.Class = "tall"
	c.Table.Long = len(t.Rows) > 30
	return c, true
}

// indices draws the inequality indices of per-capita allocation across
// areas, with the bootstrap interval of the Gini coefficient in the table.
func (b *builder) indices() Chart {
	f, d := b.f, b.ind.Distribution
	type ix struct {
		key string
		h   analytics.Figure
	}
	list := []ix{{"gini", d.Gini.Figure}, {"theil_t", d.TheilT.Figure}, {"theil_l", d.TheilL.Figure}}
	for _, a := range d.Atkinson {
		list = append(list, ix{fmt.Sprintf("atkinson_%g", a.Epsilon), a.Value})
	}
	list = append(list, ix{"palma", d.Palma.Figure}, ix{"cv", d.CV.Figure}, ix{"concentration", d.Concentration.Figure})
	t := Table{Head: []string{f.tr("index"), f.tr("value"), f.tr("interval"), f.tr("n_areas"), f.tr("meaning")}}
	bar := charts.NewBar()
	bar.SetGlobalOptions(baseOpts("chart-indices", f.lang)...)
	x, y := axisOpts(f.lang, "", "", false)
	x.AxisLabel = &opts.AxisLabel{Interval: "0", Rotate: 30}
	bar.SetGlobalOptions(charts.WithXAxisOpts(x), charts.WithYAxisOpts(y))
	var names []string
	var data []opts.BarData
	for _, i := range list {
		name := f.tr("ix_" + i.key)
		names = append(names, name)
		data = append(data, opts.BarData{Value: figureValue(i.h)})
		interval := ""
		if i.key == "gini" && d.GiniCI != nil {
			interval = f.float(d.GiniCI.Lo, 3) + " – " + f.float(d.GiniCI.Hi, 3)
			if f.raw {
				interval = f.float(d.GiniCI.Lo, 3) + ";" + f.float(d.GiniCI.Hi, 3)
			}
		}
		val := f.figure(i.h, 3, false)
		if i.h.Value == nil && !i.h.Suppressed && i.h.Reason != "" && !f.raw {
			val = "— (" + reason(f.lang, i.h.Reason) + ")"
		}
		t.Rows = append(t.Rows, []string{name, val, interval, f.int(i.h.N), f.tr("ix_" + i.key + "_note")})
	}
	bar.SetXAxis(names).AddSeries(f.tr("value"), data, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#6a4c93"}))
	note := fmt.Sprintf(f.tr("indices_note"), f.int(int64(d.Areas)), f.tr("level_"+d.Level))
	return chart("indices", f.tr("indices"), note, bar, func(o map[string]any) { o["legend"] = map[string]any{"show": false} }, t)
}

func reason(lang, r string) string {
	if lang == "fa" {
		return analytics.ReasonFa(r)
	}
	return r
}

// theil draws the within/between decomposition of Theil T and L over
// neighbourhoods grouped by district.
func (b *builder) theil() (Chart, bool) {
	f, sp := b.f, b.ind.Distribution.Split
	if sp == nil {
		return Chart{}, false
	}
	t := Table{Head: []string{f.tr("index"), f.tr("total"), f.tr("within"), f.tr("between"), f.tr("between_share"), f.tr("groups"), f.tr("units")}}
	names := []string{f.tr("ix_theil_t")}
	within := []opts.BarData{{Value: sp.T.Within}}
	between := []opts.BarData{{Value: sp.T.Between}}
	row := func(name string, d analytics.Decomposition) []string {
		return []string{name, f.float(d.Total, 3), f.float(d.Within, 3), f.float(d.Between, 3), f.pct(d.BetweenShare),
			f.int(int64(d.Groups)), f.int(int64(d.Units))}
	}
	t.Rows = append(t.Rows, row(names[0], sp.T))
	if sp.L != nil {
		names = append(names, f.tr("ix_theil_l"))
		within = append(within, opts.BarData{Value: sp.L.Within})
		between = append(between, opts.BarData{Value: sp.L.Between})
		t.Rows = append(t.Rows, row(names[1], *sp.L))
	} else {
		t.Rows = append(t.Rows, []string{f.tr("ix_theil_l"), f.none(), "", "", "", "", ""})
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(baseOpts("chart-theil", f.lang)...)
	x, y := axisOpts(f.lang, "", "", false)
	bar.SetGlobalOptions(charts.WithXAxisOpts(x), charts.WithYAxisOpts(y))
	bar.SetXAxis(names).
		AddSeries(f.tr("within"), within, charts.WithBarChartOpts(opts.BarChart{Stack: "theil"}), charts.WithItemStyleOpts(opts.ItemStyle{Color: "#2a9d8f"})).
		AddSeries(f.tr("between"), between, charts.WithBarChartOpts(opts.BarChart{Stack: "theil"}), charts.WithItemStyleOpts(opts.ItemStyle{Color: "#e9c46a"}))
	note := f.tr("theil_note")
	if sp.LReason != "" {
		note += " " + f.tr("theil_l_undefined")
	}
	return chart("theil", f.tr("theil"), note, bar, nil, t), true
}

func (b *builder) markerFigures() []figureRow {
	f, m := b.f, b.ind.Markers
	return []figureRow{
		{Label: f.tr("focused"), Value: f.figure(m.Focused.Figure, 1, true), Note: f.tr("focused_note")},
		{Label: f.tr("principal"), Value: f.figure(m.Principal.Figure, 1, true), Note: f.tr("principal_note")},
		{Label: f.tr("coverage"), Value: f.figure(m.Coverage.Figure, 1, true), Note: f.tr("coverage_note")},
		{Label: f.tr("eige"), Value: f.figure(m.EIGEShare.Figure, 1, true), Note: f.tr("eige_note")},
	}
}

// markers draws the funded money by gender marker.
func (b *builder) markers() Chart {
	f, ind := b.f, b.ind
	unit := f.moneyUnit(ind.Currency)
	scale, _ := moneyScale(ind.Currency)
	t := Table{Head: []string{f.tr("marker"), f.tr("projects"), f.tr("amount") + " (" + unit + ")", f.tr("share")}}
	var data []opts.PieData
	colors := map[pbequity.Marker]string{2: "#7b2cbf", 1: "#c77dff", 0: "#adb5bd", -1: "#e9ecef"}
	var palette []string
	for _, r := range ind.Markers.Rows {
		name := f.tr(fmt.Sprintf("marker_%d", r.Marker))
		share := f.none()
		if ind.Allocation.Total > 0 {
			share = f.pct(float64(r.Amount) / float64(ind.Allocation.Total))
		}
		t.Rows = append(t.Rows, []string{name, f.int(int64(r.Projects)), f.money(float64(r.Amount), ind.Currency), share})
		if r.Amount > 0 {
			data = append(data, opts.PieData{Name: name, Value: float64(r.Amount) / scale})
			palette = append(palette, colors[r.Marker])
		}
	}
	t.Foot = []string{"", f.int(int64(ind.Allocation.Projects)), f.money(float64(ind.Allocation.Total), ind.Currency), f.pct(1)}
	pie := charts.NewPie()
	pie.SetGlobalOptions(baseOpts("chart-markers", f.lang)...)
	pie.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}))
	pie.AddSeries(f.tr("amount"), data)
	patch := func(o map[string]any) {
		o["color"] = palette
		for _, s := range series(o) {
			s["radius"] = []string{"35%", "65%"}
			s["center"] = []string{"50%", "56%"}
			s["label"] = map[string]any{"show": true, "formatter": "{b}: {d}%"}
		}
	}
	return chart("markers", f.tr("markers"), fmt.Sprintf(f.tr("markers_chart_note"), unit), pie, patch, t)
}

// benefit draws the per-capita benefit of women and men (benefit incidence).
func (b *builder) benefit() Chart {
	f, be := b.f, b.ind.Benefit
	cur := b.ind.Currency
	t := Table{Head: []string{f.tr("group"), f.tr("benefit_total") + " (" + f.moneyUnit(cur) + ")", f.tr("population"),
		f.tr("benefit_pc"), f.tr("incidence")}}
	t.Rows = [][]string{
		{f.tr("women"), f.money(be.BF, cur), f.count(b.ind.Population.All.F), f.figure(be.PerCapitaF, 0, false), f.figure(be.IncidenceF, 2, false)},
		{f.tr("men"), f.money(be.BM, cur), f.count(b.ind.Population.All.M), f.figure(be.PerCapitaM, 0, false), f.figure(be.IncidenceM, 2, false)},
	}
	t.Foot = []string{f.tr("gap_fm"), "", "", f.figure(be.Gap.Figure, 2, false), ""}
	bar := charts.NewBar()
	bar.SetGlobalOptions(baseOpts("chart-benefit", f.lang)...)
	x, y := axisOpts(f.lang, "", f.tr("benefit_pc"), false)
	bar.SetGlobalOptions(charts.WithXAxisOpts(x), charts.WithYAxisOpts(y))
	bar.SetXAxis([]string{f.tr("women"), f.tr("men")}).AddSeries(f.tr("benefit_pc"), []opts.BarData{
		{Value: figureValue(be.PerCapitaF), ItemStyle: &opts.ItemStyle{Color: colorF}},
		{Value: figureValue(be.PerCapitaM), ItemStyle: &opts.ItemStyle{Color: colorM}},
	})
	note := fmt.Sprintf(f.tr("benefit_note"), f.int(int64(be.Known)), f.int(int64(be.Unknown)), f.money(float64(be.UnknownAmount), cur), f.moneyUnit(cur))
	return chart("benefit", f.tr("benefit"), note, bar, func(o map[string]any) {
		o["legend"] = map[string]any{"show": false}
		for _, s := range series(o) {
			s["barMaxWidth"] = 80
		}
	}, t)
}

// fairness draws who the official outcome serves, by gender and age band;
// its table also has every area.
func (b *builder) fairness() (Chart, bool) {
	f := b.f
	if b.cmp == nil || b.cmp.Outcome == nil || b.cmp.Outcome.Fairness == nil {
		return Chart{}, false
	}
	o := b.cmp.Outcome
	opt := func(x *float64, pct bool) string {
		switch {
		case x == nil:
			return f.sup()
		case pct:
			return f.pct(*x)
		}
		return f.float(*x, 2)
	}
	val := func(x *float64) any {
		if x == nil {
			return "-"
		}
		return *x
	}
	t := Table{Head: []string{f.tr("dimension"), f.tr("group"), f.tr("voters"), f.tr("neh"), f.tr("rel_cost_sat"),
		f.tr("funded_share"), f.tr("gpr"), f.tr("cat_prop")}}
	var names []string
	var neh, gpr []opts.BarData
	for _, dim := range []string{"gender", "age_band", "area"} {
		for _, g := range o.Fairness[dim] {
			name := g.Group
			switch dim {
			case "gender":
				name = f.tr(genderKey(pbequity.Gender(g.Group)))
			case "area":
				name = b.area(g.Group)
			case "age_band":
				if f.lang == "fa" && !f.raw {
					name = analytics.FaDigits(name)
				}
			}
			if g.Group == "unknown" {
				name = f.tr("unknown")
			}
			voters := f.sup()
			if g.Voters != nil {
				voters = f.int(int64(*g.Voters))
			}
			t.Rows = append(t.Rows, []string{f.tr("dim_" + dim), name, voters, opt(g.NonEmptyHanded, true), opt(g.RelCostSatisfaction, true),
				opt(g.FundedShare, true), opt(g.GPR, false), opt(g.CategoryProportionality, false)})
			if dim == "area" || (dim == "gender" && g.Voters == nil && !g.Suppressed) {
				continue
			}
			names = append(names, clean(name))
			neh = append(neh, opts.BarData{Value: val(g.NonEmptyHanded)})
			gpr = append(gpr, opts.BarData{Value: val(g.GPR)})
		}
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(baseOpts("chart-fairness", f.lang)...)
	x, y := axisOpts(f.lang, "", "", false)
	x.AxisLabel = &opts.AxisLabel{Interval: "0"}
	bar.SetGlobalOptions(charts.WithXAxisOpts(x), charts.WithYAxisOpts(y))
	bar.SetXAxis(names).
		AddSeries(f.tr("neh"), neh, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#2a9d8f"})).
		AddSeries(f.tr("gpr"), gpr, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#f4a261"}))
	t.Long = len(t.Rows) > 30
	rule := o.Rule
	return chart("fairness", fmt.Sprintf(f.tr("fairness"), rule), f.tr("fairness_chart_note"), bar, nil, t), true
}

// rules draws women's and men's share of the funded money under every rule.
func (b *builder) rules() (Chart, bool) {
	f := b.f
	if b.cmp == nil || len(b.cmp.Rules) == 0 {
		return Chart{}, false
	}
	v := newRulesView(b.cmp, f, b.ind.Currency)
	val := func(x *float64) any {
		if x == nil {
			return "-"
		}
		return *x
	}
	var names []string
	var w, m []opts.BarData
	for _, r := range b.cmp.Rules {
		n := r.Rule
		if r.Rule == b.cmp.Official {
			n += " ★"
		}
		names = append(names, n)
		w = append(w, opts.BarData{Value: val(r.Women.FundedShare)})
		m = append(m, opts.BarData{Value: val(r.Men.FundedShare)})
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(baseOpts("chart-rules", f.lang)...)
	x, y := axisOpts(f.lang, "", "", false)
	x.AxisLabel = &opts.AxisLabel{Interval: "0"}
	bar.SetGlobalOptions(charts.WithXAxisOpts(x), charts.WithYAxisOpts(y))
	bar.SetXAxis(names).
		AddSeries(f.tr("funded_share_f"), w, charts.WithItemStyleOpts(opts.ItemStyle{Color: colorF})).
		AddSeries(f.tr("funded_share_m"), m, charts.WithItemStyleOpts(opts.ItemStyle{Color: colorM}))
	return chart("rules", f.tr("rules_title"), f.tr("rules_note"), bar, nil, Table{Head: v.Head, Rows: v.Rows}), true
}

// execution draws approved against spent money by category; its table
// also has the rows by gender marker.
func (b *builder) execution() Chart {
	f, ex := b.f, b.ind.Execution
	cur := b.ind.Currency
	unit := f.moneyUnit(cur)
	scale, _ := moneyScale(cur)
	t := Table{Head: []string{f.tr("group"), f.tr("projects"), f.tr("approved") + " (" + unit + ")", f.tr("spent") + " (" + unit + ")", f.tr("execution_rate")}}
	var names []string
	var appr, spent []opts.BarData
	for _, r := range ex.ByCategory {
		name := b.name(r.NameFa, r.NameEn, r.Key)
		t.Rows = append(t.Rows, []string{name, f.int(int64(r.Projects)), f.money(float64(r.Approved), cur), f.money(float64(r.Spent), cur), f.figure(r.Rate, 1, true)})
		names = append(names, clean(name))
		appr = append(appr, opts.BarData{Value: float64(r.Approved) / scale})
		spent = append(spent, opts.BarData{Value: float64(r.Spent) / scale})
	}
	for _, r := range ex.ByMarker {
		name := f.tr("marker") + ": " + b.name(r.NameFa, r.NameEn, r.Key)
		t.Rows = append(t.Rows, []string{name, f.int(int64(r.Projects)), f.money(float64(r.Approved), cur), f.money(float64(r.Spent), cur), f.figure(r.Rate, 1, true)})
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(baseOpts("chart-execution", f.lang)...)
	x, y := axisOpts(f.lang, "", unit, false)
	x.AxisLabel = &opts.AxisLabel{Interval: "0", Rotate: 20}
	bar.SetGlobalOptions(charts.WithXAxisOpts(x), charts.WithYAxisOpts(y))
	bar.SetXAxis(names).
		AddSeries(f.tr("approved"), appr, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#8d99ae"})).
		AddSeries(f.tr("spent"), spent, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#2a9d8f"}))
	return chart("execution", f.tr("execution"), "", bar, nil, t)
}

// quality lists what the figures leave out and how much was suppressed.
func (b *builder) quality() section {
	f, ind := b.f, b.ind
	s := section{ID: "quality", Title: f.tr("sec_quality"), Lead: fmt.Sprintf(f.tr("suppressed_note"), f.int(int64(ind.K)))}
	sup, undef := countFigures(ind)
	s.Figures = []figureRow{
		{Label: f.tr("q_suppressed"), Value: f.int(int64(sup))},
		{Label: f.tr("q_undefined"), Value: f.int(int64(undef))},
		{Label: f.tr("q_unplaced"), Value: f.count(ind.Representation.Unplaced)},
		{Label: f.tr("q_no_share"), Value: f.int(int64(ind.Benefit.Unknown)) + " (" + f.money(float64(ind.Benefit.UnknownAmount), ind.Currency) + " " + f.moneyUnit(ind.Currency) + ")"},
		{Label: f.tr("q_not_recorded"), Value: f.int(int64(ind.Success.NotRecorded))},
		{Label: f.tr("q_not_screened"), Value: f.int(int64(notScreened(ind)))},
		{Label: f.tr("q_excluded_areas"), Value: f.int(int64(ind.Distribution.Excluded))},
		{Label: f.tr("q_zero_areas"), Value: f.int(int64(ind.Distribution.Zero))},
		{Label: f.tr("q_city_wide"), Value: f.int(int64(ind.Allocation.CityWide.Projects)) + " (" + f.money(float64(ind.Allocation.CityWide.Amount), ind.Currency) + " " + f.moneyUnit(ind.Currency) + ")"},
	}
	for _, n := range ind.Notes {
		if t := pick(f.lang, n); t != "" {
			s.Items = append(s.Items, t)
		}
	}
	return s
}

func notScreened(ind *analytics.Indicators) int {
	for _, r := range ind.Markers.Rows {
		if r.Marker == pbequity.NotScreened {
			return r.Projects
		}
	}
	return 0
}

// countFigures counts the suppressed figures and the figures without a
// value of the indicators.
func countFigures(ind *analytics.Indicators) (sup, undef int) {
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if _, ok := v["value"]; ok {
				if _, ok := v["n"]; ok {
					if s, _ := v["suppressed"].(bool); s {
						sup++
					} else if v["value"] == nil {
						undef++
					}
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(toAny(ind))
	return sup, undef
}

// methodology is the definitions of the indicators, short.
func (b *builder) methodology() section {
	f := b.f
	s := section{ID: "methodology", Title: f.tr("sec_methodology"), Lead: f.tr("methodology_note")}
	for _, k := range []string{"women_share", "gpi", "rr", "rose", "impact", "lorenz", "gini", "theil", "atkinson", "palma", "cv", "concentration",
		"bootstrap", "markers", "eige", "benefit", "execution", "neh", "gpr", "suppression"} {
		expr := formulas[k]
		if k == "suppression" {
			expr = fmt.Sprintf(expr, b.ind.K)
		}
		s.Formulas = append(s.Formulas, formula{Name: f.tr("m_" + k), Expr: expr, Note: f.tr("m_" + k + "_note")})
	}
	return s
}

// formulas are the definitions of INDICATORS.md in notation both languages share.
var formulas = map[string]string{
	"women_share":   "s_F = F / (F + M)",
	"gpi":           "GPI = (n_F / P_F) / (n_M / P_M); GPI* = 2 − 1/GPI if GPI > 1",
	"rr":            "RR_g = (n_g / n) / (P_g / P)",
	"rose":          "Rose = 1 − ½ Σ_k |R_k − P_k|;  Gallagher = √(½ Σ_k (R_k − P_k)²)",
	"impact":        "win_g = funded_g / proposed_g;  IR = win_F / max(win_F, win_M)",
	"lorenz":        "(Σ_{j≤i} w_j / W,  Σ_{j≤i} w_j y_j / Σ w y),  y_i = A_i / P_i",
	"gini":          "G = Σ_i Σ_j w_i w_j |y_i − y_j| / (2 W² μ)",
	"theil":         "T = Σ (w_i/W)(y_i/μ) ln(y_i/μ);  L = Σ (w_i/W) ln(μ/y_i);  T = Σ s_k T_k + Σ s_k ln(μ_k/μ)",
	"atkinson":      "A(ε) = 1 − [Σ (w_i/W)(y_i/μ)^{1−ε}]^{1/(1−ε)};  A(1) = 1 − e^{−L}",
	"palma":         "Palma = (1 − L(0.9)) / L(0.4)",
	"cv":            "CV = σ_w / μ  (population-weighted SD)",
	"concentration": "C = 2 cov_w(y, R) / μ,  R_i = (Σ_{j<i} w_j + w_i/2) / W",
	"bootstrap":     "B = 1000 resamples of areas; [q_{2.5%}, q_{97.5%}]",
	"markers":       "focused = Σ amount(1,2) / Σ amount(0,1,2);  principal = Σ amount(2) / Σ amount(0,1,2);  coverage = Σ amount(screened) / Σ amount",
	"eige":          "EIGE = Σ amount · k / Σ amount,  k = 1 (2), 0.4 (1), 0 (0)",
	"benefit":       "B_g = Σ_p amount_p · share_{g,p};  b_g = B_g / P_g;  gap = b_F / b_M;  incidence = (B_g / ΣB) / (P_g / P)",
	"execution":     "rate = spent / approved",
	"neh":           "NEH(G) = |{i ∈ G : A_i ∩ W ≠ ∅}| / |G|",
	"gpr":           "share_i = Σ_{p ∈ A_i ∩ W} c_p / |N_p|;  GPR(G) = (Σ_{i∈G} share_i / Σ_{p∈W} c_p) / (|G| / n)",
	"suppression":   "n ∈ [1, k) → suppressed;  k = %d",
}

// chartsOf lists the charts of sections in order.
func chartsOf(secs []section) []Chart {
	var out []Chart
	for _, s := range secs {
		out = append(out, s.Charts...)
	}
	return out
}

// toAny turns a value into its JSON form (maps, slices, numbers, strings).
func toAny(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}
