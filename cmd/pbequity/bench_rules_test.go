package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/internal/shareddata"
	"github.com/pbequity/pbequity/queries"
)

// pabutoolsMES is the time the reference Python implementation (pabutools)
// needs for one plain run of the Method of Equal Shares on
// Poland_Warszawa_2026.pb on this machine (shared/data/pabulib/README.md);
// it cannot be run here (no PyPI), so it is the stated baseline.
const pabutoolsMES = 7 * time.Second

// BenchmarkOutcomeProcess times the whole `pbequity outcome` process on
// Poland_Warszawa_2026.pb loaded in a DuckDB file, for each rule, and prints
// each as a ratio to `pbequity outcome --rule greedy` measured in the same
// run, and Equal Shares as a speed-up over pabutools.
func BenchmarkOutcomeProcess(b *testing.B) {
	dir := shareddata.PabulibDir(b)
	tmp := b.TempDir()
	bin := filepath.Join(tmp, "pbequity")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	dbPath := filepath.Join(tmp, "w.duckdb")
	ctx := context.Background()
	db, err := queries.Open(ctx, dbPath)
	if err != nil {
		b.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "Poland_Warszawa_2026.pb"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := (&uploader{db: db}).Upload(ctx, pbequity.UploadRequest{CycleID: "w26",
		Files: []pbequity.UploadFile{{Name: "Poland_Warszawa_2026.pb", Body: bytes.NewReader(raw)}}}); err != nil {
		b.Fatal(err)
	}
	db.Close()
	run := func(args ...string) time.Duration {
		best := time.Duration(1 << 62)
		for i := 0; i < 5; i++ {
			start := time.Now()
			out, err := exec.Command(bin, append([]string{"outcome", "--db", dbPath, "--cycle", "w26"}, args...)...).CombinedOutput()
			if err != nil {
				b.Fatalf("outcome %v: %v\n%s", args, err, out)
			}
			if d := time.Since(start); d < best {
				best = d
			}
		}
		return best
	}
	for i := 0; i < b.N; i++ {
		base := run("--rule", "greedy")
		mes := run("--rule", "mes-approval", "--completion", "none")
		add1 := run("--rule", "mes-cost", "--completion", "add1")
		phr := run("--rule", "phragmen")
		b.ReportMetric(float64(base.Milliseconds()), "greedy-ms")
		b.ReportMetric(float64(mes.Milliseconds()), "mes-approval-none-ms")
		b.ReportMetric(float64(mes)/float64(base), "mes/greedy")
		b.ReportMetric(float64(pabutoolsMES)/float64(mes), "x-faster-than-pabutools")
		b.ReportMetric(float64(add1.Milliseconds()), "mes-cost-add1-ms")
		b.ReportMetric(float64(phr.Milliseconds()), "phragmen-ms")
	}
}
