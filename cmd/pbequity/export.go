package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

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
	f.ProjectColumns = projectColumns(f.Projects)
	f.VoteColumns = voteColumns(f.Cycle.VoteType, f.Participants)
	return f, nil
}

// projectColumns chooses the PROJECTS header that makes pabulib.Decode map
// every stored field back where it came from: the area column is
// "neighborhood" when a "district" column was kept among the extras, and a
// second beneficiaries column follows the first.
func projectColumns(ps []pbequity.Project) []string {
	has := map[string]bool{}
	extra := map[string]bool{}
	for _, p := range ps {
		has["name"] = has["name"] || p.Title != ""
		has["description"] = has["description"] || p.Description != ""
		has["category"] = has["category"] || p.Category != ""
		has["beneficiaries"] = has["beneficiaries"] || p.Beneficiaries != ""
		has["selected"] = has["selected"] || p.Selected != nil
		has["area"] = has["area"] || p.Area != ""
		for k := range p.Extra {
			extra[k] = true
		}
	}
	cols := []string{"project_id", "cost"}
	for _, k := range []string{"name", "description", "category"} {
		if has[k] || extra[k] {
			cols = append(cols, k)
		}
	}
	delete(extra, "category")
	// Decode keeps the first of target/beneficiaries as Beneficiaries and the
	// second among the extras.
	switch {
	case extra["target"]:
		cols = append(cols, "beneficiaries", "target")
	case extra["beneficiaries"]:
		cols = append(cols, "target", "beneficiaries")
	case has["beneficiaries"]:
		cols = append(cols, "target")
	}
	delete(extra, "target")
	delete(extra, "beneficiaries")
	if has["selected"] {
		cols = append(cols, "selected")
	}
	switch {
	case extra["district"]:
		cols = append(cols, "neighborhood", "district")
	case has["area"]:
		cols = append(cols, "district")
	}
	delete(extra, "district")
	return append(cols, sortedSet(extra)...)
}

// voteColumns chooses the VOTES header, as projectColumns does for projects.
func voteColumns(voteType string, ps []pbequity.Participant) []string {
	has := map[string]bool{}
	extra := map[string]bool{}
	for _, p := range ps {
		has["age"] = has["age"] || p.Age > 0
		has["sex"] = has["sex"] || (p.Gender != "" && p.Gender != pbequity.Unknown)
		has["voting_method"] = has["voting_method"] || p.Channel != ""
		has["area"] = has["area"] || p.Area != ""
		for k := range p.Extra {
			extra[k] = true
		}
	}
	cols := []string{"voter_id", "vote"}
	if voteType == pbequity.VoteCumulative || voteType == pbequity.VoteScoring {
		cols = append(cols, "points")
	}
	for _, k := range []string{"age", "sex", "voting_method"} {
		if has[k] {
			cols = append(cols, k)
		}
	}
	switch {
	case extra["district"]:
		cols = append(cols, "neighborhood", "district")
	case has["area"]:
		cols = append(cols, "district")
	}
	delete(extra, "district")
	return append(cols, sortedSet(extra)...)
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, strings.Compare)
	return out
}
