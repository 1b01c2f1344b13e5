package queries

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/pbequity/pbequity"
)

// Bulk loading. The rows of an upload reach DuckDB through a table function,
// pbequity_bulk(), that an INSERT … SELECT of the writer's transaction reads:
// its source is a channel of blocks filled by a producer goroutine (the
// decoder) while DuckDB inserts, so decoding and inserting run side by side
// and only the blocks in flight are held in memory. A block carries up to
// blockRows rows of one table, each column as one string of its values joined
// by the unit separator (0x1F); SQL splits them back with string_split and
// unnest. Handing DuckDB one string per column and block instead of one value
// per row and column is what makes this fast: the driver's per-value path
// (interface boxing, a cgo call and a copy per value) costs more than
// DuckDB's insert itself.

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

// bulkTable describes how rows of one table are written as text.
type bulkTable struct {
	table string
	cols  []string // columns filled from the block, in order
	query string   // the INSERT statement; its one parameter is the dataset id
}

func newBulkTable(table string, cols ...string) *bulkTable {
	t := &bulkTable{table: table, cols: cols}
	var split, pick []string
	for i := range cols {
		split = append(split, fmt.Sprintf("unnest(CASE WHEN n = 1 THEN [c%d] ELSE string_split(c%d, chr(31)) END) AS c%d", i, i, i))
		pick = append(pick, fmt.Sprintf("NULLIF(c%d, '')", i))
	}
	t.query = fmt.Sprintf("INSERT INTO %s (%s, dataset_id) SELECT %s, $1 FROM (SELECT %s FROM %s())",
		table, strings.Join(cols, ", "), strings.Join(pick, ", "), strings.Join(split, ", "), bulkFunction)
	return t
}

var (
	bulkProjects = newBulkTable("projects", "cycle_id", "project_id", "title", "description", "cost", "category", "area",
		"stage", "proposer_gender", "gender_marker", "women_share", "beneficiaries", "selected", "approved", "spent", "status", "extra")
	bulkBudgetLines = newBulkTable("budget_lines", "cycle_id", "project_id", "line_no", "item", "quantity", "unit", "unit_cost",
		"amount", "gender_marker")
	bulkParticipants  = newBulkTable("participants", "cycle_id", "participant_id", "gender", "age", "age_band", "area", "channel", "extra")
	bulkParticipation = newBulkTable("participation", "cycle_id", "participant_id", "stage", "project_id", "date")
	bulkVotes         = newBulkTable("votes", "cycle_id", "participant_id", "project_id", "points", "rank")
	bulkPopulation    = newBulkTable("population", "cycle_id", "area", "gender", "age_band", "count")
)

// block is up to blockRows rows of one table, a joined string per column.
type block struct {
	n    int
	cols [][]byte
	mark []int // lengths of cols before the row being added
	bad  bool  // the row being added holds the separator
}

func (b *block) reset(ncols int) {
	b.n, b.bad = 0, false
	if len(b.cols) != ncols {
		b.cols, b.mark = make([][]byte, ncols), make([]int, ncols)
	}
	for i := range b.cols {
		b.cols[i] = b.cols[i][:0]
	}
}

func (b *block) str(i int, s string) {
	if strings.IndexByte(s, sep) >= 0 {
		b.bad = true
	}
	b.cols[i] = append(b.cols[i], s...)
}

func (b *block) num(i int, n int64) { b.cols[i] = strconv.AppendInt(b.cols[i], n, 10) }

// nonZero writes n, or NULL when it is 0.
func (b *block) nonZero(i int, n int64) {
	if n != 0 {
		b.num(i, n)
	}
}

func (b *block) float(i int, f float64) { b.cols[i] = strconv.AppendFloat(b.cols[i], f, 'g', -1, 64) }

func (b *block) boolean(i int, v bool) { b.cols[i] = strconv.AppendBool(b.cols[i], v) }

func (b *block) json(i int, m map[string]string) {
	if len(m) == 0 {
		return
	}
	j, _ := json.Marshal(m) // a map of strings always marshals; control characters are escaped
	b.cols[i] = append(b.cols[i], j...)
}

func (b *block) marker(i int, m pbequity.Marker) {
	if m >= 0 {
		b.num(i, int64(m))
	}
}

// Encoders of the rows of each table, columns in bulkTable order; an empty
// value is NULL.

func encProject(b *block, p *pbequity.Project) {
	b.str(0, p.CycleID)
	b.str(1, p.ID)
	b.str(2, p.Title)
	b.str(3, p.Description)
	b.num(4, p.Cost)
	b.str(5, p.Category)
	b.str(6, p.Area)
	b.str(7, p.Stage)
	b.str(8, string(p.ProposerGender))
	b.marker(9, p.GenderMarker)
	if p.WomenShare >= 0 {
		b.float(10, p.WomenShare)
	}
	b.str(11, p.Beneficiaries)
	if p.Selected != nil {
		b.boolean(12, *p.Selected)
	}
	b.nonZero(13, p.Approved)
	b.nonZero(14, p.Spent)
	b.str(15, p.Status)
	b.json(16, p.Extra)
}

func encBudgetLine(b *block, l *pbequity.BudgetLine) {
	b.str(0, l.CycleID)
	b.str(1, l.ProjectID)
	b.num(2, int64(l.LineNo))
	b.str(3, l.Item)
	b.float(4, l.Quantity)
	b.str(5, l.Unit)
	b.num(6, l.UnitCost)
	b.num(7, l.Amount)
	b.marker(8, l.GenderMarker)
}

func encParticipant(b *block, p *pbequity.Participant) {
	b.str(0, p.CycleID)
	b.str(1, p.ID)
	b.str(2, string(p.Gender))
	if p.Age > 0 {
		b.num(3, int64(p.Age))
	}
	b.str(4, p.AgeBand)
	b.str(5, p.Area)
	b.str(6, p.Channel)
	b.json(7, p.Extra)
}

func encParticipation(b *block, e *pbequity.Participation) {
	b.str(0, e.CycleID)
	b.str(1, e.ParticipantID)
	b.str(2, string(e.Stage))
	b.str(3, e.ProjectID)
	if !e.Date.IsZero() {
		b.cols[4] = e.Date.UTC().AppendFormat(b.cols[4], time.DateOnly)
	}
}

func encVote(b *block, v *pbequity.Vote) {
	b.str(0, v.CycleID)
	b.str(1, v.ParticipantID)
	b.str(2, v.ProjectID)
	b.nonZero(3, v.Points)
	b.nonZero(4, int64(v.Rank))
}

func encPopulation(b *block, p *pbequity.PopulationCount) {
	b.str(0, p.CycleID)
	b.str(1, p.Area)
	b.str(2, string(p.Gender))
	b.str(3, p.AgeBand)
	b.num(4, p.Count)
}

// errBulkStopped is what a producer gets when the statement reading its
// rows has ended early (failed or cancelled).
var errBulkStopped = errors.New("bulk load stopped")

// bulkStream carries the blocks of one table from a producer to the
// pbequity_bulk() call of one INSERT statement.
type bulkStream struct {
	ctx  context.Context
	t    *bulkTable
	cur  *block
	out  chan *block
	free chan *block
	stop chan struct{} // closed when the statement ends
	rows int64
}

func newBulkStream(ctx context.Context, t *bulkTable) *bulkStream {
	s := &bulkStream{ctx: ctx, t: t, out: make(chan *block, inFlight), free: make(chan *block, inFlight+2),
		stop: make(chan struct{})}
	s.cur = s.block()
	return s
}

func (s *bulkStream) block() *block {
	var b *block
	select {
	case b = <-s.free:
	default:
		b = &block{}
	}
	b.reset(len(s.t.cols))
	return b
}

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

// send hands the current block to DuckDB and starts a new one.
func (s *bulkStream) send() error {
	select {
	case s.out <- s.cur:
	case <-s.stop:
		return errBulkStopped
	case <-s.ctx.Done():
		return s.ctx.Err()
	}
	s.cur = s.block()
	return nil
}

// close sends the last block and ends the stream.
func (s *bulkStream) close() error {
	var err error
	if s.cur.n > 0 {
		err = s.send()
	}
	close(s.out)
	return err
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
		select {
		case s.free <- b:
		default:
		}
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
	args := []driver.NamedValue{{Ordinal: 1, Value: w.dataset}}
	if _, err := w.conn.(driver.ExecerContext).ExecContext(ctx, s.t.query, args); err != nil {
		if cerr := w.ctx.Err(); cerr != nil {
			return cerr
		}
		return fmt.Errorf("load %s: %w", s.t.table, translate(err))
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
