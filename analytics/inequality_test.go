package analytics

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"github.com/pbequity/pbequity"
)

const tol = 1e-9

func near(a, b float64) bool { return scalar.EqualWithinAbsOrRel(a, b, tol, tol) }

// isInvalid reports whether err is an *pbequity.Error with code EINVALID.
func isInvalid(err error) bool {
	var e *pbequity.Error
	return errors.As(err, &e) && e.Code == pbequity.EINVALID
}

func TestGini(t *testing.T) {
	tests := []struct {
		name string
		y, w []float64
		want float64
	}{
		// Equal values: no inequality.
		{"equal", []float64{2, 2, 2}, nil, 0},
		// y = 1,2,3,4, μ = 2.5: ΣΣ|y_i − y_j| = 2·(1+2+3+1+2+1) = 20;
		// G = 20 / (2·4²·2.5) = 20/80 = 0.25.
		{"one to four", []float64{4, 1, 3, 2}, nil, 0.25},
		// y = 1,3 with w = 1,3: W = 4, μ = 10/4 = 2.5;
		// ΣΣ w_i w_j |Δy| = 2·1·3·2 = 12; G = 12 / (2·16·2.5) = 0.15.
		// By the Lorenz form: p = ¼,¾, s = 0.1,0.9:
		// 1 − [¼(0 + 0.1) + ¾(0.2 + 0.9)] = 1 − 0.85 = 0.15.
		{"weighted", []float64{3, 1}, []float64{3, 1}, 0.15},
		// One of n gets all: G = (n − 1)/n = 0.75 for n = 4.
		{"one gets all", []float64{0, 0, 0, 8}, nil, 0.75},
		// A zero weight removes its unit.
		{"zero weight", []float64{1, 3, 100}, []float64{1, 3, 0}, 0.15},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Gini(tc.y, tc.w)
			if err != nil {
				t.Fatalf("Gini(%v, %v) error: %v", tc.y, tc.w, err)
			}
			if !near(got, tc.want) {
				t.Errorf("Gini(%v, %v) = %v, want %v", tc.y, tc.w, got, tc.want)
			}
		})
	}
}

func TestInvalidInput(t *testing.T) {
	tests := []struct {
		name string
		y, w []float64
	}{
		{"empty", nil, nil},
		{"length mismatch", []float64{1, 2}, []float64{1}},
		{"negative value", []float64{1, -2}, nil},
		{"negative weight", []float64{1, 2}, []float64{1, -1}},
		{"NaN value", []float64{1, math.NaN()}, nil},
		{"NaN weight", []float64{1, 2}, []float64{math.NaN(), 1}},
		{"infinite value", []float64{1, math.Inf(1)}, nil},
		{"zero weights", []float64{1, 2}, []float64{0, 0}},
		{"zero total", []float64{0, 0}, nil},
	}
	funcs := map[string]func(y, w []float64) (float64, error){
		"Gini":   Gini,
		"TheilT": TheilT,
		"TheilL": TheilL,
		"Palma":  Palma,
		"CV":     CV,
		"Atkinson(0.5)": func(y, w []float64) (float64, error) {
			return Atkinson(0.5, y, w)
		},
		"GE(2)": func(y, w []float64) (float64, error) { return GE(2, y, w) },
		"Lorenz": func(y, w []float64) (float64, error) {
			_, err := Lorenz(y, w)
			return 0, err
		},
	}
	for _, tc := range tests {
		for name, f := range funcs {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				got, err := f(tc.y, tc.w)
				if !isInvalid(err) {
					t.Errorf("%s(%v, %v) = %v, %v, want an EINVALID error", name, tc.y, tc.w, got, err)
				}
			})
		}
	}
}

func TestLorenz(t *testing.T) {
	tests := []struct {
		name string
		y, w []float64
		want []Point
	}{
		// Sorted: y=1 (w=1), y=3 (w=3); W = 4, Σwy = 10:
		// (¼, 1/10), then (1, 1).
		{"weighted", []float64{3, 1}, []float64{3, 1}, []Point{{0, 0}, {0.25, 0.1}, {1, 1}}},
		// y = 1,2,3,4: cumulative sums 1,3,6,10 over 10.
		{"one to four", []float64{2, 4, 1, 3}, nil, []Point{{0, 0}, {0.25, 0.1}, {0.5, 0.3}, {0.75, 0.6}, {1, 1}}},
		{"single", []float64{5}, nil, []Point{{0, 0}, {1, 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Lorenz(tc.y, tc.w)
			if err != nil {
				t.Fatalf("Lorenz(%v, %v) error: %v", tc.y, tc.w, err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("Lorenz(%v, %v) = %v, want %v", tc.y, tc.w, got, tc.want)
			}
			for i := range got {
				if !near(got[i].X, tc.want[i].X) || !near(got[i].Y, tc.want[i].Y) {
					t.Fatalf("Lorenz(%v, %v) = %v, want %v", tc.y, tc.w, got, tc.want)
				}
			}
		})
	}
}

func TestIndices(t *testing.T) {
	// Hand computations for y = 1, 3 with equal weights, μ = 2:
	//   Theil T = ½(½ ln ½) + ½(3/2 ln 3/2) = −0.1732868 + 0.3040988 = 0.1308120
	//   Theil L = ½ ln(2/1) + ½ ln(2/3) = 0.3465736 − 0.2027326 = 0.1438410
	//   A(0.5) = 1 − [½(√½ + √(3/2))]² = 1 − 0.9659258² = 0.0669873
	//   A(1)   = 1 − √(1·3)/2 = 1 − 0.8660254 = 0.1339746 (= 1 − e^{−L})
	//   A(2)   = 1 − harmonic mean/μ = 1 − 1.5/2 = 0.25
	//   CV     = σ/μ = 1/2 (population SD of 1,3 is 1)
	//   GE(2)  = ½ · ½[(½)² − 1 + (3/2)² − 1] = ¼ · 0.5 = 0.125 (= CV²/2)
	// y = 1,2,3,4: L(0.4) = 0.1 + 0.2·0.6 = 0.22, L(0.9) = 0.6 + 0.4·0.6 = 0.84,
	//   Palma = 0.16/0.22 = 0.7272727.
	y := []float64{1, 3}
	tests := []struct {
		name string
		f    func() (float64, error)
		want float64
	}{
		{"TheilT", func() (float64, error) { return TheilT(y, nil) }, 0.5*0.5*math.Log(0.5) + 0.5*1.5*math.Log(1.5)},
		{"TheilL", func() (float64, error) { return TheilL(y, nil) }, 0.5*math.Log(2) + 0.5*math.Log(2.0/3)},
		{"GE(1)", func() (float64, error) { return GE(1, y, nil) }, 0.1308120},
		{"GE(0)", func() (float64, error) { return GE(0, y, nil) }, 0.1438410},
		{"GE(2)", func() (float64, error) { return GE(2, y, nil) }, 0.125},
		{"Atkinson(0.5)", func() (float64, error) { return Atkinson(0.5, y, nil) }, 1 - math.Pow((math.Sqrt(0.5)+math.Sqrt(1.5))/2, 2)},
		{"Atkinson(1)", func() (float64, error) { return Atkinson(1, y, nil) }, 1 - math.Sqrt(3)/2},
		{"Atkinson(2)", func() (float64, error) { return Atkinson(2, y, nil) }, 0.25},
		{"Atkinson(0)", func() (float64, error) { return Atkinson(0, y, nil) }, 0},
		{"Atkinson(1) with a zero", func() (float64, error) { return Atkinson(1, []float64{0, 2}, nil) }, 1},
		{"CV", func() (float64, error) { return CV(y, nil) }, 0.5},
		{"Palma", func() (float64, error) { return Palma([]float64{1, 2, 3, 4}, nil) }, 0.16 / 0.22},
		// Need 2 (neediest) has y = 3, need 1 has y = 1: R = ¼, ¾, mean R = ½;
		// cov = ½(3·¼ + 1·¾) − 2·½ = −¼; C = 2(−¼)/2 = −0.25.
		{"Concentration to the needy", func() (float64, error) { return Concentration([]float64{3, 1}, nil, []float64{2, 1}) }, -0.25},
		{"Concentration to the better-off", func() (float64, error) { return Concentration([]float64{1, 3}, nil, []float64{2, 1}) }, 0.25},
		// Tied need: both share rank ½, so the covariance is 0.
		{"Concentration tied", func() (float64, error) { return Concentration([]float64{1, 3}, nil, []float64{1, 1}) }, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.f()
			if err != nil {
				t.Fatalf("%s error: %v", tc.name, err)
			}
			if !scalar.EqualWithinAbsOrRel(got, tc.want, 1e-7, 1e-7) {
				t.Errorf("%s = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
}

func TestUndefined(t *testing.T) {
	tests := []struct {
		name string
		f    func() (float64, error)
	}{
		{"TheilL with a zero", func() (float64, error) { return TheilL([]float64{0, 1, 2}, nil) }},
		{"GE(0) with a zero", func() (float64, error) { return GE(0, []float64{0, 1}, nil) }},
		{"GE(-1) with a zero", func() (float64, error) { return GE(-1, []float64{0, 1}, nil) }},
		{"Palma bottom 40% zero", func() (float64, error) { return Palma([]float64{0, 0, 0, 0, 1}, nil) }},
		{"Atkinson negative epsilon", func() (float64, error) { return Atkinson(-1, []float64{1, 2}, nil) }},
		{"Concentration length", func() (float64, error) { return Concentration([]float64{1, 2}, nil, []float64{1}) }},
		{"Concentration NaN need", func() (float64, error) { return Concentration([]float64{1, 2}, nil, []float64{1, math.NaN()}) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.f()
			if !isInvalid(err) {
				t.Errorf("%s = %v, %v, want an EINVALID error", tc.name, got, err)
			}
		})
	}
	_, err := TheilL([]float64{0, 1, 2}, nil)
	if want := "1 of 3 units got nothing"; err == nil || !contains(pbequity.ErrorMessage(err), want) {
		t.Errorf("TheilL message = %q, want it to say %q", pbequity.ErrorMessage(err), want)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestDecompose(t *testing.T) {
	// y = 1,3 | 2,2 in groups A | B, equal weights, μ = 2, μ_A = μ_B = 2:
	// between = 0; within = s_A·T_A = ½·0.1308120 = 0.0654060 = total.
	y := []float64{1, 3, 2, 2}
	g := []string{"A", "A", "B", "B"}
	d, err := TheilTDecompose(y, nil, g)
	if err != nil {
		t.Fatal(err)
	}
	if !scalar.EqualWithinAbsOrRel(d.Total, 0.0654060, 1e-7, 1e-7) || !near(d.Between, 0) || d.Groups != 2 || d.Units != 4 {
		t.Errorf("TheilTDecompose(%v, %v) = %+v, want total 0.065406, between 0", y, g, d)
	}
	// y = 1,1 | 3,3: all inequality is between groups: T = 0.1308120,
	// L = 0.1438410.
	y = []float64{1, 1, 3, 3}
	d, _ = TheilTDecompose(y, nil, g)
	if !scalar.EqualWithinAbsOrRel(d.Between, 0.1308120, 1e-7, 1e-7) || !near(d.Within, 0) || !near(d.BetweenShare, 1) {
		t.Errorf("TheilTDecompose(%v, %v) = %+v, want between 0.130812, within 0", y, g, d)
	}
	l, _ := TheilLDecompose(y, nil, g)
	if !scalar.EqualWithinAbsOrRel(l.Between, 0.1438410, 1e-7, 1e-7) || !near(l.Within, 0) {
		t.Errorf("TheilLDecompose(%v, %v) = %+v, want between 0.143841, within 0", y, g, l)
	}
	if _, err := TheilLDecompose([]float64{0, 1}, nil, []string{"A", "B"}); !isInvalid(err) {
		t.Errorf("TheilLDecompose with a zero: error %v, want EINVALID", err)
	}
	if _, err := TheilTDecompose([]float64{0, 1}, nil, []string{"A"}); !isInvalid(err) {
		t.Errorf("TheilTDecompose with a short group: error %v, want EINVALID", err)
	}
}

// randomDist draws n values (some zero) and weights.
func randomDist(r *rand.Rand, n int) (y, w []float64) {
	y, w = make([]float64, n), make([]float64, n)
	for i := range y {
		if r.IntN(5) > 0 {
			y[i] = r.Float64() * 100
		}
		w[i] = 1 + r.Float64()*1000
	}
	y[r.IntN(n)] = 1 + r.Float64() // at least one positive
	return y, w
}

func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 1 + r.IntN(12)
		y, w := randomDist(r, n)
		g, err := Gini(y, w)
		if err != nil {
			t.Fatalf("Gini(%v, %v) error: %v", y, w, err)
		}
		if g < 0 || g > 1 {
			t.Errorf("Gini(%v, %v) = %v, want in [0, 1]", y, w, g)
		}

		// Cross-check with the double loop ΣΣ w_i w_j |y_i − y_j| / (2 W² μ).
		var W, T, dd float64
		for i := range y {
			W += w[i]
			T += w[i] * y[i]
			for j := range y {
				dd += w[i] * w[j] * math.Abs(y[i]-y[j])
			}
		}
		mu := T / W
		if want := dd / (2 * W * W * mu); !near(g, want) {
			t.Errorf("Gini(%v, %v) = %v, want %v (double loop)", y, w, g, want)
		}

		// Scale invariance, and weights scale too.
		ys, ws := make([]float64, n), make([]float64, n)
		for i := range y {
			ys[i], ws[i] = 7.5*y[i], 3*w[i]
		}
		if gs, _ := Gini(ys, ws); !near(gs, g) {
			t.Errorf("Gini(%v, %v) = %v, want %v (scale invariant)", ys, ws, gs, g)
		}

		// Lorenz ends at (1, 1), starts at (0, 0), is monotone and below
		// the diagonal.
		pts, _ := Lorenz(y, w)
		if pts[0] != (Point{}) || pts[len(pts)-1] != (Point{1, 1}) {
			t.Errorf("Lorenz(%v, %v) ends = %v, %v, want (0,0), (1,1)", y, w, pts[0], pts[len(pts)-1])
		}
		for i := 1; i < len(pts); i++ {
			if pts[i].X < pts[i-1].X || pts[i].Y < pts[i-1].Y-1e-12 || pts[i].Y > pts[i].X+1e-12 {
				t.Errorf("Lorenz(%v, %v) = %v: not monotone below the diagonal at %d", y, w, pts, i)
			}
		}

		// Theil T, CV and the concentration index against direct loops.
		var th, v float64
		for i := range y {
			if y[i] > 0 {
				th += w[i] / W * y[i] / mu * math.Log(y[i]/mu)
			}
			v += w[i] / W * (y[i] - mu) * (y[i] - mu)
		}
		if got, _ := TheilT(y, w); !scalar.EqualWithinAbsOrRel(got, th, 1e-9, 1e-9) {
			t.Errorf("TheilT(%v, %v) = %v, want %v (direct loop)", y, w, got, th)
		}
		if got, _ := CV(y, w); !near(got, math.Sqrt(v)/mu) {
			t.Errorf("CV(%v, %v) = %v, want %v (direct loop)", y, w, got, math.Sqrt(v)/mu)
		}
		need := make([]float64, n)
		for i := range need {
			need[i] = float64(r.IntN(4)) // ties on purpose
		}
		if got, _ := Concentration(y, w, need); !scalar.EqualWithinAbsOrRel(got, directConcentration(y, w, need), 1e-9, 1e-9) {
			t.Errorf("Concentration(%v, %v, %v) = %v, want %v (direct loop)", y, w, need, got, directConcentration(y, w, need))
		}

		// Decomposition sums to the total over all units.
		groups := make([]string, n)
		for i := range groups {
			groups[i] = string(rune('A' + r.IntN(3)))
		}
		d, _ := TheilTDecompose(y, w, groups)
		if !scalar.EqualWithinAbsOrRel(d.Total, th, 1e-9, 1e-9) {
			t.Errorf("TheilTDecompose(%v, %v, %v) total = %v, want Theil T %v", y, w, groups, d.Total, th)
		}
		if lt, err := TheilL(y, w); err == nil {
			dl, _ := TheilLDecompose(y, w, groups)
			if !scalar.EqualWithinAbsOrRel(dl.Total, lt, 1e-9, 1e-9) {
				t.Errorf("TheilLDecompose(%v, %v, %v) total = %v, want Theil L %v", y, w, groups, dl.Total, lt)
			}
			// A(1) = 1 − e^{−L}.
			if a, _ := Atkinson(1, y, w); !near(a, 1-math.Exp(-lt)) {
				t.Errorf("Atkinson(1, %v, %v) = %v, want %v", y, w, a, 1-math.Exp(-lt))
			}
		}
		for _, eps := range []float64{0.5, 1, 2} {
			if a, _ := Atkinson(eps, y, w); a < 0 || a > 1 {
				t.Errorf("Atkinson(%v, %v, %v) = %v, want in [0, 1]", eps, y, w, a)
			}
		}
		_ = trial
	}
}

// directConcentration computes C = 2 cov_w(y, R)/μ with explicit loops,
// averaging the fractional rank over tied need scores.
func directConcentration(y, w, need []float64) float64 {
	var W, T float64
	for i := range y {
		W += w[i]
		T += w[i] * y[i]
	}
	r := make([]float64, len(y))
	for i := range y {
		var before, tied float64
		for j := range y {
			switch {
			case need[j] > need[i]:
				before += w[j]
			case need[j] == need[i]:
				tied += w[j]
			}
		}
		r[i] = (before + tied/2) / W
	}
	var mr float64
	for i := range y {
		mr += w[i] * r[i] / W
	}
	mu := T / W
	var cov float64
	for i := range y {
		cov += w[i] * (y[i] - mu) * (r[i] - mr) / W
	}
	return 2 * cov / mu
}

func TestBootstrap(t *testing.T) {
	y := []float64{1, 5, 2, 8, 3, 0, 4, 9, 6, 7}
	w := []float64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}
	a, err := Bootstrap(Gini, y, w, 1000, 0.95, 42)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Bootstrap(Gini, y, w, 1000, 0.95, 42)
	if a != b {
		t.Errorf("Bootstrap with the same seed = %+v and %+v, want equal", a, b)
	}
	g, _ := Gini(y, w)
	if !near(a.Estimate, g) || a.Lo > a.Hi || a.Lo < 0 || a.Hi > 1 || a.Valid != 1000 || a.B != 1000 {
		t.Errorf("Bootstrap(Gini) = %+v, want estimate %v inside a sane interval", a, g)
	}
	c, _ := Bootstrap(Gini, y, w, 1000, 0.95, 43)
	if c == a {
		t.Errorf("Bootstrap with another seed = %+v, want a different draw", c)
	}
	// Equal values: every resample has Gini 0.
	e, _ := Bootstrap(Gini, []float64{3, 3, 3}, nil, 100, 0.9, 1)
	if e.Lo != 0 || e.Hi != 0 {
		t.Errorf("Bootstrap(Gini) of equal values = %+v, want [0, 0]", e)
	}
	for _, bad := range []struct {
		b     int
		level float64
	}{{0, 0.95}, {10, 0}, {10, 1}} {
		if _, err := Bootstrap(Gini, y, w, bad.b, bad.level, 1); !isInvalid(err) {
			t.Errorf("Bootstrap(b=%d, level=%v) error %v, want EINVALID", bad.b, bad.level, err)
		}
	}
	// Every resample of a single positive unit among zeros may be all zero:
	// those are skipped, not NaN.
	z, err := Bootstrap(Gini, []float64{0, 0, 0, 1}, nil, 200, 0.95, 7)
	if err != nil || z.Valid >= 200 || math.IsNaN(z.Lo) || math.IsNaN(z.Hi) {
		t.Errorf("Bootstrap of a sparse distribution = %+v, %v, want some skipped resamples and no NaN", z, err)
	}
}
