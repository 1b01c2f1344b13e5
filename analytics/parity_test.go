package analytics

import (
	"testing"
)

func TestGenderParity(t *testing.T) {
	tests := []struct {
		name                   string
		f, m, o, u, popF, popM int64
		share, gpi, adj        float64
		inBand                 bool
		reason                 string
	}{
		// s_F = 38/100; GPI = (38/510)/(62/490) = 18620/31620 = 0.5888678.
		{"below parity", 38, 62, 2, 1, 510, 490, 0.38, 18620.0 / 31620, 18620.0 / 31620, false, ""},
		// GPI = (60/500)/(40/500) = 1.5; adjusted = 2 − 1/1.5 = 1.3333333.
		{"above parity", 60, 40, 0, 0, 500, 500, 0.6, 1.5, 2 - 1/1.5, false, ""},
		// GPI = 50/49 = 1.0204082: inside 0.97–1.03.
		{"in band", 50, 49, 0, 0, 500, 500, 50.0 / 99, 50.0 / 49, 2 - 49.0/50, true, ""},
		// GPI = 97/100 = 0.97 exactly: the band is closed.
		{"band edge", 97, 100, 0, 0, 1000, 1000, 97.0 / 197, 0.97, 0.97, true, ""},
		// No women: GPI 0, defined.
		{"no women", 0, 10, 0, 0, 100, 100, 0, 0, 0, false, ""},
		{"no men", 10, 0, 0, 0, 100, 100, 1, 0, 0, false, ReasonNoMen},
		{"no population", 10, 10, 0, 0, 0, 100, 0.5, 0, 0, false, ReasonNoPopulation},
		{"no women or men", 0, 0, 3, 4, 100, 100, 0, 0, 0, false, ReasonNoCounts},
		{"negative", -1, 10, 0, 0, 100, 100, 0, 0, 0, false, ReasonNegative},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := GenderParity(tc.f, tc.m, tc.o, tc.u, tc.popF, tc.popM)
			if !near(p.WomenShare, tc.share) || !near(p.GPI, tc.gpi) || !near(p.AdjustedGPI, tc.adj) || p.InBand != tc.inBand || p.Reason != tc.reason {
				t.Errorf("GenderParity(%d, %d, %d, %d, %d, %d) = %+v, want share %v, GPI %v, adjusted %v, in band %v, reason %q",
					tc.f, tc.m, tc.o, tc.u, tc.popF, tc.popM, p, tc.share, tc.gpi, tc.adj, tc.inBand, tc.reason)
			}
			if p.O != tc.o || p.U != tc.u {
				t.Errorf("GenderParity(...) O, U = %d, %d, want %d, %d", p.O, p.U, tc.o, tc.u)
			}
		})
	}
}

func TestAdjustGPI(t *testing.T) {
	// Symmetry: a GPI of g and of 1/g sit equally far from 1.
	for _, g := range []float64{0.25, 0.5, 0.8, 1} {
		if lo, hi := AdjustGPI(g), AdjustGPI(1/g); !near(1-lo, hi-1) {
			t.Errorf("AdjustGPI(%v) = %v and AdjustGPI(%v) = %v, want symmetric around 1", g, lo, 1/g, hi)
		}
	}
}

func TestRoseGallagher(t *testing.T) {
	tests := []struct {
		name       string
		r, p       []int64
		rose, gall float64
	}{
		// R = ¼, ¾; P = ½, ½: ½Σ|d| = ½(¼ + ¼) = ¼, Rose = 0.75;
		// Gallagher = √(½(1/16 + 1/16)) = √(1/16) = 0.25.
		{"two cells", []int64{10, 30}, []int64{50, 50}, 0.75, 0.25},
		{"proportional", []int64{1, 2, 3}, []int64{10, 20, 30}, 1, 0},
		// R = 1,0; P = 0,1: Rose 0, Gallagher √(½·2) = 1.
		{"opposite", []int64{5, 0}, []int64{0, 5}, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := Rose(tc.r, tc.p); err != nil || !near(got, tc.rose) {
				t.Errorf("Rose(%v, %v) = %v, %v, want %v", tc.r, tc.p, got, err, tc.rose)
			}
			if got, err := Gallagher(tc.r, tc.p); err != nil || !near(got, tc.gall) {
				t.Errorf("Gallagher(%v, %v) = %v, %v, want %v", tc.r, tc.p, got, err, tc.gall)
			}
		})
	}
	for _, bad := range []struct{ r, p []int64 }{
		{nil, nil}, {[]int64{1}, []int64{1, 2}}, {[]int64{0, 0}, []int64{1, 1}}, {[]int64{1, 1}, []int64{0, 0}}, {[]int64{-1, 2}, []int64{1, 1}},
	} {
		if got, err := Rose(bad.r, bad.p); !isInvalid(err) {
			t.Errorf("Rose(%v, %v) = %v, %v, want EINVALID", bad.r, bad.p, got, err)
		}
		if got, err := Gallagher(bad.r, bad.p); !isInvalid(err) {
			t.Errorf("Gallagher(%v, %v) = %v, %v, want EINVALID", bad.r, bad.p, got, err)
		}
	}
}

func TestRatios(t *testing.T) {
	// RR = (38/100)/(810/1700) = 0.38/0.4764706 = 0.7975309.
	if got, err := RepresentationRatio(38, 100, 810, 1700); err != nil || !near(got, 0.38/(810.0/1700)) {
		t.Errorf("RepresentationRatio(38, 100, 810, 1700) = %v, %v, want %v", got, err, 0.38/(810.0/1700))
	}
	if _, err := RepresentationRatio(1, 10, 0, 100); !isInvalid(err) {
		t.Errorf("RepresentationRatio with no group population: error %v, want EINVALID", err)
	}
	// win_F = 2/10, win_M = 5/10: impact ratio = 0.2/0.5 = 0.4.
	if got, err := ImpactRatio(2, 10, 5, 10); err != nil || !near(got, 0.4) {
		t.Errorf("ImpactRatio(2, 10, 5, 10) = %v, %v, want 0.4", got, err)
	}
	// Women do better: ratio 1.
	if got, err := ImpactRatio(5, 10, 2, 10); err != nil || !near(got, 1) {
		t.Errorf("ImpactRatio(5, 10, 2, 10) = %v, %v, want 1", got, err)
	}
	for _, bad := range [][4]int64{{0, 0, 1, 2}, {1, 2, 0, 0}, {0, 3, 0, 3}, {3, 2, 1, 2}, {-1, 2, 1, 2}} {
		if got, err := ImpactRatio(bad[0], bad[1], bad[2], bad[3]); !isInvalid(err) {
			t.Errorf("ImpactRatio(%v) = %v, %v, want EINVALID", bad, got, err)
		}
	}
}

func TestReasonFa(t *testing.T) {
	for _, r := range []string{ReasonSuppressed, ReasonSecondary, ReasonNoCounts, ReasonNoPopulation, ReasonNoMen,
		ReasonNoWomen, ReasonNegative, ReasonNoData, ReasonNothing, ReasonZeroAreas, ReasonBottomZero, ReasonOneArea,
		ReasonNoNeed, ReasonNoShare, ReasonNoSpending, ReasonNoOutcome, ReasonNoProposals} {
		if got := ReasonFa(r); got == r || got == "" {
			t.Errorf("ReasonFa(%q) = %q, want a Persian text", r, got)
		}
	}
	if got := ReasonFa("other"); got != "other" {
		t.Errorf("ReasonFa(%q) = %q, want it unchanged", "other", got)
	}
}
