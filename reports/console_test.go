package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestConsolePage(t *testing.T) {
	for _, tc := range []struct{ lang, dir, title string }{{"fa", "rtl", "میز کار SQL"}, {"en", "ltr", "SQL console"}} {
		var buf bytes.Buffer
		if err := Console(&buf, tc.lang); err != nil {
			t.Fatalf("Console(%s): %v", tc.lang, err)
		}
		s := buf.String()
		if !strings.Contains(s, `dir="`+tc.dir+`"`) || !strings.Contains(s, tc.title) {
			t.Errorf("Console(%s): not a %s page titled %q", tc.lang, tc.dir, tc.title)
		}
		if !strings.Contains(s, `<script src="/assets/console.js">`) || strings.Contains(s, "<script>") || strings.Contains(s, "style=") {
			t.Errorf("Console(%s): needs console.js and no inline script or style", tc.lang)
		}
	}
}

func TestResultWriters(t *testing.T) {
	names, types := []string{"n", "name", "l"}, []string{"BIGINT", "VARCHAR", "INTEGER[]"}
	rows := [][]any{{int64(1), "تهران, مرکز", []any{int64(1), int64(2)}}, {nil, `say "hi"`, nil}, {json.Number("12345678901234567890"), "x", []any{}}}

	var buf bytes.Buffer
	started := false
	c := NewCSV(&buf, func() { started = true })
	c.Header(names, types)
	for _, r := range rows {
		c.Row(r)
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffn,name,l\n1,\"تهران, مرکز\",\"[1,2]\"\n,\"say \"\"hi\"\"\",\n12345678901234567890,x,[]\n"
	if got := buf.String(); got != want || !started {
		t.Errorf("CSV = %q, want %q", got, want)
	}

	var j JSONResult
	j.Header(names, types)
	for _, r := range rows {
		j.Row(r)
	}
	j.Finish(true, 1500000)
	b, _ := json.Marshal(j)
	if !strings.Contains(string(b), `"columns":[{"name":"n","type":"BIGINT"}`) || !strings.Contains(string(b), `"truncated":true`) ||
		!strings.Contains(string(b), `"elapsed_ms":1.5`) || !strings.Contains(string(b), `12345678901234567890`) {
		t.Errorf("JSON = %s", b)
	}

	var tb TableResult
	tb.Header(names, types)
	for _, r := range rows {
		tb.Row(r)
	}
	buf.Reset()
	tb.WriteTo(&buf)
	lines := strings.Split(buf.String(), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[1], "----") || !strings.Contains(lines[3], "NULL") {
		t.Errorf("table =\n%s", buf.String())
	}
	for _, tc := range []struct {
		v    any
		want string
	}{{1.5, "1.5"}, {1e21, "1000000000000000000000"}, {true, "true"}, {uint64(7), "7"}, {map[string]any{"a": int64(1)}, `{"a":1}`}} {
		if got := FormatValue(tc.v, ""); got != tc.want {
			t.Errorf("FormatValue(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
