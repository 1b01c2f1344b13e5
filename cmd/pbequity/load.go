package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/ingest/demo"
	"github.com/pbequity/pbequity/queries"
	"github.com/pbequity/pbequity/server"
)

// loadRoute is one route the load generator drives.
type loadRoute struct {
	name    string
	clients int
	// do sends one request and reports its status.
	do func(ctx context.Context, c *http.Client) (int, error)
	// goal: at least rps requests per second with p99 below p99, no errors (0: none).
	rps float64
	p99 time.Duration
}

// loadStats are the latencies and errors of one route.
type loadStats struct {
	lat    []time.Duration
	errors int
	first  string
}

// cmdLoad is the hidden `pbequity load` command behind `make load`: it
// starts the service on 127.0.0.1:0 with a fresh demo database in a
// temporary directory, drives the cached report, the indicators and the
// query API with concurrent clients for a fixed time while uploads run into
// the other demo cycle, and prints throughput, p50 and p99 latency and errors
// per route. It never listens beyond the loopback interface and stops by
// itself.
func cmdLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("load", stderr)
	duration := fs.Duration("duration", 10*time.Second, "how long to drive the routes (at most 2m)")
	clients := fs.Int("clients", 8, "concurrent clients for each of the report and indicators routes")
	participants := fs.Int("participants", 20000, "participants of the demo cycle")
	uploadRows := fs.Int("upload-rows", 20000, "vote rows in each upload")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *duration <= 0 || *duration > 2*time.Minute {
		return pbequity.Errorf(pbequity.EINVALID, "--duration must be between 0 and 2m")
	}
	dir, err := os.MkdirTemp("", "pbequity-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := queries.Open(ctx, filepath.Join(dir, "load.duckdb"))
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(stdout, "demo city with %d participants…\n", *participants)
	if err := loadDemo(ctx, db, demo.Options{Participants: *participants, Seed: 1403}, io.Discard); err != nil {
		return err
	}
	analyst, citizen := newToken(), newToken()
	for tok, role := range map[string]string{analyst: pbequity.RoleAnalyst, citizen: pbequity.RoleCitizen} {
		if err := db.CreateToken(ctx, server.HashToken(tok), role, "load", time.Now().Add(time.Hour)); err != nil {
			return err
		}
	}
	readCycle, writeCycle := demo.CycleIDs[0], demo.CycleIDs[1]
	projectSet, err := db.ProjectIDs(ctx, writeCycle)
	if err != nil {
		return err
	}
	projects := make([]string, 0, len(projectSet))
	for id := range projectSet {
		projects = append(projects, id)
	}
	sort.Strings(projects)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	// Request logs go nowhere, but are formatted as in production.
	srv := &http.Server{Handler: newHandler(db, 5, slog.New(slog.NewJSONHandler(io.Discard, nil))), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute, DisableCompression: true}}

	getter := func(path string) func(context.Context, *http.Client) (int, error) {
		return func(ctx context.Context, c *http.Client) (int, error) {
			req, _ := http.NewRequestWithContext(ctx, "GET", base+path, nil)
			return send(c, req)
		}
	}
	querySQL, _ := json.Marshal(map[string]any{"sql": "SELECT p.gender, count(*) AS votes FROM votes v JOIN participants p USING (cycle_id, participant_id) WHERE v.cycle_id = $cycle GROUP BY p.gender ORDER BY p.gender", "params": map[string]string{"cycle": readCycle}})
	uploads := 0
	var upMu sync.Mutex
	routes := []loadRoute{
		{name: "GET /cycles/{cycle}/report (cached)", clients: *clients, do: getter("/cycles/" + readCycle + "/report"), rps: 1000, p99: 50 * time.Millisecond},
		{name: "GET /api/v1/cycles/{cycle}/indicators", clients: *clients, do: getter("/api/v1/cycles/" + readCycle + "/indicators"), rps: 1000, p99: 50 * time.Millisecond},
		{name: "POST /api/v1/query", clients: 2, do: func(ctx context.Context, c *http.Client) (int, error) {
			req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/query", bytes.NewReader(querySQL))
			req.Header.Set("Authorization", "Bearer "+analyst)
			req.Header.Set("Content-Type", "application/json")
			return send(c, req)
		}},
		{name: "POST /api/v1/cycles/{cycle}/uploads", clients: 1, do: func(ctx context.Context, c *http.Client) (int, error) {
			upMu.Lock()
			uploads++
			n := uploads
			upMu.Unlock()
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			fw, _ := mw.CreateFormFile("file", fmt.Sprintf("load-votes-%d.csv", n))
			io.WriteString(fw, "participant_id,project_id\n")
			for i := range *uploadRows {
				fmt.Fprintf(fw, "load-%d-%d,%s\n", n, i/3, projects[(i*7+n)%len(projects)])
			}
			mw.Close()
			req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/cycles/"+writeCycle+"/uploads", &body)
			req.Header.Set("Authorization", "Bearer "+citizen)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			return send(c, req)
		}},
	}
	// Warm the caches once, as a councillor's first visit would.
	for _, rt := range routes[:2] {
		if code, err := rt.do(ctx, client); err != nil || code != 200 {
			return fmt.Errorf("warm %s: %d %v", rt.name, code, err)
		}
	}

	fmt.Fprintf(stdout, "driving %s on %s for %s (reads of %s while uploads of %d vote rows go into %s)…\n",
		strings.Join(routeNames(routes), ", "), base, *duration, readCycle, *uploadRows, writeCycle)
	run, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	stats := make([][]*loadStats, len(routes))
	var wg sync.WaitGroup
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	for i, rt := range routes {
		for range rt.clients {
			st := &loadStats{}
			stats[i] = append(stats[i], st)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for run.Err() == nil {
					t0 := time.Now()
					code, err := rt.do(run, client)
					if run.Err() != nil && err != nil {
						return // cut off by the end of the run, not an error
					}
					st.lat = append(st.lat, time.Since(t0))
					if err == nil && code >= 400 {
						err = fmt.Errorf("status %d", code)
					}
					if err != nil {
						st.errors++
						if st.first == "" {
							st.first = err.Error()
						}
					}
				}
			}()
		}
	}
	wg.Wait()
	elapsed := time.Since(start)

	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "route\tclients\trequests\treq/s\tp50 ms\tp99 ms\tmax ms\terrors\tgoal\t")
	var missed []string
	for i, rt := range routes {
		var all []time.Duration
		errs, first := 0, ""
		for _, st := range stats[i] {
			all = append(all, st.lat...)
			errs += st.errors
			if first == "" {
				first = st.first
			}
		}
		slices.Sort(all)
		rps := float64(len(all)) / elapsed.Seconds()
		p50, p99, mx := quantile(all, 0.50), quantile(all, 0.99), quantile(all, 1)
		goal := "-"
		if rt.rps > 0 {
			goal = "met"
			if rps < rt.rps || p99 >= rt.p99 || errs > 0 {
				goal = "MISSED"
				missed = append(missed, rt.name)
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%d\t%s\t\n", rt.name, rt.clients, len(all), rps, millis(p50), millis(p99), millis(mx), errs, goal)
		if first != "" {
			defer fmt.Fprintf(stdout, "  first error of %s: %s\n", rt.name, first)
		}
	}
	tw.Flush()
	rows, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes WHERE cycle_id = ? AND participant_id LIKE 'load-%'", writeCycle)
	fmt.Fprintf(stdout, "%d vote rows uploaded during the run; %.1f s measured\n", rows, elapsed.Seconds())
	fmt.Fprintf(stdout, "goal: cached report and indicators each ≥ 1,000 req/s with p99 < 50 ms and no errors, while uploads proceed: ")
	if len(missed) > 0 {
		fmt.Fprintf(stdout, "MISSED (%s)\n", strings.Join(missed, "; "))
		return errors.New("load goal missed")
	}
	fmt.Fprintln(stdout, "met")
	return nil
}

// send does req and drains the answer so the connection is reused.
func send(c *http.Client, req *http.Request) (int, error) {
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func routeNames(rs []loadRoute) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.name
	}
	return out
}
