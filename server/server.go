// Package server is pbequity's HTTP service: gorilla/mux routes, thin
// handlers (decode, call, encode), the one error writer, and middleware. It
// reaches the database only through the interfaces of the reports package,
// wired by cmd/pbequity, and must not import the queries package or the
// DuckDB driver.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/reports"
)

// Pinger checks that the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Config is what a Server needs.
type Config struct {
	Reports *reports.Service
	DB      Pinger
	Logger  *slog.Logger
	// Assets are served under /assets/ (reports.Assets()).
	Assets fs.FS
	// Tokens authenticates bearer tokens; Uploader loads uploads.
	Tokens   Tokens
	Uploader Uploader
	// MaxUpload bounds an upload request's body in bytes (default DefaultMaxUpload).
	MaxUpload int64
	// Querier runs analysts' ad hoc and saved SQL in a sandbox (nil: off).
	Querier Querier
}

// Server is the pbequity HTTP handler.
type Server struct {
	cfg     Config
	router  *mux.Router
	log     *slog.Logger
	metrics *metrics
	// indicators holds the encoded JSON of each cycle's indicators
	// (cycle id → *encodedIndicators).
	indicators sync.Map
}

// New returns a Server with every route registered.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg, router: mux.NewRouter(), log: cfg.Logger, metrics: newMetrics()}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.cfg.Uploader != nil {
		s.cfg.Uploader = countingUploader{Uploader: s.cfg.Uploader, m: s.metrics}
	}
	if s.cfg.Querier != nil {
		s.cfg.Querier = timedQuerier{Querier: s.cfg.Querier, m: s.metrics}
	}
	r := s.router
	r.Use(s.routed)
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, pbequity.Errorf(pbequity.ENOTFOUND, "no such page: %s", r.URL.Path))
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, &pbequity.Error{Code: emethod, Message: "method " + r.Method + " not allowed here"})
	})
	get := []string{http.MethodGet, http.MethodHead}
	r.HandleFunc("/healthz", s.healthz).Methods(get...)
	r.HandleFunc("/", s.archive).Methods(get...)
	r.HandleFunc("/cycles/{cycle}/report", s.report).Methods(get...)
	r.HandleFunc("/cycles/{cycle}/data/{chart:[a-z0-9-]+}.{format:csv|json}", s.chartData).Methods(get...)
	r.HandleFunc("/api/v1/cycles", s.apiCycles).Methods(get...)
	r.HandleFunc("/api/v1/cycles/{cycle}", s.apiCycle).Methods(get...)
	r.HandleFunc("/api/v1/cycles/{cycle}/indicators", s.apiIndicators).Methods(get...)
	r.HandleFunc("/api/v1/cycles/{cycle}/outcome", s.apiOutcome).Methods(get...)
	r.HandleFunc("/api/v1/cycles/{cycle}/outcomes", s.apiCompare).Methods(get...)
	r.HandleFunc("/api/v1/cycles/{cycle}/uploads", s.require(pbequity.RoleCitizen, s.upload)).Methods(http.MethodPost).Name(routeUpload)
	r.HandleFunc("/upload", s.uploadPage).Methods(get...)
	r.HandleFunc("/templates/{kind}.csv", s.uploadTemplate).Methods(get...)
	r.Handle("/metrics", s.require(pbequity.RoleAdmin, s.metrics.handler().ServeHTTP)).Methods(get...)
	r.HandleFunc("/openapi.json", s.openAPI).Methods(get...)
	r.HandleFunc("/query", s.console).Methods(get...)
	r.HandleFunc("/api/v1/query", s.require(pbequity.RoleAnalyst, s.query)).Methods(http.MethodPost)
	r.HandleFunc("/api/v1/queries", s.require(pbequity.RoleAnalyst, s.savedQueries)).Methods(get...)
	r.HandleFunc("/api/v1/schema", s.require(pbequity.RoleAnalyst, s.schema)).Methods(get...)
	if cfg.Assets != nil {
		assets := http.StripPrefix("/assets/", http.FileServerFS(cfg.Assets))
		r.PathPrefix("/assets/").Handler(cacheFor(24*time.Hour, assets)).Methods(get...)
	}
	return s
}

// ServeHTTP implements http.Handler with the security headers every answer
// carries.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	s.observe(w, r, s.router)
}

// Router returns the routes, for tests that walk them.
func (s *Server) Router() *mux.Router { return s.router }

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age="+itoa(int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

// emethod is the code of a method mismatch, internal to the server.
const emethod = "method_not_allowed"

// status maps error codes to HTTP status codes.
var status = map[string]int{
	pbequity.EINVALID:      http.StatusUnprocessableEntity,
	pbequity.ENOTFOUND:     http.StatusNotFound,
	pbequity.ECONFLICT:     http.StatusConflict,
	pbequity.EUNAUTHORIZED: http.StatusUnauthorized,
	pbequity.EFORBIDDEN:    http.StatusForbidden,
	pbequity.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	pbequity.ETIMEOUT:      http.StatusGatewayTimeout,
	pbequity.EINTERNAL:     http.StatusInternalServerError,
	emethod:                http.StatusMethodNotAllowed,
}

// Error is the one error writer: it maps the error's code to an HTTP status,
// logs internal errors, and answers JSON {"error": "..."} without internal
// details.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return // the client is gone
	}
	code := pbequity.ErrorCode(err)
	st, ok := status[code]
	if !ok {
		st = http.StatusInternalServerError
	}
	if st == http.StatusInternalServerError {
		s.log.Error("internal error", "request_id", info(r).id, "method", r.Method, "path", r.URL.Path, "err", err)
	}
	body := map[string]any{"error": pbequity.ErrorMessage(err)}
	var ve *pbequity.ValidationError
	if errors.As(err, &ve) {
		st = http.StatusUnprocessableEntity
		body["error"] = fmt.Sprintf("the upload has %d problems; nothing was loaded", len(ve.Errors))
		body["errors"] = ve.Errors
		body["truncated"] = ve.Truncated
	}
	writeJSON(w, st, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func writeHTML(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
