package queries

import (
	"context"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/pbequity/pbequity"
)

// Defaults of SandboxOptions.
const (
	DefaultQueryTimeout = 30 * time.Second
	DefaultMaxRows      = 10000
	DefaultConcurrent   = 2
	// MaxSQL bounds the text of one ad hoc statement in bytes.
	MaxSQL = 256 << 10
)

// SandboxOptions bound the ad hoc SQL of analysts.
type SandboxOptions struct {
	// Timeout cuts a statement off (default DefaultQueryTimeout); DuckDB is
	// interrupted through the context.
	Timeout time.Duration
	// MaxRows is how many rows a bounded answer (JSON, table) keeps; the
	// answer says when there were more (default DefaultMaxRows).
	MaxRows int
	// MemoryLimit is DuckDB's memory_limit, e.g. "4GB". DuckDB has no
	// per-query limit, so it bounds the whole database instance (ad hoc
	// queries, reports and uploads alike); a query over it fails with an
	// out-of-memory error instead of taking the process down. "" keeps
	// DuckDB's default of 80% of the machine's memory.
	MemoryLimit string
	// MaxTempSize is DuckDB's max_temp_directory_size, bounding what queries
	// spill to disk; "" keeps DuckDB's default.
	MaxTempSize string
	// Concurrent is how many ad hoc statements run at once (default
	// DefaultConcurrent); later ones wait their turn within their timeout.
	Concurrent int
	// WritablePaths are files that stay reachable after external access is
	// switched off: the command line's Parquet output. The server sets none.
	WritablePaths []string
}

// Sandbox runs analysts' ad hoc SQL safely. The database instance it was made
// from is locked for good: no file or network access (enable_external_access
// off), no extension installed or loaded, configuration locked. Every
// statement runs alone on a fresh connection inside a read-only transaction
// that is rolled back, after a check that it is exactly one read statement.
type Sandbox struct {
	db  *DB
	opt SandboxOptions
	sem chan struct{}
}

// Sink receives a result: the column names and DuckDB type names once, then
// every row. Values are plain Go values: nil, bool, int64, uint64, float64,
// string, json.Number (HUGEINT, DECIMAL), []any and map[string]any.
type Sink interface {
	Header(names, types []string) error
	Row(values []any) error
}

// Request is one ad hoc or saved statement with its parameters.
type Request struct {
	// SQL is the ad hoc statement; Saved names a saved query instead.
	SQL   string
	Saved string
	// Params are the values of the statement's $name (or $1…) parameters;
	// saved queries take theirs by name (usually "cycle").
	Params map[string]any
	// Limit overrides MaxRows: 0 keeps it, a negative value streams every row
	// (CSV, Parquet).
	Limit int
	// Timeout overrides the sandbox's Timeout when positive.
	Timeout time.Duration
}

// Stats describe a finished statement.
type Stats struct {
	Rows      int64
	Truncated bool
	Elapsed   time.Duration
}

// Sandbox locks the database instance for ad hoc SQL and returns the
// sandbox. Locking is global and cannot be undone while d is open: after it,
// no statement on d can read or write files through SQL (uploads use the
// Appender and are not affected) or change a setting. Calling it again on a
// locked database returns a sandbox without changing anything.
func (d *DB) Sandbox(ctx context.Context, opt SandboxOptions) (*Sandbox, error) {
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultQueryTimeout
	}
	if opt.MaxRows <= 0 {
		opt.MaxRows = DefaultMaxRows
	}
	if opt.Concurrent <= 0 {
		opt.Concurrent = DefaultConcurrent
	}
	locked, err := d.locked(ctx)
	if err != nil {
		return nil, err
	}
	if !locked {
		var set []string
		if len(opt.WritablePaths) > 0 {
			paths := make([]string, len(opt.WritablePaths))
			for i, p := range opt.WritablePaths {
				abs, err := filepath.Abs(p)
				if err != nil {
					return nil, fmt.Errorf("sandbox: %w", err)
				}
				paths[i] = quote(abs)
			}
			set = append(set, "SET allowed_paths = ["+strings.Join(paths, ", ")+"]")
		}
		if opt.MemoryLimit != "" {
			set = append(set, "SET memory_limit = "+quote(opt.MemoryLimit))
		}
		if opt.MaxTempSize != "" {
			set = append(set, "SET max_temp_directory_size = "+quote(opt.MaxTempSize))
		}
		set = append(set,
			"SET enable_external_access = false",
			"SET autoinstall_known_extensions = false",
			"SET autoload_known_extensions = false",
			"SET allow_community_extensions = false",
			"SET lock_configuration = true",
		)
		for _, q := range set {
			if _, err := d.db.ExecContext(ctx, q); err != nil {
				return nil, fmt.Errorf("sandbox: %s: %w", q, translate(err))
			}
		}
	}
	return &Sandbox{db: d, opt: opt, sem: make(chan struct{}, opt.Concurrent)}, nil
}

// locked reports whether the database's configuration is locked already.
func (d *DB) locked(ctx context.Context) (bool, error) {
	var v string
	if err := d.db.QueryRowContext(ctx, "SELECT current_setting('lock_configuration')::VARCHAR").Scan(&v); err != nil {
		return false, fmt.Errorf("sandbox: %w", translate(err))
	}
	return v == "true", nil
}

// Options returns the sandbox's options with defaults filled in.
func (s *Sandbox) Options() SandboxOptions { return s.opt }

// Run checks and runs one statement, sending its result to sink. A refused
// statement, a DuckDB error (with its position) or a missing parameter is an
// EINVALID error; a statement cut off by the time limit is ETIMEOUT.
func (s *Sandbox) Run(ctx context.Context, req Request, sink Sink) (Stats, error) {
	start := time.Now()
	text, declared, err := s.text(req)
	if err != nil {
		return Stats{}, err
	}
	timeout := s.opt.Timeout
	if req.Timeout > 0 {
		timeout = req.Timeout
	}
	limit := req.Limit
	if limit == 0 {
		limit = s.opt.MaxRows
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	case <-ctx.Done():
		return Stats{}, s.cutOff(ctx, timeout, nil)
	}

	var st Stats
	err = s.session(ctx, func(c *duckdb.Conn) error {
		stmt, err := s.prepare(c, text, limit)
		if err != nil {
			return err
		}
		defer stmt.Close()
		args, err := bindArgs(stmt, declared, req.Params)
		if err != nil {
			return err
		}
		rows, err := stmt.QueryContext(ctx, args)
		if err != nil {
			return s.failed(ctx, timeout, err)
		}
		defer rows.Close()
		st, err = s.stream(ctx, timeout, rows, limit, sink)
		return err
	})
	st.Elapsed = time.Since(start)
	return st, err
}

// session runs fn on a fresh connection inside a read-only transaction that
// is always rolled back.
func (s *Sandbox) session(ctx context.Context, fn func(*duckdb.Conn) error) error {
	conn, err := s.db.conn.Connect(ctx)
	if err != nil {
		return fmt.Errorf("sandbox: %w", translate(err))
	}
	defer conn.Close()
	c := conn.(*duckdb.Conn)
	if _, err := c.ExecContext(ctx, "BEGIN TRANSACTION READ ONLY", nil); err != nil {
		return fmt.Errorf("sandbox: %w", translate(err))
	}
	defer c.ExecContext(context.Background(), "ROLLBACK", nil)
	return fn(c)
}

// text resolves the statement of a request and the declared parameter names
// (for saved statements numbered $1, $2…).
func (s *Sandbox) text(req Request) (string, []string, error) {
	if req.Saved != "" {
		if req.SQL != "" {
			return "", nil, pbequity.Errorf(pbequity.EINVALID, "give either sql or saved, not both")
		}
		q, ok := Saved(req.Saved)
		if !ok {
			return "", nil, pbequity.Errorf(pbequity.ENOTFOUND, "no saved query %q (GET /api/v1/queries lists them)", req.Saved)
		}
		names := make([]string, len(q.Params))
		for i, p := range q.Params {
			names[i] = p.Name
		}
		return q.SQL, names, nil
	}
	text := strings.TrimSpace(req.SQL)
	if text == "" {
		return "", nil, pbequity.Errorf(pbequity.EINVALID, "the statement is empty")
	}
	if len(text) > MaxSQL {
		return "", nil, pbequity.Errorf(pbequity.EINVALID, "the statement is longer than %d KiB", MaxSQL>>10)
	}
	return text, nil, nil
}

// readKeywords are the first words a read statement may start with.
var readKeywords = map[string]bool{
	"SELECT": true, "WITH": true, "FROM": true, "VALUES": true, "TABLE": true, "EXPLAIN": true,
	"DESCRIBE": true, "DESC": true, "SHOW": true, "SUMMARIZE": true, "PIVOT": true, "UNPIVOT": true, "(": true,
}

// refuse is the error of a statement the sandbox does not run.
func refuse(format string, args ...any) error {
	return pbequity.Errorf(pbequity.EINVALID, "refused: "+format, args...)
}

// prepare checks that text is exactly one read statement and prepares it on
// c, wrapped in a LIMIT of limit+1 rows when limit is positive so DuckDB
// stops early. Nothing of text runs before the check passes: the driver's
// Prepare refuses several statements without executing any.
func (s *Sandbox) prepare(c *duckdb.Conn, text string, limit int) (*duckdb.Stmt, error) {
	kw := firstKeyword(text)
	if !readKeywords[kw] {
		return nil, refuse("only one read statement (SELECT, WITH … SELECT, FROM, VALUES, EXPLAIN, DESCRIBE, SUMMARIZE, SHOW) may run here, not %s", kwName(kw))
	}
	return s.prepareRead(c, text, limit)
}

// prepareRead is the second half of the check: DuckDB's own parser says
// what kind of statement text is.
func (s *Sandbox) prepareRead(c *duckdb.Conn, text string, limit int) (*duckdb.Stmt, error) {
	stmt, err := s.prepareOne(c, text)
	if err != nil {
		return nil, err
	}
	typ, err := stmt.StatementType()
	if err != nil {
		stmt.Close()
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	switch typ {
	case duckdb.STATEMENT_TYPE_SELECT:
	case duckdb.STATEMENT_TYPE_EXPLAIN:
		// EXPLAIN ANALYZE runs its statement: it must be a read too.
		inner, ok := explained(text)
		if !ok {
			stmt.Close()
			return nil, refuse("EXPLAIN is allowed only of a SELECT")
		}
		in, err := s.prepareOne(c, inner)
		if err != nil {
			stmt.Close()
			return nil, refuse("EXPLAIN is allowed only of a SELECT")
		}
		t, _ := in.StatementType()
		in.Close()
		if t != duckdb.STATEMENT_TYPE_SELECT || !readKeywords[firstKeyword(inner)] || firstKeyword(inner) == "EXPLAIN" {
			stmt.Close()
			return nil, refuse("EXPLAIN is allowed only of a SELECT")
		}
		return stmt, nil
	default:
		stmt.Close()
		return nil, refuse("only read statements may run here; this is a %s statement", typeName(typ))
	}
	if limit <= 0 {
		return stmt, nil
	}
	// Wrap in a LIMIT so DuckDB does not materialise rows nobody will see.
	// The wrapped text is checked again; if it does not prepare (a trailing
	// comment, duplicate column names) the statement runs as it is and Go
	// stops reading at the limit.
	body := strings.TrimRightFunc(text, func(r rune) bool { return r == ';' || unicode.IsSpace(r) })
	wrapped, err := s.prepareOne(c, "SELECT * FROM (\n"+body+"\n) LIMIT "+strconv.Itoa(limit+1))
	if err != nil {
		return stmt, nil
	}
	if t, _ := wrapped.StatementType(); t != duckdb.STATEMENT_TYPE_SELECT || wrapped.NumInput() != stmt.NumInput() {
		wrapped.Close()
		return stmt, nil
	}
	stmt.Close()
	return wrapped, nil
}

// prepareOne prepares text, refusing more than one statement.
func (s *Sandbox) prepareOne(c *duckdb.Conn, text string) (*duckdb.Stmt, error) {
	st, err := c.Prepare(text)
	if err != nil {
		if strings.Contains(err.Error(), "multi-statement") {
			return nil, refuse("one statement per request; this text holds several")
		}
		return nil, s.invalid(err)
	}
	return st.(*duckdb.Stmt), nil
}

// bindArgs matches the statement's parameters with params: by name ($cycle),
// or for numbered parameters ($1) by the declared names of a saved query or
// by their number ("1").
func bindArgs(stmt *duckdb.Stmt, declared []string, params map[string]any) ([]driver.NamedValue, error) {
	n := stmt.NumInput()
	args := make([]driver.NamedValue, n)
	for i := 1; i <= n; i++ {
		name, err := stmt.ParamName(i)
		if err != nil {
			return nil, fmt.Errorf("sandbox: %w", err)
		}
		key := name
		if k, err := strconv.Atoi(name); err == nil && k >= 1 && k <= len(declared) {
			key = declared[k-1]
		}
		v, ok := params[key]
		if !ok {
			v, ok = params[name]
		}
		if !ok {
			return nil, pbequity.Errorf(pbequity.EINVALID, "parameter $%s needs a value (params.%s)", name, key)
		}
		if f, isF := v.(float64); isF && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			v = int64(f)
		}
		args[i-1] = driver.NamedValue{Ordinal: i, Value: v}
	}
	return args, nil
}

// stream reads rows into sink, keeping at most limit rows when limit > 0.
func (s *Sandbox) stream(ctx context.Context, timeout time.Duration, rows driver.Rows, limit int, sink Sink) (Stats, error) {
	var st Stats
	names := rows.Columns()
	types := make([]string, len(names))
	if tn, ok := rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		for i := range names {
			types[i] = tn.ColumnTypeDatabaseTypeName(i)
		}
	}
	if err := sink.Header(names, types); err != nil {
		return st, err
	}
	vals := make([]driver.Value, len(names))
	out := make([]any, len(names))
	for {
		if st.Rows%1024 == 0 && ctx.Err() != nil {
			return st, s.cutOff(ctx, timeout, nil)
		}
		err := rows.Next(vals)
		if errors.Is(err, io.EOF) {
			return st, nil
		}
		if err != nil {
			return st, s.failed(ctx, timeout, err)
		}
		if limit > 0 && st.Rows >= int64(limit) {
			st.Truncated = true
			return st, nil
		}
		for i, v := range vals {
			out[i] = Plain(v, types[i])
		}
		if err := sink.Row(out); err != nil {
			return st, err
		}
		st.Rows++
	}
}

// failed translates the error of a running statement.
func (s *Sandbox) failed(ctx context.Context, timeout time.Duration, err error) error {
	var de *duckdb.Error
	if ctx.Err() != nil || (errors.As(err, &de) && de.Type == duckdb.ErrorTypeInterrupt) {
		return s.cutOff(ctx, timeout, err)
	}
	return s.invalid(err)
}

// cutOff is the error of a statement stopped by the time limit (or by the
// caller going away).
func (s *Sandbox) cutOff(ctx context.Context, timeout time.Duration, cause error) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return context.Canceled
	}
	return pbequity.Errorf(pbequity.ETIMEOUT, "cut off after %s: the statement ran longer than the time limit", timeout)
}

// invalid turns a DuckDB error into an EINVALID error carrying DuckDB's
// message (with the LINE and caret of the position), the database's
// directory taken out.
func (s *Sandbox) invalid(err error) error {
	var de *duckdb.Error
	if !errors.As(err, &de) {
		return fmt.Errorf("sandbox: %w", err)
	}
	msg := strings.TrimSpace(de.Msg)
	if s.db.Path != "" {
		if dir, aerr := filepath.Abs(filepath.Dir(s.db.Path)); aerr == nil && dir != "/" {
			msg = strings.ReplaceAll(msg, dir+string(filepath.Separator), "")
			msg = strings.ReplaceAll(msg, dir, ".")
		}
	}
	if strings.Contains(msg, "file system operations are disabled") || strings.Contains(msg, "disabled by configuration") {
		msg = "refused: files, network and extensions are out of reach of ad hoc SQL. " + msg
	}
	return pbequity.Errorf(pbequity.EINVALID, "%s", msg)
}

// firstKeyword returns the first word of text in upper case after comments
// and white space, or "(" for a parenthesised statement.
func firstKeyword(text string) string {
	rest := skipSpace(text)
	if strings.HasPrefix(rest, "(") {
		return "("
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return !(unicode.IsLetter(r) || r == '_') })
	if end < 0 {
		end = len(rest)
	}
	return strings.ToUpper(rest[:end])
}

func kwName(kw string) string {
	if kw == "" {
		return "this"
	}
	return kw
}

// skipSpace skips white space and SQL comments.
func skipSpace(s string) string {
	for {
		t := strings.TrimLeftFunc(s, unicode.IsSpace)
		switch {
		case strings.HasPrefix(t, "--"):
			i := strings.IndexByte(t, '\n')
			if i < 0 {
				return ""
			}
			s = t[i+1:]
		case strings.HasPrefix(t, "/*"):
			i := strings.Index(t[2:], "*/")
			if i < 0 {
				return ""
			}
			s = t[i+4:]
		default:
			return t
		}
	}
}

// explained returns the statement after EXPLAIN [ANALYZE] [(options)].
func explained(text string) (string, bool) {
	rest := skipSpace(text)
	if firstKeyword(rest) != "EXPLAIN" {
		return "", false
	}
	rest = skipSpace(rest[len("EXPLAIN"):])
	if kw := firstKeyword(rest); kw == "ANALYZE" || kw == "ANALYSE" {
		rest = skipSpace(rest[len(kw):])
	}
	if strings.HasPrefix(rest, "(") {
		end := strings.IndexByte(rest, ')')
		if end < 0 || strings.ContainsAny(rest[:end], "'\"") {
			return "", false
		}
		inner := skipSpace(rest[end+1:])
		// "(SELECT …)" is a parenthesised statement, not options.
		if k := firstKeyword(rest[1:]); readKeywords[k] && k != "(" {
			return rest, true
		}
		rest = inner
	}
	return rest, rest != ""
}

// typeName names a statement type for a refusal.
func typeName(t duckdb.StmtType) string {
	switch t {
	case duckdb.STATEMENT_TYPE_INSERT:
		return "INSERT"
	case duckdb.STATEMENT_TYPE_UPDATE:
		return "UPDATE"
	case duckdb.STATEMENT_TYPE_DELETE:
		return "DELETE"
	case duckdb.STATEMENT_TYPE_CREATE, duckdb.STATEMENT_TYPE_CREATE_FUNC:
		return "CREATE"
	case duckdb.STATEMENT_TYPE_DROP:
		return "DROP"
	case duckdb.STATEMENT_TYPE_ALTER:
		return "ALTER"
	case duckdb.STATEMENT_TYPE_COPY:
		return "COPY"
	case duckdb.STATEMENT_TYPE_EXPORT:
		return "EXPORT"
	case duckdb.STATEMENT_TYPE_ATTACH:
		return "ATTACH"
	case duckdb.STATEMENT_TYPE_DETACH:
		return "DETACH"
	case duckdb.STATEMENT_TYPE_LOAD, duckdb.STATEMENT_TYPE_EXTENSION:
		return "INSTALL/LOAD"
	case duckdb.STATEMENT_TYPE_SET, duckdb.STATEMENT_TYPE_VARIABLE_SET:
		return "SET/RESET"
	case duckdb.STATEMENT_TYPE_PRAGMA:
		return "PRAGMA"
	case duckdb.STATEMENT_TYPE_TRANSACTION:
		return "transaction"
	case duckdb.STATEMENT_TYPE_CALL:
		return "CALL"
	}
	return "non-read"
}

// quote returns s as a SQL string literal.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Plain converts a driver value of a column of DuckDB type typ into a plain
// Go value that encodes as JSON and prints as CSV.
func Plain(v any, typ string) any {
	switch x := v.(type) {
	case nil, bool, string, int64, uint64, json.Number:
		return x
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint8:
		return uint64(x)
	case uint16:
		return uint64(x)
	case uint32:
		return uint64(x)
	case float32:
		return plainFloat(float64(x))
	case float64:
		return plainFloat(x)
	case *big.Int:
		return json.Number(x.String())
	case duckdb.Decimal:
		return json.Number(x.String())
	case time.Time:
		switch {
		case typ == "DATE":
			return x.Format("2006-01-02")
		case strings.HasPrefix(typ, "TIME") && !strings.HasPrefix(typ, "TIMESTAMP"):
			return x.Format("15:04:05.999999")
		case strings.Contains(typ, "WITH TIME ZONE") || strings.HasSuffix(typ, "TZ"):
			return x.Format(time.RFC3339Nano)
		}
		return x.Format("2006-01-02 15:04:05.999999")
	case duckdb.Interval:
		return fmt.Sprintf("%d months %d days %d microseconds", x.Months, x.Days, x.Micros)
	case duckdb.UUID:
		return x.String()
	case *duckdb.UUID:
		return x.String()
	case []byte:
		if typ == "UUID" && len(x) == 16 {
			var u duckdb.UUID
			copy(u[:], x)
			return u.String()
		}
		return blob(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Plain(e, "")
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Plain(e, "")
		}
		return out
	case duckdb.Map:
		out := make([]any, 0, len(x))
		for k, e := range x {
			out = append(out, map[string]any{"key": Plain(k, ""), "value": Plain(e, "")})
		}
		return out
	case duckdb.Union:
		return map[string]any{x.Tag: Plain(x.Value, "")}
	}
	return fmt.Sprint(v)
}

func plainFloat(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return f
}

// blob renders bytes as DuckDB prints a BLOB: printable ASCII as is, other
// bytes as \xHH.
func blob(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			sb.WriteByte(c)
			continue
		}
		sb.WriteString(`\x`)
		sb.WriteString(strings.ToUpper(hex.EncodeToString([]byte{c})))
	}
	return sb.String()
}

// Parquet runs the statement of req like Run and writes its whole result to
// the Parquet file at path, which must be one of the sandbox's WritablePaths.
// The statement passes the same check first; only then is it wrapped in a
// COPY … TO path, so the COPY is the sandbox's doing, never the analyst's.
func (s *Sandbox) Parquet(ctx context.Context, req Request, path string) (Stats, error) {
	start := time.Now()
	text, declared, err := s.text(req)
	if err != nil {
		return Stats{}, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return Stats{}, fmt.Errorf("parquet: %w", err)
	}
	timeout := s.opt.Timeout
	if req.Timeout > 0 {
		timeout = req.Timeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var st Stats
	err = s.session(ctx, func(c *duckdb.Conn) error {
		stmt, err := s.prepare(c, text, 0)
		if err != nil {
			return err
		}
		typ, _ := stmt.StatementType()
		stmt.Close()
		if typ != duckdb.STATEMENT_TYPE_SELECT {
			return refuse("only a SELECT can be written to Parquet")
		}
		body := strings.TrimRightFunc(text, func(r rune) bool { return r == ';' || unicode.IsSpace(r) })
		cp, err := s.prepareOne(c, "COPY (\n"+body+"\n) TO "+quote(abs)+" (FORMAT parquet)")
		if err != nil {
			return err
		}
		defer cp.Close()
		if t, _ := cp.StatementType(); t != duckdb.STATEMENT_TYPE_COPY {
			return refuse("only a SELECT can be written to Parquet")
		}
		args, err := bindArgs(cp, declared, req.Params)
		if err != nil {
			return err
		}
		res, err := cp.ExecContext(ctx, args)
		if err != nil {
			return s.failed(ctx, timeout, err)
		}
		st.Rows, _ = res.RowsAffected()
		return nil
	})
	st.Elapsed = time.Since(start)
	return st, err
}

// Drain runs a read statement on the trusted connections, outside the
// sandbox, and reads every row: the baseline benchmarks compare the
// sandbox and the API against.
func (d *DB) Drain(ctx context.Context, query string, args ...any) (int64, error) {
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("drain: %w", translate(err))
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("drain: %w", translate(err))
		}
		n++
	}
	return n, rows.Err()
}
