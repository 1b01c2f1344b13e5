package analytics

import (
	"encoding/json"
	"math"
	"slices"
	"testing"
)

func TestFaDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"38%", "۳۸٪"},
		{"0.61", "۰٫۶۱"},
		{"1,234,567", "۱٬۲۳۴٬۵۶۷"},
		{"GPI 0.97", "GPI ۰٫۹۷"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := FaDigits(tc.in); got != tc.want {
			t.Errorf("FaDigits(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"pct", pct(0.38), "38%"},
		{"pct small", pct(0.055), "5.5%"},
		{"pct whole small", pct(0.05), "5%"},
		{"pct one", pct(1), "100%"},
		{"pctFa", pctFa(0.51), "۵۱٪"},
		{"num", num(0.6149), "0.61"},
		{"numFa", numFa(1.5), "۱٫۵۰"},
		{"grouped", grouped(1234567.4), "1,234,567"},
		{"grouped small", grouped(999), "999"},
		{"grouped negative", grouped(-1234), "-1,234"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestSuppressRow(t *testing.T) {
	fmOU := []int{2, 3}
	tests := []struct {
		name     string
		cells    []int64
		prefer   []int
		cellSup  []bool
		totalSup bool
	}{
		{"nothing small", []int64{38, 62, 5, 0}, fmOU, []bool{false, false, false, false}, false},
		// O = 2 is small; the total would reveal it, so U (0, the smallest
		// of O/U left) is suppressed too.
		{"secondary on U", []int64{38, 62, 2, 0}, fmOU, []bool{false, false, true, true}, false},
		// F = 3 is small; O (7) is the smallest of O/U.
		{"secondary on O", []int64{3, 60, 7, 8}, fmOU, []bool{true, false, true, false}, false},
		// Two small cells: the total reveals only their sum.
		{"two small", []int64{3, 2, 10, 10}, fmOU, []bool{true, true, false, false}, false},
		// Nothing to prefer: the total is suppressed instead.
		{"total instead", []int64{100, 3}, nil, []bool{false, true}, true},
		// A small total is suppressed itself.
		{"small total", []int64{2, 1, 0, 0}, fmOU, []bool{true, true, false, false}, true},
		{"zeros shown", []int64{0, 0, 0, 0}, fmOU, []bool{false, false, false, false}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs, ts := SuppressCells(tc.cells, 5, tc.prefer)
			if !slices.Equal(cs, tc.cellSup) || ts != tc.totalSup {
				t.Errorf("SuppressCells(%v, 5, %v) = %v, %v, want %v, %v", tc.cells, tc.prefer, cs, ts, tc.cellSup, tc.totalSup)
			}
		})
	}
}

func TestFigureJSON(t *testing.T) {
	tests := []struct {
		name string
		f    Figure
		want string
	}{
		{"value", value(0.5, 10), `{"value":0.5,"n":10}`},
		{"zero", value(0, 0), `{"value":0,"n":0}`},
		{"suppressed", suppressed(ReasonSuppressed), `{"value":null,"n":0,"suppressed":true,"reason":"` + ReasonSuppressed + `"}`},
		{"undefined", undefined(ReasonNoMen, 12), `{"value":null,"n":12,"reason":"no men counted"}`},
		{"NaN becomes undefined", value(math.NaN(), 3), `{"value":null,"n":3,"reason":"no data"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.f)
			if err != nil || string(b) != tc.want {
				t.Errorf("json.Marshal(%+v) = %s, %v, want %s", tc.f, b, err, tc.want)
			}
		})
	}
	h := headline(value(0.25, 4), 100, func(v float64) Text { return Text{Fa: "ف", En: "e"} })
	b, _ := json.Marshal(h)
	if want := `{"value":0.25,"n":4,"population":100,"reading":{"fa":"ف","en":"e"}}`; string(b) != want {
		t.Errorf("json.Marshal(headline) = %s, want %s", b, want)
	}
}
