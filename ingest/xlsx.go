package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"

	"github.com/pbequity/pbequity"
	"github.com/xuri/excelize/v2"
)

// maxZipEntries bounds the parts of an XLSX package.
const maxZipEntries = 10_000

// xlsxSource reads the rows of one sheet of a workbook.
type xlsxSource struct {
	f     *excelize.File
	rows  *excelize.Rows
	row   int
	cells [][]byte
	buf   []byte
	max   int
}

// errBadSheet reports a sheet whose XML cannot be read.
var errBadSheet = errors.New("xlsx: unreadable sheet")

// errPanic stands for a panic of the XLSX library on a malformed file.
var errPanic = errors.New("xlsx: malformed workbook")

// guard runs fn, turning a panic of the XLSX library on a malformed
// workbook into errPanic: an upload must not bring the service down.
func guard(fn func() error) (err error) {
	defer func() {
		if recover() != nil {
			err = errPanic
		}
	}()
	return fn()
}

// openXLSX reads a workbook. The sizes the zip directory declares are
// checked before anything is unpacked, so a zip bomb is refused at once;
// archive/zip refuses an entry that unpacks to more than it declares.
func openXLSX(r io.Reader, name string, opt Options) (source, int, error) {
	data, err := io.ReadAll(io.LimitReader(r, opt.MaxUnzip+1))
	if err != nil {
		return nil, 0, err
	}
	tooLarge := pbequity.Errorf(pbequity.ETOOLARGE, "%s", render(opt.Lang, mUnzipTooLarge, name, opt.MaxUnzip))
	if int64(len(data)) > opt.MaxUnzip {
		return nil, 0, tooLarge
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, 0, invalid(opt.Lang, mBadXLSX, name)
	}
	if len(zr.File) > maxZipEntries {
		return nil, 0, tooLarge
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > uint64(opt.MaxUnzip) || total > uint64(opt.MaxUnzip) {
			return nil, 0, tooLarge
		}
	}
	var f *excelize.File
	err = guard(func() (err error) {
		f, err = excelize.OpenReader(bytes.NewReader(data), excelize.Options{
			UnzipSizeLimit:    opt.MaxUnzip,
			UnzipXMLSizeLimit: min(opt.MaxUnzip, 16<<20),
		})
		return err
	})
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, 0, invalid(opt.Lang, mBadXLSX, name)
	}
	var sheets []string
	if guard(func() error { sheets = f.GetSheetList(); return nil }) != nil {
		f.Close()
		return nil, 0, invalid(opt.Lang, mBadXLSX, name)
	}
	sheet := opt.Sheet
	if sheet == "" {
		if len(sheets) == 0 {
			f.Close()
			return nil, 0, invalid(opt.Lang, mBadXLSX, name)
		}
		sheet = sheets[0]
	} else if i := indexFold(sheets, sheet); i >= 0 {
		sheet = sheets[i]
	} else {
		f.Close()
		return nil, 0, invalid(opt.Lang, mNoSheet, name, opt.Sheet)
	}
	var rows *excelize.Rows
	if err := guard(func() (err error) { rows, err = f.Rows(sheet); return err }); err != nil {
		f.Close()
		return nil, 0, invalid(opt.Lang, mBadXLSX, name)
	}
	return &xlsxSource{f: f, rows: rows, max: maxRecord}, 0, nil
}

func indexFold(list []string, s string) int {
	for i, x := range list {
		if strings.EqualFold(trim(x), trim(s)) {
			return i
		}
	}
	return -1
}

func (x *xlsxSource) padded() bool { return true }

// next returns the next row that is not blank, with its sheet row number.
// Cells hold raw values: numbers unformatted, dates as serial days.
func (x *xlsxSource) next() ([][]byte, int, error) {
	for {
		if x.rows == nil {
			return nil, x.row, io.EOF
		}
		var (
			more bool
			cols []string
		)
		err := guard(func() (err error) {
			if more = x.rows.Next(); !more {
				return x.rows.Error()
			}
			cols, err = x.rows.Columns(excelize.Options{RawCellValue: true})
			return err
		})
		if err != nil || !more {
			x.close()
			if err != nil {
				return nil, x.row, errBadSheet
			}
			return nil, x.row, io.EOF
		}
		x.row++
		blank := true
		x.buf, x.cells = x.buf[:0], x.cells[:0]
		for _, c := range cols {
			if strings.TrimSpace(c) != "" {
				blank = false
			}
			x.buf = append(x.buf, c...)
		}
		if blank {
			continue
		}
		if len(x.buf) > x.max {
			x.close()
			return nil, x.row, &rowError{row: x.row, msg: mRecordTooLong, args: []any{x.max}}
		}
		start := 0
		for _, c := range cols {
			end := start + len(c)
			x.cells = append(x.cells, x.buf[start:end:end])
			start = end
		}
		return x.cells, x.row, nil
	}
}

func (x *xlsxSource) close() {
	if x.rows != nil {
		x.rows.Close()
		x.rows = nil
	}
	if x.f != nil {
		x.f.Close()
		x.f = nil
	}
}
