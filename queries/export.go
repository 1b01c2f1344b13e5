package queries

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pbequity/pbequity"
)

// ExportTables are the tables of a cycle that a file export writes, one file
// each, parents first. ballot_cache is derived data and is not exported.
var ExportTables = []string{"cycles", "datasets", "areas", "categories", "population", "projects", "budget_lines",
	"participants", "participation", "votes"}

// ExportTable writes every row of one table of a cycle (see ExportTables) to
// the file path with DuckDB's COPY, in load order, and returns the number of
// rows written. Format "csv" writes UTF-8 with a byte-order mark (so that
// spreadsheet programs read Persian text right) and a header row; "parquet"
// writes a Parquet file. These are the raw rows, for the data owner: no
// small-cell suppression is applied.
func (d *DB) ExportTable(ctx context.Context, cycleID, table, format, path string) (int64, error) {
	if !pbequity.Slug(cycleID) {
		return 0, pbequity.Errorf(pbequity.EINVALID, "cycle id %q: use 1 to 64 of a-z, 0-9, - and _", cycleID)
	}
	known := false
	for _, t := range ExportTables {
		known = known || t == table
	}
	if !known {
		return 0, pbequity.Errorf(pbequity.EINVALID, "table %q is not a table of a cycle", table)
	}
	var opts string
	switch format {
	case "csv":
		opts = "FORMAT csv, HEADER true"
	case "parquet":
		opts = "FORMAT parquet"
	default:
		return 0, pbequity.Errorf(pbequity.EINVALID, "export format %q: want csv or parquet", format)
	}
	target := path
	if format == "csv" {
		target = path + ".tmp"
	}
	lit, err := sqlString(target)
	if err != nil {
		return 0, err
	}
	// The table name comes from ExportTables and the path is a quoted
	// literal (COPY takes no parameter for it); the cycle id is a parameter.
	q := "COPY (SELECT * FROM " + table + " WHERE cycle_id = $1 ORDER BY rowid) TO " + lit + " (" + opts + ")"
	res, err := d.db.ExecContext(ctx, q, cycleID)
	if err != nil {
		os.Remove(target)
		return 0, fmt.Errorf("export %s: %w", table, translate(err))
	}
	n, _ := res.RowsAffected()
	if format == "csv" {
		err := prependBOM(target, path)
		os.Remove(target)
		if err != nil {
			return 0, fmt.Errorf("export %s: %w", table, err)
		}
	}
	return n, nil
}

// sqlString quotes s as an SQL string literal, refusing control characters.
func sqlString(s string) (string, error) {
	if s == "" || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", pbequity.Errorf(pbequity.EINVALID, "export path %q: empty or with control characters", s)
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'", nil
}

// prependBOM writes a UTF-8 byte-order mark followed by the content of src
// to dst.
func prependBOM(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	w.WriteString("\ufeff")
	if _, err := io.Copy(w, in); err != nil {
		out.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// extraMap decodes an extra column: a JSON object of strings, or such an
// object held in a JSON string (as the Writer's appenders store it).
func extraMap(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	if s[0] == '"' {
		var inner string
		if err := json.Unmarshal([]byte(s), &inner); err != nil {
			return nil, err
		}
		s = inner
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, err
	}
	return m, nil
}

// ExportProjects returns every project of a cycle with all its fields,
// Extra included, in load order.
func (d *DB) ExportProjects(ctx context.Context, cycleID string) ([]pbequity.Project, error) {
	return d.projects(ctx, "export_projects", cycleID)
}

// ExportParticipants returns every participant of a cycle with all its
// fields, Extra included, in load order.
func (d *DB) ExportParticipants(ctx context.Context, cycleID string) ([]pbequity.Participant, error) {
	return d.participants(ctx, "export_participants", cycleID)
}

// ExportVotes returns the vote rows of a cycle in load order: ballot by
// ballot, each in the order its voter listed the projects.
func (d *DB) ExportVotes(ctx context.Context, cycleID string) ([]pbequity.Vote, error) {
	rows, err := d.db.QueryContext(ctx, statement("export_votes"), cycleID)
	if err != nil {
		return nil, fmt.Errorf("export votes: %w", translate(err))
	}
	defer rows.Close()
	var out []pbequity.Vote
	var last string
	for rows.Next() {
		v := pbequity.Vote{CycleID: cycleID}
		var rank int64
		if err := rows.Scan(&v.ParticipantID, &v.ProjectID, &v.Points, &rank); err != nil {
			return nil, fmt.Errorf("export votes: %w", translate(err))
		}
		if v.ParticipantID == last { // share the voter's id string
			v.ParticipantID = last
		}
		last = v.ParticipantID
		v.Rank = int(rank)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export votes: %w", translate(err))
	}
	return out, nil
}
