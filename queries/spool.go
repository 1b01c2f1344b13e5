package queries

import (
	"context"
	"crypto/rand"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pbequity/pbequity"
)

// Spooling. DuckDB inserts the rows of a table function on one thread (it
// keeps the insertion order and a table function has no batch index), but
// those of read_csv in parallel. So the rows of a large upload go to DuckDB
// as CSV files: the producer writes the validated, normalised rows of a
// table into chunk files in the database's private spool directory, and the
// writer's goroutine runs one INSERT … SELECT … FROM read_csv(chunk) per
// chunk, in the upload's one transaction, while the producer writes the
// next. A chunk is deleted as soon as its INSERT ends; the directory is
// emptied when the database is opened (a killed process leaves its chunks
// behind) and removed when it is closed. The sandbox lets DuckDB read the
// directory, whose name is random, and refuses statements that name it or
// read settings (where its name shows).

const (
	// spoolChunk is the size of a full chunk file in bytes.
	spoolChunk = 16 << 20
	// spoolMin is the size in bytes of a file (or of the rows of a load,
	// spoolRowBytes a row) from which its rows are spooled.
	spoolMin      = 4 << 20
	spoolRowBytes = 20
)

// spooled sets the INSERT statement of a spool file of t, whose columns
// have the given DuckDB types, and returns t.
func (t *bulkTable) spooled(types ...string) *bulkTable {
	// The first column, the cycle id, is the same in every row of a chunk: a
	// parameter ($3) instead of a column of the file.
	var cols []string
	for i, typ := range types[1:] {
		cols = append(cols, fmt.Sprintf("'c%d': '%s'", i+1, typ))
	}
	t.spool = fmt.Sprintf(`INSERT INTO %s (%s, dataset_id) SELECT $3, *, $1 FROM read_csv($2, columns = {%s}, header = false,
		auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '', new_line = '\n', encoding = 'utf-8')`,
		t.table, strings.Join(t.cols, ", "), strings.Join(cols, ", "))
	return t
}

// spoolDir returns the spool directory of the database file at path, and
// the directory that holds it, after removing what a killed process may
// have left there; an in-memory database gets a fresh temporary directory.
// The spool directory itself is named at random and made when first used:
// ad hoc SQL, which may learn the database's path, cannot guess it.
func spoolDir(path string) (spool, base string, err error) {
	name := make([]byte, 16)
	rand.Read(name)
	if path == "" || strings.HasPrefix(path, ":memory:") {
		base, err = os.MkdirTemp("", "pbequity-spool-")
		if err != nil {
			return "", "", fmt.Errorf("spool: %w", err)
		}
		return filepath.Join(base, hex.EncodeToString(name)), base, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", "", fmt.Errorf("spool: %w", err)
	}
	base = abs + ".spool"
	if err := os.RemoveAll(base); err != nil {
		return "", "", fmt.Errorf("spool: remove stale files: %w", err)
	}
	return filepath.Join(base, hex.EncodeToString(name)), base, nil
}

// csvRow writes rows as CSV into buf: values quoted when they must be,
// NULL as an empty field (an empty string is NULL, as everywhere in bulk
// loading). The first column, the cycle id, is not written but kept in
// cycle.
type csvRow struct {
	buf   []byte
	col   int // column the next value belongs to, or before
	ncols int
	cycle string
}

// field moves to column i.
func (r *csvRow) field(i int) {
	for ; r.col < i; r.col++ {
		r.buf = append(r.buf, ',')
	}
}

// end ends the row.
func (r *csvRow) end() {
	r.field(r.ncols - 1)
	r.buf = append(r.buf, '\n')
	r.col = 1
}

func (r *csvRow) str(i int, s string) {
	if i == 0 {
		r.cycle = s
		return
	}
	if s == "" {
		return
	}
	r.field(i)
	if !needsQuotes(s) {
		r.buf = append(r.buf, s...)
		return
	}
	r.buf = append(r.buf, '"')
	for {
		j := strings.IndexByte(s, '"')
		if j < 0 {
			break
		}
		r.buf = append(r.buf, s[:j+1]...)
		r.buf = append(r.buf, '"')
		s = s[j+1:]
	}
	r.buf = append(r.buf, s...)
	r.buf = append(r.buf, '"')
}

// needsQuotes tells whether s must be quoted: it holds a comma, a quote or
// a line break, or starts or ends with a space or tab.
func needsQuotes(s string) bool {
	if c := s[0]; c == ' ' || c == '\t' {
		return true
	}
	if c := s[len(s)-1]; c == ' ' || c == '\t' {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\n', '\r':
			return true
		}
	}
	return false
}

func (r *csvRow) num(i int, n int64) {
	r.field(i)
	r.buf = strconv.AppendInt(r.buf, n, 10)
}

func (r *csvRow) nonZero(i int, n int64) {
	if n != 0 {
		r.num(i, n)
	}
}

func (r *csvRow) float(i int, f float64) {
	r.field(i)
	r.buf = strconv.AppendFloat(r.buf, f, 'g', -1, 64)
}

func (r *csvRow) boolean(i int, v bool) {
	r.field(i)
	r.buf = strconv.AppendBool(r.buf, v)
}

func (r *csvRow) date(i int, t time.Time) {
	r.field(i)
	r.buf = t.UTC().AppendFormat(r.buf, time.DateOnly)
}

func (r *csvRow) json(i int, m map[string]string) {
	if len(m) == 0 {
		return
	}
	j, _ := json.Marshal(m) // a map of strings always marshals
	r.str(i, string(j))
}

func (r *csvRow) marker(i int, m pbequity.Marker) {
	if m >= 0 {
		r.num(i, int64(m))
	}
}

// spoolStream carries the rows of one table from a producer to DuckDB
// through chunk files in dir.
type spoolStream struct {
	ctx       context.Context
	t         *bulkTable
	chunkSize int64
	dir       string // the stream's own directory inside the spool directory
	row       csvRow
	f         *os.File // the chunk being written, or nil
	size      int64    // bytes written to f
	chunks    chan chunk
	stop      chan struct{} // closed when the inserts end
	rows      int64
	cycle     string // of the rows of the current chunk
	n         int    // rows of the current chunk
	tail      []byte
}

// chunk is a spool file ready to insert, and the cycle of its rows.
type chunk struct{ path, cycle string }

func newSpoolStream(ctx context.Context, t *bulkTable, spool string, chunkSize int64) (*spoolStream, error) {
	if err := os.MkdirAll(spool, 0o700); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	dir, err := os.MkdirTemp(spool, t.table+"-")
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	return &spoolStream{ctx: ctx, t: t, chunkSize: chunkSize, dir: dir, row: csvRow{ncols: len(t.cols), col: 1, buf: make([]byte, 0, 1<<20)},
		chunks: make(chan chunk, 1), stop: make(chan struct{})}, nil
}

// spoolAdd appends one row, encoded by enc, to the stream.
func spoolAdd[T any](s *spoolStream, enc func(values, *T), row *T) error {
	start := len(s.row.buf)
	enc(&s.row, row)
	s.row.end()
	if s.row.cycle != s.cycle {
		// A chunk holds the rows of one cycle.
		if s.n > 0 {
			s.tail = append(s.tail[:0], s.row.buf[start:]...)
			s.row.buf = s.row.buf[:start]
			if err := s.write(true); err != nil {
				return err
			}
			s.row.buf = append(s.row.buf, s.tail...)
		}
		s.cycle = s.row.cycle
	}
	s.n++
	s.rows++
	if len(s.row.buf) >= 1<<20 {
		return s.write(false)
	}
	return nil
}

// write writes the buffered rows to the current chunk, and hands the
// chunk to DuckDB when it is full or last is set.
func (s *spoolStream) write(last bool) error {
	if s.f == nil && len(s.row.buf) > 0 {
		f, err := os.CreateTemp(s.dir, "chunk-*.csv")
		if err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		s.f, s.size = f, 0
	}
	if s.f == nil {
		return nil
	}
	if len(s.row.buf) > 0 {
		n, err := s.f.Write(s.row.buf)
		s.size += int64(n)
		s.row.buf = s.row.buf[:0]
		if err != nil {
			return fmt.Errorf("spool: %w", err)
		}
	}
	if !last && s.size < s.chunkSize {
		return nil
	}
	f := s.f
	s.f, s.n = nil, 0
	if err := f.Close(); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	select {
	case s.chunks <- chunk{f.Name(), s.cycle}:
		return nil
	case <-s.stop:
		return errBulkStopped
	case <-s.ctx.Done():
		return s.ctx.Err()
	}
}

// close hands the last chunk to DuckDB and ends the stream.
func (s *spoolStream) close() error {
	err := s.write(true)
	if s.f != nil {
		s.f.Close()
	}
	close(s.chunks)
	return err
}

func (s *spoolStream) table() *bulkTable { return s.t }
func (s *spoolStream) count() int64      { return s.rows }
func (s *spoolStream) abandon()          { close(s.stop) }

// insert runs one INSERT per chunk until the producer closes the stream,
// deleting each chunk after its INSERT. It closes s.stop when done.
func (s *spoolStream) insert(w *Writer) error {
	defer close(s.stop)
	for c := range s.chunks {
		path := c.path
		args := []driver.NamedValue{{Ordinal: 1, Value: w.dataset}, {Ordinal: 2, Value: path}, {Ordinal: 3, Value: nullString(c.cycle)}}
		_, err := w.conn.(driver.ExecerContext).ExecContext(w.ctx, s.t.spool, args)
		os.Remove(path)
		if err != nil {
			if cerr := w.ctx.Err(); cerr != nil {
				return cerr
			}
			return fmt.Errorf("load %s: %w", s.t.table, translate(err))
		}
	}
	return nil
}

// remove deletes the stream's directory and what is left in it; the
// producer and the inserts must have ended.
func (s *spoolStream) remove() { os.RemoveAll(s.dir) }
