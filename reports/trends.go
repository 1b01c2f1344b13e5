package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"sort"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/analytics"
)

// trendCharts draws, for every city (Unit) with two or more cycles, its
// women's share and GPI at the vote, gender-marker focused share and Gini
// coefficient across cycles in fiscal-year order. Their data links are
// data: URLs, since the archive belongs to no cycle.
func trendCharts(cycles []pbequity.CycleSummary, inds map[string]*analytics.Indicators, o Options) ([]Chart, error) {
	byUnit := map[string][]pbequity.CycleSummary{}
	var units []string
	for _, c := range cycles {
		if inds[c.ID] == nil {
			continue
		}
		if _, ok := byUnit[c.Unit]; !ok {
			units = append(units, c.Unit)
		}
		byUnit[c.Unit] = append(byUnit[c.Unit], c)
	}
	sort.Strings(units)
	var out []Chart
	for _, u := range units {
		cs := byUnit[u]
		if len(cs) < 2 {
			continue
		}
		sort.SliceStable(cs, func(i, j int) bool {
			if cs[i].FiscalYear != cs[j].FiscalYear {
				return cs[i].FiscalYear < cs[j].FiscalYear
			}
			return cs[i].ID < cs[j].ID
		})
		n := len(out) + 1
		c := trendChart(fmt.Sprintf("trend-%d", n), u, cs, inds, newFormatter(o.Lang))
		raw := trendChart(c.Key, u, cs, inds, rawFormatter(o.Lang))
		d := newDataFile("", o.Lang, inds[cs[0].ID].K, raw)
		var cb, jb bytes.Buffer
		if err := d.WriteCSV(&cb); err != nil {
			return nil, err
		}
		if err := d.WriteJSON(&jb); err != nil {
			return nil, err
		}
		c.CSV = template.URL("data:text/csv;charset=utf-8," + url.PathEscape(cb.String()))
		c.JSON = template.URL("data:application/json;charset=utf-8," + url.PathEscape(jb.String()))
		out = append(out, c)
	}
	return out, nil
}

func trendChart(key, unit string, cs []pbequity.CycleSummary, inds map[string]*analytics.Indicators, f formatter) Chart {
	t := Table{Head: []string{f.tr("cycle"), f.tr("fiscal_year"), f.tr("women_share") + " (" + f.tr("voters") + ")",
		f.tr("gpi") + " (" + f.tr("voters") + ")", f.tr("focused"), f.tr("principal"), f.tr("gini")}}
	var years []string
	var share, gpi, focused, gini []opts.LineData
	for _, c := range cs {
		ind := inds[c.ID]
		vote := stageRow(ind, "vote")
		name := c.Name
		if f.lang == "en" && c.NameEn != "" {
			name = c.NameEn
		}
		year := f.year(c.FiscalYear)
		years = append(years, clean(year))
		share = append(share, opts.LineData{Value: figureValue(vote.WomenShare.Figure)})
		gpi = append(gpi, opts.LineData{Value: figureValue(vote.GPI.Figure)})
		focused = append(focused, opts.LineData{Value: figureValue(ind.Markers.Focused.Figure)})
		gini = append(gini, opts.LineData{Value: figureValue(ind.Distribution.Gini.Figure)})
		t.Rows = append(t.Rows, []string{name, year, f.figure(vote.WomenShare.Figure, 1, true), f.figure(vote.GPI.Figure, 2, false),
			f.figure(ind.Markers.Focused.Figure, 1, true), f.figure(ind.Markers.Principal.Figure, 1, true), f.figure(ind.Distribution.Gini.Figure, 3, false)})
	}
	id := "chart-" + key
	line := charts.NewLine()
	line.SetGlobalOptions(baseOpts(id, f.lang)...)
	x, y := axisOpts(f.lang, f.tr("fiscal_year"), "", false)
	line.SetGlobalOptions(charts.WithXAxisOpts(x), charts.WithYAxisOpts(y))
	sym := charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), SymbolSize: 9})
	line.SetXAxis(years).
		AddSeries(f.tr("women_share"), share, sym, charts.WithItemStyleOpts(opts.ItemStyle{Color: colorF})).
		AddSeries(f.tr("gpi"), gpi, sym, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#6a4c93"})).
		AddSeries(f.tr("focused"), focused, sym, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#2a9d8f"})).
		AddSeries(f.tr("gini"), gini, sym, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#e76f51"}))
	return Chart{ID: id, Key: key, Title: fmt.Sprintf(f.tr("trends"), unit), Note: f.tr("trends_note"),
		Option: safeOptionWith(line, func(o map[string]any) {
			o["grid"] = map[string]any{"left": "6%", "right": "6%", "top": 56, "bottom": 48, "containLabel": true}
		}), Table: t}
}
