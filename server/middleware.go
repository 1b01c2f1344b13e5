package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"
)

// DefaultMaxBody bounds the body of every request except uploads.
const DefaultMaxBody = 1 << 20

// reqInfo is what the middleware learns about a request while it is
// handled: its id, the route template mux matched and the authenticated
// role. Handlers further in fill it through the request's context.
type reqInfo struct {
	id    string
	route string
	role  string
}

type infoKey struct{}

func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// requestID returns the X-Request-Id of the client when it is short and
// plain, or a fresh random one.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 64 && plainID(id) {
		return id
	}
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func plainID(s string) bool {
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Flush implements http.Flusher for streamed answers.
func (w *recorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe wraps a request with its id (X-Request-Id in and out), one
// structured log line and the request metrics, labelled by route template.
func (s *Server) observe(w http.ResponseWriter, r *http.Request, next http.Handler) {
	start := time.Now()
	ri := &reqInfo{id: requestID(r), route: "unmatched"}
	w.Header().Set("X-Request-Id", ri.id)
	rec := &recorder{ResponseWriter: w}
	r = r.WithContext(context.WithValue(r.Context(), infoKey{}, ri))
	s.metrics.inFlight.Inc()
	defer func() {
		s.metrics.inFlight.Dec()
		p := recover()
		st := rec.status
		switch {
		case p != nil:
			st = 499 // aborted: the answer was cut short
			if rec.status == 0 {
				st = http.StatusInternalServerError
			}
		case st == 0:
			st = http.StatusOK
		}
		if r.Context().Err() != nil && rec.status == 0 {
			st = 499 // the client went away before an answer
		}
		d := time.Since(start)
		code := strconv.Itoa(st)
		s.metrics.requests.WithLabelValues(ri.route, r.Method, code).Inc()
		s.metrics.duration.WithLabelValues(ri.route, r.Method, code).Observe(d.Seconds())
		level := slog.LevelInfo
		if st >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", ri.id), slog.String("method", r.Method), slog.String("route", ri.route),
			slog.String("path", r.URL.Path), slog.Int("status", st), slog.Int64("bytes", rec.bytes),
			slog.Float64("duration_ms", float64(d.Microseconds())/1000), slog.String("role", ri.role),
			slog.String("remote", r.RemoteAddr))
		if p != nil {
			panic(p)
		}
	}()
	next.ServeHTTP(rec, r)
}

// routed is mux middleware (it runs once a route matched): it records the
// route template and bounds the request body, uploads by MaxUpload and
// everything else by DefaultMaxBody.
func (s *Server) routed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(DefaultMaxBody)
		if route := mux.CurrentRoute(r); route != nil {
			tmpl, _ := route.GetPathTemplate()
			info(r).route = tmpl
			if route.GetName() == routeUpload {
				limit = s.maxUpload()
			}
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// routeUpload names the upload route, whose body limit is MaxUpload.
const routeUpload = "upload"

func (s *Server) maxUpload() int64 {
	if s.cfg.MaxUpload > 0 {
		return s.cfg.MaxUpload
	}
	return DefaultMaxUpload
}
