package queries

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/pbequity/pbequity"
)

//go:embed saved/*.sql
var savedFS embed.FS

// SavedQuery is a named statement an analyst can run by name: a question of
// the catalogue (saved/*.sql) or a statement behind the reports (sql/*.sql,
// named "report.NAME").
type SavedQuery struct {
	Name          string       `json:"name"`
	Title         string       `json:"title"`
	TitleFa       string       `json:"title_fa"`
	Description   string       `json:"description"`
	DescriptionFa string       `json:"description_fa"`
	Params        []SavedParam `json:"params"`
	// Source is "catalogue" or "report".
	Source string `json:"source"`
	SQL    string `json:"sql"`
}

// SavedParam is a parameter of a saved query.
type SavedParam struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// paramDescriptions describe the parameters saved queries use.
var paramDescriptions = map[string]string{
	"cycle": "cycle id, e.g. tehran-1403",
}

// reportHidden are statements behind the service, not the reports: they
// touch tokens or upload bookkeeping.
var reportHidden = map[string]bool{"token_role": true, "dataset_by_sha": true}

var headerLine = regexp.MustCompile(`^--\s*([a-z_]+):\s*(.*)$`)

// SavedQueries lists the catalogue, then the report statements, by name.
func SavedQueries() []SavedQuery {
	var out []SavedQuery
	names, _ := fs.Glob(savedFS, "saved/*.sql")
	sort.Strings(names)
	for _, n := range names {
		body, _ := savedFS.ReadFile(n)
		q := SavedQuery{Name: strings.TrimSuffix(path.Base(n), ".sql"), Source: "catalogue", SQL: string(body)}
		for _, line := range strings.Split(string(body), "\n") {
			m := headerLine.FindStringSubmatch(strings.TrimSpace(line))
			if m == nil {
				if !strings.HasPrefix(line, "--") {
					break
				}
				continue
			}
			switch m[1] {
			case "title":
				q.Title = m[2]
			case "title_fa":
				q.TitleFa = m[2]
			case "description":
				q.Description = m[2]
			case "description_fa":
				q.DescriptionFa = m[2]
			case "params":
				for _, p := range strings.Split(m[2], ",") {
					if p = strings.TrimSpace(p); p != "" {
						q.Params = append(q.Params, SavedParam{Name: p, Description: paramDescriptions[p]})
					}
				}
			}
		}
		out = append(out, q)
	}
	for _, name := range Statements() {
		if reportHidden[name] {
			continue
		}
		body := statement(name)
		if strings.Contains(body, "$2") || strings.Contains(body, "?") {
			continue
		}
		var desc []string
		for _, line := range strings.Split(body, "\n") {
			c, ok := strings.CutPrefix(line, "--")
			if !ok {
				break
			}
			desc = append(desc, strings.TrimSpace(c))
		}
		q := SavedQuery{Name: "report." + name, Title: "Report statement " + name, TitleFa: "پرس‌وجوی گزارش " + name,
			Description: strings.Join(desc, " "), Source: "report", SQL: body}
		if strings.Contains(body, "$1") {
			q.Params = []SavedParam{{Name: "cycle", Description: paramDescriptions["cycle"]}}
		}
		out = append(out, q)
	}
	return out
}

// Saved returns the saved query called name.
func Saved(name string) (SavedQuery, bool) {
	for _, q := range SavedQueries() {
		if q.Name == name {
			return q, true
		}
	}
	return SavedQuery{}, false
}

// Column is a column of a table of the database, for the console's schema.
type Column struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Nullable bool   `json:"nullable"`
}

// Table is a table or view of the database with its columns.
type Table struct {
	Name    string   `json:"name"`
	Columns []Column `json:"columns"`
}

// Schema lists every table of the main schema and its columns, from
// information_schema, in table and column order.
func (s *Sandbox) Schema(ctx context.Context) ([]Table, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT table_name, column_name, data_type, is_nullable = 'YES'
		FROM information_schema.columns
		WHERE table_schema = 'main' AND table_catalog = current_database()
		ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", translate(err))
	}
	defer rows.Close()
	var out []Table
	for rows.Next() {
		var t string
		var c Column
		if err := rows.Scan(&t, &c.Name, &c.Type, &c.Nullable); err != nil {
			return nil, fmt.Errorf("schema: %w", translate(err))
		}
		if len(out) == 0 || out[len(out)-1].Name != t {
			out = append(out, Table{Name: t})
		}
		out[len(out)-1].Columns = append(out[len(out)-1].Columns, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("schema: %w", translate(err))
	}
	if len(out) == 0 {
		return nil, pbequity.Errorf(pbequity.EINTERNAL, "schema: no tables")
	}
	return out, nil
}
