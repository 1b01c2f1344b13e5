package analytics

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"github.com/pbequity/pbequity"
)

func ptr(b bool) *bool { return &b }

// small cycle: two districts, three neighbourhoods, two categories.
//
//	census (all ages)   n1: F 510, M 490 (18-29)   n2: F 300 (30-44)
//	                    n3: M 400 (30-44), F 100 (0-17)
//	adult: F 810, M 890, total 1700; all ages: F 910, M 890, total 1800
//	voters              n1 F 18-29: 20, n2 F 30-44: 18, n3 M 30-44: 62
//	vote stage          F 38, M 62, O 2
//	projects            p1 100 social n1 F marker 2 women 0.7 funded, spent 50
//	                    p2 300 social n3 M marker 0 women ? funded
//	                    p3 200 —      d1 M marker 1 women 0.5 not funded
//	                    p4 50  sport  n2 F marker -1 outcome not recorded
func handAggregates() pbequity.Aggregates {
	return pbequity.Aggregates{
		Cycle: pbequity.Cycle{ID: "test-1403", Currency: "IRR"},
		Areas: []pbequity.Area{
			{ID: "city", Level: pbequity.LevelCity},
			{ID: "d1", ParentID: "city", Level: pbequity.LevelDistrict, NameFa: "منطقه ۱", NameEn: "District 1", NeedScore: 2},
			{ID: "d2", ParentID: "city", Level: pbequity.LevelDistrict, NameFa: "منطقه ۲", NameEn: "District 2", NeedScore: 1},
			{ID: "n1", ParentID: "d1", Level: pbequity.LevelNeighbourhood},
			{ID: "n2", ParentID: "d1", Level: pbequity.LevelNeighbourhood},
			{ID: "n3", ParentID: "d2", Level: pbequity.LevelNeighbourhood},
		},
		Categories: []pbequity.Category{
			{ID: "sport", NameFa: "ورزش", NameEn: "sport", Sort: 2},
			{ID: "social", NameFa: "اجتماعی", NameEn: "social", Sort: 1},
		},
		Projects: []pbequity.Project{
			{ID: "p1", Cost: 100, Category: "social", Area: "n1", ProposerGender: "F", GenderMarker: 2, WomenShare: 0.7, Selected: ptr(true), Spent: 50},
			{ID: "p2", Cost: 300, Category: "social", Area: "n3", ProposerGender: "M", GenderMarker: 0, WomenShare: -1, Selected: ptr(true)},
			{ID: "p3", Cost: 200, Area: "d1", ProposerGender: "M", GenderMarker: 1, WomenShare: 0.5, Selected: ptr(false)},
			{ID: "p4", Cost: 50, Category: "sport", Area: "n2", ProposerGender: "F", GenderMarker: -1, WomenShare: -1},
		},
		Stages: []pbequity.StageCount{
			{Stage: pbequity.StageVote, Gender: "F", N: 38},
			{Stage: pbequity.StageVote, Gender: "M", N: 62},
			{Stage: pbequity.StageVote, Gender: "O", N: 2},
		},
		Voters: []pbequity.Cell{
			{Area: "n1", Gender: "F", AgeBand: "18-29", N: 20},
			{Area: "n3", Gender: "M", AgeBand: "30-44", N: 62},
			{Area: "n2", Gender: "F", AgeBand: "30-44", N: 18},
		},
		Population: []pbequity.Cell{
			{Area: "n1", Gender: "F", AgeBand: "18-29", N: 510},
			{Area: "n1", Gender: "M", AgeBand: "18-29", N: 490},
			{Area: "n2", Gender: "F", AgeBand: "30-44", N: 300},
			{Area: "n3", Gender: "M", AgeBand: "30-44", N: 400},
			{Area: "n3", Gender: "F", AgeBand: "0-17", N: 100},
		},
	}
}

// check compares a figure with a wanted value.
func check(t *testing.T, name string, f Figure, want float64) {
	t.Helper()
	if f.Value == nil || !scalar.EqualWithinAbsOrRel(*f.Value, want, 1e-6, 1e-6) {
		t.Errorf("%s = %+v, want %v", name, f, want)
	}
}

// checkSuppressed checks that a figure is suppressed and shows no number.
func checkSuppressed(t *testing.T, name string, f Figure) {
	t.Helper()
	if !f.Suppressed || f.Value != nil || f.N != 0 {
		t.Errorf("%s = %+v, want suppressed", name, f)
	}
}

// checkReason checks that a figure has no value for the reason given.
func checkReason(t *testing.T, name string, f Figure, reason string) {
	t.Helper()
	if f.Value != nil || f.Reason != reason {
		t.Errorf("%s = %+v, want no value for %q", name, f, reason)
	}
}

func TestCompute(t *testing.T) {
	ind, err := Compute(handAggregates(), Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if ind.K != 5 || ind.CycleID != "test-1403" || !ind.Population.AdultOnly {
		t.Errorf("Compute: K %d, cycle %q, adult only %v, want 5, test-1403, true", ind.K, ind.CycleID, ind.Population.AdultOnly)
	}
	check(t, "adult F", ind.Population.Adult.F, 810)
	check(t, "adult total", ind.Population.Adult.Total, 1700)
	check(t, "all F", ind.Population.All.F, 910)

	t.Run("funnel", func(t *testing.T) {
		var stages []string
		for _, r := range ind.Funnel {
			stages = append(stages, r.Stage)
		}
		if got, want := strings.Join(stages, ","), "problem,solution,vote,meeting,funded"; got != want {
			t.Errorf("funnel stages = %s, want %s", got, want)
		}
		v := ind.Funnel[2]
		check(t, "vote F", v.Counts.F, 38)
		check(t, "vote total", v.Counts.Total, 102)
		checkSuppressed(t, "vote O (2 < 5)", v.Counts.O)
		// U = 0 would let total − F − M − U reveal O: secondary suppression.
		checkSuppressed(t, "vote U (secondary)", v.Counts.U)
		if v.Counts.U.Reason != ReasonSecondary {
			t.Errorf("vote U reason = %q, want %q", v.Counts.U.Reason, ReasonSecondary)
		}
		check(t, "vote women's share", v.WomenShare.Figure, 0.38)
		// GPI = (38/810)/(62/890) = 33820/50220 = 0.6734369.
		check(t, "vote GPI", v.GPI.Figure, 33820.0/50220)
		if v.Parity != "below" || v.GPI.Population != 1700 || v.GPI.N != 100 {
			t.Errorf("vote GPI parity %q population %d n %d, want below, 1700, 100", v.Parity, v.GPI.Population, v.GPI.N)
		}
		if want := "women were 38% of voters but 48% of adult residents: GPI 0.67, below parity"; v.GPI.Reading.En != want {
			t.Errorf("vote GPI reading = %q, want %q", v.GPI.Reading.En, want)
		}
		if want := "زنان ۳۸٪ از رأی‌دهندگان بودند اما ۴۸٪ از ساکنان بزرگسال: شاخص برابری جنسیتی ۰٫۶۷، کمتر از برابری"; v.GPI.Reading.Fa != want {
			t.Errorf("vote GPI reading fa = %q, want %q", v.GPI.Reading.Fa, want)
		}
		// Funded: one woman, one man: both below 5.
		f := ind.Funnel[4]
		checkSuppressed(t, "funded F", f.Counts.F)
		checkSuppressed(t, "funded women's share", f.WomenShare.Figure)
		checkSuppressed(t, "funded GPI", f.GPI.Figure)
		checkReason(t, "problem GPI", ind.Funnel[0].GPI.Figure, ReasonNoCounts)
		check(t, "problem F (zero shown)", ind.Funnel[0].Counts.F, 0)
	})

	t.Run("representation", func(t *testing.T) {
		r := ind.Representation
		check(t, "voters", r.Voters, 100)
		// RR_F = (38/100)/(810/1700) = 0.7975309.
		check(t, "RR F", r.Ratios[0].Ratio.Figure, 0.38/(810.0/1700))
		check(t, "RR M", r.Ratios[1].Ratio.Figure, 0.62/(890.0/1700))
		checkReason(t, "RR O", r.Ratios[2].Ratio.Figure, ReasonNoPopulation)
		// Cells (18-29,n1), (30-44,n2), (30-44,n3): R = .2, .18, .62;
		// P = 1000, 300, 400 of 1700. ½Σ|R − P| = ½(0.3882353 + 0.0035294 +
		// 0.3847059) = 0.3882353: Rose = 0.6117647.
		if r.Cells != 3 {
			t.Errorf("cells = %d, want 3", r.Cells)
		}
		rv, pv := []float64{0.2, 0.18, 0.62}, []float64{1000.0 / 1700, 300.0 / 1700, 400.0 / 1700}
		var abs, sq float64
		for k := range rv {
			abs += math.Abs(rv[k] - pv[k])
			sq += (rv[k] - pv[k]) * (rv[k] - pv[k])
		}
		check(t, "Rose", r.Rose.Figure, 1-abs/2)
		check(t, "Rose by hand", r.Rose.Figure, 0.6117647)
		check(t, "Gallagher", r.Gallagher.Figure, math.Sqrt(sq/2))
	})

	t.Run("success", func(t *testing.T) {
		s := ind.Success
		if s.NotRecorded != 1 {
			t.Errorf("not recorded = %d, want 1", s.NotRecorded)
		}
		// One proposal by a woman, two by men: all below 5.
		checkSuppressed(t, "proposals F", s.Rows[0].Proposals)
		checkSuppressed(t, "rate F", s.Rows[0].Rate)
		checkSuppressed(t, "impact ratio", s.ImpactRatio.Figure)
	})

	t.Run("allocation", func(t *testing.T) {
		a := ind.Allocation
		if a.Total != 400 || a.Projects != 2 || a.Level != pbequity.LevelDistrict {
			t.Errorf("allocation total %d projects %d level %q, want 400, 2, district", a.Total, a.Projects, a.Level)
		}
		check(t, "per capita", a.PerCapita, 400.0/1800)
		// Categories in Sort order, sport with zero.
		if len(a.Categories) != 2 || a.Categories[0].ID != "social" || a.Categories[1].ID != "sport" ||
			a.Categories[0].Amount != 400 || a.Categories[1].Amount != 0 || a.Categories[0].Projects != 2 {
			t.Errorf("categories = %+v, want social 400 (2), sport 0", a.Categories)
		}
		check(t, "social share", a.Categories[0].Share, 1)
		check(t, "social per capita", a.Categories[0].PerCapita, 400.0/1800)
		// d1 = n1 + n2 = 1300 residents, 100; d2 = n3 = 500, 300.
		if len(a.Areas) != 2 || a.Areas[0].ID != "d1" || a.Areas[0].Amount != 100 || a.Areas[1].Amount != 300 || a.Areas[0].NameEn != "District 1" {
			t.Fatalf("areas = %+v, want d1 100, d2 300", a.Areas)
		}
		check(t, "d1 population", a.Areas[0].Population, 1300)
		check(t, "d1 per capita", a.Areas[0].PerCapita, 100.0/1300)
		check(t, "d2 per 1000", a.Areas[1].Per1000, 1000*300.0/500)
		if a.CityWide.Amount != 0 {
			t.Errorf("city-wide amount = %d, want 0", a.CityWide.Amount)
		}
	})

	t.Run("distribution", func(t *testing.T) {
		d := ind.Distribution
		if d.Areas != 2 || d.Zero != 0 || len(d.Lorenz) != 3 {
			t.Errorf("distribution areas %d zero %d lorenz %v, want 2, 0, 3 points", d.Areas, d.Zero, d.Lorenz)
		}
		// y = 1/13, 0.6 with w = 1300, 500: μ = 400/1800 = 2/9;
		// ΣΣ w w |Δy| = 2·1300·500·(0.6 − 1/13) = 680000;
		// G = 680000 / (2·1800²·2/9) = 680000/1440000 = 17/36.
		check(t, "Gini", d.Gini.Figure, 17.0/36)
		if d.GiniCI == nil || d.GiniCI.B != 1000 || d.GiniCI.Seed != 1 {
			t.Errorf("Gini interval = %+v, want B 1000 seed 1", d.GiniCI)
		}
		// Ranking neediest first gives the same order as y ascending here,
		// so the concentration index equals the Gini: 17/36.
		check(t, "concentration", d.Concentration.Figure, 17.0/36)
		if !strings.Contains(d.Concentration.Reading.En, "better-off") {
			t.Errorf("concentration reading = %q, want it to say the better-off got more", d.Concentration.Reading.En)
		}
		// Neighbourhoods: n1 1000 residents 100, n2 300 nothing, n3 500
		// (400 + 100 children) 300. μ = 2/9; s = ¼, 0, ¾:
		// T = ¼ ln(0.1·9/2) + ¾ ln(0.6·9/2) = ¼ ln 0.45 + ¾ ln 2.7 = 0.5453118.
		if d.Split == nil {
			t.Fatal("split = nil, want a decomposition")
		}
		check(t, "split total", value(d.Split.T.Total, 0), 0.25*math.Log(0.45)+0.75*math.Log(2.7))
		check(t, "split sums", value(d.Split.T.Between+d.Split.T.Within, 0), d.Split.T.Total)
		// Between equals the district-level Theil T.
		check(t, "split between", d.TheilT.Figure, d.Split.T.Between)
		if d.Split.L != nil || !strings.Contains(d.Split.LReason, "(1)") {
			t.Errorf("split L = %+v, %q, want undefined for one neighbourhood with nothing", d.Split.L, d.Split.LReason)
		}
	})

	t.Run("markers", func(t *testing.T) {
		m := ind.Markers
		// Funded: marker 2 100, marker 0 300. Focused = principal = ¼.
		check(t, "focused", m.Focused.Figure, 0.25)
		check(t, "principal", m.Principal.Figure, 0.25)
		check(t, "coverage", m.Coverage.Figure, 1)
		check(t, "EIGE share", m.EIGEShare.Figure, 0.25)
		if m.EIGEAmount != 100 {
			t.Errorf("EIGE amount = %v, want 100", m.EIGEAmount)
		}
	})

	t.Run("benefit", func(t *testing.T) {
		b := ind.Benefit
		// p1: B_F = 70, B_M = 30; p2 unknown. b_F = 70/910, b_M = 30/890.
		if b.Known != 1 || b.Unknown != 1 || b.UnknownAmount != 300 {
			t.Errorf("benefit known %d unknown %d (%d), want 1, 1 (300)", b.Known, b.Unknown, b.UnknownAmount)
		}
		check(t, "gap", b.Gap.Figure, (70.0/910)/(30.0/890))
		// x_F = 0.7; P_F/P = 910/1800: incidence 1.3846154.
		check(t, "incidence F", b.IncidenceF, 0.7/(910.0/1800))
		if !strings.Contains(b.Gap.Reading.En, "1 projects without") {
			t.Errorf("gap reading = %q, want it to say how many projects lack a share", b.Gap.Reading.En)
		}
	})

	t.Run("execution", func(t *testing.T) {
		e := ind.Execution
		check(t, "execution", e.Overall.Figure, 50.0/400)
		if e.Recorded != 1 {
			t.Errorf("recorded = %d, want 1", e.Recorded)
		}
		check(t, "execution principal", e.ByMarker[0].Rate, 1.0/2)
		check(t, "execution not targeted", e.ByMarker[2].Rate, 0)
		check(t, "execution social", e.ByCategory[0].Rate, 50.0/400)
		checkReason(t, "execution sport", e.ByCategory[1].Rate, ReasonNothing)
	})

	t.Run("json", func(t *testing.T) {
		b, err := json.Marshal(ind)
		if err != nil {
			t.Fatalf("json.Marshal(Indicators) error: %v", err)
		}
		if !strings.Contains(string(b), `"suppressed":true`) {
			t.Errorf("JSON shows no suppressed figure")
		}
		var back Indicators
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("json.Unmarshal(Indicators) error: %v", err)
		}
	})
}

func TestComputeDegenerate(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		ind, err := Compute(pbequity.Aggregates{}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkReason(t, "vote GPI", ind.Funnel[2].GPI.Figure, ReasonNoCounts)
		checkReason(t, "Gini", ind.Distribution.Gini.Figure, ReasonNoPopulation)
		checkReason(t, "focused", ind.Markers.Focused.Figure, ReasonNoData)
		checkReason(t, "gap", ind.Benefit.Gap.Figure, ReasonNoShare)
		checkReason(t, "execution", ind.Execution.Overall.Figure, ReasonNoSpending)
		checkReason(t, "impact", ind.Success.ImpactRatio.Figure, ReasonNoOutcome)
		checkReason(t, "Rose", ind.Representation.Rose.Figure, ReasonNoData)
		if _, err := json.Marshal(ind); err != nil {
			t.Errorf("json.Marshal error: %v", err)
		}
	})
	t.Run("no women", func(t *testing.T) {
		a := handAggregates()
		a.Stages = []pbequity.StageCount{{Stage: pbequity.StageVote, Gender: "M", N: 62}}
		ind, _ := Compute(a, Options{})
		v := ind.Funnel[2]
		check(t, "women's share", v.WomenShare.Figure, 0)
		check(t, "GPI", v.GPI.Figure, 0)
		if v.Parity != "below" {
			t.Errorf("parity = %q, want below", v.Parity)
		}
	})
	t.Run("no men", func(t *testing.T) {
		a := handAggregates()
		a.Stages = []pbequity.StageCount{{Stage: pbequity.StageVote, Gender: "F", N: 62}}
		ind, _ := Compute(a, Options{})
		checkReason(t, "GPI", ind.Funnel[2].GPI.Figure, ReasonNoMen)
	})
	t.Run("no population", func(t *testing.T) {
		a := handAggregates()
		a.Population = nil
		ind, _ := Compute(a, Options{})
		checkReason(t, "GPI", ind.Funnel[2].GPI.Figure, ReasonNoPopulation)
		check(t, "women's share", ind.Funnel[2].WomenShare.Figure, 0.38)
		checkReason(t, "RR F", ind.Representation.Ratios[0].Ratio.Figure, ReasonNoPopulation)
		checkReason(t, "per capita", ind.Allocation.PerCapita, ReasonNoPopulation)
		checkReason(t, "Gini", ind.Distribution.Gini.Figure, ReasonNoPopulation)
		checkReason(t, "gap", ind.Benefit.Gap.Figure, ReasonNoPopulation)
		if ind.Distribution.Excluded != 2 {
			t.Errorf("excluded = %d, want 2", ind.Distribution.Excluded)
		}
	})
	t.Run("zero allocation", func(t *testing.T) {
		a := handAggregates()
		for i := range a.Projects {
			a.Projects[i].Selected = ptr(false)
		}
		ind, _ := Compute(a, Options{})
		checkReason(t, "Gini", ind.Distribution.Gini.Figure, ReasonNothing)
		checkReason(t, "coverage", ind.Markers.Coverage.Figure, ReasonNothing)
		if len(ind.Distribution.Lorenz) != 0 {
			t.Errorf("Lorenz = %v, want none", ind.Distribution.Lorenz)
		}
	})
	t.Run("one area", func(t *testing.T) {
		a := handAggregates()
		a.Areas = a.Areas[:2] // city and d1
		for i := range a.Population {
			a.Population[i].Area = "d1"
		}
		for i := range a.Projects {
			a.Projects[i].Area = "d1"
		}
		ind, _ := Compute(a, Options{})
		checkReason(t, "Gini", ind.Distribution.Gini.Figure, ReasonOneArea)
		checkReason(t, "concentration", ind.Distribution.Concentration.Figure, ReasonOneArea)
	})
	t.Run("an area got nothing", func(t *testing.T) {
		a := handAggregates()
		a.Areas = append(a.Areas, pbequity.Area{ID: "d3", Level: pbequity.LevelDistrict})
		a.Population = append(a.Population, pbequity.Cell{Area: "d3", Gender: "F", AgeBand: "30-44", N: 200})
		ind, _ := Compute(a, Options{})
		d := ind.Distribution
		if d.Zero != 1 || d.Areas != 3 {
			t.Errorf("zero %d areas %d, want 1, 3", d.Zero, d.Areas)
		}
		checkReason(t, "Theil L", d.TheilL.Figure, ReasonZeroAreas)
		check(t, "Atkinson(1)", d.Atkinson[1].Value, 1)
		if d.TheilT.Value == nil {
			t.Errorf("Theil T = %+v, want a value", d.TheilT)
		}
		found := false
		for _, n := range ind.Notes {
			found = found || strings.Contains(n.En, "1 areas got nothing")
		}
		if !found {
			t.Errorf("notes = %v, want one saying 1 area got nothing", ind.Notes)
		}
	})
	t.Run("no hierarchy", func(t *testing.T) {
		a := handAggregates()
		a.Areas = nil
		ind, _ := Compute(a, Options{})
		if ind.Allocation.Level != "area" || len(ind.Allocation.Areas) != 3 || ind.Distribution.Split != nil {
			t.Errorf("level %q, %d areas, split %v, want area, 3 (n1, n2, n3), nil", ind.Allocation.Level, len(ind.Allocation.Areas), ind.Distribution.Split)
		}
	})
	t.Run("k 10", func(t *testing.T) {
		ind, _ := Compute(handAggregates(), Options{K: 10})
		check(t, "vote F", ind.Funnel[2].Counts.F, 38)
		checkSuppressed(t, "vote O", ind.Funnel[2].Counts.O)
	})
}

func TestComputeInvalid(t *testing.T) {
	tests := []struct {
		name   string
		opt    Options
		modify func(a *pbequity.Aggregates)
	}{
		{"negative K", Options{K: -1}, nil},
		{"negative B", Options{BootstrapB: -1}, nil},
		{"negative population", Options{}, func(a *pbequity.Aggregates) { a.Population[0].N = -1 }},
		{"negative stage", Options{}, func(a *pbequity.Aggregates) { a.Stages[0].N = -3 }},
		{"bad gender", Options{}, func(a *pbequity.Aggregates) { a.Voters[0].Gender = "X" }},
		{"negative cost", Options{}, func(a *pbequity.Aggregates) { a.Projects[0].Cost = -1 }},
		{"bad marker", Options{}, func(a *pbequity.Aggregates) { a.Projects[0].GenderMarker = 3 }},
		{"bad women's share", Options{}, func(a *pbequity.Aggregates) { a.Projects[0].WomenShare = 1.5 }},
		{"NaN women's share", Options{}, func(a *pbequity.Aggregates) { a.Projects[0].WomenShare = math.NaN() }},
		{"NaN need", Options{}, func(a *pbequity.Aggregates) { a.Areas[1].NeedScore = math.NaN() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := handAggregates()
			if tc.modify != nil {
				tc.modify(&a)
			}
			ind, err := Compute(a, tc.opt)
			if !isInvalid(err) || ind != nil {
				t.Errorf("Compute(%s) = %v, %v, want an EINVALID error", tc.name, ind, err)
			}
		})
	}
}

// synthetic builds a city of 22 districts × 10 neighbourhoods × 2 genders ×
// 5 age bands with 500 projects.
func synthetic() pbequity.Aggregates {
	r := rand.New(rand.NewPCG(7, 11))
	a := pbequity.Aggregates{Cycle: pbequity.Cycle{ID: "tehran-1403", Currency: "IRR"}}
	a.Areas = append(a.Areas, pbequity.Area{ID: "tehran", Level: pbequity.LevelCity})
	for _, c := range []string{"social", "health", "culture", "safety", "sport", "services"} {
		a.Categories = append(a.Categories, pbequity.Category{ID: c, NameEn: c})
	}
	var nbs []string
	for d := 1; d <= 22; d++ {
		did := fmt.Sprintf("d%02d", d)
		a.Areas = append(a.Areas, pbequity.Area{ID: did, ParentID: "tehran", Level: pbequity.LevelDistrict, NeedScore: r.Float64() * 10})
		for n := 1; n <= 10; n++ {
			nid := fmt.Sprintf("%s-n%02d", did, n)
			nbs = append(nbs, nid)
			a.Areas = append(a.Areas, pbequity.Area{ID: nid, ParentID: did, Level: pbequity.LevelNeighbourhood})
			for _, g := range []pbequity.Gender{pbequity.Female, pbequity.Male} {
				for _, band := range pbequity.AgeBands {
					a.Population = append(a.Population, pbequity.Cell{Area: nid, Gender: g, AgeBand: band, N: 500 + r.Int64N(5000)})
					a.Voters = append(a.Voters, pbequity.Cell{Area: nid, Gender: g, AgeBand: band, N: r.Int64N(60)})
				}
			}
		}
	}
	for _, s := range pbequity.Stages {
		for _, g := range pbequity.Genders {
			a.Stages = append(a.Stages, pbequity.StageCount{Stage: s, Gender: g, N: r.Int64N(20000)})
		}
	}
	for i := range 500 {
		a.Projects = append(a.Projects, pbequity.Project{
			ID:             fmt.Sprintf("p%d", i),
			Cost:           1_000_000 + r.Int64N(1_000_000_000),
			Category:       a.Categories[r.IntN(6)].ID,
			Area:           nbs[r.IntN(len(nbs))],
			ProposerGender: pbequity.Genders[r.IntN(4)],
			GenderMarker:   pbequity.Marker(r.IntN(4) - 1),
			WomenShare:     []float64{-1, 0.5, r.Float64()}[r.IntN(3)],
			Selected:       ptr(r.IntN(3) == 0),
			Spent:          r.Int64N(500_000_000),
		})
	}
	return a
}

func TestComputeSynthetic(t *testing.T) {
	ind, err := Compute(synthetic(), Options{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	d := ind.Distribution
	if d.Areas != 22 || d.Split == nil || d.Split.T.Units != 220 || d.GiniCI == nil {
		t.Fatalf("distribution areas %d split %+v CI %+v, want 22 districts, 220 neighbourhoods, an interval", d.Areas, d.Split, d.GiniCI)
	}
	if got := d.Split.T.Between + d.Split.T.Within; !near(got, d.Split.T.Total) {
		t.Errorf("split between + within = %v, want %v", got, d.Split.T.Total)
	}
	if ci := d.GiniCI; !(ci.Lo <= ci.Hi) || ci.Valid != ci.B {
		t.Errorf("Gini interval = %+v, want lo ≤ hi and every resample valid", ci)
	}
	b, err := json.Marshal(ind)
	if err != nil {
		t.Fatalf("json.Marshal error: %v", err)
	}
	if strings.Contains(string(b), "NaN") {
		t.Errorf("JSON contains NaN")
	}
	// Reproducible: the same seed gives the same JSON.
	again, _ := Compute(synthetic(), Options{Seed: 3})
	b2, _ := json.Marshal(again)
	if string(b) != string(b2) {
		t.Errorf("Compute is not reproducible with the same seed")
	}
}

func BenchmarkCompute(b *testing.B) {
	a := synthetic()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(a, Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
