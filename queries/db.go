// Package queries is the only package that talks to DuckDB: it opens the
// database file, applies the embedded forward-only migrations, bulk-loads
// uploads (as Arrow batches, bulk.go; the demo through DuckDB's Appender),
// and runs the named analytical statements of
// sql/*.sql, each behind a typed Go wrapper. Other packages reach it only
// through interfaces wired by cmd/pbequity; analytics, reports and server must
// not import this package or the DuckDB driver.
package queries

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/pbequity/pbequity"
)

//go:embed schema/*.sql
var schemaFS embed.FS

//go:embed sql/*.sql
var sqlFS embed.FS

// DB is an open pbequity database.
type DB struct {
	db   *sql.DB
	conn *duckdb.Connector
	Path string

	// writeMu serialises writers: DuckDB allows one writing transaction to
	// commit at a time without conflicts, readers stay concurrent.
	writeMu sync.Mutex
}

// Open opens (creating if needed) the DuckDB file at path, or an in-memory
// database when path is "", and applies pending migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	c, err := duckdb.NewConnector(path, nil)
	if err != nil && strings.Contains(err.Error(), "Could not set lock") {
		return nil, pbequity.Errorf(pbequity.ECONFLICT, "database %s is in use by another process (is `pbequity serve` running on it?); DuckDB allows one process at a time", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, translate(err))
	}
	d := &DB{db: sql.OpenDB(c), conn: c, Path: path}
	if err := d.migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error {
	err := d.db.Close()
	if cerr := d.conn.Close(); err == nil {
		err = cerr
	}
	return err
}

// Ping checks that the database answers a query.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	if err := d.db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping: %w", translate(err))
	}
	return nil
}

// migrate applies the embedded schema/NNNN_name.sql files not yet recorded in
// schema_migrations, each in its own transaction, in order.
func (d *DB) migrate(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,
		applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`); err != nil {
		return fmt.Errorf("migrate: %w", translate(err))
	}
	names, err := fs.Glob(schemaFS, "schema/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		base := path.Base(name)
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migrate: bad migration name %q", base)
		}
		var n int
		if err := d.db.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", version).Scan(&n); err != nil {
			return fmt.Errorf("migrate: %w", translate(err))
		}
		if n > 0 {
			continue
		}
		body, _ := schemaFS.ReadFile(name)
		if err := d.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", version, base)
			return err
		}); err != nil {
			return fmt.Errorf("migrate %s: %w", base, translate(err))
		}
	}
	return nil
}

// inTx runs fn in a transaction, committing on success.
func (d *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// statement returns the embedded named statement sql/name.sql.
func statement(name string) string {
	b, err := sqlFS.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic("queries: no statement " + name) // a programming error, caught by TestStatementsPrepare
	}
	return string(b)
}

// Statements lists the names of every embedded analytical statement.
func Statements() []string {
	names, _ := fs.Glob(sqlFS, "sql/*.sql")
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.TrimSuffix(path.Base(n), ".sql")
	}
	return out
}

// translate maps driver errors to pbequity error codes where the cause is the
// caller's; everything else stays internal.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var de *duckdb.Error
	if errors.As(err, &de) {
		switch de.Type {
		case duckdb.ErrorTypeConstraint:
			return &pbequity.Error{Code: pbequity.ECONFLICT, Message: "conflicts with existing data"}
		case duckdb.ErrorTypeInterrupt:
			return &pbequity.Error{Code: pbequity.ETIMEOUT, Message: "query interrupted"}
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return err
}
