package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"reflect"
	"testing"
	"time"

	"github.com/pbequity/pbequity"
	"github.com/xuri/excelize/v2"
)

// makeXLSX builds a workbook whose first sheet (named sheet) holds rows;
// cell values keep their Go types (numbers, dates, strings).
func makeXLSX(t testing.TB, sheet string, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if r == nil {
			continue
		}
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tenth is a variable so that tenth*3 is computed in floating point.
var tenth = 0.1

func TestDecodeXLSX(t *testing.T) {
	data := makeXLSX(t, "طرح‌ها", [][]any{
		{"کد طرح", "عنوان", "مبلغ - میلیون ریال", "سهم زنان", "منتخب"},
		{"P-01", "کتابخانه محله", 150, 0.55, true},
		nil, // a blank row keeps the numbering of the sheet
		{"P-02", "ورزش بانوان", 2.5, "۴۰٪", false},
		{"P-03", "نیمکت", tenth * 3, nil, nil}, // 0.30000000000000004 million rial
	})
	b, err := Decode(bytes.NewReader(data), "projects.xlsx", Options{CycleID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	want := []pbequity.Project{
		{CycleID: "c", ID: "P-01", Title: "کتابخانه محله", Cost: 150_000_000, ProposerGender: pbequity.Unknown,
			GenderMarker: pbequity.NotScreened, WomenShare: 0.55, Selected: ptr(true)},
		{CycleID: "c", ID: "P-02", Title: "ورزش بانوان", Cost: 2_500_000, ProposerGender: pbequity.Unknown,
			GenderMarker: pbequity.NotScreened, WomenShare: 0.4, Selected: ptr(false)},
		{CycleID: "c", ID: "P-03", Title: "نیمکت", Cost: 300_000, ProposerGender: pbequity.Unknown,
			GenderMarker: pbequity.NotScreened, WomenShare: -1},
	}
	if !reflect.DeepEqual(b.Projects, want) {
		t.Errorf("Projects =\n%+v\nwant\n%+v", b.Projects, want)
	}

	t.Run("errors on sheet rows", func(t *testing.T) {
		data := makeXLSX(t, "Sheet1", [][]any{
			{"participant_id", "stage", "date"},
			{"v1", "vote", time.Date(2024, 5, 4, 0, 0, 0, 0, time.UTC)},
			nil,
			{"v2", "dance", "1403/02/15"},
			{"v3", "vote", "1403/02/15", "stray"},
		})
		b, err := Decode(bytes.NewReader(data), "events.xlsx", Options{})
		got := fieldErrors(t, err)
		want := []pbequity.FieldError{
			{File: "events.xlsx", Row: 4, Column: "stage", Value: "dance", Message: `unknown stage "dance" (use problem, solution, vote or meeting)`},
			{File: "events.xlsx", Row: 5, Column: "D", Value: "stray", Message: `value "stray" is outside the columns of the header`},
		}
		if !reflect.DeepEqual(got, want) || b != nil {
			t.Errorf("errors:\n%s\nwant\n%s", dump(got), dump(want))
		}
	})

	t.Run("excel dates", func(t *testing.T) {
		data := makeXLSX(t, "Sheet1", [][]any{
			{"participant_id", "stage", "date"},
			{"v1", "vote", time.Date(2024, 5, 4, 0, 0, 0, 0, time.UTC)},
		})
		b, err := Decode(bytes.NewReader(data), "events.xlsx", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := b.Participation[0].Date; !got.Equal(time.Date(2024, 5, 4, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("Date = %v, want 2024-05-04", got)
		}
	})

	t.Run("named sheet", func(t *testing.T) {
		if _, err := Decode(bytes.NewReader(data), "p.xlsx", Options{Sheet: "طرح‌ها"}); err != nil {
			t.Errorf("Sheet طرح‌ها: %v", err)
		}
		_, err := Decode(bytes.NewReader(data), "p.xlsx", Options{Sheet: "votes"})
		if pbequity.ErrorCode(err) != pbequity.EINVALID {
			t.Errorf("missing sheet: error %v, want EINVALID", err)
		}
	})
}

// zipWith returns a zip holding one entry whose directory declares
// declared bytes while its deflated data unpacks to actual bytes of zeros.
func zipWith(t testing.TB, name string, declared uint64, actual int) []byte {
	t.Helper()
	var raw bytes.Buffer
	fw, _ := flate.NewWriter(&raw, flate.BestCompression)
	zeros := make([]byte, 1<<20)
	for n := actual; n > 0; n -= len(zeros) {
		fw.Write(zeros[:min(n, len(zeros))])
	}
	fw.Close()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: name, Method: zip.Deflate,
		CRC32:              crc32.ChecksumIEEE(nil),
		CompressedSize64:   uint64(raw.Len()),
		UncompressedSize64: declared,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw.Bytes())
	zw.Close()
	return b.Bytes()
}

func TestDecodeZipBomb(t *testing.T) {
	t.Run("declared size", func(t *testing.T) {
		// 1 GiB declared: refused from the directory, nothing unpacked.
		data := zipWith(t, "xl/worksheets/sheet1.xml", 1<<40, 1<<20)
		start := time.Now()
		_, err := Decode(bytes.NewReader(data), "bomb.xlsx", Options{})
		if pbequity.ErrorCode(err) != pbequity.ETOOLARGE {
			t.Fatalf("error = %v, want ETOOLARGE", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("refusing the bomb took %v", d)
		}
	})
	t.Run("lying size", func(t *testing.T) {
		// Declares 1 KiB, unpacks to 64 MiB: archive/zip stops at the
		// declared size and the file is refused as unreadable.
		data := zipWith(t, "xl/worksheets/sheet1.xml", 1024, 64<<20)
		start := time.Now()
		_, err := Decode(bytes.NewReader(data), "bomb.xlsx", Options{})
		if pbequity.ErrorCode(err) != pbequity.EINVALID {
			t.Fatalf("error = %v, want EINVALID", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("refusing the bomb took %v", d)
		}
	})
	t.Run("limit", func(t *testing.T) {
		data := makeXLSX(t, "Sheet1", [][]any{{"participant_id", "project_id"}, {"v1", "p1"}})
		_, err := Decode(bytes.NewReader(data), "v.xlsx", Options{MaxUnzip: 1000})
		if pbequity.ErrorCode(err) != pbequity.ETOOLARGE {
			t.Errorf("MaxUnzip 1000: error = %v, want ETOOLARGE", err)
		}
	})
}

func TestDecodeWholeFile(t *testing.T) {
	tests := []struct {
		name, file, data string
		opt              Options
		code             string
	}{
		{"empty", "a.csv", "", Options{}, pbequity.EINVALID},
		{"blank lines", "a.csv", "\n\n  \n", Options{}, pbequity.EINVALID},
		{"bom only", "a.csv", "\xEF\xBB\xBF", Options{}, pbequity.EINVALID},
		{"legacy xls", "a.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", Options{}, pbequity.EINVALID},
		{"xlsx that is text", "a.xlsx", "participant_id,project_id\n", Options{}, pbequity.EINVALID},
		{"corrupt zip", "a.xlsx", "PK\x03\x04garbage", Options{}, pbequity.EINVALID},
		{"binary", "a.csv", "a\x00b,c\n", Options{}, pbequity.EINVALID},
		{"unknown kind", "a.csv", "a,b\n1,2\n", Options{}, pbequity.EINVALID},
		{"bad kind option", "a.csv", "participant_id,project_id\n", Options{Kind: "ballots2"}, pbequity.EINVALID},
		{"bad unit option", "a.csv", "participant_id,project_id\n", Options{Unit: "dollar"}, pbequity.EINVALID},
		{"too many rows", "a.csv", "participant_id,project_id\nv1,p1\nv2,p2\nv3,p3\n", Options{MaxRows: 2}, pbequity.ETOOLARGE},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader([]byte(tc.data)), tc.file, tc.opt)
			if got := pbequity.ErrorCode(err); got != tc.code {
				t.Errorf("Decode(%q) error = %v (code %q), want code %q", tc.data, err, got, tc.code)
			}
			var e *pbequity.Error
			if !errors.As(err, &e) {
				t.Errorf("error %T, want *pbequity.Error", err)
			}
		})
	}
	t.Run("persian message", func(t *testing.T) {
		_, err := Decode(bytes.NewReader(nil), "خالی.csv", Options{Lang: "fa"})
		if got, want := pbequity.ErrorMessage(err), "پرونده «خالی.csv» خالی است"; got != want {
			t.Errorf("message = %q, want %q", got, want)
		}
	})
}
