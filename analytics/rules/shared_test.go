package rules

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pbequity/pbequity/ingest/pabulib"
	"github.com/pbequity/pbequity/internal/shareddata"
)

func load(t testing.TB, name string) (*pabulib.File, *Election) {
	t.Helper()
	r, err := os.Open(filepath.Join(shareddata.PabulibDir(t), name))
	if err != nil {
		t.Skipf("%s: %v", name, err)
	}
	defer r.Close()
	f, err := pabulib.Decode(r, name, "c")
	if err != nil {
		t.Fatalf("Decode %s: %v", name, err)
	}
	e, err := FromVotes(f.Cycle, f.Projects, f.Votes)
	if err != nil {
		t.Fatalf("FromVotes %s: %v", name, err)
	}
	return f, e
}

func official(f *pabulib.File) ([]bool, bool) {
	sel := make([]bool, len(f.Projects))
	for i, p := range f.Projects {
		if p.Selected == nil {
			return nil, false
		}
		sel[i] = *p.Selected
	}
	return sel, true
}

// TestOfficialOutcomes recomputes each city's own rule and compares it with
// the recorded selected column.
func TestOfficialOutcomes(t *testing.T) {
	tests := []struct {
		file, rule string
	}{
		{"Poland_Warszawa_2017_Aleksandrow.pb", Greedy},
		{"Poland_Gdynia_2021_Orlowo__small.pb", GreedyNoSkip},
		{"Poland_Warszawa_2019_Praga-Polnoc.pb", Greedy},
		{"Poland_Wroclaw_2017_Rejon_nr_1_750.pb", GreedyNoSkip},
		{"Poland_Katowice_2023.pb", GreedyThreshold},
		{"Poland_Warszawa_2026.pb", GreedyThreshold},
		{"Netherlands_Assen_2024.pb", MESCost},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			f, e := load(t, tc.file)
			if f.Cycle.Rule != tc.rule {
				t.Errorf("cycle rule = %q, want %q", f.Cycle.Rule, tc.rule)
			}
			sel, ok := official(f)
			if !ok {
				t.Fatal("no selected column")
			}
			o, err := Run(e, f.Cycle.Rule, Options{})
			if err != nil {
				t.Fatal(err)
			}
			extra, missing := Audit(e, sel, o)
			if len(extra)+len(missing) > 0 {
				t.Errorf("Run(%s) funded %v: extra %v, missing %v", tc.rule, o.FundedIDs, extra, missing)
			}
			if o.Cost > e.Budget {
				t.Errorf("cost %d > budget %d", o.Cost, e.Budget)
			}
		})
	}
	// files without a recorded outcome: nothing to audit
	for _, name := range []string{"Poland_Gdansk_2020.pb", "Poland_Krakow_2018_Swoszowice.pb"} {
		f, _ := load(t, name)
		if _, ok := official(f); ok {
			t.Errorf("%s: has a selected column", name)
		}
	}
}

func TestKrakowOrdinalScores(t *testing.T) {
	f, e := load(t, "Poland_Krakow_2018_Swoszowice.pb")
	scores := e.Scores()
	for i, p := range f.Projects {
		if got, want := scores[i], p.Extra["score"]; want == "" || got != atoi(t, want) {
			t.Errorf("project %s score = %d, want %s", p.ID, got, want)
		}
	}
}

func atoi(t *testing.T, s string) int64 {
	var v int64
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not a number: %q", s)
		}
		v = v*10 + int64(c-'0')
	}
	return v
}

func TestAssenApproval(t *testing.T) {
	f, e := load(t, "Netherlands_Assen_2024.pb")
	sel, _ := official(f)
	o, err := Run(e, MESApproval, Options{})
	if err != nil {
		t.Fatal(err)
	}
	extra, missing := Audit(e, sel, o)
	if !slices.Equal(extra, []string{"7"}) || len(missing) != 0 {
		t.Errorf("mes-approval+add1 on Assen: funded %v, extra %v, missing %v; want extra [7]", o.FundedIDs, extra, missing)
	}
}

func TestWarszawa2026MESApproval(t *testing.T) {
	_, e := load(t, "Poland_Warszawa_2026.pb")
	o, err := Run(e, MESApproval, Options{Completion: CompletionNone})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Funded) != 44 {
		t.Errorf("mes-approval (none) funded %d projects, want 44", len(o.Funded))
	}
	t.Logf("mes-approval none: %d projects, cost %d of %d", len(o.Funded), o.Cost, e.Budget)
}

func BenchmarkMESApprovalNoneWarszawa2026(b *testing.B) {
	f, _ := load(b, "Poland_Warszawa_2026.pb")
	for b.Loop() {
		e, err := FromVotes(f.Cycle, f.Projects, f.Votes)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Run(e, MESApproval, Options{Completion: CompletionNone}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMESCostAdd1Warszawa2026(b *testing.B) {
	f, _ := load(b, "Poland_Warszawa_2026.pb")
	var o *Outcome
	for b.Loop() {
		e, err := FromVotes(f.Cycle, f.Projects, f.Votes)
		if err != nil {
			b.Fatal(err)
		}
		if o, err = Run(e, MESCost, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(o.Steps), "add1-steps")
	b.ReportMetric(float64(len(o.Funded)), "funded")
}

func BenchmarkMESApprovalAdd1Warszawa2026(b *testing.B) {
	_, e := load(b, "Poland_Warszawa_2026.pb")
	var o *Outcome
	for b.Loop() {
		var err error
		if o, err = Run(e, MESApproval, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(o.Steps), "add1-steps")
}

func BenchmarkPhragmenWarszawa2026(b *testing.B) {
	_, e := load(b, "Poland_Warszawa_2026.pb")
	for b.Loop() {
		if _, err := Run(e, Phragmen, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFairnessWarszawa2019 checks the invariants of Fairness on real data:
// group shares of funded money add up to 1 and GPRs average to 1 weighted by
// group size.
func TestFairnessWarszawa2019(t *testing.T) {
	f, e := load(t, "Poland_Warszawa_2019_Praga-Polnoc.pb")
	o, err := Run(e, Greedy, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// ballots follow the participants' order (every voter voted)
	groups := make([]string, len(e.Ballots))
	for i, p := range f.Participants {
		groups[i] = string(p.Gender)
	}
	cats := make([]string, len(f.Projects))
	for i, p := range f.Projects {
		cats[i] = p.Category
	}
	fs := Fairness(e, o.Funded, groups, cats)
	var share, gpr float64
	voters := 0
	for _, g := range fs {
		share += g.FundedShare
		gpr += g.GPR * float64(g.Voters)
		voters += g.Voters
		if g.NonEmptyHanded <= 0 || g.NonEmptyHanded > 1 || g.CategoryProportionality <= 0 || g.CategoryProportionality > 1 {
			t.Errorf("group %+v out of range", g)
		}
		t.Logf("%s: n=%d NEH=%.3f cost=%.0f rel=%.3f GPR=%.3f cat=%.3f", g.Group, g.Voters, g.NonEmptyHanded, g.CostSatisfaction, g.RelCostSatisfaction, g.GPR, g.CategoryProportionality)
	}
	if voters != len(e.Ballots) || !near(share, 1) || !near(gpr/float64(voters), 1) {
		t.Errorf("voters %d, sum of shares %v, mean GPR %v", voters, share, gpr/float64(voters))
	}
}
