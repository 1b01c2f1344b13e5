package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/queries"
	"github.com/pbequity/pbequity/server"
)

// buildBinary builds pbequity into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("signals a child process; Linux only")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "pbequity")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// served is a `pbequity serve` child process.
type served struct {
	cmd  *exec.Cmd
	url  string
	out  *syncBuffer
	done chan error
}

// serve starts `pbequity serve` on 127.0.0.1:0 with the database at path and
// waits until it listens.
func serve(t *testing.T, bin, path string, args ...string) *served {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", path, "--no-demo"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &served{cmd: cmd, out: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = s.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			s.out.Write([]byte(line + "\n"))
			if rest, ok := strings.CutPrefix(line, "pbequity serving "); ok {
				urls <- strings.Fields(rest)[0]
			}
		}
	}()
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-s.done
	})
	select {
	case s.url = <-urls:
	case err := <-s.done:
		s.done <- err
		t.Fatalf("serve exited: %v\n%s", err, s.out.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start\n%s", s.out.String())
	}
	return s
}

// wait waits for the child to exit and returns its error.
func (s *served) wait(t *testing.T, timeout time.Duration) error {
	t.Helper()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		return err
	case <-time.After(timeout):
		t.Fatalf("serve still running after %s\n%s", timeout, s.out.String())
	}
	return nil
}

// slowUpload streams a multipart upload of one file through a pipe: the
// body is written by the caller's write function, which may pause.
func slowUpload(ctx context.Context, url, token, name string, write func(w io.Writer) error) (int, string, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		fw, err := mw.CreateFormFile("file", name)
		if err == nil {
			err = write(fw)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequestWithContext(ctx, "POST", url, pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

// faultDB creates a database with cycle "crash", its 40 projects and an
// admin token.
func faultDB(t *testing.T, path string) string {
	t.Helper()
	ctx := context.Background()
	db, err := queries.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	createCycle(t, db, "crash")
	var sb strings.Builder
	sb.WriteString("project_id,title,cost,category\n")
	for i := range 40 {
		fmt.Fprintf(&sb, "p%02d,Project %d,%d,social\n", i, i, 1_000_000*(i+1))
	}
	p := filepath.Join(t.TempDir(), "projects.csv")
	os.WriteFile(p, []byte(sb.String()), 0o644)
	if _, err := uploadFiles(ctx, &uploader{db: db}, "crash", []string{p}); err != nil {
		t.Fatal(err)
	}
	tok := newToken()
	if err := db.CreateToken(ctx, server.HashToken(tok), pbequity.RoleAdmin, "fault", time.Time{}); err != nil {
		t.Fatal(err)
	}
	return tok
}

// voteRows writes n vote rows for cycle crash, in chunks of chunk rows,
// calling pause after each chunk.
func voteRows(w io.Writer, n, chunk int, pause func(done int) error) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	bw.WriteString("participant_id,project_id\n")
	for i := range n {
		fmt.Fprintf(bw, "v%08d,p%02d\n", i/3, (i*7)%40)
		if (i+1)%chunk == 0 {
			if err := bw.Flush(); err != nil {
				return err
			}
			if err := pause(i + 1); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// remoteCount runs a counting statement on a served database through the API.
func remoteCount(t *testing.T, url, token, sql string) int64 {
	t.Helper()
	code, body, _ := postQuery(t, url, token, "", map[string]string{"sql": sql})
	if code != 200 {
		t.Fatalf("%s: %d %s", sql, code, body)
	}
	var a queryAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil || len(a.Rows) != 1 {
		t.Fatalf("%s: %s", sql, body)
	}
	n, _ := a.Rows[0][0].(float64)
	return int64(n)
}

// TestGracefulShutdown starts the real binary, begins a slow upload, sends
// SIGTERM while the upload is still arriving, and checks that the upload
// completes (201, rows in the database), that no new connection is taken,
// and that the process exits cleanly.
func TestGracefulShutdown(t *testing.T) {
	bin := buildBinary(t)
	path := filepath.Join(t.TempDir(), "shutdown.duckdb")
	tok := faultDB(t, path)
	s := serve(t, bin, path)
	const rows = 30_000
	termed := make(chan struct{})
	type answer struct {
		code int
		body string
		err  error
	}
	res := make(chan answer, 1)
	start := time.Now()
	go func() {
		code, body, err := slowUpload(context.Background(), s.url+"/api/v1/cycles/crash/uploads", tok, "votes.csv", func(w io.Writer) error {
			return voteRows(w, rows, 1000, func(done int) error {
				if done == rows/2 {
					s.cmd.Process.Signal(syscall.SIGTERM)
					close(termed)
					time.Sleep(300 * time.Millisecond) // the server is shutting down meanwhile
				}
				time.Sleep(10 * time.Millisecond)
				return nil
			})
		})
		res <- answer{code, body, err}
	}()
	<-termed
	time.Sleep(100 * time.Millisecond)
	if resp, err := http.Get(s.url + "/healthz"); err == nil {
		resp.Body.Close()
		t.Errorf("a new request after SIGTERM was answered (%d); want the listener closed", resp.StatusCode)
	}
	a := <-res
	if a.err != nil || a.code != http.StatusCreated {
		t.Fatalf("upload in flight at SIGTERM: %d %v %s\n%s", a.code, a.err, a.body, s.out.String())
	}
	if err := s.wait(t, 30*time.Second); err != nil {
		t.Fatalf("serve after SIGTERM: %v\n%s", err, s.out.String())
	}
	t.Logf("upload of %d rows in flight at SIGTERM completed after %s; the process exited cleanly", rows, time.Since(start).Round(time.Millisecond))
	if !strings.Contains(s.out.String(), "stopped") {
		t.Errorf("serve did not say it stopped:\n%s", s.out.String())
	}
	db, err := queries.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, _ := db.QueryInt(context.Background(), "SELECT count(*) FROM votes WHERE cycle_id = 'crash'"); n != rows {
		t.Errorf("votes after the graceful shutdown: %d, want %d", n, rows)
	}
}

// TestKillMidUpload kills the served binary with SIGKILL in the middle of a
// large upload streamed over HTTP — once while the body is still arriving,
// once while its rows are being written — restarts it on the same file, and
// finds that the database opens and holds none or all of that upload.
func TestKillMidUpload(t *testing.T) {
	bin := buildBinary(t)
	const rows = 1_500_000
	for _, phase := range []string{"sending", "loading"} {
		t.Run(phase, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "kill.duckdb")
			tok := faultDB(t, path)
			s := serve(t, bin, path)
			pid := s.cmd.Process.Pid
			killed := make(chan struct{})
			kill := func() {
				select {
				case <-killed:
				default:
					s.cmd.Process.Signal(syscall.SIGKILL)
					close(killed)
				}
			}
			sent := make(chan struct{})
			res := make(chan error, 1)
			go func() {
				code, body, err := slowUpload(context.Background(), s.url+"/api/v1/cycles/crash/uploads", tok, "votes.csv", func(w io.Writer) error {
					err := voteRows(w, rows, 50_000, func(done int) error {
						if phase == "sending" && done == rows/2 {
							kill()
						}
						time.Sleep(5 * time.Millisecond)
						return nil
					})
					close(sent)
					return err
				})
				if err == nil {
					err = fmt.Errorf("answered %d %.200s", code, body)
				}
				res <- err
			}()
			if phase == "loading" {
				// The body is parsed whole before a row is written: once it
				// is sent and the database file grows, rows are being written.
				<-sent
				size0 := fileSize(path) + fileSize(path+".wal")
				for grown := time.Now().Add(20 * time.Second); fileSize(path)+fileSize(path+".wal") == size0 && time.Now().Before(grown); {
					time.Sleep(5 * time.Millisecond)
				}
				grew := fileSize(path) + fileSize(path+".wal") - size0
				if grew == 0 {
					t.Fatalf("the database file did not grow after the body was sent\n%s", s.out.String())
				}
				time.Sleep(50 * time.Millisecond)
				kill()
				t.Logf("killed with the database file %d bytes larger: rows were being written", grew)
			}
			err := <-res
			<-killed
			werr := s.wait(t, 10*time.Second)
			var ee *exec.ExitError
			if !errors.As(werr, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("serve (pid %d) was not killed: %v", pid, werr)
			}
			t.Logf("client saw: %v", err)

			// Restart on the same file: it opens, answers, and holds none or all of the upload.
			s2 := serve(t, bin, path)
			if code, body, _ := get(t, s2.url+"/healthz"); code != 200 {
				t.Fatalf("healthz after restart: %d %s", code, body)
			}
			votes := remoteCount(t, s2.url, tok, "SELECT count(*) FROM votes WHERE cycle_id = 'crash'")
			datasets := remoteCount(t, s2.url, tok, "SELECT count(*) FROM datasets WHERE cycle_id = 'crash' AND kind = 'votes'")
			projects := remoteCount(t, s2.url, tok, "SELECT count(*) FROM projects WHERE cycle_id = 'crash'")
			switch {
			case votes == 0 && datasets == 0:
				t.Logf("killed while %s: the database holds none of the upload", phase)
			case votes == rows && datasets == 1:
				t.Logf("killed while %s: the upload had committed; the database holds all of it", phase)
			default:
				t.Errorf("after the kill while %s: %d votes in %d datasets; want none or all %d", phase, votes, datasets, rows)
			}
			if phase == "sending" && votes != 0 {
				t.Errorf("killed while the body was arriving, yet %d votes are stored", votes)
			}
			if projects != 40 {
				t.Errorf("projects of the earlier upload: %d, want 40", projects)
			}
			// The restarted server still takes uploads.
			code, out := post(t, s2.url+"/api/v1/cycles/crash/uploads", tok, nil, map[string]string{"after.csv": "participant_id,project_id\nafter-1,p01\n"})
			if code != 201 {
				t.Errorf("upload after restart: %d %v", code, out)
			}
			s2.cmd.Process.Signal(syscall.SIGTERM)
			if err := s2.wait(t, 30*time.Second); err != nil {
				t.Errorf("restarted serve after SIGTERM: %v", err)
			}
		})
	}
}

// TestClientGoneMidUpload drops the connection of an upload while its body
// is arriving and again just after it was sent (while rows are written):
// nothing of it stays in the database.
func TestClientGoneMidUpload(t *testing.T) {
	_, db := testServer(t, 200)
	ctx := context.Background()
	var logs syncBuffer
	srv := httptest.NewServer(newHandler(db, 5, slog.New(slog.NewJSONHandler(&logs, nil))))
	defer srv.Close()
	createCycle(t, db, "crash")
	var sb strings.Builder
	sb.WriteString("project_id,title,cost\n")
	for i := range 40 {
		fmt.Fprintf(&sb, "p%02d,Project %d,1000\n", i, i)
	}
	if code, out := post(t, srv.URL+"/api/v1/cycles/crash/uploads", tokenFor(t, db, pbequity.RoleAdmin), nil,
		map[string]string{"projects.csv": sb.String()}); code != 201 {
		t.Fatalf("projects: %d %v", code, out)
	}
	tok := tokenFor(t, db, pbequity.RoleCitizen)
	before := countRows(t, db)
	for i, phase := range []string{"sending", "loading"} {
		t.Run(phase, func(t *testing.T) {
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			const rows = 600_000
			_, _, err := slowUpload(cctx, srv.URL+"/api/v1/cycles/crash/uploads", tok, fmt.Sprintf("gone-%d.csv", i), func(w io.Writer) error {
				err := voteRows(w, rows, 20_000, func(done int) error {
					if phase == "sending" && done == rows/2 {
						cancel()
					}
					return nil
				})
				if phase == "loading" {
					go func() { time.Sleep(20 * time.Millisecond); cancel() }()
				}
				return err
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("the client was not cut off: %v", err)
			}
			// Wait for the server to finish with the request.
			deadline := time.Now().Add(30 * time.Second)
			for strings.Count(logs.String(), `"route":"/api/v1/cycles/{cycle}/uploads"`) < i+2 {
				if time.Now().After(deadline) {
					t.Fatalf("the server did not finish the request:\n%s", logs.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			if after := countRows(t, db); after != before {
				t.Errorf("client gone while %s: %+v, want %+v as before", phase, after, before)
			}
		})
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	t.Logf("server log of the dropped uploads:\n%s\n%s", lines[len(lines)-2], lines[len(lines)-1])
}
