package queries

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pbequity/pbequity"
)

// Bulk loading. The rows of an upload reach DuckDB as a stream of blocks
// that an INSERT … SELECT of the writer's transaction reads: a producer
// goroutine (the decoder) fills the blocks while DuckDB inserts, so decoding
// and inserting run side by side and only the blocks in flight are held in
// memory.
//
// Built with the duckdb_arrow tag (the Makefile sets it), a block is an
// Arrow record batch of one DuckDB row group that DuckDB scans through its
// Arrow interface: several of DuckDB's threads convert, compress and write
// batches at once, in order (bulk_arrow.go). Without the tag the blocks go
// through a table function on one thread (bulk_chunk.go): the same rows,
// loaded about 1.7 times slower.

// errBulkStopped is what a producer gets when the statement reading its
// rows has ended early (failed or cancelled).
var errBulkStopped = errors.New("bulk load stopped")

// colKind is the type a column has in a block; DuckDB casts it to the
// table's type on insert.
type colKind uint8

const (
	kText colKind = iota
	kInt
	kFloat
	kBool
)

// bulkTable describes the columns of one table filled from blocks.
type bulkTable struct {
	table       string
	cols        []string  // columns filled from the block, in order
	kinds       []colKind // their kinds in a block
	query       string    // the INSERT statement; its parameters are the cycle and the dataset id
	*bulkSchema           // what the implementation needs of the table
}

// newBulkTable describes table; a column is "name" (text) or "name:int",
// "name:float", "name:bool".
func newBulkTable(table string, cols ...string) *bulkTable {
	t := &bulkTable{table: table}
	for _, c := range cols {
		name, kind, _ := strings.Cut(c, ":")
		k, ok := map[string]colKind{"": kText, "int": kInt, "float": kFloat, "bool": kBool}[kind]
		if !ok {
			panic("queries: column " + c + " of " + table + ": unknown kind")
		}
		t.cols, t.kinds = append(t.cols, name), append(t.kinds, k)
	}
	t.query = insertQuery(t)
	t.bulkSchema = newBulkSchema(t)
	return t
}

var (
	bulkProjects = newBulkTable("projects", "project_id", "title", "description", "cost:int", "category", "area",
		"stage", "proposer_gender", "gender_marker:int", "women_share:float", "beneficiaries", "selected:bool", "approved:int",
		"spent:int", "status", "extra")
	bulkBudgetLines = newBulkTable("budget_lines", "project_id", "line_no:int", "item", "quantity:float", "unit",
		"unit_cost:int", "amount:int", "gender_marker:int")
	bulkParticipants  = newBulkTable("participants", "participant_id", "gender", "age:int", "age_band", "area", "channel", "extra")
	bulkParticipation = newBulkTable("participation", "participant_id", "stage", "project_id", "date")
	bulkVotes         = newBulkTable("votes", "participant_id", "project_id", "points:int", "rank:int")
	bulkPopulation    = newBulkTable("population", "area", "gender", "age_band", "count:int")
)

// inCycle checks that a row belongs to the stream's cycle.
func (b *block) inCycle(c string) {
	if c != b.cycle && b.stray == "" {
		b.stray = c
	}
}

// nonZero writes n, or NULL when it is 0.
func (b *block) nonZero(i int, n int64) {
	if n != 0 {
		b.num(i, n)
	}
}

func (b *block) json(i int, m map[string]string) {
	if len(m) == 0 {
		return
	}
	j, _ := json.Marshal(m) // a map of strings always marshals; control characters are escaped
	b.str(i, string(j))
}

func (b *block) marker(i int, m pbequity.Marker) {
	if m >= 0 {
		b.num(i, int64(m))
	}
}

func (b *block) date(i int, d time.Time) {
	if !d.IsZero() {
		b.str(i, d.UTC().Format(time.DateOnly))
	}
}

// Encoders of the rows of each table, columns in bulkTable order; an empty
// value is NULL. The cycle is the statement's parameter: a row only checks
// that it belongs to it.

func encProject(b *block, p *pbequity.Project) {
	b.inCycle(p.CycleID)
	b.str(0, p.ID)
	b.str(1, p.Title)
	b.str(2, p.Description)
	b.num(3, p.Cost)
	b.str(4, p.Category)
	b.str(5, p.Area)
	b.str(6, p.Stage)
	b.str(7, string(p.ProposerGender))
	b.marker(8, p.GenderMarker)
	if p.WomenShare >= 0 {
		b.float(9, p.WomenShare)
	}
	b.str(10, p.Beneficiaries)
	if p.Selected != nil {
		b.boolean(11, *p.Selected)
	}
	b.nonZero(12, p.Approved)
	b.nonZero(13, p.Spent)
	b.str(14, p.Status)
	b.json(15, p.Extra)
}

func encBudgetLine(b *block, l *pbequity.BudgetLine) {
	b.inCycle(l.CycleID)
	b.str(0, l.ProjectID)
	b.num(1, int64(l.LineNo))
	b.str(2, l.Item)
	b.float(3, l.Quantity)
	b.str(4, l.Unit)
	b.num(5, l.UnitCost)
	b.num(6, l.Amount)
	b.marker(7, l.GenderMarker)
}

func encParticipant(b *block, p *pbequity.Participant) {
	b.inCycle(p.CycleID)
	b.str(0, p.ID)
	b.str(1, string(p.Gender))
	if p.Age > 0 {
		b.num(2, int64(p.Age))
	}
	b.str(3, p.AgeBand)
	b.str(4, p.Area)
	b.str(5, p.Channel)
	b.json(6, p.Extra)
}

func encParticipation(b *block, e *pbequity.Participation) {
	b.inCycle(e.CycleID)
	b.str(0, e.ParticipantID)
	b.str(1, string(e.Stage))
	b.str(2, e.ProjectID)
	b.date(3, e.Date)
}

func encVote(b *block, v *pbequity.Vote) {
	b.inCycle(v.CycleID)
	b.str(0, v.ParticipantID)
	b.str(1, v.ProjectID)
	b.nonZero(2, v.Points)
	b.nonZero(3, int64(v.Rank))
}

func encPopulation(b *block, p *pbequity.PopulationCount) {
	b.inCycle(p.CycleID)
	b.str(0, p.Area)
	b.str(1, string(p.Gender))
	b.str(2, p.AgeBand)
	b.num(3, p.Count)
}

// bulkStream carries the blocks of one table from a producer to the
// INSERT statement that reads them.
type bulkStream struct {
	ctx   context.Context
	t     *bulkTable
	cycle string // of every row
	cur   *block
	out   chan *block
	free  chan *block
	stop  chan struct{} // closed when the statement ends
	rows  int64
}

func newBulkStream(ctx context.Context, t *bulkTable, cycle string) *bulkStream {
	s := &bulkStream{ctx: ctx, t: t, cycle: cycle, out: make(chan *block, inFlight), free: make(chan *block, inFlight+2),
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
	b.reset(s.t)
	b.cycle, b.stray = s.cycle, ""
	return b
}

// strayRow is the error of a row of another cycle than its stream's.
func (s *bulkStream) strayRow() error {
	return fmt.Errorf("load %s: a row of cycle %q in a load of cycle %q", s.t.table, s.cur.stray, s.cycle)
}

// send hands the current block to DuckDB and starts a new one.
func (s *bulkStream) send() error {
	s.cur.finish()
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

// recycle gives a block DuckDB is done with back to the producer.
func (s *bulkStream) recycle(b *block) {
	select {
	case s.free <- b:
	default:
	}
}

// insertError is the error of the INSERT statement reading s.
func (w *Writer) insertError(s *bulkStream, err error) error {
	if cerr := w.ctx.Err(); cerr != nil {
		return cerr
	}
	return fmt.Errorf("load %s: %w", s.t.table, translate(err))
}
