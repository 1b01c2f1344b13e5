package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/queries"
	"github.com/pbequity/pbequity/reports"
	"github.com/pbequity/pbequity/server"
)

// querier adapts a queries.Sandbox to server.Querier.
type querier struct{ sb *queries.Sandbox }

func (q querier) Query(ctx context.Context, req server.QueryRequest, out reports.ResultWriter) (server.QueryStats, error) {
	st, err := q.sb.Run(ctx, queries.Request{SQL: req.SQL, Saved: req.Saved, Params: req.Params, Limit: req.Limit}, out)
	return server.QueryStats{Rows: st.Rows, Truncated: st.Truncated, Elapsed: st.Elapsed}, err
}

func (q querier) SavedQueries() any { return queries.SavedQueries() }

func (q querier) Schema(ctx context.Context) (any, error) { return q.sb.Schema(ctx) }

// sandboxOptions are the limits of ad hoc SQL, from the environment:
// PBEQUITY_QUERY_TIMEOUT (e.g. 30s), PBEQUITY_QUERY_MAX_ROWS,
// PBEQUITY_MEMORY_LIMIT (DuckDB's memory_limit, e.g. 8GB).
func sandboxOptions() (queries.SandboxOptions, error) {
	opt := queries.SandboxOptions{MemoryLimit: env("PBEQUITY_MEMORY_LIMIT", "")}
	if v := env("PBEQUITY_QUERY_TIMEOUT", ""); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return opt, fmt.Errorf("PBEQUITY_QUERY_TIMEOUT: %w", err)
		}
		opt.Timeout = d
	}
	if v := env("PBEQUITY_QUERY_MAX_ROWS", ""); v != "" {
		if _, err := fmt.Sscan(v, &opt.MaxRows); err != nil {
			return opt, fmt.Errorf("PBEQUITY_QUERY_MAX_ROWS: %w", err)
		}
	}
	return opt, nil
}

// newQuerier locks db into a sandbox for the server's ad hoc SQL; on
// failure the server runs without it and says so.
func newQuerier(db *queries.DB, log *slog.Logger) server.Querier {
	opt, err := sandboxOptions()
	if err == nil {
		var sb *queries.Sandbox
		if sb, err = db.Sandbox(context.Background(), opt); err == nil {
			return querier{sb}
		}
	}
	log.Error("ad hoc SQL disabled", "err", err)
	return nil
}

func cmdQuery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("query", stderr)
	dbPath := fs.String("db", env("PBEQUITY_DB", "pbequity.duckdb"), "DuckDB file")
	format := fs.String("format", "table", "table, csv, json or parquet")
	out := fs.String("out", "", "write to this file instead of standard output (required for parquet)")
	saved := fs.String("saved", "", "run the saved query of this name (--list shows them)")
	list := fs.Bool("list", false, "list the saved queries")
	cycle := fs.String("cycle", "", "value of the $cycle parameter")
	timeout := fs.Duration("timeout", queries.DefaultQueryTimeout, "time limit of the statement")
	maxRows := fs.Int("max-rows", queries.DefaultMaxRows, "rows kept for table and json output (csv and parquet have all)")
	memory := fs.String("memory-limit", env("PBEQUITY_MEMORY_LIMIT", ""), "DuckDB memory_limit, e.g. 4GB (default: DuckDB's 80% of RAM)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *list {
		for _, q := range queries.SavedQueries() {
			var params []string
			for _, p := range q.Params {
				params = append(params, "--"+p.Name)
			}
			fmt.Fprintf(stdout, "%-45s %s %s\n", q.Name, q.Title, strings.Join(params, " "))
		}
		return nil
	}
	text := strings.Join(fs.Args(), " ")
	if text == "-" {
		b, err := io.ReadAll(io.LimitReader(os.Stdin, queries.MaxSQL+1))
		if err != nil {
			return err
		}
		text = string(b)
	}
	if (text == "") == (*saved == "") {
		return pbequity.Errorf(pbequity.EINVALID, "give one SQL statement (or - to read it from standard input) or --saved NAME")
	}
	switch *format {
	case "table", "csv", "json", "parquet":
	default:
		return pbequity.Errorf(pbequity.EINVALID, "unknown --format %q: table, csv, json or parquet", *format)
	}
	if *format == "parquet" && *out == "" {
		return pbequity.Errorf(pbequity.EINVALID, "--format parquet needs --out FILE")
	}
	params := map[string]any{}
	if *cycle != "" {
		params["cycle"] = *cycle
	}
	req := queries.Request{SQL: text, Saved: *saved, Params: params}

	db, err := queries.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	opt := queries.SandboxOptions{Timeout: *timeout, MaxRows: *maxRows, MemoryLimit: *memory}
	if *format == "parquet" {
		abs, err := filepath.Abs(*out)
		if err != nil {
			return err
		}
		opt.WritablePaths = []string{abs}
	}
	sb, err := db.Sandbox(ctx, opt)
	if err != nil {
		return err
	}

	if *format == "parquet" {
		st, err := sb.Parquet(ctx, req, *out)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%d rows written to %s in %s\n", st.Rows, *out, st.Elapsed.Round(time.Millisecond))
		return nil
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	var st queries.Stats
	switch *format {
	case "csv":
		req.Limit = -1
		c := reports.NewCSV(w, nil)
		if st, err = sb.Run(ctx, req, c); err != nil {
			return err
		}
		if err := c.Flush(); err != nil {
			return err
		}
	case "json":
		var res reports.JSONResult
		if st, err = sb.Run(ctx, req, &res); err != nil {
			return err
		}
		res.Finish(st.Truncated, st.Elapsed)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	default:
		var t reports.TableResult
		if st, err = sb.Run(ctx, req, &t); err != nil {
			return err
		}
		if _, err := t.WriteTo(w); err != nil {
			return err
		}
	}
	note := ""
	if st.Truncated {
		note = fmt.Sprintf(" (truncated at %d; use --max-rows or --format csv for more)", sb.Options().MaxRows)
	}
	fmt.Fprintf(stderr, "%d rows in %s%s\n", st.Rows, st.Elapsed.Round(time.Millisecond), note)
	if w != stdout {
		return w.(*os.File).Close()
	}
	return nil
}
