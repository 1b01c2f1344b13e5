package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pbequity/pbequity/queries"
)

// dbCounts are the row counts a failed upload must leave as they were.
type dbCounts struct{ cycles, datasets, projects, participants, votes int64 }

func countRows(t *testing.T, db *queries.DB) dbCounts {
	t.Helper()
	var c dbCounts
	for _, x := range []struct {
		n     *int64
		table string
	}{{&c.cycles, "cycles"}, {&c.datasets, "datasets"}, {&c.projects, "projects"}, {&c.participants, "participants"}, {&c.votes, "votes"}} {
		n, err := db.QueryInt(context.Background(), "SELECT count(*) FROM "+x.table)
		if err != nil {
			t.Fatalf("count %s: %v", x.table, err)
		}
		*x.n = n
	}
	return c
}

// seedDB creates a database with one small upload already loaded, so that
// "unchanged" means more than empty: cycle "seed" with the first thousand
// rows of each file. Cycle "crash" exists and is empty, for the upload that
// is interrupted.
func seedDB(t *testing.T, path string, files []string) dbCounts {
	t.Helper()
	ctx := context.Background()
	db, err := queries.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	createCycle(t, db, "seed")
	createCycle(t, db, "crash")
	small := filepath.Join(t.TempDir(), "small")
	os.Mkdir(small, 0o755)
	var paths []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfterN(string(b), "\n", 1002)
		p := filepath.Join(small, filepath.Base(f))
		os.WriteFile(p, []byte(strings.Join(lines[:min(len(lines), 1001)], "")), 0o644)
		paths = append(paths, p)
	}
	// Votes are written voter by voter: the first thousand name only
	// participants among the first thousand.
	if _, err := uploadFiles(ctx, &uploader{db: db}, "seed", paths); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return countRows(t, db)
}

// TestCancelMidLoad cancels an upload's context while its rows are being
// written and checks that the database is as it was before.
func TestCancelMidLoad(t *testing.T) {
	dir := t.TempDir()
	sink := writeDemoCSV(t, dir, 100_000)
	path := filepath.Join(dir, "cancel.duckdb")
	before := seedDB(t, path, sink.Paths())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := queries.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var written int64
	u := &uploader{db: db, maxRows: 100_000_000, progress: func(done, total int64) {
		if written == 0 && done >= total/3 {
			written = done
			cancel()
		}
	}}
	paths := sink.Paths()
	_, err = uploadFiles(ctx, u, "crash", paths)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("upload = %v, want context.Canceled", err)
	}
	if written == 0 {
		t.Fatal("the upload was not cancelled while writing rows")
	}
	if after := countRows(t, db); after != before {
		t.Errorf("after cancelling at row %d: %+v, want %+v as before", written, after, before)
	}
	// The database still takes the same upload whole.
	if _, err := uploadFiles(context.Background(), &uploader{db: db, maxRows: 100_000_000}, "crash", paths); err != nil {
		t.Fatalf("upload after the cancelled one: %v", err)
	}
	if after := countRows(t, db); after.votes != before.votes+int64(sink.n.votes) {
		t.Errorf("after a full upload %d votes, want %d", after.votes, before.votes+int64(sink.n.votes))
	}
}

// TestCrashKilledIngest builds the binary, starts `pbequity ingest` on a
// large votes file, kills it with SIGKILL while it writes, then reopens the
// database file: it opens, and holds nothing of that upload.
func TestCrashKilledIngest(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("watches /proc to kill the child mid-load; Linux only")
	}
	if testing.Short() {
		t.Skip("builds the binary and loads a million participants")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "pbequity")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	sink := writeDemoCSV(t, dir, 1_000_000)
	path := filepath.Join(dir, "crash.duckdb")
	before := seedDB(t, path, sink.Paths())
	var input int64
	for _, p := range sink.Paths() {
		fi, _ := os.Stat(p)
		input += fi.Size()
	}

	cmd := exec.Command(bin, append([]string{"ingest", "--db", path, "--cycle", "crash"}, sink.Paths()...)...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Files are decoded and validated whole before the first row is written:
	// once the child has read all its input it is loading. Kill it a little
	// later, inside the transaction.
	deadline := time.Now().Add(2 * time.Minute)
	for readBytes(cmd.Process.Pid) < input {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the child did not read its input in time")
		}
		select {
		case err := <-done:
			t.Fatalf("ingest ended before it was killed: %v\n%s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	// DuckDB writes large appends to the database file before the commit
	// (optimistic writes): once the file grows, rows are being written.
	size0 := fileSize(path) + fileSize(path+".wal")
	for grown := time.Now().Add(10 * time.Second); fileSize(path)+fileSize(path+".wal") == size0 && time.Now().Before(grown); {
		time.Sleep(10 * time.Millisecond)
	}
	grew := fileSize(path) + fileSize(path+".wal") - size0
	time.Sleep(100 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := <-done
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("ingest finished before the kill (%v); make the load larger\n%s", err, stderr.String())
	}

	db, err := queries.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen after the kill: %v", err)
	}
	defer db.Close()
	if after := countRows(t, db); after != before {
		t.Errorf("after killing the ingest: %+v, want %+v as before", after, before)
	}
	if n, err := db.QueryInt(context.Background(), "SELECT count(*) FROM datasets WHERE cycle_id = 'crash'"); err != nil || n != 0 {
		t.Errorf("datasets of the killed upload: %d (%v), want none", n, err)
	}
	// The file is whole: the seed's rows read back.
	if n, err := db.QueryInt(context.Background(), "SELECT count(DISTINCT participant_id) FROM votes WHERE cycle_id = 'seed'"); err != nil || n == 0 {
		t.Errorf("seed voters after the kill: %d, %v", n, err)
	}
	t.Logf("killed after reading %d bytes, with the database file %d bytes larger; database unchanged: %+v", input, grew, before)
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// readBytes returns the bytes a process has read so far (rchar of
// /proc/PID/io), or 0.
func readBytes(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "rchar:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}
