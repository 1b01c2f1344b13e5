package server

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/analytics"
	"github.com/pbequity/pbequity/reports"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.cfg.DB.Ping(r.Context()); err != nil {
		s.log.Error("health check", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "database unavailable"})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// lang is the language a request asks for with ?lang=: Persian unless
// English is asked for (Persian is the default whatever the browser says).
func lang(r *http.Request) string {
	return reports.NormLang(r.URL.Query().Get("lang"))
}

func (s *Server) archive(w http.ResponseWriter, r *http.Request) {
	b, err := s.cfg.Reports.Archive(r.Context(), lang(r))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeHTML(w, b)
}

func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["cycle"]
	var b []byte
	var err error
	if r.URL.Query().Get("standalone") == "1" {
		b, err = s.cfg.Reports.Standalone(r.Context(), id, lang(r))
		w.Header().Set("Content-Disposition", `attachment; filename="pbequity-`+safeName(id)+`.html"`)
	} else {
		b, err = s.cfg.Reports.Report(r.Context(), id, lang(r))
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeHTML(w, b)
}

func (s *Server) apiCycles(w http.ResponseWriter, r *http.Request) {
	cycles, err := s.cfg.Reports.Cycles(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]reports.PublicCycle, 0, len(cycles))
	for _, c := range cycles {
		out = append(out, reports.Public(c, s.cfg.Reports.K()))
	}
	writeJSON(w, http.StatusOK, map[string]any{"cycles": out})
}

func (s *Server) apiCycle(w http.ResponseWriter, r *http.Request) {
	c, err := s.cfg.Reports.Cycle(r.Context(), mux.Vars(r)["cycle"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reports.Public(*c, s.cfg.Reports.K()))
}

// encodedIndicators is the JSON answer of a cycle's indicators, kept while
// the reports service hands out the same computed indicators.
type encodedIndicators struct {
	ind  *analytics.Indicators
	body []byte
}

func (s *Server) apiIndicators(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["cycle"]
	c, ind, err := s.cfg.Reports.Indicators(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// The service caches indicators until the cycle changes; encoding them
	// (about 100 KB) costs more than answering, so keep the bytes beside.
	if e, ok := s.indicators.Load(id); ok && e.(*encodedIndicators).ind == ind {
		writeJSONBytes(w, e.(*encodedIndicators).body)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"cycle": reports.Public(*c, s.cfg.Reports.K()), "indicators": ind}); err != nil {
		s.Error(w, r, err)
		return
	}
	s.indicators.Store(id, &encodedIndicators{ind: ind, body: buf.Bytes()})
	writeJSONBytes(w, buf.Bytes())
}

func writeJSONBytes(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(b)
}

// safeName keeps the characters of a cycle id that are safe in a file name.
func safeName(id string) string {
	if pbequity.Slug(id) {
		return id
	}
	return "report"
}

func (s *Server) apiOutcome(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	o, err := s.cfg.Reports.Outcome(r.Context(), mux.Vars(r)["cycle"], q.Get("rule"), q.Get("completion"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) apiCompare(w http.ResponseWriter, r *http.Request) {
	c, err := s.cfg.Reports.Compare(r.Context(), mux.Vars(r)["cycle"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}
