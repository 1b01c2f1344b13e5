package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"html/template"
	"io"
	"net/url"
	"strconv"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/analytics"
)

// DataFile is the numbers of one chart for machines, as CSV or JSON:
// Latin digits, no grouping, shares as fractions, money in whole currency
// units; a suppressed cell is the string "suppressed" and a cell without a
// value is empty (null in JSON).
type DataFile struct {
	Cycle   string   `json:"cycle"`
	Chart   string   `json:"chart"`
	Title   string   `json:"title"`
	Lang    string   `json:"lang"`
	K       int      `json:"k"`
	Columns []string `json:"columns"`
	Rows    [][]any  `json:"rows"`
	Footer  []any    `json:"footer,omitempty"`
}

func newDataFile(cycle, lang string, k int, c Chart) *DataFile {
	d := &DataFile{Cycle: cycle, Chart: c.Key, Title: c.Title, Lang: lang, K: k, Columns: c.Table.Head, Rows: [][]any{}}
	cells := func(row []string) []any {
		out := make([]any, len(row))
		for i, s := range row {
			switch x, err := strconv.ParseFloat(s, 64); {
			case s == "":
				out[i] = nil
			case err == nil && i > 0:
				out[i] = json.Number(strconv.FormatFloat(x, 'f', -1, 64))
			default:
				out[i] = s
			}
		}
		return out
	}
	for _, r := range c.Table.Rows {
		d.Rows = append(d.Rows, cells(r))
	}
	if c.Table.Foot != nil {
		d.Footer = cells(c.Table.Foot)
	}
	return d
}

// WriteJSON writes the data file as JSON.
func (d *DataFile) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}

// WriteCSV writes the data file as CSV with a UTF-8 byte order mark (so
// spreadsheets read Persian), the columns as the first row and the footer,
// if any, as the last.
func (d *DataFile) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	str := func(row []any) []string {
		out := make([]string, len(row))
		for i, v := range row {
			switch v := v.(type) {
			case nil:
			case string:
				out[i] = csvSafe(v)
			case json.Number:
				out[i] = string(v)
			}
		}
		return out
	}
	cols := make([]string, len(d.Columns))
	for i, c := range d.Columns {
		cols[i] = csvSafe(c)
	}
	cw.Write(cols)
	for _, r := range d.Rows {
		cw.Write(str(r))
	}
	if d.Footer != nil {
		cw.Write(str(d.Footer))
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a text from data from being read as a formula by a
// spreadsheet.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

// dataFiles builds the data files of every chart of a report.
func dataFiles(c pbequity.CycleSummary, ind *analytics.Indicators, cmp *Comparison, lang string) map[string]*DataFile {
	b := newBuilder(c, ind, cmp, rawFormatter(lang))
	out := map[string]*DataFile{}
	for _, ch := range chartsOf(b.sections()) {
		out[ch.Key] = newDataFile(c.ID, lang, ind.K, ch)
	}
	return out
}

// dataLinks sets the CSV and JSON links of every chart: routes of the
// server, or data: URLs in a standalone file.
func dataLinks(secs []section, c pbequity.CycleSummary, ind *analytics.Indicators, cmp *Comparison, o Options) error {
	var files map[string]*DataFile
	if o.Standalone {
		files = dataFiles(c, ind, cmp, o.Lang)
	}
	for i := range secs {
		for j := range secs[i].Charts {
			ch := &secs[i].Charts[j]
			if !o.Standalone {
				base := "/cycles/" + url.PathEscape(c.ID) + "/data/" + url.PathEscape(ch.Key)
				ch.CSV = template.URL(base + ".csv?lang=" + o.Lang)
				ch.JSON = template.URL(base + ".json?lang=" + o.Lang)
				continue
			}
			d := files[ch.Key]
			if d == nil {
				continue
			}
			var cb, jb bytes.Buffer
			if err := d.WriteCSV(&cb); err != nil {
				return err
			}
			if err := d.WriteJSON(&jb); err != nil {
				return err
			}
			// The content is percent-encoded, so nothing in it can end the
			// attribute or change the URL's scheme.
			ch.CSV = template.URL("data:text/csv;charset=utf-8," + url.PathEscape(cb.String()))
			ch.JSON = template.URL("data:application/json;charset=utf-8," + url.PathEscape(jb.String()))
		}
	}
	return nil
}
