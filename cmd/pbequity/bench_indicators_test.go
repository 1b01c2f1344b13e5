package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/pbequity/pbequity/analytics"
	"github.com/pbequity/pbequity/ingest/demo"
	"github.com/pbequity/pbequity/queries"
	"github.com/pbequity/pbequity/reports"
)

// benchIndicatorsCycle is the newest demo cycle, the one with
// PBEQUITY_BENCH_PARTICIPANTS participants.
const benchIndicatorsCycle = "tehran-1403"

// BenchmarkIndicators times every indicator of the demo cycle with 2 million
// participants (PBEQUITY_BENCH_PARTICIPANTS to change it) against the bare
// aggregation SQL in the same run: (a) the statements (*queries.DB).Aggregates
// runs, each drained one after the other; (b) Aggregates and analytics.Compute.
// The goal is (b)/(a) ≤ 1.5 and (b) under 2 s. It also times the HTML report
// cold (a fresh reports.Service: summary, aggregates, indicators, render)
// and cached.
func BenchmarkIndicators(b *testing.B) {
	n := 2_000_000
	if v := os.Getenv("PBEQUITY_BENCH_PARTICIPANTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("PBEQUITY_BENCH_PARTICIPANTS=%q: %v", v, err)
		}
	}
	ctx := context.Background()
	db, err := queries.Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	if err := loadDemo(ctx, db, demo.Options{Participants: n, Seed: 1403}, io.Discard); err != nil {
		b.Fatal(err)
	}
	votes, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes WHERE cycle_id = ?", benchIndicatorsCycle)
	events, _ := db.QueryInt(ctx, "SELECT count(*) FROM participation WHERE cycle_id = ?", benchIndicatorsCycle)
	fmt.Printf("indicators bench: demo of %d participants (%d votes, %d participation events) generated in %s (not timed)\n",
		n, votes, events, time.Since(start).Round(time.Millisecond))
	opt := analytics.Options{Seed: 1}

	b.Run("compute", func(b *testing.B) {
		var bare, full []time.Duration
		for i := 0; i < b.N; i++ {
			for rep := 0; rep < 3; rep++ {
				t0 := time.Now()
				for _, name := range queries.AggregateStatements {
					q, err := queries.Statement(name)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := db.Drain(ctx, q, benchIndicatorsCycle); err != nil {
						b.Fatalf("%s: %v", name, err)
					}
				}
				bare = append(bare, time.Since(t0))

				t0 = time.Now()
				agg, err := db.Aggregates(ctx, benchIndicatorsCycle)
				if err != nil {
					b.Fatal(err)
				}
				ind, err := analytics.Compute(*agg, opt)
				if err != nil {
					b.Fatal(err)
				}
				full = append(full, time.Since(t0))
				if ind.Distribution.Gini.Value == nil {
					b.Fatalf("no Gini: %+v", ind.Distribution.Gini)
				}
			}
		}
		a, f := median(bare), median(full)
		ratio := float64(f) / float64(a)
		b.ReportMetric(ms(a), "sql-ms")
		b.ReportMetric(ms(f), "indicators-ms")
		b.ReportMetric(ratio, "indicators/sql")
		fmt.Printf("indicators bench: %d participants: bare aggregation SQL %s, Aggregates + Compute %s, ratio %.3f (goal ≤ 1.5, and under 2 s)\n",
			n, a.Round(time.Millisecond), f.Round(time.Millisecond), ratio)
	})

	b.Run("report", func(b *testing.B) {
		var cold, cached []time.Duration
		for i := 0; i < b.N; i++ {
			svc := reports.NewService(db, opt)
			t0 := time.Now()
			page, err := svc.Report(ctx, benchIndicatorsCycle, "fa")
			if err != nil || len(page) == 0 {
				b.Fatalf("report: %d bytes, %v", len(page), err)
			}
			cold = append(cold, time.Since(t0))
			t0 = time.Now()
			if _, err := svc.Report(ctx, benchIndicatorsCycle, "fa"); err != nil {
				b.Fatal(err)
			}
			cached = append(cached, time.Since(t0))
		}
		c, w := median(cold), median(cached)
		b.ReportMetric(ms(c), "cold-ms")
		b.ReportMetric(float64(w.Nanoseconds())/1000, "cached-µs")
		fmt.Printf("indicators bench: report of %d participants (fa): cold %s (cycle summary, aggregates, indicators, render), cached %s\n",
			n, c.Round(time.Millisecond), w)
	})
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
