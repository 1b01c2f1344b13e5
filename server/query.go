package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/reports"
)

// QueryRequest is the body of POST /api/v1/query: an ad hoc statement or the
// name of a saved query, with parameters.
type QueryRequest struct {
	SQL    string         `json:"sql"`
	Saved  string         `json:"saved"`
	Params map[string]any `json:"params"`
	// Limit is set by the server: 0 for the default row limit, -1 for every
	// row (CSV).
	Limit int `json:"-"`
}

// QueryStats describe a finished statement.
type QueryStats struct {
	Rows      int64
	Truncated bool
	Elapsed   time.Duration
}

// Querier runs analysts' SQL in a sandbox (wired from the queries package by
// cmd/pbequity).
type Querier interface {
	// Query checks and runs req, sending the result to out.
	Query(ctx context.Context, req QueryRequest, out reports.ResultWriter) (QueryStats, error)
	// SavedQueries lists the saved queries (JSON-encodable).
	SavedQueries() any
	// Schema lists every table and its columns (JSON-encodable).
	Schema(ctx context.Context) (any, error)
}

// maxQueryBody bounds the body of POST /api/v1/query.
const maxQueryBody = 1 << 20

// query handles POST /api/v1/query: JSON rows, or CSV streamed when the
// client accepts text/csv.
func (s *Server) query(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Querier == nil {
		s.Error(w, r, pbequity.Errorf(pbequity.ENOTFOUND, "ad hoc SQL is not enabled on this server"))
		return
	}
	var req QueryRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, maxQueryBody))
	if err := dec.Decode(&req); err != nil {
		s.Error(w, r, pbequity.Errorf(pbequity.EINVALID, `the body must be JSON {"sql": "…", "params": {…}} or {"saved": "name", "params": {"cycle": "…"}}`))
		return
	}
	if strings.Contains(r.Header.Get("Accept"), "text/csv") {
		s.queryCSV(w, r, req)
		return
	}
	var res reports.JSONResult
	st, err := s.cfg.Querier.Query(r.Context(), req, &res)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	res.Finish(st.Truncated, st.Elapsed)
	// Encode compactly: results can be large, indentation doubles them.
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(res); err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(buf.Bytes())
}

// queryCSV streams every row as CSV. Errors before the first byte are JSON
// errors; an error after it aborts the response so a cut CSV never looks
// complete.
func (s *Server) queryCSV(w http.ResponseWriter, r *http.Request, req QueryRequest) {
	req.Limit = -1
	started := false
	out := reports.NewCSV(w, func() {
		started = true
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="pbequity-query.csv"`)
		w.WriteHeader(http.StatusOK)
	})
	_, err := s.cfg.Querier.Query(r.Context(), req, out)
	if err == nil {
		err = out.Flush()
	}
	if err == nil {
		return
	}
	if !started {
		s.Error(w, r, err)
		return
	}
	if !errors.Is(err, context.Canceled) {
		s.log.Warn("query CSV cut short", "err", pbequity.ErrorMessage(err))
	}
	panic(http.ErrAbortHandler)
}

// savedQueries handles GET /api/v1/queries.
func (s *Server) savedQueries(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Querier == nil {
		s.Error(w, r, pbequity.Errorf(pbequity.ENOTFOUND, "ad hoc SQL is not enabled on this server"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"queries": s.cfg.Querier.SavedQueries()})
}

// schema handles GET /api/v1/schema.
func (s *Server) schema(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Querier == nil {
		s.Error(w, r, pbequity.Errorf(pbequity.ENOTFOUND, "ad hoc SQL is not enabled on this server"))
		return
	}
	tables, err := s.cfg.Querier.Schema(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tables": tables})
}

// console handles GET /query: the SQL console page. The page holds no data;
// its script calls the API above with the analyst's token.
func (s *Server) console(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := reports.Console(&buf, lang(r)); err != nil {
		s.Error(w, r, err)
		return
	}
	writeHTML(w, buf.Bytes())
}
