package queries

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/pbequity/pbequity"
)

// Writer appends rows to the tables of one cycle inside one transaction. Get
// one from (*DB).Write; it is not safe for concurrent use.
type Writer struct {
	ctx     context.Context
	conn    driver.Conn
	dataset any // dataset id or nil
	apps    map[string]*duckdb.Appender
	rows    int64
	// participants of the cycles loaded into, for checkUnique
	participants map[string]*cycleParticipants
}

// Columns written by the appenders, in order, per table.
var appendColumns = map[string][]string{
	"areas":         {"cycle_id", "area_id", "parent_id", "level", "name_fa", "name_en", "need_score", "dataset_id"},
	"population":    {"cycle_id", "area", "gender", "age_band", "count", "dataset_id"},
	"categories":    {"cycle_id", "category_id", "name_fa", "name_en", "sort", "dataset_id"},
	"projects":      {"cycle_id", "project_id", "title", "description", "cost", "category", "area", "stage", "proposer_gender", "gender_marker", "women_share", "beneficiaries", "selected", "approved", "spent", "status", "extra", "dataset_id"},
	"budget_lines":  {"cycle_id", "project_id", "line_no", "item", "quantity", "unit", "unit_cost", "amount", "gender_marker", "dataset_id"},
	"participants":  {"cycle_id", "participant_id", "gender", "age", "age_band", "area", "channel", "extra", "dataset_id"},
	"participation": {"cycle_id", "participant_id", "stage", "project_id", "date", "dataset_id"},
	"votes":         {"cycle_id", "participant_id", "project_id", "points", "rank", "dataset_id"},
}

// Write runs fn with a Writer in one transaction on a dedicated connection and
// commits when fn returns nil. On any error, or when ctx is cancelled, the
// transaction is rolled back and the database is left as it was. Writers are
// serialised; readers are not blocked.
func (d *DB) Write(ctx context.Context, datasetID string, fn func(*Writer) error) (err error) {
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	if err := d.registerBulk(ctx); err != nil {
		return err
	}
	conn, err := d.conn.Connect(ctx)
	if err != nil {
		return fmt.Errorf("write: %w", translate(err))
	}
	defer conn.Close()
	exec := conn.(driver.ExecerContext)
	if _, err := exec.ExecContext(ctx, "BEGIN TRANSACTION", nil); err != nil {
		return fmt.Errorf("write: begin: %w", translate(err))
	}
	w := &Writer{ctx: ctx, conn: conn, apps: map[string]*duckdb.Appender{}}
	if datasetID != "" {
		w.dataset = datasetID
	}
	defer func() {
		if err != nil {
			for _, a := range w.apps {
				a.Clear()
				a.Close()
			}
			// Roll back on a fresh context: ctx may be the cancelled one.
			exec.ExecContext(context.Background(), "ROLLBACK", nil)
		}
	}()
	if err = fn(w); err != nil {
		return err
	}
	if err = ctx.Err(); err != nil {
		return err
	}
	for table, a := range w.apps {
		if err = a.Close(); err != nil {
			delete(w.apps, table)
			return fmt.Errorf("write %s: %w", table, translate(err))
		}
		delete(w.apps, table)
	}
	if _, err = exec.ExecContext(ctx, "COMMIT", nil); err != nil {
		return fmt.Errorf("write: commit: %w", translate(err))
	}
	return nil
}

// Exec runs a statement inside the writer's transaction.
func (w *Writer) Exec(query string, args ...any) error {
	vals := make([]driver.NamedValue, len(args))
	for i, a := range args {
		vals[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	if _, err := w.conn.(driver.ExecerContext).ExecContext(w.ctx, query, vals); err != nil {
		return translate(err)
	}
	return nil
}

// Rows reports how many rows the writer has appended so far.
func (w *Writer) Rows() int64 { return w.rows }

func (w *Writer) append(table string, vals ...driver.Value) error {
	a := w.apps[table]
	if a == nil {
		var err error
		a, err = duckdb.NewAppenderWithColumns(w.conn, "", "", table, appendColumns[table])
		if err != nil {
			return fmt.Errorf("append %s: %w", table, translate(err))
		}
		w.apps[table] = a
	}
	w.rows++
	if w.rows&0xffff == 0 {
		if err := w.ctx.Err(); err != nil {
			return err
		}
	}
	if err := a.AppendRow(vals...); err != nil {
		return fmt.Errorf("append %s: %w", table, translate(err))
	}
	return nil
}

// Cycle inserts or replaces the cycle row.
func (w *Writer) Cycle(c pbequity.Cycle) error {
	var meta any
	if len(c.Meta) > 0 {
		b, _ := json.Marshal(c.Meta)
		meta = string(b)
	}
	return w.Exec(`INSERT OR REPLACE INTO cycles (cycle_id, name, name_en, unit, fiscal_year, budget, currency, vote_type,
		rule, min_project_score_threshold, min_length, max_length, max_sum_points, start_date, end_date, description, meta, dataset_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Name, nullString(c.NameEn), nullString(c.Unit), nullInt(int64(c.FiscalYear)), c.Budget, orDefault(c.Currency, "IRR"),
		orDefault(c.VoteType, pbequity.VoteApproval), nullString(c.Rule), nullInt(c.MinProjectScore), nullInt(int64(c.MinLength)),
		nullInt(int64(c.MaxLength)), nullInt(c.MaxSumPoints), nullTime(c.StartDate), nullTime(c.EndDate), nullString(c.Description), meta, w.dataset)
}

// Area appends an area.
func (w *Writer) Area(a pbequity.Area) error {
	var need any
	if a.NeedScore != 0 {
		need = a.NeedScore
	}
	return w.append("areas", a.CycleID, a.ID, nullString(a.ParentID), a.Level, a.NameFa, nullString(a.NameEn), need, w.dataset)
}

// Category appends a category.
func (w *Writer) Category(c pbequity.Category) error {
	return w.append("categories", c.CycleID, c.ID, c.NameFa, nullString(c.NameEn), int32(c.Sort), w.dataset)
}

// Population appends a census count.
func (w *Writer) Population(p pbequity.PopulationCount) error {
	return w.append("population", p.CycleID, p.Area, string(p.Gender), p.AgeBand, p.Count, w.dataset)
}

// Project appends a project.
func (w *Writer) Project(p pbequity.Project) error {
	var marker, share, selected any
	if p.GenderMarker >= 0 {
		marker = int8(p.GenderMarker)
	}
	if p.WomenShare >= 0 {
		share = p.WomenShare
	}
	if p.Selected != nil {
		selected = *p.Selected
	}
	return w.append("projects", p.CycleID, p.ID, p.Title, nullString(p.Description), p.Cost, nullString(p.Category),
		nullString(p.Area), nullString(p.Stage), nullString(string(p.ProposerGender)), marker, share,
		nullString(p.Beneficiaries), selected, nullInt(p.Approved), nullInt(p.Spent), nullString(p.Status), jsonMap(p.Extra), w.dataset)
}

// BudgetLine appends a line of a project's budget table.
func (w *Writer) BudgetLine(b pbequity.BudgetLine) error {
	var marker any
	if b.GenderMarker >= 0 {
		marker = int8(b.GenderMarker)
	}
	return w.append("budget_lines", b.CycleID, b.ProjectID, int32(b.LineNo), b.Item, b.Quantity, nullString(b.Unit),
		b.UnitCost, b.Amount, marker, w.dataset)
}

// Participant appends a participant.
func (w *Writer) Participant(p pbequity.Participant) error {
	var age any
	if p.Age > 0 {
		age = int32(p.Age)
	}
	return w.append("participants", p.CycleID, p.ID, string(p.Gender), age, nullString(p.AgeBand), nullString(p.Area),
		nullString(p.Channel), jsonMap(p.Extra), w.dataset)
}

// Participation appends a stage event.
func (w *Writer) Participation(e pbequity.Participation) error {
	return w.append("participation", e.CycleID, e.ParticipantID, string(e.Stage), nullString(e.ProjectID), nullTime(e.Date), w.dataset)
}

// Vote appends one supported project of a ballot.
func (w *Writer) Vote(v pbequity.Vote) error {
	var points, rank any
	if v.Points != 0 {
		points = v.Points
	}
	if v.Rank != 0 {
		rank = int32(v.Rank)
	}
	return w.append("votes", v.CycleID, v.ParticipantID, v.ProjectID, points, rank, w.dataset)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// jsonMap is the value of a JSON column: the appender JSON-encodes what it
// is given, so the map itself (a string would be stored as a JSON string).
func jsonMap(m map[string]string) any {
	if len(m) == 0 {
		return nil
	}
	return m
}

// cycleTables are the per-cycle tables, children first.
var cycleTables = []string{"ballot_cache", "votes", "participation", "participants", "budget_lines", "projects", "categories", "population", "areas", "datasets", "cycles"}

// DeleteCycle removes a cycle and every row that belongs to it.
func (w *Writer) DeleteCycle(id string) error {
	for _, t := range cycleTables {
		if err := w.Exec("DELETE FROM "+t+" WHERE cycle_id = ?", id); err != nil {
			return fmt.Errorf("delete cycle %s from %s: %w", id, t, err)
		}
	}
	return nil
}

// Dataset is the provenance record of one upload.
type Dataset struct {
	ID        string
	CycleID   string
	Kind      string
	FileName  string
	SHA256    string
	Rows      int64
	Role      string
	Anonymous bool
}

// Dataset records (or replaces) the provenance of an upload.
func (w *Writer) Dataset(d Dataset) error {
	return w.Exec(`INSERT OR REPLACE INTO datasets (dataset_id, cycle_id, kind, file_name, sha256, rows, uploader_role, anonymous)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, nullString(d.CycleID), d.Kind, nullString(d.FileName), nullString(d.SHA256),
		d.Rows, nullString(d.Role), d.Anonymous)
}

// queryRow runs a query inside the writer's transaction and scans its first
// row into dest (*string or *int64 each); sql.ErrNoRows when there is none.
func (w *Writer) queryRow(dest []any, query string, args ...any) error {
	vals := make([]driver.NamedValue, len(args))
	for i, a := range args {
		vals[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	rows, err := w.conn.(driver.QueryerContext).QueryContext(w.ctx, query, vals)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	row := make([]driver.Value, len(rows.Columns()))
	if err := rows.Next(row); err == io.EOF {
		return sql.ErrNoRows
	} else if err != nil {
		return translate(err)
	}
	for i, d := range dest {
		switch p := d.(type) {
		case *string:
			*p = fmt.Sprint(row[i])
		case *int64:
			switch v := row[i].(type) {
			case int64:
				*p = v
			case int32:
				*p = int64(v)
			case uint64:
				*p = int64(v)
			default:
				return fmt.Errorf("query: column %d is %T, not an integer", i, row[i])
			}
		}
	}
	return nil
}

// queryInt runs a query returning one integer inside the transaction.
func (w *Writer) queryInt(n *int64, query string, args ...any) error {
	return w.queryRow([]any{n}, query, args...)
}
