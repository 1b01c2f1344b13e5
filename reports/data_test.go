package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestDataFile(t *testing.T) {
	c := Chart{Key: "funnel", Title: "Funnel", Table: Table{
		Head: []string{"Stage", "Women", "Share"},
		Rows: [][]string{{"vote", "1234", "0.48"}, {"=HYPERLINK(\"x\")", "suppressed", ""}},
		Foot: []string{"", "1234", "1"},
	}}
	d := newDataFile("c-1", "en", 5, c)
	var j bytes.Buffer
	if err := d.WriteJSON(&j); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Rows [][]any `json:"rows"`
	}
	if err := json.Unmarshal(j.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Rows[0][1]; got != 1234.0 {
		t.Errorf("rows[0][1] = %v, want the number 1234", got)
	}
	if got := back.Rows[1][1]; got != "suppressed" {
		t.Errorf("rows[1][1] = %v, want \"suppressed\"", got)
	}
	if got := back.Rows[1][2]; got != nil {
		t.Errorf("rows[1][2] = %v, want null for no value", got)
	}
	var b bytes.Buffer
	if err := d.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if !strings.HasPrefix(s, "\uFEFFStage,Women,Share\n") {
		t.Errorf("CSV starts %q, want a BOM and the header", s[:20])
	}
	if !strings.Contains(s, `"'=HYPERLINK(""x"")",suppressed,`) {
		t.Errorf("CSV does not defuse a formula or mark suppression:\n%s", s)
	}
}

func TestRawFormatter(t *testing.T) {
	f := rawFormatter("fa")
	for _, tc := range []struct{ got, want string }{
		{f.int(1234567), "1234567"},
		{f.pct(0.4812345678), "0.481235"},
		{f.money(12_500_000_000, "IRR"), "12500000000"},
		{f.moneyUnit("IRR"), "ریال"},
		{f.year(1403), "1403"},
	} {
		if tc.got != tc.want {
			t.Errorf("raw format = %q, want %q", tc.got, tc.want)
		}
	}
	if got := newFormatter("fa").int(1234567); got != "۱٬۲۳۴٬۵۶۷" {
		t.Errorf("fa int = %q, want ۱٬۲۳۴٬۵۶۷", got)
	}
}
