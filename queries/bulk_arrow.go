//go:build duckdb_arrow

package queries

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/duckdb/duckdb-go/v2"
)

// The Arrow path of bulk loading, built with the duckdb_arrow tag. A block
// is an Arrow record batch of up to blockRows rows, typed per column (an
// empty text or an absent value is NULL). The stream is registered as a
// temporary view of the writer's connection and read by INSERT … SELECT:
// DuckDB's Arrow scan hands each of its threads whole batches, with a batch
// index, so the insert converts, compresses and writes row groups on every
// thread and still keeps the rows in the order they were given.

const (
	// blockRows is the number of rows of a full block: one DuckDB row
	// group, which a thread writes whole.
	blockRows = 122880
	// maxBlockText ends a block early: Arrow's offsets are 32-bit.
	maxBlockText = 256 << 20
	// inFlight bounds the blocks between the producer and DuckDB.
	inFlight = 3
	// bulkView is the temporary view of a stream, on the writer's
	// connection only (other connections, the SQL sandbox among them, do
	// not see it).
	bulkView = "pbequity_bulk"
)

// bulkSchema is the Arrow schema of a table's blocks.
type bulkSchema struct{ schema *arrow.Schema }

func newBulkSchema(t *bulkTable) *bulkSchema {
	fields := make([]arrow.Field, len(t.cols))
	for i, k := range t.kinds {
		typ := map[colKind]arrow.DataType{kText: arrow.BinaryTypes.String, kInt: arrow.PrimitiveTypes.Int64,
			kFloat: arrow.PrimitiveTypes.Float64, kBool: arrow.FixedWidthTypes.Boolean}[k]
		fields[i] = arrow.Field{Name: "c" + strconv.Itoa(i), Type: typ, Nullable: true}
	}
	return &bulkSchema{arrow.NewSchema(fields, nil)}
}

// insertQuery is the INSERT statement of t, reading the view of a stream.
func insertQuery(t *bulkTable) string {
	pick := make([]string, len(t.cols))
	for i := range t.cols {
		pick[i] = "c" + strconv.Itoa(i)
	}
	return fmt.Sprintf("INSERT INTO %s (cycle_id, %s, dataset_id) SELECT $1, %s, $2 FROM %s",
		t.table, strings.Join(t.cols, ", "), strings.Join(pick, ", "), bulkView)
}

// block is up to blockRows rows of one table, built column by column into
// plain Go slices that become the batch's Arrow buffers without a copy (a
// block's slices are new for every batch: DuckDB may read the buffers of a
// batch until it releases it).
type block struct {
	cycle string // of the stream
	stray string // a row's other cycle
	n     int
	size  int // bytes of text
	t     *bulkTable
	cols  []column
	rec   arrow.RecordBatch // the finished batch
}

// column is one column of a block: a validity bitmap and the values of
// its kind. A NULL takes an empty or zero value, filled in only when a later
// value (or the end of the block) needs its place: a row costs nothing in
// the columns it leaves out.
type column struct {
	n      int // values set
	valid  []byte
	offs   []int32 // text: offsets into data, one more than the rows filled
	data   []byte
	ints   []int64
	floats []float64
	bits   []byte // booleans
}

func (b *block) reset(t *bulkTable) {
	b.n, b.size, b.t, b.rec = 0, 0, t, nil
	if len(b.cols) != len(t.cols) {
		b.cols = make([]column, len(t.cols))
	}
	for i, k := range t.kinds {
		// New slices, as large as the last block's (a recycled block's) or
		// small: a batch of a few rows should not take megabytes.
		c := &b.cols[i]
		rows := max(len(c.offs), len(c.ints), len(c.floats), 1024)
		text := max(len(c.data), 16<<10)
		*c = column{valid: make([]byte, blockRows/8)}
		switch k {
		case kText:
			c.offs = make([]int32, 1, rows+1)
			c.data = make([]byte, 0, text)
		case kInt:
			c.ints = make([]int64, 0, rows)
		case kFloat:
			c.floats = make([]float64, 0, rows)
		case kBool:
			c.bits = make([]byte, blockRows/8)
		}
	}
}

// pad fills the places of the NULLs of column c before row.
func (c *column) pad(row int) {
	for len(c.offs) > 0 && len(c.offs) <= row {
		c.offs = append(c.offs, int32(len(c.data)))
	}
	for c.ints != nil && len(c.ints) < row {
		c.ints = append(c.ints, 0)
	}
	for c.floats != nil && len(c.floats) < row {
		c.floats = append(c.floats, 0)
	}
}

// finish makes the batch of the rows added.
func (b *block) finish() {
	arrs := make([]arrow.Array, len(b.cols))
	for i := range b.cols {
		c := &b.cols[i]
		c.pad(b.n)
		f := b.t.schema.Field(i)
		bufs := []*memory.Buffer{memory.NewBufferBytes(c.valid[:(b.n+7)/8])}
		switch b.t.kinds[i] {
		case kText:
			bufs = append(bufs, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.offs)), memory.NewBufferBytes(c.data))
		case kInt:
			bufs = append(bufs, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(c.ints)))
		case kFloat:
			bufs = append(bufs, memory.NewBufferBytes(arrow.Float64Traits.CastToBytes(c.floats)))
		case kBool:
			bufs = append(bufs, memory.NewBufferBytes(c.bits[:(b.n+7)/8]))
		}
		data := array.NewData(f.Type, b.n, bufs, nil, b.n-c.n, 0)
		arrs[i] = array.MakeFromData(data)
		data.Release()
	}
	b.rec = array.NewRecordBatch(b.t.schema, arrs, int64(b.n))
	for _, a := range arrs {
		a.Release()
	}
}

// set marks the value of column c for row.
func (c *column) set(row int) {
	c.valid[row>>3] |= 1 << (row & 7)
	c.n++
}

func (b *block) str(i int, s string) {
	if s != "" {
		c := &b.cols[i]
		c.pad(b.n)
		c.data = append(c.data, s...)
		b.size += len(s)
		c.offs = append(c.offs, int32(len(c.data)))
		c.set(b.n)
	}
}

func (b *block) num(i int, n int64) {
	c := &b.cols[i]
	c.pad(b.n)
	c.ints = append(c.ints, n)
	c.set(b.n)
}

func (b *block) float(i int, f float64) {
	c := &b.cols[i]
	c.pad(b.n)
	c.floats = append(c.floats, f)
	c.set(b.n)
}

func (b *block) boolean(i int, v bool) {
	c := &b.cols[i]
	if v {
		c.bits[b.n>>3] |= 1 << (b.n & 7)
	}
	c.set(b.n)
}

// undo takes back the values of the row being added.
func (b *block) undo() {
	bit := byte(1) << (b.n & 7)
	for i := range b.cols {
		c := &b.cols[i]
		if c.valid[b.n>>3]&bit == 0 {
			continue
		}
		c.n--
		c.valid[b.n>>3] &^= bit
		switch {
		case c.offs != nil:
			c.offs = c.offs[:b.n+1]
			b.size -= len(c.data) - int(c.offs[b.n])
			c.data = c.data[:c.offs[b.n]]
		case c.ints != nil:
			c.ints = c.ints[:b.n]
		case c.floats != nil:
			c.floats = c.floats[:b.n]
		case c.bits != nil:
			c.bits[b.n>>3] &^= bit
		}
	}
}

// add appends one row, encoded by enc, to the stream: a column the encoder
// left out is NULL.
func add[T any](s *bulkStream, enc func(*block, *T), row *T) error {
	b := s.cur
	enc(b, row)
	if b.stray != "" {
		b.undo()
		return s.strayRow()
	}
	b.n++
	s.rows++
	if b.n == blockRows || b.size > maxBlockText {
		return s.send()
	}
	return nil
}

// bulkReader is the array.RecordReader DuckDB's Arrow scan pulls a
// stream's batches from (on its own threads, one call at a time).
type bulkReader struct {
	s   *bulkStream
	mu  sync.Mutex
	cur *block
	err error
}

func (r *bulkReader) Schema() *arrow.Schema { return r.s.t.schema }

func (r *bulkReader) Next() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.drop()
	select {
	case b, ok := <-r.s.out:
		if !ok {
			return false
		}
		r.cur = b
		return true
	case <-r.s.ctx.Done():
		r.err = r.s.ctx.Err()
		return false
	}
}

// drop releases the current batch (DuckDB holds its own reference while it
// uses it) and recycles its block.
func (r *bulkReader) drop() {
	if r.cur != nil {
		r.cur.rec.Release()
		r.cur.rec = nil
		r.s.recycle(r.cur)
		r.cur = nil
	}
}

func (r *bulkReader) RecordBatch() arrow.RecordBatch { return r.cur.rec }

func (r *bulkReader) Record() arrow.RecordBatch { return r.cur.rec }

func (r *bulkReader) Err() error { return r.err }

func (r *bulkReader) Retain() {}

func (r *bulkReader) Release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.drop()
}

// insert runs the INSERT statement of stream s until its producer closes
// it; the producer runs on another goroutine. It closes s.stop when done.
func (w *Writer) insert(s *bulkStream) error {
	defer close(s.stop)
	a, err := duckdb.NewArrowFromConn(w.conn)
	if err != nil {
		return w.insertError(s, err)
	}
	release, err := a.RegisterView(&bulkReader{s: s}, bulkView)
	if err != nil {
		return w.insertError(s, err)
	}
	defer release()
	exec := w.conn.(driver.ExecerContext)
	args := []driver.NamedValue{{Ordinal: 1, Value: s.cycle}, {Ordinal: 2, Value: w.dataset}}
	_, err = exec.ExecContext(w.ctx, s.t.query, args)
	// The view must not outlive the stream it reads.
	if _, derr := exec.ExecContext(context.Background(), "DROP VIEW IF EXISTS "+bulkView, nil); err == nil && derr != nil {
		err = derr
	}
	if err != nil {
		return w.insertError(s, err)
	}
	return nil
}

// registerBulk: the Arrow path registers a view per statement instead.
func (d *DB) registerBulk(context.Context) error { return nil }
