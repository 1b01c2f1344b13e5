package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/ingest"
	"github.com/pbequity/pbequity/ingest/pabulib"
	"github.com/pbequity/pbequity/queries"
)

// uploader decodes uploaded files with package ingest and loads them with
// package queries, all files of a request in one transaction. It implements
// server.Uploader.
type uploader struct {
	db *queries.DB
	// invalidate is called with the cycle id after a successful load.
	invalidate func(cycleID string)
	// progress, when set, reports rows written.
	progress func(done, total int64)
	// maxRows bounds the data rows of one file (0: ingest's default).
	maxRows int
}

// Upload validates every file and loads them all or nothing, in one
// transaction. Tables (CSV, TSV, XLSX) stream into the database while they
// are decoded: a file with problems rolls the whole upload back, and every
// file is still decoded so that the problems of all are listed.
func (u *uploader) Upload(ctx context.Context, req pbequity.UploadRequest) (*pbequity.UploadResult, error) {
	if !pbequity.Slug(req.CycleID) {
		return nil, pbequity.Errorf(pbequity.EINVALID, "cycle id %q: use 1 to 64 of a-z, 0-9, - and _", req.CycleID)
	}
	if len(req.Files) == 0 {
		return nil, pbequity.Errorf(pbequity.EINVALID, "no file given")
	}
	inCycle, err := u.db.ProjectIDs(ctx, req.CycleID)
	if err != nil {
		return nil, err
	}
	up := &upload{u: u, ctx: ctx, req: req, inCycle: inCycle, known: maps.Clone(inCycle)}
	for _, f := range req.Files {
		up.size += bodySize(f.Body)
	}
	loads := make([]*queries.Load, 0, len(req.Files))
	for i, f := range req.Files {
		l, err := up.prepare(i, f)
		if err != nil {
			return nil, err
		}
		loads = append(loads, l)
	}
	if err := u.db.LoadAll(ctx, loads, up.check); err != nil {
		return nil, err
	}
	res := &pbequity.UploadResult{CycleID: req.CycleID}
	for _, ds := range up.results {
		res.Datasets = append(res.Datasets, *ds)
		res.Rows += ds.Rows
	}
	if u.invalidate != nil {
		u.invalidate(req.CycleID)
	}
	return res, nil
}

// upload is the state of one Upload: the files' results and problems.
// Files are decoded one after the other (each on the goroutine that
// queries gives its Stream), never at the same time.
type upload struct {
	u          *uploader
	ctx        context.Context
	req        pbequity.UploadRequest
	inCycle    map[string]bool // projects of the cycle before the upload
	known      map[string]bool // and of this upload
	problems   pbequity.ValidationError
	unresolved []pbequity.FieldError
	results    []*pbequity.DatasetResult
	loads      []*queries.Load
	size, read int64 // bytes of the files, and read so far
	rows       int64 // rows decoded so far
}

// prepare makes the Load of file i: a Pabulib file is decoded whole now (it
// creates the cycle), a table streams while it is loaded.
func (up *upload) prepare(i int, f pbequity.UploadFile) (*queries.Load, error) {
	req := up.req
	name := filepath.Base(f.Name)
	kind := req.Kind
	if kind == "" && strings.EqualFold(filepath.Ext(name), ".pb") {
		kind = "pabulib"
	}
	role := req.Role
	if req.Anonymous {
		role = ""
	}
	ds := &pbequity.DatasetResult{ID: datasetID(), File: name, Kind: kind}
	l := &queries.Load{Dataset: queries.Dataset{ID: ds.ID, CycleID: req.CycleID, Kind: kind, FileName: name, Role: role,
		Anonymous: req.Anonymous}}
	up.results = append(up.results, ds)
	up.loads = append(up.loads, l)
	h := sha256.New()
	body := io.TeeReader(&counter{r: f.Body, n: &up.read}, h)
	finish := func() {
		io.Copy(h, f.Body) // hash what the decoder did not need to read
		ds.SHA256 = hex.EncodeToString(h.Sum(nil))
		l.Dataset.SHA256, l.Dataset.Kind = ds.SHA256, ds.Kind
	}
	if kind == "pabulib" {
		pf, err := pabulib.Decode(body, name, req.CycleID)
		var ve *pbequity.ValidationError
		switch {
		case errors.As(err, &ve):
			up.addProblems(ve)
			return l, nil
		case err != nil:
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		pf.Cycle.ID = req.CycleID
		l.Cycle = &pf.Cycle
		l.Projects, l.Participants, l.Votes = pf.Projects, pf.Participants, pf.Votes
		for _, p := range l.Projects {
			up.known[p.ID] = true
		}
		ds.Rows = l.Rows.Len()
		ds.Totals = totals(l.Projects, nil)
		l.Progress = up.u.progress
		finish()
		return l, up.ctx.Err()
	}
	l.Stream = func(emit func(*queries.Rows) error) error {
		var projects []pbequity.Project
		var lines []pbequity.BudgetLine
		opt := ingest.Options{Kind: kind, Unit: req.Unit, Lang: req.Lang, Sheet: req.Sheet, CycleID: req.CycleID,
			MaxRows: up.u.maxRows, KnownProjects: func(id string) bool { return up.inCycle[id] },
			OnUnresolved: func(fe pbequity.FieldError) { up.unresolved = append(up.unresolved, fe) }}
		opt.Emit = func(b *ingest.Batch) error {
			if len(up.problems.Errors) > 0 {
				return nil // an earlier file failed: only validate this one
			}
			// Projects and budget lines are few: kept for the totals.
			projects = append(projects, b.Projects...)
			lines = append(lines, b.BudgetLines...)
			r := &queries.Rows{Projects: b.Projects, BudgetLines: b.BudgetLines, Participants: b.Participants,
				Participation: b.Participation, Votes: b.Votes, Population: b.Population}
			up.progress(r.Len())
			return emit(r)
		}
		b, err := ingest.Decode(body, name, opt)
		var ve *pbequity.ValidationError
		switch {
		case errors.As(err, &ve):
			up.addProblems(ve)
			return nil
		case err != nil:
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		for _, p := range projects {
			up.known[p.ID] = true
		}
		ds.Kind, ds.Unknown, ds.Rows = b.Kind, b.Unknown, int64(b.Rows)
		ds.Totals = totals(projects, lines)
		finish()
		return up.ctx.Err()
	}
	return l, nil
}

func (up *upload) addProblems(ve *pbequity.ValidationError) {
	up.problems.Errors = append(up.problems.Errors, ve.Errors...)
	up.problems.Truncated = up.problems.Truncated || ve.Truncated
}

// progress reports n more rows decoded, against a total estimated from the
// bytes read.
func (up *upload) progress(n int64) {
	up.rows += n
	if up.u.progress == nil || up.read <= 0 {
		return
	}
	total := up.rows
	if up.size > up.read {
		total = int64(float64(up.rows) * float64(up.size) / float64(up.read))
	}
	up.u.progress(up.rows, total)
}

// check runs once every file is written, before the commit: the problems
// of all files, references to projects neither in the cycle nor in the
// upload, and files uploaded to the cycle before.
func (up *upload) check(w *queries.Writer) error {
	for _, un := range up.unresolved {
		if !up.known[un.Value] && len(up.problems.Errors) < ingest.DefaultMaxErrors {
			up.problems.Errors = append(up.problems.Errors, un)
		}
	}
	if len(up.problems.Errors) > 0 {
		return &up.problems
	}
	ids := make([]string, len(up.loads))
	for i, l := range up.loads {
		ids[i] = l.Dataset.ID
	}
	for _, l := range up.loads {
		if id, err := w.DatasetBySHA(up.req.CycleID, l.Dataset.SHA256, ids...); err != nil {
			return err
		} else if id != "" {
			return pbequity.Errorf(pbequity.ECONFLICT, "%s", msg(up.req.Lang,
				fmt.Sprintf("%s was already uploaded to cycle %s (dataset %s)", l.Dataset.FileName, up.req.CycleID, id),
				fmt.Sprintf("فایل %s پیش‌تر در دوره %s بارگذاری شده است (مجموعه داده %s)", l.Dataset.FileName, up.req.CycleID, id)))
		}
	}
	return nil
}

func msg(lang, en, fa string) string {
	if lang == "fa" {
		return fa
	}
	return en
}

// counter counts the bytes read from r into *n.
type counter struct {
	r io.Reader
	n *int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

// bodySize is the size of an uploaded file when its reader knows it, else 0.
func bodySize(r io.Reader) int64 {
	switch f := r.(type) {
	case interface{ Size() int64 }:
		return f.Size()
	case interface{ Stat() (os.FileInfo, error) }:
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	}
	return 0
}

// totals sums the parsed amounts per category (projects) or per project
// (budget lines), so that a wrong unit shows at once.
func totals(projects []pbequity.Project, lines []pbequity.BudgetLine) map[string]int64 {
	t := map[string]int64{}
	for _, p := range projects {
		t[p.Category] += p.Cost
	}
	for _, b := range lines {
		t[b.ProjectID] += b.Amount
	}
	if len(t) == 0 {
		return nil
	}
	return t
}

// datasetID returns a new random dataset id of 12 bytes ("ds-" and 45
// random bits), short enough for DuckDB to store inline in every row.
func datasetID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "ds-" + strings.ToLower(base32.StdEncoding.EncodeToString(b))[:9]
}

func cmdIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("ingest", stderr)
	dbPath := fs.String("db", env("PBEQUITY_DB", "pbequity.duckdb"), "DuckDB file")
	cycle := fs.String("cycle", "", "cycle id")
	kind := fs.String("kind", "", "projects, budget-lines, participants, participation, votes, population or pabulib (default: detect)")
	unit := fs.String("unit", "", "amount unit: rial (default), toman, million rial, …")
	lang := fs.String("lang", "en", "language of error messages: en or fa")
	sheet := fs.String("sheet", "", "XLSX sheet (default: the first)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cycle == "" || fs.NArg() == 0 {
		return pbequity.Errorf(pbequity.EINVALID, "usage: pbequity ingest --db F --cycle ID [--kind K] FILE...")
	}
	db, err := queries.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	req := pbequity.UploadRequest{CycleID: *cycle, Kind: *kind, Unit: *unit, Lang: *lang, Sheet: *sheet, Role: "admin"}
	for _, name := range fs.Args() {
		f, err := openFile(name)
		if err != nil {
			return err
		}
		defer f.Close()
		req.Files = append(req.Files, pbequity.UploadFile{Name: name, Body: f})
	}
	p := newProgress(stderr, "ingest")
	u := &uploader{db: db, maxRows: 100_000_000, progress: func(done, total int64) { p.update(int(done), int(total)) }}
	res, err := u.Upload(ctx, req)
	if err != nil {
		return err
	}
	for _, ds := range res.Datasets {
		fmt.Fprintf(stdout, "%s: %d %s rows loaded into %s as dataset %s\n", ds.File, ds.Rows, ds.Kind, res.CycleID, ds.ID)
		if len(ds.Unknown) > 0 {
			fmt.Fprintf(stdout, "  unmapped columns kept: %s\n", strings.Join(ds.Unknown, ", "))
		}
		keys := make([]string, 0, len(ds.Totals))
		for k := range ds.Totals {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(stdout, "  total %-20s %d\n", k, ds.Totals[k])
		}
	}
	return nil
}
