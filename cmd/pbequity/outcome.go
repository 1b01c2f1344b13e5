package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/queries"
	"github.com/pbequity/pbequity/reports"
)

func cmdOutcome(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("outcome", stderr)
	dbPath := fs.String("db", env("PBEQUITY_DB", "pbequity.duckdb"), "DuckDB file")
	cycle := fs.String("cycle", "", "cycle id")
	rule := fs.String("rule", "", "greedy, greedy-no-skip, greedy-threshold, mes-cost, mes-approval or phragmen (default: the cycle's official rule)")
	completion := fs.String("completion", "add1", "completion of mes-cost and mes-approval: add1 or none")
	format := fs.String("format", "ids", "ids, json or csv")
	k := fs.Int("k", 5, "small-cell suppression threshold of group figures")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cycle == "" {
		return pbequity.Errorf(pbequity.EINVALID, "usage: pbequity outcome --db F --cycle ID --rule R [--format ids|json|csv]")
	}
	db, err := queries.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	b, err := db.Ballots(ctx, *cycle)
	if err != nil {
		return err
	}
	// Fairness by group needs the participants; the plain list of ids does not.
	var people []pbequity.Participant
	if *format == "json" {
		if people, err = db.Participants(ctx, *cycle); err != nil {
			return err
		}
	}
	o, err := reports.OutcomeOf(b, people, *rule, *completion, *k)
	if err != nil {
		return err
	}
	switch *format {
	case "ids":
		for _, p := range o.Funded {
			fmt.Fprintln(stdout, p.ID)
		}
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(o)
	case "csv":
		w := csv.NewWriter(stdout)
		w.Write([]string{"order", "project_id", "title", "category", "cost", "score"})
		for i, p := range o.Funded {
			w.Write([]string{strconv.Itoa(i + 1), p.ID, p.Title, p.Category, strconv.FormatInt(p.Cost, 10), strconv.FormatInt(p.Score, 10)})
		}
		w.Flush()
		return w.Error()
	default:
		return pbequity.Errorf(pbequity.EINVALID, "--format must be ids, json or csv (got %q)", *format)
	}
	if o.Audit != nil && !o.Audit.Matches {
		fmt.Fprintf(stderr, "audit: differs from the official outcome: extra %v, missing %v\n", o.Audit.Extra, o.Audit.Missing)
	}
	return nil
}
