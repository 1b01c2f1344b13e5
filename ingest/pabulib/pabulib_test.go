package pabulib

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/internal/shareddata"
)

func sharedFiles(t testing.TB) []string {
	dir := shareddata.PabulibDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.pb"))
	if err != nil || len(files) == 0 {
		t.Skipf("no .pb files in %s", dir)
	}
	return files
}

// counts are computed from the raw text, independently of the decoder.
type counts struct {
	projects, voters, votes int
	bySex                   map[string]int
	hasSelected             bool
}

func countText(t *testing.T, data []byte) counts {
	t.Helper()
	c := counts{bySex: map[string]int{}}
	sec := ""
	var hdr []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		switch line {
		case "META", "PROJECTS", "VOTES":
			sec, hdr = line, nil
			continue
		}
		if line == "" {
			continue
		}
		if hdr == nil {
			hdr = strings.Split(line, ";")
			if sec == "PROJECTS" {
				for _, h := range hdr {
					c.hasSelected = c.hasSelected || h == "selected"
				}
			}
			continue
		}
		switch sec {
		case "PROJECTS":
			c.projects++
		case "VOTES":
			c.voters++
			f := strings.Split(line, ";")
			for i, h := range hdr {
				switch h {
				case "vote":
					if f[i] != "" {
						c.votes += strings.Count(f[i], ",") + 1
					}
				case "sex":
					c.bySex[f[i]]++
				}
			}
		}
	}
	return c
}

func TestSharedFiles(t *testing.T) {
	for _, path := range sharedFiles(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := countText(t, data)
			f, err := Decode(bytes.NewReader(data), name, "c1")
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if len(f.Projects) != want.projects {
				t.Errorf("projects = %d, want %d", len(f.Projects), want.projects)
			}
			if len(f.Participants) != want.voters {
				t.Errorf("voters = %d, want %d", len(f.Participants), want.voters)
			}
			if len(f.Votes) != want.votes {
				t.Errorf("vote rows = %d, want %d", len(f.Votes), want.votes)
			}
			got := map[string]int{}
			for _, p := range f.Participants {
				got[string(p.Gender)]++
			}
			if len(want.bySex) > 0 {
				w := map[string]int{"F": want.bySex["F"] + want.bySex["K"], "M": want.bySex["M"]}
				if got["F"] != w["F"] || got["M"] != w["M"] {
					t.Errorf("by sex = %v, want %v", got, want.bySex)
				}
			} else if got["U"] != want.voters {
				t.Errorf("by sex = %v, want all %d unknown", got, want.voters)
			}
			for _, p := range f.Projects {
				if (p.Selected != nil) != want.hasSelected {
					t.Fatalf("project %s Selected = %v, file has selected column: %v", p.ID, p.Selected, want.hasSelected)
				}
			}
			if f.Cycle.Budget <= 0 || f.Cycle.VoteType == "" || f.Cycle.Meta["rule"] == "" || f.Cycle.ID != "c1" {
				t.Errorf("cycle = %+v", f.Cycle)
			}
			// round trip
			var buf bytes.Buffer
			if err := Encode(&buf, f); err != nil {
				t.Fatal(err)
			}
			g, err := Decode(bytes.NewReader(buf.Bytes()), name, "c1")
			if err != nil {
				t.Fatalf("Decode(Encode(f)): %v", err)
			}
			if !reflect.DeepEqual(f, g) {
				diffFiles(t, f, g)
			}
		})
	}
}

func diffFiles(t *testing.T, f, g *File) {
	t.Helper()
	if !reflect.DeepEqual(f.Cycle, g.Cycle) {
		t.Errorf("round trip cycle:\n got %+v\nwant %+v", g.Cycle, f.Cycle)
	}
	for i := range f.Projects {
		if i < len(g.Projects) && !reflect.DeepEqual(f.Projects[i], g.Projects[i]) {
			t.Errorf("round trip project %d:\n got %+v\nwant %+v", i, g.Projects[i], f.Projects[i])
			break
		}
	}
	for i := range f.Participants {
		if i < len(g.Participants) && !reflect.DeepEqual(f.Participants[i], g.Participants[i]) {
			t.Errorf("round trip participant %d:\n got %+v\nwant %+v", i, g.Participants[i], f.Participants[i])
			break
		}
	}
	for i := range f.Votes {
		if i < len(g.Votes) && f.Votes[i] != g.Votes[i] {
			t.Errorf("round trip vote %d: got %+v, want %+v", i, g.Votes[i], f.Votes[i])
			break
		}
	}
	if !reflect.DeepEqual(f.ProjectColumns, g.ProjectColumns) || !reflect.DeepEqual(f.VoteColumns, g.VoteColumns) {
		t.Errorf("round trip columns differ")
	}
	t.Errorf("round trip: files differ (lengths %d/%d projects, %d/%d voters, %d/%d votes)",
		len(g.Projects), len(f.Projects), len(g.Participants), len(f.Participants), len(g.Votes), len(f.Votes))
}

func decodeShared(t testing.TB, name string) *File {
	t.Helper()
	path := filepath.Join(shareddata.PabulibDir(t), name)
	r, err := os.Open(path)
	if err != nil {
		t.Skipf("%s: %v", name, err)
	}
	defer r.Close()
	f, err := Decode(r, name, "c1")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestMapping(t *testing.T) {
	f := decodeShared(t, "Poland_Warszawa_2017_Aleksandrow.pb")
	c := f.Cycle
	if c.Budget != 110411 || c.VoteType != "approval" || c.Rule != "greedy" || c.Currency != "PLN" || c.Unit != "Warszawa" ||
		c.Name != "Local PB in Warszawa, Wawer | Aleksandrów" || c.FiscalYear != 2017 || c.MinLength != 1 ||
		!c.StartDate.Equal(time.Date(2016, 6, 14, 0, 0, 0, 0, time.UTC)) || c.Meta["max_sum_cost"] != "110411" {
		t.Errorf("cycle = %+v", c)
	}
	p := f.Projects[0]
	if p.ID != "261" || p.Cost != 80000 || p.Category != "public transit and roads" ||
		p.Extra["category"] != "public transit and roads,public space" || p.Beneficiaries != "adults,families with children" ||
		p.Selected == nil || !*p.Selected || p.Extra["votes"] != "172" || p.CycleID != "c1" {
		t.Errorf("project = %+v", p)
	}
	v := f.Participants[0]
	if v.ID != "137" || v.Age != 43 || v.AgeBand != "30-44" || v.Gender != pbequity.Male || v.Channel != "internet" {
		t.Errorf("participant = %+v", v)
	}
	if got := f.Votes[0]; got.ParticipantID != "137" || got.ProjectID != "1112" || got.Points != 0 || got.Rank != 0 {
		t.Errorf("vote = %+v", got)
	}

	k := decodeShared(t, "Poland_Katowice_2023.pb")
	if k.Cycle.Rule != "greedy-threshold" || k.Cycle.MinProjectScore != 200 || k.Cycle.MaxSumPoints != 3 {
		t.Errorf("Katowice cycle = %+v", k.Cycle)
	}
	// 10-digit voter ids are hashed
	if id := k.Participants[0].ID; id != PseudonymID("1400043133") || len(id) != 16 {
		t.Errorf("Katowice voter id = %q", id)
	}
	if v := k.Votes[0]; v.ProjectID != "M/01/X" || v.Points != 2 || k.Votes[1].Points != 1 || k.Participants[0].Area != "ZAŁĘŻE" {
		t.Errorf("Katowice votes = %+v %+v", k.Votes[0], k.Votes[1])
	}

	o := decodeShared(t, "Poland_Krakow_2018_Swoszowice.pb")
	if v := o.Votes[:3]; v[0].ProjectID != "8" || v[0].Rank != 1 || v[1].ProjectID != "7" || v[1].Rank != 2 || v[2].Rank != 3 {
		t.Errorf("Krakow votes = %+v", v)
	}
	a := decodeShared(t, "Netherlands_Assen_2024.pb")
	if a.Cycle.Rule != "mes-cost" || a.Cycle.Meta["rule"] != "equalshares/add1" {
		t.Errorf("Assen rule = %q", a.Cycle.Rule)
	}
	g := decodeShared(t, "Poland_Gdansk_2020.pb")
	if g.Participants[0].Area != "Piecki-Migowo" || !strings.HasPrefix(g.Projects[12].Title, `"BEZPIECZNY GDAŃSK" - `) {
		t.Errorf("Gdansk = %+v / %q", g.Participants[0], g.Projects[12].Title)
	}
}

func TestPseudonymID(t *testing.T) {
	tests := []struct {
		in   string
		hash bool
	}{
		{"137", false},
		{"vote01006bcf-62b6-435d-a0de-2966c3e75249", false},
		{"0012345678", true},  // national code
		{"09121234567", true}, // Iranian mobile
		{"+98 912 123 4567", true},
		{"۰۹۱۲۱۲۳۴۵۶۷", true},
		{"123456789", false},
		{"1234567890123456", false},
	}
	for _, tc := range tests {
		got := PseudonymID(tc.in)
		if (got != tc.in) != tc.hash {
			t.Errorf("PseudonymID(%q) = %q, hashed want %v", tc.in, got, tc.hash)
		}
		if tc.hash && (len(got) != 16 || PseudonymID(got) != got) {
			t.Errorf("PseudonymID(%q) = %q: want 16 hex digits, stable", tc.in, got)
		}
	}
	if PseudonymID("09121234567") != PseudonymID("۰۹۱۲۱۲۳۴۵۶۷") || PseudonymID("+98 912 123 4567") != PseudonymID("989121234567") {
		t.Error("PseudonymID: digit forms of one number differ")
	}
}

const small = `META
key;value
description;Test
budget;100
vote_type;approval
rule;greedy
max_length;2
PROJECTS
project_id;cost;name
a;60;"Park; with ""quotes"""
b;50;Library
VOTES
voter_id;vote;sex;age
1;a,b;K;30
2;b;;
`

func TestDecodeSmall(t *testing.T) {
	f, err := Decode(strings.NewReader(small), "small.pb", "x")
	if err != nil {
		t.Fatal(err)
	}
	if f.Projects[0].Title != `Park; with "quotes"` || f.Projects[0].Selected != nil {
		t.Errorf("project = %+v", f.Projects[0])
	}
	if f.Participants[0].Gender != pbequity.Female || f.Participants[1].Gender != pbequity.Unknown || f.Participants[1].Age != 0 {
		t.Errorf("participants = %+v", f.Participants)
	}
	if len(f.Votes) != 3 {
		t.Errorf("votes = %+v", f.Votes)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, f); err != nil {
		t.Fatal(err)
	}
	g, err := Decode(&buf, "small.pb", "x")
	if err != nil || !reflect.DeepEqual(f, g) {
		t.Fatalf("round trip: %v\n%s", err, buf.String())
	}
	// Without the headers as read (a cycle rebuilt from the database), the
	// derived headers bring every row back the same.
	bare := *f
	bare.ProjectColumns, bare.VoteColumns = nil, nil
	buf.Reset()
	if err := Encode(&buf, &bare); err != nil {
		t.Fatal(err)
	}
	h, err := Decode(&buf, "small.pb", "x")
	if err != nil || !reflect.DeepEqual(f.Projects, h.Projects) || !reflect.DeepEqual(f.Participants, h.Participants) || !reflect.DeepEqual(f.Votes, h.Votes) {
		t.Fatalf("round trip without headers: %v\n%s", err, buf.String())
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // substrings of messages, in order
		rows []int
	}{
		{"fractional budget", strings.Replace(small, "budget;100", "budget;100.5", 1), []string{"budget 100.5 is not a whole number"}, []int{4}},
		{"unknown project", strings.Replace(small, "2;b;;", "2;zz;;", 1), []string{`unknown project "zz"`}, []int{15}},
		{"duplicate voter", strings.Replace(small, "2;b;;", "1;b;;", 1), []string{"duplicate voter_id (first at row 14)"}, []int{15}},
		{"duplicate project", strings.Replace(small, "b;50;Library", "a;50;Library", 1), []string{`duplicate project_id "a"`}, []int{11}},
		{"bad costs", strings.Replace(strings.Replace(small, "b;50;", "b;-5;", 1), "a;60;", "a;x;", 1), []string{"cost is not a number", "cost is negative"}, []int{10, 11}},
		{"too long", strings.Replace(small, "max_length;2", "max_length;1", 1), []string{"more than max_length 1"}, []int{14}},
		{"missing column", strings.Replace(small, "project_id;cost;name", "project_id;price;name", 1), []string{`missing required column "cost"`}, []int{9}},
		{"width", strings.Replace(small, "2;b;;", "2;b;", 1), []string{"row has 3 fields, the header has 4"}, []int{15}},
		{"no votes section", small[:strings.Index(small, "VOTES")], []string{"missing section VOTES"}, []int{0}},
		{"twice on ballot", strings.Replace(small, "1;a,b;", "1;a,a;", 1), []string{`"a" appears twice`}, []int{14}},
		{"points mismatch", strings.Replace(strings.Replace(small, "approval", "cumulative", 1), "voter_id;vote;sex;age\n1;a,b;K;30\n2;b;;", "voter_id;vote;points\n1;a,b;1\n2;b;2", 1), []string{"1 points for 2 projects"}, []int{14}},
		{"outside", "hello\n" + small, []string{"line outside any section"}, []int{1}},
		{"bad vote type", strings.Replace(small, "vote_type;approval", "vote_type;borda", 1), []string{"unknown vote_type"}, []int{5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tc.in), "t.pb", "x")
			var ve *pbequity.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Decode error = %v, want *ValidationError", err)
			}
			if len(ve.Errors) < len(tc.want) {
				t.Fatalf("errors = %+v, want %q", ve.Errors, tc.want)
			}
			for i, w := range tc.want {
				e := ve.Errors[i]
				if !strings.Contains(e.Message, w) || e.Row != tc.rows[i] || e.File != "t.pb" {
					t.Errorf("error %d = %+v, want %q at row %d", i, e, w, tc.rows[i])
				}
			}
		})
	}
}

func TestErrorLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString(small)
	for i := 0; i < 300; i++ {
		b.WriteString("9;nope;;\n")
	}
	_, err := Decode(strings.NewReader(b.String()), "t.pb", "x")
	var ve *pbequity.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != MaxErrors || !ve.Truncated {
		t.Fatalf("err = %v", err)
	}
}

func TestDecodeSpeed(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	data, err := os.ReadFile(filepath.Join(shareddata.PabulibDir(t), "Poland_Warszawa_2026.pb"))
	if err != nil {
		t.Skip(err)
	}
	best := time.Hour
	for range 3 {
		start := time.Now()
		if _, err := Decode(bytes.NewReader(data), "w.pb", "w"); err != nil {
			t.Fatal(err)
		}
		best = min(best, time.Since(start))
	}
	t.Logf("Decode Warszawa 2026: %v", best)
	if best > 300*time.Millisecond {
		t.Errorf("Decode took %v, want < 300ms", best)
	}
}

func BenchmarkDecodeWarszawa2026(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(shareddata.PabulibDir(b), "Poland_Warszawa_2026.pb"))
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(data), "w.pb", "w"); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(small))
	files, _ := filepath.Glob("testdata/*.pb")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Decode(bytes.NewReader(data), "fuzz.pb", "x")
		if err != nil {
			var ve *pbequity.ValidationError
			if !errors.As(err, &ve) || len(ve.Errors) == 0 {
				t.Fatalf("Decode error %v is not a ValidationError", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := Encode(&buf, file); err != nil {
			t.Fatal(err)
		}
		g, err := Decode(&buf, "fuzz.pb", "x")
		if err != nil {
			t.Fatalf("Decode(Encode(f)) = %v\n%s", err, buf.String())
		}
		if !reflect.DeepEqual(file, g) {
			diffFiles(t, file, g)
			t.Fatalf("round trip differs\n%q", buf.String())
		}
	})
}
