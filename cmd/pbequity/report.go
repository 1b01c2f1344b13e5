package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/analytics"
	"github.com/pbequity/pbequity/queries"
	"github.com/pbequity/pbequity/reports"
)

func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", stderr)
	dbPath := fs.String("db", env("PBEQUITY_DB", "pbequity.duckdb"), "DuckDB file")
	cycle := fs.String("cycle", "", "cycle id")
	lang := fs.String("lang", "fa", "fa or en")
	out := fs.String("out", "", "output file (default: standard output)")
	k := fs.Int("k", 5, "small-cell suppression threshold")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cycle == "" {
		return pbequity.Errorf(pbequity.EINVALID, "usage: pbequity report --db F --cycle ID [--lang fa|en] [--out report.html]")
	}
	db, err := queries.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	html, err := reports.NewService(db, analytics.Options{K: *k, Seed: 1}).Standalone(ctx, *cycle, *lang)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = stdout.Write(html)
		return err
	}
	if err := os.WriteFile(*out, html, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "report of %s written to %s (%d KB, self-contained)\n", *cycle, *out, len(html)/1024)
	return nil
}
