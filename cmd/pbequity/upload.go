package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
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

// Upload validates every file, then loads them all or nothing.
func (u *uploader) Upload(ctx context.Context, req pbequity.UploadRequest) (*pbequity.UploadResult, error) {
	if !pbequity.Slug(req.CycleID) {
		return nil, pbequity.Errorf(pbequity.EINVALID, "cycle id %q: use 1 to 64 of a-z, 0-9, - and _", req.CycleID)
	}
	if len(req.Files) == 0 {
		return nil, pbequity.Errorf(pbequity.EINVALID, "no file given")
	}
	res := &pbequity.UploadResult{CycleID: req.CycleID}
	var loads []*queries.Load
	var problems pbequity.ValidationError
	var unresolved []pbequity.FieldError
	inCycle, err := u.db.ProjectIDs(ctx, req.CycleID)
	if err != nil {
		return nil, err
	}
	known := maps.Clone(inCycle)
	for _, f := range req.Files {
		l, ds, un, err := u.decode(ctx, req, f, func(id string) bool { return inCycle[id] })
		unresolved = append(unresolved, un...)
		var ve *pbequity.ValidationError
		switch {
		case errors.As(err, &ve):
			problems.Errors = append(problems.Errors, ve.Errors...)
			problems.Truncated = problems.Truncated || ve.Truncated
			continue
		case err != nil:
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		for _, p := range l.Projects {
			known[p.ID] = true
		}
		loads = append(loads, l)
		res.Datasets = append(res.Datasets, ds)
		res.Rows += ds.Rows
	}
	// References to projects neither in the cycle nor in this upload.
	for _, un := range unresolved {
		if !known[un.Value] && len(problems.Errors) < ingest.DefaultMaxErrors {
			problems.Errors = append(problems.Errors, un)
		}
	}
	if len(problems.Errors) > 0 {
		return nil, &problems
	}
	for _, l := range loads {
		if id, err := u.db.DatasetBySHA(ctx, req.CycleID, l.Dataset.SHA256); err != nil {
			return nil, err
		} else if id != "" {
			return nil, pbequity.Errorf(pbequity.ECONFLICT, "%s", msg(req.Lang,
				fmt.Sprintf("%s was already uploaded to cycle %s (dataset %s)", l.Dataset.FileName, req.CycleID, id),
				fmt.Sprintf("فایل %s پیش‌تر در دوره %s بارگذاری شده است (مجموعه داده %s)", l.Dataset.FileName, req.CycleID, id)))
		}
		l.Progress = u.progress
	}
	if err := u.db.LoadAll(ctx, loads); err != nil {
		return nil, err
	}
	if u.invalidate != nil {
		u.invalidate(req.CycleID)
	}
	return res, nil
}

func msg(lang, en, fa string) string {
	if lang == "fa" {
		return fa
	}
	return en
}

// decode reads one file into a Load, hashing it on the way.
func (u *uploader) decode(ctx context.Context, req pbequity.UploadRequest, f pbequity.UploadFile, known func(string) bool) (*queries.Load, pbequity.DatasetResult, []pbequity.FieldError, error) {
	h := sha256.New()
	body := io.TeeReader(f.Body, h)
	name := filepath.Base(f.Name)
	kind := req.Kind
	if kind == "" && strings.EqualFold(filepath.Ext(name), ".pb") {
		kind = "pabulib"
	}
	l := &queries.Load{}
	ds := pbequity.DatasetResult{File: name, Kind: kind}
	var unresolved []pbequity.FieldError
	if kind == "pabulib" {
		pf, err := pabulib.Decode(body, name, req.CycleID)
		if err != nil {
			return nil, ds, nil, err
		}
		pf.Cycle.ID = req.CycleID
		l.Cycle = &pf.Cycle
		l.Projects, l.Participants, l.Votes = pf.Projects, pf.Participants, pf.Votes
	} else {
		b, err := ingest.Decode(body, name, ingest.Options{Kind: kind, Unit: req.Unit, Lang: req.Lang, Sheet: req.Sheet,
			CycleID: req.CycleID, MaxRows: u.maxRows, KnownProjects: known})
		if err != nil {
			return nil, ds, nil, err
		}
		unresolved = b.Unresolved
		ds.Kind, ds.Unknown = b.Kind, b.Unknown
		l.Projects, l.BudgetLines, l.Participants = b.Projects, b.BudgetLines, b.Participants
		l.Participation, l.Votes, l.Population = b.Participation, b.Votes, b.Population
	}
	io.Copy(h, f.Body) // hash what the decoder did not need to read
	ds.SHA256 = hex.EncodeToString(h.Sum(nil))
	ds.ID = "ds-" + ds.SHA256[:12] + "-" + randomHex(3)
	ds.Rows = l.Rows()
	ds.Totals = totals(l)
	role := req.Role
	if req.Anonymous {
		role = ""
	}
	l.Dataset = queries.Dataset{ID: ds.ID, CycleID: req.CycleID, Kind: ds.Kind, FileName: name, SHA256: ds.SHA256,
		Rows: ds.Rows, Role: role, Anonymous: req.Anonymous}
	return l, ds, unresolved, ctx.Err()
}

// totals sums the parsed amounts per category (projects) or per project
// (budget lines), so that a wrong unit shows at once.
func totals(l *queries.Load) map[string]int64 {
	t := map[string]int64{}
	for _, p := range l.Projects {
		t[p.Category] += p.Cost
	}
	for _, b := range l.BudgetLines {
		t[b.ProjectID] += b.Amount
	}
	if len(t) == 0 {
		return nil
	}
	return t
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
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
