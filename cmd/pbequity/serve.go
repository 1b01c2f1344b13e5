package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/pbequity/pbequity/analytics"
	"github.com/pbequity/pbequity/ingest/demo"
	"github.com/pbequity/pbequity/queries"
	"github.com/pbequity/pbequity/reports"
	"github.com/pbequity/pbequity/server"
)

// newHandler wires the database into the reports and the HTTP server.
func newHandler(db *queries.DB, k int, log *slog.Logger) http.Handler {
	svc := reports.NewService(db, analytics.Options{K: k, Seed: 1})
	up := &uploader{db: db, invalidate: svc.Invalidate}
	return server.New(server.Config{Reports: svc, DB: db, Logger: log, Assets: reports.Assets(), Tokens: db, Uploader: up,
		Querier: newQuerier(db, log)})
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	addr := fs.String("addr", env("PBEQUITY_ADDR", "127.0.0.1:8080"), "listen address")
	dbPath := fs.String("db", env("PBEQUITY_DB", "pbequity.duckdb"), "DuckDB file")
	noDemo := fs.Bool("no-demo", false, "do not load the demo data into a new database")
	k := fs.Int("k", 5, "small-cell suppression threshold")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, statErr := os.Stat(*dbPath)
	isNew := errors.Is(statErr, os.ErrNotExist)
	db, err := queries.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if isNew && !*noDemo {
		fmt.Fprintf(stdout, "new database %s: loading the demo city…\n", *dbPath)
		if err := loadDemo(ctx, db, demo.Options{}, stderr); err != nil {
			return err
		}
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	srv := &http.Server{
		Handler:           newHandler(db, *k, log),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	fmt.Fprintf(stdout, "pbequity serving http://%s (database %s)\n", ln.Addr(), *dbPath)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "shutting down…")
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
