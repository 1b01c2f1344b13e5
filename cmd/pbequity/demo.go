package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/pbequity/pbequity/ingest/demo"
	"github.com/pbequity/pbequity/queries"
)

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	dbPath := fs.String("db", env("PBEQUITY_DB", "pbequity.duckdb"), "DuckDB file")
	n := fs.Int("participants", 20000, "participants of the newest cycle")
	seed := fs.Uint64("seed", 1403, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := queries.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := loadDemo(ctx, db, demo.Options{Participants: *n, Seed: *seed}, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo loaded into %s in %s\n", *dbPath, time.Since(start).Round(time.Millisecond))
	return nil
}

// loadDemo generates the demo city into db in one transaction, replacing any
// earlier demo cycles, with a progress bar on a terminal.
func loadDemo(ctx context.Context, db *queries.DB, opt demo.Options, stderr io.Writer) error {
	p := newProgress(stderr, "demo")
	opt.Progress = p.update
	return db.Write(ctx, "demo", func(w *queries.Writer) error {
		for _, id := range demo.CycleIDs {
			if err := w.DeleteCycle(id); err != nil {
				return err
			}
		}
		if err := demo.Generate(w, opt); err != nil {
			return err
		}
		return w.Dataset(queries.Dataset{ID: "demo", Kind: "demo", FileName: "built-in demo", Rows: w.Rows(), Role: "admin"})
	})
}
