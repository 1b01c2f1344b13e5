//go:build !duckdb_arrow

package queries

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// The table-function path of bulk loading, built without the duckdb_arrow
// tag. The rows reach DuckDB through a table function, pbequity_bulk(),
// whose source is the stream in the context of the statement that calls it.
// A block carries up to blockRows rows of one table, each column as one
// string of its values joined by the unit separator (0x1F); SQL splits them
// back with string_split and unnest. Handing DuckDB one string per column
// and block instead of one value per row and column is what makes this
// fast: the driver's per-value path (interface boxing, a cgo call and a
// copy per value) costs more than DuckDB's insert itself. DuckDB inserts
// from a table function on one thread.

const (
	// bulkFunction is the name of the table function.
	bulkFunction = "pbequity_bulk"
	// sep joins the values of a column in a block. A value that contains it
	// goes in a block of its own (n = 1), which SQL does not split.
	sep = 0x1F
	// blockRows is the number of rows of a full block.
	blockRows = 2048
	// inFlight bounds the blocks between the producer and DuckDB.
	inFlight = 256
)

// bulkKey is the context key of the source of a pbequity_bulk() call: the
// table function reads its rows from the context of the statement that
// calls it, so that a call from any other statement finds nothing.
type bulkKey struct{}

// bulkSchema: the table function needs nothing more of a table.
type bulkSchema struct{}

func newBulkSchema(*bulkTable) *bulkSchema { return &bulkSchema{} }

// insertQuery is the INSERT statement of t: every column is text, split
// back into rows, an empty value NULL.
func insertQuery(t *bulkTable) string {
	var split, pick []string
	for i := range t.cols {
		split = append(split, fmt.Sprintf("unnest(CASE WHEN n = 1 THEN [c%d] ELSE string_split(c%d, chr(31)) END) AS c%d", i, i, i))
		pick = append(pick, fmt.Sprintf("NULLIF(c%d, '')", i))
	}
	return fmt.Sprintf("INSERT INTO %s (cycle_id, %s, dataset_id) SELECT $1, %s, $2 FROM (SELECT %s FROM %s())",
		t.table, strings.Join(t.cols, ", "), strings.Join(pick, ", "), strings.Join(split, ", "), bulkFunction)
}

// block is up to blockRows rows of one table, a joined string per column.
type block struct {
	cycle string // of the stream
	stray string // a row's other cycle
	n     int
	cols  [][]byte
	mark  []int // lengths of cols before the row being added
	bad   bool  // the row being added holds the separator
}

func (b *block) reset(t *bulkTable) {
	b.n, b.bad = 0, false
	if len(b.cols) != len(t.cols) {
		b.cols, b.mark = make([][]byte, len(t.cols)), make([]int, len(t.cols))
	}
	for i := range b.cols {
		b.cols[i] = b.cols[i][:0]
	}
}

func (b *block) finish() {}

func (b *block) str(i int, s string) {
	if strings.IndexByte(s, sep) >= 0 {
		b.bad = true
	}
	b.cols[i] = append(b.cols[i], s...)
}

func (b *block) num(i int, n int64) { b.cols[i] = strconv.AppendInt(b.cols[i], n, 10) }

func (b *block) float(i int, f float64) { b.cols[i] = strconv.AppendFloat(b.cols[i], f, 'g', -1, 64) }

func (b *block) boolean(i int, v bool) { b.cols[i] = strconv.AppendBool(b.cols[i], v) }

// add appends one row, encoded by enc, to the stream.
func add[T any](s *bulkStream, enc func(*block, *T), row *T) error {
	b := s.cur
	for i := range b.cols {
		b.mark[i] = len(b.cols[i])
		if b.n > 0 {
			b.cols[i] = append(b.cols[i], sep)
		}
	}
	enc(b, row)
	if b.stray != "" {
		for i := range b.cols {
			b.cols[i] = b.cols[i][:b.mark[i]]
		}
		return s.strayRow()
	}
	if b.bad {
		// The row holds the separator: it goes alone in a block that SQL
		// does not split.
		for i := range b.cols {
			b.cols[i] = b.cols[i][:b.mark[i]]
		}
		b.bad = false
		if b.n > 0 {
			if err := s.send(); err != nil {
				return err
			}
		}
		b = s.cur
		enc(b, row)
		b.bad = false
		b.n = 1
		s.rows++
		return s.send()
	}
	b.n++
	s.rows++
	if b.n == blockRows {
		return s.send()
	}
	return nil
}

// bulkSource is the table function's view of a stream.
type bulkSource struct{ s *bulkStream }

func (src bulkSource) ColumnInfos() []duckdb.ColumnInfo {
	text, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	n, _ := duckdb.NewTypeInfo(duckdb.TYPE_INTEGER)
	infos := []duckdb.ColumnInfo{{Name: "n", T: n}}
	for i := range src.s.t.cols {
		infos = append(infos, duckdb.ColumnInfo{Name: "c" + strconv.Itoa(i), T: text})
	}
	return infos
}

func (src bulkSource) Cardinality() *duckdb.CardinalityInfo { return nil }

func (src bulkSource) Init() {}

// FillChunk writes one row per block: it waits for one block, then takes
// those already waiting, up to a few.
func (src bulkSource) FillChunk(chunk duckdb.DataChunk) error {
	s := src.s
	rows := 0
	for rows < 16 {
		var b *block
		var ok bool
		if rows == 0 {
			select {
			case b, ok = <-s.out:
			case <-s.ctx.Done():
				return s.ctx.Err()
			}
		} else {
			select {
			case b, ok = <-s.out:
			default:
			}
		}
		if b == nil || !ok {
			break
		}
		if err := duckdb.SetChunkValue(chunk, 0, rows, int32(b.n)); err != nil {
			return err
		}
		for i, c := range b.cols {
			var err error
			if len(c) == b.n-1 {
				// Every value is empty: NULL, an empty list, which unnest
				// pads with NULLs to the length of the others.
				err = chunk.SetValue(i+1, rows, nil)
			} else {
				err = duckdb.SetChunkValue(chunk, i+1, rows, c)
			}
			if err != nil {
				return err
			}
		}
		s.recycle(b)
		rows++
	}
	return chunk.SetSize(rows)
}

// bulkFunc is the table function pbequity_bulk(): its rows come from the
// stream in the context of the statement that calls it.
var bulkFunc = duckdb.ChunkTableFunction{
	BindArgumentsContext: func(ctx context.Context, _ map[string]any, _ ...any) (duckdb.ChunkTableSource, error) {
		s, ok := ctx.Value(bulkKey{}).(*bulkStream)
		if !ok {
			return nil, errors.New(bulkFunction + "() is internal to uploads")
		}
		return bulkSource{s}, nil
	},
}

// insert runs the INSERT statement of stream s until its producer closes
// it; the producer runs on another goroutine. It closes s.stop when done.
func (w *Writer) insert(s *bulkStream) error {
	defer close(s.stop)
	ctx := context.WithValue(w.ctx, bulkKey{}, s)
	args := []driver.NamedValue{{Ordinal: 1, Value: s.cycle}, {Ordinal: 2, Value: w.dataset}}
	if _, err := w.conn.(driver.ExecerContext).ExecContext(ctx, s.t.query, args); err != nil {
		return w.insertError(s, err)
	}
	return nil
}

// registerBulk registers pbequity_bulk() with the database (again: a
// registration is idempotent).
func (d *DB) registerBulk(ctx context.Context) error {
	c, err := d.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("write: %w", translate(err))
	}
	defer c.Close()
	if err := duckdb.RegisterTableUDF(c, bulkFunction, bulkFunc); err != nil {
		return fmt.Errorf("write: register %s: %w", bulkFunction, translate(err))
	}
	return nil
}
