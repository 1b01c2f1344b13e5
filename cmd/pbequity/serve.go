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
	"strconv"
	"time"

	"github.com/pbequity/pbequity/analytics"
	"github.com/pbequity/pbequity/ingest/demo"
	"github.com/pbequity/pbequity/queries"
	"github.com/pbequity/pbequity/reports"
	"github.com/pbequity/pbequity/server"
)

// newHandler wires the database into the reports and the HTTP server.
func newHandler(db *queries.DB, k int, log *slog.Logger) http.Handler {
	return newHandlerMax(db, k, 0, log)
}

// newHandlerMax is newHandler with uploads bounded to maxUpload bytes (0:
// server.DefaultMaxUpload).
func newHandlerMax(db *queries.DB, k int, maxUpload int64, log *slog.Logger) http.Handler {
	svc := reports.NewService(db, analytics.Options{K: k, Seed: 1})
	up := &uploader{db: db, invalidate: svc.Invalidate}
	return server.New(server.Config{Reports: svc, DB: db, Logger: log, Assets: reports.Assets(), Tokens: db, Uploader: up,
		Querier: newQuerier(db, log), MaxUpload: maxUpload})
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	addr := fs.String("addr", env("PBEQUITY_ADDR", "127.0.0.1:8080"), "listen address")
	dbPath := fs.String("db", env("PBEQUITY_DB", "pbequity.duckdb"), "DuckDB file")
	noDemo := fs.Bool("no-demo", false, "do not load the demo data into a new database")
	k := fs.Int("k", envInt("PBEQUITY_K", 5), "small-cell suppression threshold")
	maxUpload := fs.Int("max-upload-mb", envInt("PBEQUITY_MAX_UPLOAD_MB", server.DefaultMaxUpload>>20), "largest upload request in MiB")
	grace := fs.Duration("shutdown-timeout", envDuration("PBEQUITY_SHUTDOWN_TIMEOUT", 30*time.Second), "on SIGTERM, how long requests in flight may run on")
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
		Handler:           newHandlerMax(db, *k, int64(*maxUpload)<<20, log),
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
	fmt.Fprintln(stdout, "shutting down: finishing requests in flight…")
	log.Info("shutdown", "grace", grace.String())
	shutdown, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(stdout, "stopped")
	return nil
}

// envInt is env for an integer; a malformed value falls back to def.
func envInt(key string, def int) int {
	if v, err := strconv.Atoi(env(key, "")); err == nil {
		return v
	}
	return def
}

// envDuration is env for a duration such as 30s.
func envDuration(key string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(env(key, "")); err == nil {
		return v
	}
	return def
}
