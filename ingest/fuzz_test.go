package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	jalaali "github.com/jalaali/go-jalaali"
	"github.com/pbequity/pbequity"
)

// checkDecodeError fails unless err is nil, a *pbequity.ValidationError
// with rows and messages, or a *pbequity.Error.
func checkDecodeError(t *testing.T, b *Batch, err error) {
	t.Helper()
	var ve *pbequity.ValidationError
	var pe *pbequity.Error
	switch {
	case err == nil:
		n := len(b.Projects) + len(b.BudgetLines) + len(b.Participants) + len(b.Participation) + len(b.Votes) + len(b.Population)
		if n != b.Rows {
			t.Errorf("Batch has %d rows of values, Rows = %d", n, b.Rows)
		}
	case errors.As(err, &ve):
		if len(ve.Errors) == 0 {
			t.Errorf("ValidationError without errors")
		}
		for _, e := range ve.Errors {
			if e.Message == "" || e.Row < 0 || strings.Contains(e.Message, "%!") {
				t.Errorf("bad field error %+v", e)
			}
		}
	case errors.As(err, &pe):
		if pe.Message == "" || strings.Contains(pe.Message, "%!") {
			t.Errorf("bad error %+v", pe)
		}
	default:
		t.Errorf("error %T %v", err, err)
	}
}

func addFixtures(f *testing.F, ext string) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"+ext))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err == nil {
			f.Add(data, uint8(0), false)
		}
	}
}

func FuzzDecodeCSV(f *testing.F) {
	addFixtures(f, ".csv")
	addFixtures(f, ".tsv")
	f.Add([]byte("participant_id,project_id,points\nv1,p1,1\n"), uint8(5), true)
	f.Add([]byte("area,gender,age_band,count\nd,F,18-29,1\n"), uint8(6), false)
	f.Fuzz(func(t *testing.T, data []byte, kind uint8, fa bool) {
		opt := Options{MaxErrors: 20, MaxRows: 1000}
		if k := int(kind) % (len(Kinds) + 1); k > 0 {
			opt.Kind = Kinds[k-1]
		}
		if fa {
			opt.Lang = "fa"
		}
		b, err := Decode(bytes.NewReader(data), "fuzz.csv", opt)
		checkDecodeError(t, b, err)
	})
}

func FuzzDecodeXLSX(f *testing.F) {
	f.Add(makeXLSX(f, "Sheet1", [][]any{{"participant_id", "project_id", "points"}, {"v1", "p1", 2}, nil, {"v2", "p2", "x"}}))
	f.Add(makeXLSX(f, "Sheet1", [][]any{{"کد طرح", "عنوان", "هزینه (تومان)"}, {"p1", "الف", 1.5}}))
	f.Add(zipWith(f, "xl/worksheets/sheet1.xml", 1<<40, 1<<10))
	f.Add(zipWith(f, "xl/workbook.xml", 10, 1<<12))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Decode(bytes.NewReader(data), "fuzz.xlsx", Options{MaxErrors: 20, MaxRows: 1000, MaxUnzip: 8 << 20})
		checkDecodeError(t, b, err)
	})
}

// formatAmount writes n in one of several styles users type.
func formatAmount(n int64, style uint8) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if style&1 != 0 { // thousands separators
		sep := ","
		if style&2 != 0 {
			sep = "٬"
		}
		var b strings.Builder
		for i := range len(s) {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteString(sep)
			}
			b.WriteByte(s[i])
		}
		s = b.String()
	}
	if style&4 != 0 {
		s = faDigits(s)
	}
	if neg {
		s = "-" + s
	}
	if style&8 != 0 {
		s = " \u200f" + s + " "
	}
	return s
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1,500,000", "۱٬۵۰۰", "۲٫۵ میلیون تومان", "1.5E+06", "-3", "1,5", "", "٪"} {
		f.Add(s, int64(1500000), uint8(3))
	}
	units := []string{"", "toman", "میلیون ریال", "هزار تومان"}
	f.Fuzz(func(t *testing.T, s string, n int64, style uint8) {
		// Any string: no panic, and a result that formats back to itself.
		for _, u := range units {
			v, err := ParseAmount(s, u)
			if err != nil {
				continue
			}
			if back, err := ParseAmount(formatAmount(v, style), ""); err != nil || back != v {
				t.Errorf("ParseAmount(%q, %q) = %d, which reads back as %d, %v", s, u, v, back, err)
			}
		}
		// Any integer in any style reads back.
		in := formatAmount(n, style)
		if v, err := ParseAmount(in, ""); err != nil || v != n {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", in, v, err, n)
		}
		if x, err := ParseNumber(s); err == nil && x != x {
			t.Errorf("ParseNumber(%q) = NaN", s)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1403/02/15", "۱۴۰۳/۰۲/۱۵", "1403-12-30", "2024-05-04", "1403/13/40", "2024-05-04T10:00:00Z", "1403/02/15 10:30"} {
		f.Add(s, int32(19000))
	}
	f.Fuzz(func(t *testing.T, s string, days int32) {
		if d, err := ParseDate(s); err == nil {
			// A date that parses is a real day that reads back from its
			// Solar Hijri form.
			jy, jm, jd, err := jalaali.ToJalaali(d.Year(), d.Month(), d.Day())
			if err != nil {
				t.Fatalf("ParseDate(%q) = %v, not a Solar Hijri date: %v", s, d, err)
			}
			if jy >= 1200 && jy < 1700 {
				back, err := ParseDate(fmt.Sprintf("%04d/%02d/%02d", jy, jm, jd))
				if err != nil || !back.Equal(d.Truncate(24*time.Hour)) {
					t.Errorf("ParseDate(%q) = %v; its Solar Hijri form reads back as %v, %v", s, d, back, err)
				}
			}
		}
		// Every day of 1900–2199 reads back from its Solar Hijri form,
		// written in Persian digits.
		day := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(uint32(days)%109500))
		jy, jm, jd, err := jalaali.ToJalaali(day.Year(), day.Month(), day.Day())
		if err != nil {
			t.Fatal(err)
		}
		in := faDigits(fmt.Sprintf("%d/%02d/%02d", jy, jm, jd))
		if got, err := ParseDate(in); err != nil || !got.Equal(day) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, day)
		}
	})
}

// FuzzCSVReader checks that records written by encoding/csv read back.
func FuzzCSVReader(f *testing.F) {
	f.Add("a", "b,c", "say \"hi\"", byte(','))
	f.Add("", "multi\nline", "x", byte(';'))
	f.Fuzz(func(t *testing.T, a, b, c string, comma byte) {
		if comma != ',' && comma != ';' && comma != '\t' {
			comma = ','
		}
		rec := []string{a, b, c}
		for _, s := range rec {
			if strings.ContainsRune(s, '\r') || !utf8Valid(s) {
				return
			}
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Comma = rune(comma)
		w.Write(rec)
		w.Write(rec)
		w.Flush()
		r := newCSVReader(bufio.NewReaderSize(bytes.NewReader(buf.Bytes()), 16), comma)
		for i := range 2 {
			cells, _, err := r.next()
			if err != nil {
				t.Fatalf("record %d of %q: %v", i, buf.String(), err)
			}
			got := make([]string, len(cells))
			for j, c := range cells {
				got[j] = string(c)
			}
			if strings.Join(got, "\x00") != strings.Join(rec, "\x00") {
				t.Fatalf("read %q as %q, want %q", buf.String(), got, rec)
			}
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }
