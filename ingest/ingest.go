// Package ingest decodes and validates uploaded tables (CSV, TSV and XLSX)
// into the domain rows of package pbequity: projects, budget lines,
// participants, participation events, votes and census population. It owns
// the upload formats of SPEC §3: English and Persian headers with aliases,
// Persian and Arabic-Indic digits, amount units (rial, toman, …), Solar
// Hijri dates, gender aliases, pseudonymisation of phone numbers and
// national codes, and row-by-row errors in English or Persian.
//
// Decoding is pure: ingest reads an io.Reader and returns values. It must
// not import database/sql, the DuckDB driver or net/http; loading rows is
// the job of package queries.
package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/pbequity/pbequity"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Default limits of Options.
const (
	DefaultMaxRows   = 5_000_000
	DefaultMaxErrors = 100
	DefaultMaxUnzip  = 256 << 20
)

// Options control Decode.
type Options struct {
	// Kind is the kind of upload (see Kinds); "" detects it from the header.
	Kind string
	// Unit is the amount unit of the request: "" or rial (ریال), toman
	// (تومان, 10 rial), thousand toman (هزار تومان), million rial (میلیون
	// ریال), million toman (میلیون تومان)…; a unit in a column's header
	// ("هزینه (تومان)") takes precedence for that column.
	Unit string
	// Lang is the language of error messages: "en" (default) or "fa".
	Lang string
	// Sheet is the XLSX sheet to read; "" is the first sheet.
	Sheet string
	// CycleID is stamped on every row. When it is empty, a cycle_id column
	// of the file is used.
	CycleID string
	// MaxRows bounds the data rows of a file (default DefaultMaxRows).
	MaxRows int
	// MaxErrors bounds the errors listed (default DefaultMaxErrors).
	MaxErrors int
	// MaxUnzip bounds the unpacked size of an XLSX file in bytes (default
	// DefaultMaxUnzip).
	MaxUnzip int64
	// KnownProjects, when set, tells whether a project id exists in the
	// cycle; references of votes, budget lines and participation events to
	// other projects are listed in Batch.Unresolved, for the caller to
	// resolve against the other files of the upload.
	KnownProjects func(id string) bool
	// OnUnresolved, when set, receives each unresolved reference instead of
	// Batch.Unresolved, also when the file has other problems, so that a
	// caller can list every row error of an upload.
	OnUnresolved func(pbequity.FieldError)
	// PseudonymKey, when set, keys the hash (HMAC-SHA-256) that replaces
	// phone numbers, national codes and e-mail addresses used as
	// participant ids; without it the hash is a plain SHA-256, which a
	// determined reader can reverse by trying every phone number.
	PseudonymKey []byte
	// Emit, when set, receives the rows of the file as they are validated,
	// in batches of up to EmitRows rows, instead of Decode keeping them all.
	// The batch's row slices are reused once Emit returns. Emission stops at
	// the first problem of the file; Decode then returns the problems, and
	// the caller must discard the rows it was given. An error of Emit stops
	// decoding and is returned as it is. The Batch that Decode returns has
	// no rows then, only the kind, counts, unresolved references and
	// unknown headers.
	Emit func(*Batch) error
	// EmitRows is the size of the batches given to Emit (default 8192).
	EmitRows int
}

func (o Options) withDefaults() Options {
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxErrors <= 0 {
		o.MaxErrors = DefaultMaxErrors
	}
	if o.MaxUnzip <= 0 {
		o.MaxUnzip = DefaultMaxUnzip
	}
	if o.Lang != "fa" {
		o.Lang = "en"
	}
	if o.EmitRows <= 0 {
		o.EmitRows = 8192
	}
	return o
}

// Batch is the decoded content of one file: the rows of its kind.
type Batch struct {
	Kind          string
	Rows          int
	Projects      []pbequity.Project
	BudgetLines   []pbequity.BudgetLine
	Participants  []pbequity.Participant
	Participation []pbequity.Participation
	Votes         []pbequity.Vote
	Population    []pbequity.PopulationCount
	// Unresolved lists references to projects that KnownProjects did not
	// know, with their rows (up to MaxErrors): errors unless another file of
	// the upload defines those projects.
	Unresolved []pbequity.FieldError
	// Unknown lists the headers, as written, that map to no field of the
	// kind. Their values are kept in Extra where the row type has it
	// (projects, participants) and dropped otherwise.
	Unknown []string
}

// source yields the rows of a file. The cells are valid until the next call.
type source interface {
	next() (cells [][]byte, row int, err error)
	// padded reports whether rows may be shorter than the header (XLSX drops
	// trailing blank cells) rather than ragged.
	padded() bool
	// close releases the source (temporary files of large sheets).
	close()
}

// Decode reads one uploaded table named name (the name's extension and the
// content tell CSV, TSV and XLSX apart) and validates every row. It returns
// a *pbequity.ValidationError listing the problems of rows and columns (up
// to opt.MaxErrors) or a *pbequity.Error with code EINVALID or ETOOLARGE for
// problems of the whole file. Nothing is returned but the error when the
// file has any problem.
func Decode(r io.Reader, name string, opt Options) (*Batch, error) {
	opt = opt.withDefaults()
	kind, ok := normKind(opt.Kind)
	if !ok {
		return nil, invalid(opt.Lang, mUnknownKind, opt.Kind)
	}
	exp, err := ParseUnit(opt.Unit)
	if err != nil {
		return nil, invalid(opt.Lang, mBadUnit, opt.Unit)
	}
	src, sizeHint, err := open(r, name, opt)
	if err != nil {
		return nil, err
	}
	defer src.close()
	d := &decoder{opt: opt, name: name, unitExp: exp}
	return d.run(src, kind, sizeHint)
}

func invalid(lang string, m msgID, args ...any) error {
	return pbequity.Errorf(pbequity.EINVALID, "%s", render(lang, m, args...))
}

// zipMagic and oleMagic start XLSX (zip) and legacy .xls (OLE) files.
var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// open tells the format of a file and returns its source, with an estimate
// of its data rows (0 when unknown).
func open(r io.Reader, name string, opt Options) (source, int, error) {
	ext := strings.ToLower(path.Ext(name))
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(64 << 10)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, 0, fmt.Errorf("read %s: %w", name, err)
	}
	switch {
	case len(head) == 0:
		return nil, 0, invalid(opt.Lang, mEmpty, name)
	case bytes.HasPrefix(head, zipMagic):
		return openXLSX(br, name, opt)
	case bytes.HasPrefix(head, oleMagic):
		return nil, 0, invalid(opt.Lang, mLegacyXLS, name)
	case ext == ".xlsx" || ext == ".xlsm" || ext == ".xls" || ext == ".pb" || ext == ".parquet" || ext == ".json":
		return nil, 0, invalid(opt.Lang, mUnknownFormat, name)
	}
	if bytes.IndexByte(head, 0) >= 0 && !hasUTF16BOM(head) {
		return nil, 0, invalid(opt.Lang, mUnknownFormat, name)
	}

	// Text: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode
	// text"), or Windows-1256 (Excel's CSV on Persian Windows).
	var text *bufio.Reader
	switch {
	case hasUTF16BOM(head):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		text = bufio.NewReaderSize(transform.NewReader(br, unicode.BOMOverride(dec)), 64<<10)
	case bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")):
		br.Discard(3)
		text = br
	case !validPrefix(head):
		text = bufio.NewReaderSize(transform.NewReader(br, charmap.Windows1256.NewDecoder()), 64<<10)
	default:
		text = br
	}
	head, _ = text.Peek(64 << 10)
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, 0, invalid(opt.Lang, mEmpty, name)
	}
	comma := sniffComma(head)
	if ext == ".tsv" || ext == ".tab" {
		comma = '\t'
	}
	return newCSVReader(text, comma), estimateRows(r, head), nil
}

func hasUTF16BOM(b []byte) bool {
	return bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF})
}

// validPrefix reports whether b is UTF-8, but for a rune cut at its end.
func validPrefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

// estimateRows guesses the rows of a text file from its size and the mean
// length of its first lines, to size the batch once.
func estimateRows(r io.Reader, head []byte) int {
	var size int64
	switch f := r.(type) {
	case interface{ Size() int64 }:
		size = f.Size()
	case *os.File:
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	lines := bytes.Count(head, []byte{'\n'})
	if size <= 0 || lines < 2 {
		return 0
	}
	return int(float64(size)/float64(len(head))*float64(lines)) + lines
}

// decoder validates the rows of one file.
type decoder struct {
	refs map[string]bool // project ids already checked against KnownProjects
	// unresolved counts the references reported as unresolved.
	unresolved int
	opt        Options
	name       string
	kind       string
	unitExp    int

	cols    []column
	idx     [numFields]int // column of each field, -1 when absent
	exp     [numFields]int // unit of each amount column
	unknown []int          // columns of unknown headers
	extra   bool           // the kind keeps unknown columns in Extra

	errs      []pbequity.FieldError
	truncated bool
	xlsx      bool

	batch  *Batch
	strs   map[string]string // interned values
	arena  []byte            // bytes of the strings made by str
	chans  map[string]string // channels as written → as stored
	known  map[string]string // project ids voted for, known to exist
	seen   idSet             // ids seen, with their row
	lineNo map[string]int    // budget lines per project

	// votes of the current ballot
	lastPID    []byte
	lastPIDOut string
	ballot     []ballotVote
	cells      map[[3]string]int // population cells seen
}

type ballotVote struct {
	project string
	row     int
}

func (d *decoder) run(src source, kind string, hint int) (*Batch, error) {
	_, d.xlsx = src.(*xlsxSource)
	cells, hrow, err := src.next()
	if err != nil {
		return nil, d.sourceErr(err)
	}
	header := make([]string, len(cells))
	for i, c := range cells {
		header[i] = trim(strings.ToValidUTF8(string(c), "\uFFFD"))
	}
	if kind == "" {
		if kind, err = detectKind(header, d.name, d.opt.Lang); err != nil {
			return nil, err
		}
	}
	d.kind = kind
	d.batch = &Batch{Kind: kind}
	d.mapHeader(header, hrow)
	if hint > d.opt.MaxRows {
		hint = d.opt.MaxRows
	}
	if d.opt.Emit != nil {
		hint = d.opt.EmitRows
	}
	d.prealloc(hint)
	d.strs = make(map[string]string)
	d.known = make(map[string]string)

	rowFn := map[string]func(int, [][]byte){
		KindProjects:      d.project,
		KindBudgetLines:   d.budgetLine,
		KindParticipants:  d.participant,
		KindParticipation: d.participation,
		KindVotes:         d.vote,
		KindPopulation:    d.population,
	}[kind]
	width := len(header)
	for !d.truncated {
		cells, row, err := src.next()
		if err == io.EOF {
			break
		} else if err != nil {
			var re *rowError
			if errors.As(err, &re) {
				d.failf(re.row, "", "", re.msg, re.args...)
				break
			}
			return nil, d.sourceErr(err)
		}
		if blankRow(cells) { // ",,,," rows that spreadsheets export
			continue
		}
		if d.batch.Rows++; d.batch.Rows > d.opt.MaxRows {
			return nil, pbequity.Errorf(pbequity.ETOOLARGE, "%s", render(d.opt.Lang, mTooManyRows, d.name, d.opt.MaxRows))
		}
		if len(cells) != width {
			if !src.padded() {
				d.failf(row, "", "", mRagged, len(cells), width)
				continue
			}
			if cells = d.pad(row, cells, width); cells == nil {
				continue
			}
		}
		rowFn(row, cells)
		if d.opt.Emit != nil && d.batch.kept() >= d.opt.EmitRows {
			if err := d.emit(); err != nil {
				return nil, err
			}
		}
	}
	if len(d.errs) > 0 {
		return nil, &pbequity.ValidationError{Errors: d.errs, Truncated: d.truncated}
	}
	if d.opt.Emit != nil && d.batch.kept() > 0 {
		if err := d.emit(); err != nil {
			return nil, err
		}
	}
	return d.batch, nil
}

// kept is the number of rows held in the batch's slices.
func (b *Batch) kept() int {
	return len(b.Projects) + len(b.BudgetLines) + len(b.Participants) + len(b.Participation) + len(b.Votes) + len(b.Population)
}

// emit hands the rows kept so far to Options.Emit, unless the file has
// problems, and empties the batch's slices for reuse.
func (d *decoder) emit() error {
	b := d.batch
	if !d.failed() {
		if err := d.opt.Emit(b); err != nil {
			return err
		}
	}
	b.Projects, b.BudgetLines, b.Participants = b.Projects[:0], b.BudgetLines[:0], b.Participants[:0]
	b.Participation, b.Votes, b.Population = b.Participation[:0], b.Votes[:0], b.Population[:0]
	return nil
}

// blankRow reports whether every cell of a row is blank.
func blankRow(cells [][]byte) bool {
	if len(cells) > 0 && len(trimBytes(cells[0])) > 0 {
		return false // the common case, decided at once
	}
	for _, c := range cells {
		if len(trimBytes(c)) > 0 {
			return false
		}
	}
	return true
}

// pad extends a short XLSX row to the header's width; cells beyond the
// header are errors when they hold a value.
func (d *decoder) pad(row int, cells [][]byte, width int) [][]byte {
	for i := width; i < len(cells); i++ {
		if v := trimBytes(cells[i]); len(v) > 0 {
			d.failf(row, columnName(i), string(v), mOutsideHeader, string(v))
			return nil
		}
	}
	if len(cells) > width {
		return cells[:width]
	}
	for len(cells) < width {
		cells = append(cells, nil)
	}
	return cells
}

func (d *decoder) sourceErr(err error) error {
	var re *rowError
	switch {
	case err == io.EOF:
		return invalid(d.opt.Lang, mEmpty, d.name)
	case errors.Is(err, errBadSheet):
		return invalid(d.opt.Lang, mBadXLSX, d.name)
	case errors.As(err, &re):
		return &pbequity.ValidationError{Errors: []pbequity.FieldError{{
			File: d.name, Row: re.row, Message: render(d.opt.Lang, re.msg, re.args...)}}}
	case pbequity.ErrorCode(err) != pbequity.EINTERNAL:
		return err
	}
	return fmt.Errorf("read %s: %w", d.name, err)
}

// mapHeader maps the header cells to fields, recording unknown and doubly
// mapped columns and missing required ones.
func (d *decoder) mapHeader(header []string, row int) {
	for i := range d.idx {
		d.idx[i] = -1
	}
	d.extra = d.kind == KindProjects || d.kind == KindParticipants
	d.cols = make([]column, len(header))
	for i, h := range header {
		c := mapHeader(d.kind, h)
		if h == "" {
			c.header = "(" + columnName(i) + ")"
		}
		d.cols[i] = c
		switch {
		case c.field == fNone:
			for _, j := range d.unknown {
				if d.cols[j].header == c.header {
					d.failf(row, h, "", mDuplicateColumn, d.cols[j].header, h, h)
				}
			}
			d.unknown = append(d.unknown, i)
			d.batch.Unknown = append(d.batch.Unknown, c.header)
		case d.idx[c.field] >= 0:
			d.failf(row, h, "", mDuplicateColumn, d.cols[d.idx[c.field]].header, h, c.field.name(d.opt.Lang))
		default:
			d.idx[c.field] = i
			d.exp[c.field] = d.unitExp
			if c.hasExp {
				d.exp[c.field] = c.exp
			}
		}
	}
	for _, f := range missing(d.kind, d.cols) {
		name := f.name("en")
		if d.opt.Lang == "fa" {
			name = f.name("fa")
		} else if fa := f.name("fa"); fa != "" {
			name += " (" + fa + ")"
		}
		if f == fAmount && d.kind == KindBudgetLines {
			d.failf(row, "", "", mNoAmount)
			continue
		}
		d.failf(row, "", "", mMissingColumn, name)
	}
}

func (d *decoder) prealloc(n int) {
	b := d.batch
	switch d.kind {
	case KindProjects:
		b.Projects = make([]pbequity.Project, 0, n)
	case KindBudgetLines:
		b.BudgetLines = make([]pbequity.BudgetLine, 0, n)
	case KindParticipants:
		b.Participants = make([]pbequity.Participant, 0, n)
	case KindParticipation:
		b.Participation = make([]pbequity.Participation, 0, n)
	case KindVotes:
		b.Votes = make([]pbequity.Vote, 0, n)
	case KindPopulation:
		b.Population = make([]pbequity.PopulationCount, 0, n)
	}
}

// columnName returns the spreadsheet letters of column i (0 is A).
func columnName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// failf records an error at row and the column with header col.
func (d *decoder) failf(row int, col, value string, m msgID, args ...any) {
	if len(d.errs) >= d.opt.MaxErrors {
		d.truncated = true
		return
	}
	d.errs = append(d.errs, pbequity.FieldError{
		File: d.name, Row: row, Column: col, Value: value,
		Message: render(d.opt.Lang, m, args...),
	})
}

// fail records an error of field f's column; the message's argument is
// the value unless args are given.
func (d *decoder) fail(row int, f field, value []byte, m msgID, args ...any) {
	v := strings.ToValidUTF8(string(value), "\uFFFD")
	if len(args) == 0 {
		args = []any{v}
	}
	d.failf(row, d.header(f), v, m, args...)
}

func (d *decoder) header(f field) string {
	if i := d.idx[f]; i >= 0 {
		return d.cols[i].header
	}
	return ""
}
