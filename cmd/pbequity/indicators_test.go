package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/analytics"
	"github.com/pbequity/pbequity/queries"
)

// TestIndicatorsOnPabulib loads every shared Pabulib file whose voters have
// a sex field through the real upload path and computes the indicators:
// the vote stage counts women and men exactly as the file and SQL do, no
// figure is NaN, every figure without a value says why, and no published
// count of people is below the suppression threshold.
func TestIndicatorsOnPabulib(t *testing.T) {
	files := sharedPabulibFiles(t)
	ctx := context.Background()
	db := tempDB(t)
	u := &uploader{db: db}
	tested := 0
	for _, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		fileF, fileM, ok := votersBySex(raw)
		if !ok {
			continue // no sex field: nothing to say about gender
		}
		tested++
		name := filepath.Base(path)
		id := pabulibCycleID(name)
		t.Run(name, func(t *testing.T) {
			if _, err := u.Upload(ctx, pbequity.UploadRequest{CycleID: id, Role: "admin",
				Files: []pbequity.UploadFile{{Name: name, Body: bytes.NewReader(raw)}}}); err != nil {
				t.Fatalf("upload: %v", err)
			}
			sqlF := votersOfSex(t, db, id, "F")
			sqlM := votersOfSex(t, db, id, "M")
			if sqlF != fileF || sqlM != fileM {
				t.Fatalf("voters by sex in SQL F %d M %d, in the file F %d M %d", sqlF, sqlM, fileF, fileM)
			}
			agg, err := db.Aggregates(ctx, id)
			if err != nil {
				t.Fatalf("Aggregates: %v", err)
			}
			for _, k := range []int{5, 10} {
				ind, err := analytics.Compute(*agg, analytics.Options{K: k, Seed: 1})
				if err != nil {
					t.Fatalf("Compute(K=%d): %v", k, err)
				}
				checkIndicators(t, ind, k)
				vote := funnelRow(t, ind, "vote")
				checkCount(t, "vote F", vote.Counts.F, sqlF, k)
				checkCount(t, "vote M", vote.Counts.M, sqlM, k)
				total, _ := db.QueryInt(ctx, "SELECT count(DISTINCT participant_id) FROM votes WHERE cycle_id = ?", id)
				checkCount(t, "voters", ind.Representation.Voters, total, k)
				if ws := vote.WomenShare.Value; ws == nil || !scalar.EqualWithinAbsOrRel(*ws, float64(sqlF)/float64(sqlF+sqlM), 1e-12, 1e-12) {
					t.Errorf("K=%d: women's share of voters = %v, want %d/%d", k, ws, sqlF, sqlF+sqlM)
				}
				// Pabulib has no census: parity against the population cannot be computed.
				if vote.GPI.Value != nil || vote.GPI.Reason != analytics.ReasonNoPopulation {
					t.Errorf("K=%d: GPI without a census = %s, want no value with reason %q", k, figureString(vote.GPI.Figure), analytics.ReasonNoPopulation)
				}
			}
		})
	}
	if tested < 5 {
		t.Errorf("%d shared files with a sex field, want at least 5", tested)
	}
}

// TestIndicatorsOnDemo computes the indicators of the demo city with a small
// cycle (3,000 participants, so small cells occur), checks every stage of
// the funnel against SQL, the same properties as on Pabulib, and that
// GET /api/v1/cycles/{cycle}/indicators returns the indicators whole and
// the report shows the same numbers.
func TestIndicatorsOnDemo(t *testing.T) {
	srv, db := testServer(t, 3000)
	ctx := context.Background()
	const id = "tehran-1403"
	agg, err := db.Aggregates(ctx, id)
	if err != nil {
		t.Fatalf("Aggregates: %v", err)
	}
	var participants int64
	for _, c := range agg.Participants {
		participants += c.N
	}
	if want, _ := db.QueryInt(ctx, "SELECT count(*) FROM participants WHERE cycle_id = ?", id); participants != want || want != 3000 {
		t.Errorf("participant cells sum to %d, SQL %d", participants, want)
	}
	var smallCells int
	for _, k := range []int{5, 10} {
		ind, err := analytics.Compute(*agg, analytics.Options{K: k, Seed: 1})
		if err != nil {
			t.Fatalf("Compute(K=%d): %v", k, err)
		}
		checkIndicators(t, ind, k)
		for _, stage := range pbequity.Stages {
			row := funnelRow(t, ind, string(stage))
			primary, secondary := 0, 0
			for _, g := range []struct {
				gender pbequity.Gender
				fig    analytics.Figure
			}{{pbequity.Female, row.Counts.F}, {pbequity.Male, row.Counts.M}, {pbequity.Other, row.Counts.O}, {pbequity.Unknown, row.Counts.U}} {
				// A stage counts people with an event of that stage; a ballot counts as voting.
				want, err := db.QueryInt(ctx, `SELECT count(*) FROM participants p
					WHERE p.cycle_id = $1 AND p.gender = $3 AND (
					    EXISTS (SELECT 1 FROM participation e WHERE e.cycle_id = $1 AND e.participant_id = p.participant_id AND e.stage = $2)
					    OR ($2 = 'vote' AND EXISTS (SELECT 1 FROM votes v WHERE v.cycle_id = $1 AND v.participant_id = p.participant_id)))`,
					id, string(stage), string(g.gender))
				if err != nil {
					t.Fatal(err)
				}
				if want > 0 && want < int64(k) {
					smallCells++
					primary++
				}
				if g.fig.Suppressed && g.fig.Reason == analytics.ReasonSecondary && want >= int64(k) {
					// Secondary suppression hides O or U, never F or M, and only beside a small cell.
					if g.gender == pbequity.Female || g.gender == pbequity.Male {
						t.Errorf("K=%d: %s %s (%d) suppressed to protect another cell", k, stage, g.gender, want)
					}
					secondary++
					continue
				}
				checkCount(t, string(stage)+" "+string(g.gender), g.fig, want, k)
			}
			if secondary > 0 && primary == 0 {
				t.Errorf("K=%d: stage %s has a secondary suppression but no small cell", k, stage)
			}
		}
		if v := funnelRow(t, ind, "vote"); v.GPI.Value == nil || *v.GPI.Value <= 0 {
			t.Errorf("K=%d: vote GPI = %s, want a value with the demo census", k, figureString(v.GPI.Figure))
		}
		if g := ind.Distribution.Gini.Value; g == nil || *g <= 0 || *g >= 1 {
			t.Errorf("K=%d: Gini = %s, want in (0,1)", k, figureString(ind.Distribution.Gini.Figure))
		}
	}
	if smallCells == 0 {
		t.Errorf("no stage cell below K in the demo: suppression was not exercised")
	}

	// The API returns the indicators whole, as the report service computed them.
	want, err := analytics.Compute(*agg, analytics.Options{K: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	code, body, _ := get(t, srv.URL+"/api/v1/cycles/"+id+"/indicators")
	if code != 200 {
		t.Fatalf("indicators: %d %s", code, body)
	}
	var api struct {
		Indicators json.RawMessage `json:"indicators"`
	}
	if err := json.Unmarshal([]byte(body), &api); err != nil {
		t.Fatalf("indicators JSON: %v", err)
	}
	var gotAny, wantAny any
	wantJSON, _ := json.Marshal(want)
	json.Unmarshal(api.Indicators, &gotAny)
	json.Unmarshal(wantJSON, &wantAny)
	if !reflect.DeepEqual(gotAny, wantAny) {
		t.Errorf("GET /api/v1/cycles/%s/indicators differs from Compute on the same aggregates:\n%.600s\nwant\n%.600s", id, api.Indicators, wantJSON)
	}
	var got analytics.Indicators
	if err := json.Unmarshal(api.Indicators, &got); err != nil {
		t.Fatalf("indicators JSON: %v", err)
	}

	// The report cards show the API's numbers, in English and in Persian.
	vote := funnelRow(t, &got, "vote")
	for _, lang := range []string{"en", "fa"} {
		code, html, _ := get(t, srv.URL+"/cycles/"+id+"/report?lang="+lang)
		if code != 200 {
			t.Fatalf("report %s: %d", lang, code)
		}
		for _, c := range []struct {
			key      string
			fig      analytics.Figure
			scale    float64
			decimals int
		}{
			{"gini", got.Distribution.Gini.Figure, 1, 3},
			{"gpi", vote.GPI.Figure, 1, 2},
			{"women_share", vote.WomenShare.Figure, 100, 1},
			{"voters", got.Representation.Voters, 1, 0},
		} {
			shown, ok := reportCard(html, c.key)
			if !ok {
				t.Errorf("report %s: no %s card", lang, c.key)
				continue
			}
			if c.fig.Value == nil {
				t.Errorf("report %s: %s has no value in the API (%s)", lang, c.key, c.fig.Reason)
				continue
			}
			wantV := *c.fig.Value * c.scale
			if math.Abs(shown-wantV) > 0.5*math.Pow10(-c.decimals)+1e-9 {
				t.Errorf("report %s: %s card shows %v, API %v", lang, c.key, shown, wantV)
			}
		}
	}
}

// checkIndicators asserts what must hold of any published indicators: they
// serialise to JSON (no NaN or infinity), a suppressed figure has no value,
// a figure without a value has a reason, counts of people are whole and
// never in [1, k), and the funnel has its five stages in order.
func checkIndicators(t *testing.T, ind *analytics.Indicators, k int) {
	t.Helper()
	if _, err := json.Marshal(ind); err != nil {
		t.Errorf("K=%d: indicators do not serialise: %v", k, err)
	}
	if ind.K != k {
		t.Errorf("K = %d, want %d", ind.K, k)
	}
	figures := 0
	walkFigures(reflect.ValueOf(*ind), "indicators", false, func(path string, f analytics.Figure, people bool) {
		figures++
		switch {
		case f.Suppressed && f.Value != nil:
			t.Errorf("K=%d: %s is suppressed but has value %v", k, path, *f.Value)
		case f.Value == nil && !f.Suppressed && f.Reason == "":
			t.Errorf("K=%d: %s has no value and no reason", k, path)
		case f.Value != nil && (math.IsNaN(*f.Value) || math.IsInf(*f.Value, 0)):
			t.Errorf("K=%d: %s = %v", k, path, *f.Value)
		}
		if people && f.Value != nil {
			if v := *f.Value; v != math.Trunc(v) || (v > 0 && v < float64(k)) {
				t.Errorf("K=%d: count of people %s = %v is published", k, path, v)
			}
		}
	})
	if figures < 50 {
		t.Errorf("only %d figures found in the indicators", figures)
	}
	var stages []string
	for _, s := range ind.Funnel {
		stages = append(stages, s.Stage)
	}
	if want := []string{"problem", "solution", "vote", "meeting", "funded"}; !reflect.DeepEqual(stages, want) {
		t.Errorf("funnel stages %v, want %v", stages, want)
	}
}

// peopleFields name the figures that count people wherever they appear.
var peopleFields = map[string]bool{"Voters": true, "Population": true, "Unplaced": true}

var (
	figureType = reflect.TypeFor[analytics.Figure]()
	countsType = reflect.TypeFor[analytics.GenderCounts]()
)

// walkFigures calls fn for every Figure reachable from v, with whether it
// counts people (a field of GenderCounts, or one named in peopleFields).
func walkFigures(v reflect.Value, path string, people bool, fn func(string, analytics.Figure, bool)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkFigures(v.Elem(), path, people, fn)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walkFigures(v.Index(i), path+"["+strconv.Itoa(i)+"]", people, fn)
		}
	case reflect.Struct:
		if v.Type() == figureType {
			fn(path, v.Interface().(analytics.Figure), people)
			return
		}
		inCounts := v.Type() == countsType
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			p := path + "." + f.Name
			if f.Anonymous {
				p = path
			}
			walkFigures(v.Field(i), p, people || inCounts || peopleFields[f.Name] && f.Type == figureType, fn)
		}
	}
}

// checkCount checks a published count of people against the true count n.
func checkCount(t *testing.T, name string, f analytics.Figure, n int64, k int) {
	t.Helper()
	switch {
	case n > 0 && n < int64(k):
		if !f.Suppressed || f.Value != nil {
			t.Errorf("K=%d: %s counts %d people but is not suppressed: %s", k, name, n, figureString(f))
		}
	case f.Value == nil || *f.Value != float64(n):
		t.Errorf("K=%d: %s = %s, want %d", k, name, figureString(f), n)
	}
}

func figureString(f analytics.Figure) string {
	if f.Value == nil {
		return fmt.Sprintf("no value (suppressed %v, reason %q)", f.Suppressed, f.Reason)
	}
	return fmt.Sprintf("%v (n %d)", *f.Value, f.N)
}

func funnelRow(t *testing.T, ind *analytics.Indicators, stage string) analytics.StageRow {
	t.Helper()
	for _, s := range ind.Funnel {
		if s.Stage == stage {
			return s
		}
	}
	t.Fatalf("no %s stage in the funnel", stage)
	return analytics.StageRow{}
}

// votersOfSex counts the distinct voters of a cycle of one sex in SQL.
func votersOfSex(t *testing.T, db *queries.DB, cycle, sex string) int64 {
	t.Helper()
	n, err := db.QueryInt(context.Background(), `SELECT count(DISTINCT v.participant_id) FROM votes v
		JOIN participants p USING (cycle_id, participant_id) WHERE v.cycle_id = ? AND p.gender = ?`, cycle, sex)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// votersBySex counts the voters of a Pabulib file by its sex column, read
// from the text itself; ok is false when the file has no sex column.
func votersBySex(raw []byte) (f, m int64, ok bool) {
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	col := -1
	inVotes := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.EqualFold(line, "VOTES"):
			inVotes = true
			col = -1
			continue
		case !inVotes || line == "":
			continue
		}
		fields := strings.Split(line, ";")
		if col < 0 {
			for i, h := range fields {
				if strings.EqualFold(strings.TrimSpace(h), "sex") {
					col = i
				}
			}
			if col < 0 {
				return 0, 0, false
			}
			continue
		}
		if col < len(fields) {
			switch strings.ToUpper(strings.TrimSpace(fields[col])) {
			case "F", "K":
				f++
			case "M":
				m++
			}
		}
	}
	return f, m, col >= 0
}

// pabulibCycleID turns a Pabulib file name into a cycle id slug.
func pabulibCycleID(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(strings.TrimSuffix(name, ".pb")))
}

var cardRe = regexp.MustCompile(`data-key="([a-z_]+)"><div class="k">[^<]*</div><div class="v">([^<]*)</div>`)

// reportCard returns the number shown on a headline card of a report page,
// reading Persian digits and separators too.
func reportCard(html, key string) (float64, bool) {
	for _, m := range cardRe.FindAllStringSubmatch(html, -1) {
		if m[1] != key {
			continue
		}
		s := strings.NewReplacer("٬", "", ",", "", "٫", ".", "٪", "", "%", "", "\u200e", "", "\u200f", "").Replace(m[2])
		s = strings.Map(func(r rune) rune {
			switch {
			case r >= '۰' && r <= '۹':
				return '0' + (r - '۰')
			case r >= '٠' && r <= '٩':
				return '0' + (r - '٠')
			}
			return r
		}, s)
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return v, err == nil
	}
	return 0, false
}
