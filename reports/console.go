package reports

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ResultWriter receives the result of an ad hoc or saved query: the column
// names and DuckDB type names once, then every row of plain values (nil,
// bool, int64, uint64, float64, string, json.Number, []any, map[string]any).
// The queries package's Sink has the same methods.
type ResultWriter interface {
	Header(names, types []string) error
	Row(values []any) error
}

// ResultColumn is a column of a query result.
type ResultColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// JSONResult collects a bounded result and encodes it as
// {"columns":[{"name","type"}],"rows":[[…]],"truncated":…,"elapsed_ms":…}.
type JSONResult struct {
	Columns   []ResultColumn `json:"columns"`
	Rows      [][]any        `json:"rows"`
	RowCount  int            `json:"row_count"`
	Truncated bool           `json:"truncated"`
	ElapsedMS float64        `json:"elapsed_ms"`
}

// Header implements ResultWriter.
func (j *JSONResult) Header(names, types []string) error {
	j.Columns = make([]ResultColumn, len(names))
	for i := range names {
		j.Columns[i] = ResultColumn{Name: names[i], Type: types[i]}
	}
	j.Rows = [][]any{}
	return nil
}

// Row implements ResultWriter.
func (j *JSONResult) Row(values []any) error {
	j.Rows = append(j.Rows, append([]any(nil), values...))
	j.RowCount++
	return nil
}

// Finish records how the statement ended.
func (j *JSONResult) Finish(truncated bool, elapsed time.Duration) {
	j.Truncated = truncated
	j.ElapsedMS = float64(elapsed.Microseconds()) / 1000
}

// CSVResult streams a result as CSV, UTF-8 with a byte-order mark so Excel
// shows Persian text correctly. Nothing is written before Header, so an
// error before the first row can still be answered differently.
type CSVResult struct {
	w      *csv.Writer
	buf    *bufio.Writer
	start  func()
	fields []string
	rows   int
}

// NewCSV returns a CSVResult writing to w. start, when set, runs just
// before the first byte is written (to set HTTP headers).
func NewCSV(w io.Writer, start func()) *CSVResult {
	buf := bufio.NewWriterSize(w, 64<<10)
	return &CSVResult{w: csv.NewWriter(buf), buf: buf, start: start}
}

// Header implements ResultWriter.
func (c *CSVResult) Header(names, types []string) error {
	if c.start != nil {
		c.start()
	}
	if _, err := c.buf.WriteString("\ufeff"); err != nil {
		return err
	}
	c.fields = make([]string, len(names))
	return c.w.Write(names)
}

// Row implements ResultWriter.
func (c *CSVResult) Row(values []any) error {
	for i, v := range values {
		c.fields[i] = FormatValue(v, "")
	}
	c.rows++
	if c.rows%4096 == 0 {
		c.w.Flush()
	}
	return c.w.Write(c.fields)
}

// Flush writes out what is buffered.
func (c *CSVResult) Flush() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return err
	}
	return c.buf.Flush()
}

// TableResult collects a bounded result and prints it as aligned text for
// a terminal.
type TableResult struct {
	names []string
	rows  [][]string
}

// Header implements ResultWriter.
func (t *TableResult) Header(names, types []string) error {
	t.names = append([]string(nil), names...)
	return nil
}

// Row implements ResultWriter.
func (t *TableResult) Row(values []any) error {
	r := make([]string, len(values))
	for i, v := range values {
		r[i] = strings.NewReplacer("\n", `\n`, "\t", `\t`, "\r", `\r`).Replace(FormatValue(v, "NULL"))
	}
	t.rows = append(t.rows, r)
	return nil
}

// WriteTo prints the table: a header, a rule, the rows, numbers right-aligned.
func (t *TableResult) WriteTo(w io.Writer) (int64, error) {
	width := make([]int, len(t.names))
	numeric := make([]bool, len(t.names))
	for i, n := range t.names {
		width[i] = utf8.RuneCountInString(n)
		numeric[i] = len(t.rows) > 0
	}
	for _, r := range t.rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
			if c != "NULL" {
				if _, err := strconv.ParseFloat(c, 64); err != nil {
					numeric[i] = false
				}
			}
		}
	}
	var sb strings.Builder
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				sb.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if numeric[i] {
				sb.WriteString(pad + c)
			} else if i < len(cells)-1 {
				sb.WriteString(c + pad)
			} else {
				sb.WriteString(c)
			}
		}
		sb.WriteString("\n")
	}
	line(t.names)
	rule := make([]string, len(t.names))
	for i := range rule {
		rule[i] = strings.Repeat("-", width[i])
	}
	line(rule)
	for _, r := range t.rows {
		line(r)
	}
	n, err := io.WriteString(w, sb.String())
	return int64(n), err
}

// FormatValue renders a plain result value as text: null as null, numbers
// without exponent, nested values as JSON.
func FormatValue(v any, null string) string {
	switch x := v.(type) {
	case nil:
		return null
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	case []any, map[string]any:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
	return fmt.Sprint(v)
}

// consolePage is the data of the SQL console.
type consolePage struct {
	page
}

// Console renders the SQL console page in lang: an editor, the schema of
// every table, the saved queries as examples and the result as a table. The
// page holds no data; console.js calls the API with the analyst's token.
func Console(w io.Writer, lang string) error {
	o := Options{Lang: lang}.norm()
	p := consolePage{page: newPage(o, tr(o.Lang, "console_title"), "/query")}
	return execute(w, o.Lang, "console", p)
}
