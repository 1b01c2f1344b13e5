// Command pbequity is the one binary of pbequity: it serves the HTTP service,
// loads and exports data, runs allocation rules, writes reports and answers
// ad hoc SQL. It is the only place that wires the queries package (DuckDB)
// into analytics, reports and server.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/pbequity/pbequity"
)

const usage = `pbequity — gender-responsive participatory budgeting analytics

Usage:
  pbequity serve   [--addr 127.0.0.1:8080] [--db pbequity.duckdb] [--no-demo] [--k 5] [--max-upload-mb 512] [--shutdown-timeout 30s]
  pbequity demo    --db F [--participants N] [--seed S]
  pbequity ingest  --db F --cycle ID [--kind K] [--unit U] [--lang en|fa] FILE...
  pbequity report  --db F --cycle ID [--lang fa|en] [--out report.html]
  pbequity outcome --db F --cycle ID --rule R [--completion add1|none] [--format ids|json|csv]
  pbequity query   --db F [--format table|csv|json|parquet] [--out PATH] [--saved NAME --cycle ID] [--timeout 30s] [--list] SQL
  pbequity export  --db F --cycle ID --format pabulib|csv|parquet --out PATH
  pbequity token   create --db F --role citizen|councillor|analyst|admin [--label L] [--expires 720h]
  pbequity token   list --db F | revoke --db F HASH-PREFIX|LABEL

Flags default from the environment: PBEQUITY_DB, PBEQUITY_ADDR, PBEQUITY_K,
PBEQUITY_MAX_UPLOAD_MB, PBEQUITY_SHUTDOWN_TIMEOUT.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pbequity:", message(err))
		var ve *pbequity.ValidationError
		if errors.As(err, &ve) {
			for _, fe := range ve.Errors {
				fmt.Fprintln(os.Stderr, "  "+fe.String())
			}
		}
		os.Exit(1)
	}
}

// message renders err for the terminal: a user's error says what is wrong,
// an internal one keeps its cause for the operator.
func message(err error) string {
	var e *pbequity.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, rest, stdout, stderr)
	case "ingest":
		return cmdIngest(ctx, rest, stdout, stderr)
	case "report":
		return cmdReport(ctx, rest, stdout, stderr)
	case "outcome":
		return cmdOutcome(ctx, rest, stdout, stderr)
	case "query":
		return cmdQuery(ctx, rest, stdout, stderr)
	case "export":
		return cmdExport(ctx, rest, stdout, stderr)
	case "token":
		return cmdToken(ctx, rest, stdout, stderr)
	case "load": // hidden: make load
		return cmdLoad(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// newFlags returns a flag set that prints the usage on error.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// env returns the environment variable key, or def when unset.
func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}
