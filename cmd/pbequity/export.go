package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/ingest/pabulib"
	"github.com/pbequity/pbequity/queries"
)

// cmdExport writes a cycle out: as a Pabulib .pb file, or as one CSV or
// Parquet file per table into a directory. It is an administrator's export
// of the raw data for the data owner, not a public export: no small-cell
// suppression is applied (SPEC §8 applies that to what is published).
func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	dbPath := fs.String("db", env("PBEQUITY_DB", "pbequity.duckdb"), "DuckDB file")
	cycle := fs.String("cycle", "", "cycle id")
	format := fs.String("format", "pabulib", "pabulib (one .pb file), csv or parquet (one file per table in the directory --out)")
	out := fs.String("out", "", "output file (pabulib) or directory (csv, parquet)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cycle == "" || *out == "" || fs.NArg() > 0 {
		return pbequity.Errorf(pbequity.EINVALID, "usage: pbequity export --db F --cycle ID --format pabulib|csv|parquet --out PATH")
	}
	if !pbequity.Slug(*cycle) {
		return pbequity.Errorf(pbequity.EINVALID, "cycle id %q: use 1 to 64 of a-z, 0-9, - and _", *cycle)
	}
	switch *format {
	case "pabulib", "csv", "parquet":
	default:
		return pbequity.Errorf(pbequity.EINVALID, "export format %q: want pabulib, csv or parquet", *format)
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return pbequity.Errorf(pbequity.ENOTFOUND, "%s: no such database", *dbPath)
	}
	db, err := queries.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	p := newProgress(stderr, "export")
	fmt.Fprintln(stderr, "pbequity export: the full raw rows of the cycle, for its data owner; small cells are not suppressed, so do not publish it as is")
	if *format == "pabulib" {
		f, err := pabulibFile(ctx, db, *cycle, p)
		if err != nil {
			return err
		}
		if err := writePabulib(*out, f); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %d projects, %d voters, %d vote rows of cycle %s\n", *out, len(f.Projects), len(f.Participants), len(f.Votes), *cycle)
		return nil
	}
	if _, err := db.CycleInfo(ctx, *cycle); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	ext := "." + *format
	for i, table := range queries.ExportTables {
		path := filepath.Join(*out, table+ext)
		n, err := db.ExportTable(ctx, *cycle, table, *format, path)
		if err != nil {
			return err
		}
		p.update(i+1, len(queries.ExportTables))
		fmt.Fprintf(stdout, "%s: %d rows\n", path, n)
	}
	return nil
}

// writePabulib encodes f into path through a temporary file, so that a
// failed export leaves no half-written file.
func writePabulib(path string, f *pabulib.File) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := pabulib.Encode(tmp, f); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// pabulibFile rebuilds the Pabulib instance of a cycle from the database:
// the cycle with its META, the projects, the voters and their ballots in
// load order. A cycle imported from a .pb file gives back a file that
// imports to the same rows. Areas, categories, budget lines, participation
// events and population have no place in the format and are left out.
func pabulibFile(ctx context.Context, db *queries.DB, cycleID string, p *progress) (*pabulib.File, error) {
	c, err := db.CycleInfo(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	f := &pabulib.File{Cycle: *c}
	// The database stores IRR when a cycle names no currency; a .pb file
	// without a currency key keeps none.
	if c.Meta != nil {
		if _, ok := c.Meta["currency"]; !ok && c.Currency == "IRR" {
			f.Cycle.Currency = ""
		}
	}
	p.update(1, 4)
	if f.Projects, err = db.ExportProjects(ctx, cycleID); err != nil {
		return nil, err
	}
	p.update(2, 4)
	if f.Participants, err = db.ExportParticipants(ctx, cycleID); err != nil {
		return nil, err
	}
	p.update(3, 4)
	if f.Votes, err = db.ExportVotes(ctx, cycleID); err != nil {
		return nil, err
	}
	p.update(4, 4)
	return f, nil
}
