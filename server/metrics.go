package server

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/reports"
)

// metrics are the Prometheus metrics of one Server, in a registry of its
// own (no global state).
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	inFlight  prometheus.Gauge
	uploads   *prometheus.CounterVec
	rows      *prometheus.CounterVec
	queryTime *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pbequity_http_requests_total",
			Help: "HTTP requests by route template, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "pbequity_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route template, method and status.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"route", "method", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "pbequity_http_requests_in_flight",
			Help: "HTTP requests being answered.",
		}),
		uploads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pbequity_uploads_total",
			Help: "Uploads by result: loaded, refused (row errors or conflicts) or failed.",
		}, []string{"result"}),
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pbequity_upload_rows_total",
			Help: "Rows loaded by uploads, by kind of file.",
		}, []string{"kind"}),
		queryTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "pbequity_query_duration_seconds",
			Help:    "Time to run an analyst's statement, by source (adhoc or saved) and result (ok or error).",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"source", "result"}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.inFlight, m.uploads, m.rows, m.queryTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// countingUploader records uploads and their rows.
type countingUploader struct {
	Uploader
	m *metrics
}

func (u countingUploader) Upload(ctx context.Context, req pbequity.UploadRequest) (*pbequity.UploadResult, error) {
	res, err := u.Uploader.Upload(ctx, req)
	switch code := pbequity.ErrorCode(err); {
	case err == nil:
		u.m.uploads.WithLabelValues("loaded").Inc()
		for _, ds := range res.Datasets {
			u.m.rows.WithLabelValues(ds.Kind).Add(float64(ds.Rows))
		}
	case code == pbequity.EINTERNAL:
		u.m.uploads.WithLabelValues("failed").Inc()
	default:
		u.m.uploads.WithLabelValues("refused").Inc()
	}
	return res, err
}

// timedQuerier records the duration of every statement.
type timedQuerier struct {
	Querier
	m *metrics
}

func (q timedQuerier) Query(ctx context.Context, req QueryRequest, out reports.ResultWriter) (QueryStats, error) {
	start := time.Now()
	st, err := q.Querier.Query(ctx, req, out)
	source, result := "adhoc", "ok"
	if req.Saved != "" {
		source = "saved"
	}
	if err != nil {
		result = "error"
	}
	q.m.queryTime.WithLabelValues(source, result).Observe(time.Since(start).Seconds())
	return st, err
}
