package analytics

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"

	"github.com/pbequity/pbequity"
)

// Point is one point of a Lorenz curve: X the cumulative population share,
// Y the cumulative share of the total.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// dist is a validated weighted distribution: values y with weights w, both of
// the same length, every value and weight finite and non-negative, Σw > 0.
type dist struct {
	y, w []float64
	W    float64 // Σ w
	T    float64 // Σ w·y
}

// mean returns the weighted mean μ = Σwy / W.
func (d dist) mean() float64 { return d.T / d.W }

// newDist validates y and w (nil w means equal weights) for the function
// name and returns them as a dist. It fails with EINVALID for empty input,
// mismatched lengths, NaN or infinite values, negative values or weights,
// and a zero total weight. When positive is true a zero total Σwy fails too.
func newDist(name string, y, w []float64, positive bool) (dist, error) {
	if len(y) == 0 {
		return dist{}, pbequity.Errorf(pbequity.EINVALID, "%s: no values", name)
	}
	if w == nil {
		w = make([]float64, len(y))
		for i := range w {
			w[i] = 1
		}
	} else if len(w) != len(y) {
		return dist{}, pbequity.Errorf(pbequity.EINVALID, "%s: %d values but %d weights", name, len(y), len(w))
	}
	d := dist{y: y, w: w}
	for i := range y {
		switch {
		case math.IsNaN(y[i]) || math.IsInf(y[i], 0):
			return dist{}, pbequity.Errorf(pbequity.EINVALID, "%s: value %d is not a finite number", name, i+1)
		case math.IsNaN(w[i]) || math.IsInf(w[i], 0):
			return dist{}, pbequity.Errorf(pbequity.EINVALID, "%s: weight %d is not a finite number", name, i+1)
		case y[i] < 0:
			return dist{}, pbequity.Errorf(pbequity.EINVALID, "%s: value %d is negative", name, i+1)
		case w[i] < 0:
			return dist{}, pbequity.Errorf(pbequity.EINVALID, "%s: weight %d is negative", name, i+1)
		}
		d.W += w[i]
		d.T += w[i] * y[i]
	}
	if d.W == 0 {
		return dist{}, pbequity.Errorf(pbequity.EINVALID, "%s: total weight is zero", name)
	}
	if positive && d.T == 0 {
		return dist{}, pbequity.Errorf(pbequity.EINVALID, "%s: total is zero (nothing to distribute)", name)
	}
	return d, nil
}

// sorted returns the distribution ordered by y ascending (ties keep input
// order), copying the slices.
func (d dist) sorted() dist {
	idx := make([]int, len(d.y))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return d.y[idx[a]] < d.y[idx[b]] })
	s := dist{y: make([]float64, len(idx)), w: make([]float64, len(idx)), W: d.W, T: d.T}
	for k, i := range idx {
		s.y[k], s.w[k] = d.y[i], d.w[i]
	}
	return s
}

// shares returns the population shares p_i = w_i/W and the allocation
// shares s_i = w_i·y_i / Σwy.
func (d dist) shares() (p, s []float64) {
	p = make([]float64, len(d.y))
	s = make([]float64, len(d.y))
	for i := range d.y {
		p[i] = d.w[i] / d.W
		s[i] = d.w[i] * d.y[i] / d.T
	}
	return p, s
}

// zeros returns how many values with positive weight are zero.
func (d dist) zeros() int {
	n := 0
	for i, v := range d.y {
		if v == 0 && d.w[i] > 0 {
			n++
		}
	}
	return n
}

// Lorenz returns the Lorenz curve of values y with weights w (nil w gives
// equal weights) per INDICATORS.md §3: units sorted by y ascending, points
// (Σ_{≤i} w / W, Σ_{≤i} w·y / Σ w·y) starting at (0,0) and ending at (1,1),
// one point per unit after the origin. It fails with an EINVALID
// *pbequity.Error for empty input, negative, NaN or infinite values or
// weights, a zero total weight or a zero total Σ w·y.
func Lorenz(y, w []float64) ([]Point, error) {
	d, err := newDist("Lorenz", y, w, true)
	if err != nil {
		return nil, err
	}
	return d.sorted().lorenz(), nil
}

// lorenz returns the Lorenz points of an already sorted distribution.
func (d dist) lorenz() []Point {
	pts := make([]Point, 0, len(d.y)+1)
	pts = append(pts, Point{})
	var cw, cs float64
	for i := range d.y {
		cw += d.w[i]
		cs += d.w[i] * d.y[i]
		pts = append(pts, Point{X: cw / d.W, Y: cs / d.T})
	}
	// Pin the end point against rounding.
	pts[len(pts)-1] = Point{X: 1, Y: 1}
	return pts
}

// Gini returns the weighted Gini coefficient of values y with weights w (nil
// w gives equal weights) per INDICATORS.md §3:
// G = 1 − Σ_i p_i (2 L_{i−1} + s_i) over units sorted by y ascending, which
// equals ΣΣ w_i w_j |y_i − y_j| / (2 W² μ). It is 0 for perfect equality and
// approaches 1 when one unit gets everything. Errors are as for Lorenz.
func Gini(y, w []float64) (float64, error) {
	d, err := newDist("Gini", y, w, true)
	if err != nil {
		return 0, err
	}
	return d.sorted().gini(), nil
}

// gini computes the Gini coefficient of an already sorted distribution.
func (d dist) gini() float64 {
	var sum, L float64
	for i := range d.y {
		p := d.w[i] / d.W
		s := d.w[i] * d.y[i] / d.T
		sum += p * (2*L + s)
		L += s
	}
	return clamp01(1 - sum)
}

// clamp01 clamps rounding noise of an index that lies in [0, 1].
func clamp01(x float64) float64 {
	switch {
	case math.Abs(x) < 1e-12:
		return 0
	case x > 1 && x < 1+1e-12:
		return 1
	}
	return x
}

// TheilT returns the Theil T index GE(1) = Σ (w_i/W)(y_i/μ) ln(y_i/μ) of
// values y with weights w (nil w gives equal weights), computed as gonum's
// stat.KullbackLeibler(s, p) of allocation shares s against population
// shares p. Zero values contribute nothing (0·ln 0 = 0). Errors are as for
// Lorenz.
func TheilT(y, w []float64) (float64, error) {
	d, err := newDist("TheilT", y, w, true)
	if err != nil {
		return 0, err
	}
	return d.theilT(), nil
}

func (d dist) theilT() float64 {
	p, s := d.shares()
	return math.Max(0, stat.KullbackLeibler(s, p))
}

// TheilL returns the Theil L index GE(0), the mean log deviation
// Σ (w_i/W) ln(μ/y_i), computed as gonum's stat.KullbackLeibler(p, s). It is
// undefined when some unit with positive weight has y = 0, and then fails
// with an EINVALID *pbequity.Error saying how many units got nothing; other
// errors are as for Lorenz.
func TheilL(y, w []float64) (float64, error) {
	d, err := newDist("TheilL", y, w, true)
	if err != nil {
		return 0, err
	}
	if z := d.zeros(); z > 0 {
		return 0, pbequity.Errorf(pbequity.EINVALID, "TheilL: undefined because %d of %d units got nothing", z, len(d.y))
	}
	return d.theilL(), nil
}

func (d dist) theilL() float64 {
	p, s := d.shares()
	return math.Max(0, stat.KullbackLeibler(p, s))
}

// GE returns the generalised entropy index
// GE(α) = 1/(α(α−1)) Σ (w_i/W)((y_i/μ)^α − 1), with GE(1) = TheilT and
// GE(0) = TheilL. For α ≤ 0 it is undefined when some y is zero (EINVALID).
func GE(alpha float64, y, w []float64) (float64, error) {
	d, err := newDist("GE", y, w, true)
	if err != nil {
		return 0, err
	}
	switch {
	case math.IsNaN(alpha) || math.IsInf(alpha, 0):
		return 0, pbequity.Errorf(pbequity.EINVALID, "GE: alpha is not a finite number")
	case alpha == 1:
		return d.theilT(), nil
	case alpha <= 0 && d.zeros() > 0:
		return 0, pbequity.Errorf(pbequity.EINVALID, "GE: undefined for alpha %v because %d units got nothing", alpha, d.zeros())
	case alpha == 0:
		return d.theilL(), nil
	}
	mu := d.mean()
	var sum float64
	for i := range d.y {
		if d.w[i] > 0 {
			sum += d.w[i] / d.W * (math.Pow(d.y[i]/mu, alpha) - 1)
		}
	}
	return sum / (alpha * (alpha - 1)), nil
}

// Atkinson returns the Atkinson index
// A(ε) = 1 − [Σ (w/W)(y/μ)^{1−ε}]^{1/(1−ε)}, with A(1) = 1 − e^{−L}, for an
// inequality aversion ε ≥ 0. For ε ≥ 1 a unit with nothing makes the
// equally-distributed equivalent zero, so A(ε) = 1 (its limit). Errors are as
// for Lorenz, and EINVALID for a negative or non-finite ε.
func Atkinson(eps float64, y, w []float64) (float64, error) {
	d, err := newDist("Atkinson", y, w, true)
	if err != nil {
		return 0, err
	}
	if eps < 0 || math.IsNaN(eps) || math.IsInf(eps, 0) {
		return 0, pbequity.Errorf(pbequity.EINVALID, "Atkinson: epsilon must be a finite number ≥ 0")
	}
	return d.atkinson(eps), nil
}

func (d dist) atkinson(eps float64) float64 {
	if eps >= 1 && d.zeros() > 0 {
		return 1
	}
	if eps == 1 {
		return clamp01(1 - math.Exp(-d.theilL()))
	}
	mu := d.mean()
	var sum float64
	for i := range d.y {
		if d.w[i] > 0 {
			sum += d.w[i] / d.W * math.Pow(d.y[i]/mu, 1-eps)
		}
	}
	return clamp01(1 - math.Pow(sum, 1/(1-eps)))
}

// Palma returns the Palma ratio (1 − L(0.9)) / L(0.4): the share of the
// total going to the top 10% of the population over the share going to the
// bottom 40%, reading the Lorenz curve with linear interpolation. It is
// undefined (EINVALID) when the bottom 40% get nothing.
func Palma(y, w []float64) (float64, error) {
	d, err := newDist("Palma", y, w, true)
	if err != nil {
		return 0, err
	}
	return d.sorted().palma()
}

func (d dist) palma() (float64, error) {
	pts := d.lorenz()
	l40 := lorenzAt(pts, 0.4)
	if l40 <= 0 {
		return 0, pbequity.Errorf(pbequity.EINVALID, "Palma: undefined because the bottom 40%% of the population got nothing")
	}
	return (1 - lorenzAt(pts, 0.9)) / l40, nil
}

// lorenzAt reads the Lorenz curve pts at population share x by linear
// interpolation.
func lorenzAt(pts []Point, x float64) float64 {
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		if x <= b.X {
			if b.X == a.X {
				return b.Y
			}
			return a.Y + (b.Y-a.Y)*(x-a.X)/(b.X-a.X)
		}
	}
	return 1
}

// CV returns the coefficient of variation σ_w/μ of values y with weights w,
// with the population weighted standard deviation of gonum's stat.PopStdDev
// (dividing by Σw, not Σw − 1). Errors are as for Lorenz.
func CV(y, w []float64) (float64, error) {
	d, err := newDist("CV", y, w, true)
	if err != nil {
		return 0, err
	}
	return d.cv(), nil
}

func (d dist) cv() float64 {
	return stat.PopStdDev(d.y, d.w) / d.mean()
}

// Concentration returns the concentration index of values y with weights w
// against need scores (higher is needier): areas are ranked neediest first,
// fractional rank R_i = (Σ_{j<i} w_j + w_i/2)/W (tied need scores share the
// rank of their group), and C = 2 cov_w(y, R)/μ with gonum's
// stat.BivariateMoment(1, 1, y, R, w). C < 0 means the money goes
// disproportionately to the needier areas, C > 0 to the better-off ones.
// Errors are as for Lorenz, and EINVALID when need has another length or a
// non-finite score.
func Concentration(y, w, need []float64) (float64, error) {
	d, err := newDist("Concentration", y, w, true)
	if err != nil {
		return 0, err
	}
	if len(need) != len(y) {
		return 0, pbequity.Errorf(pbequity.EINVALID, "Concentration: %d values but %d need scores", len(y), len(need))
	}
	if floats.HasNaN(need) || slices.ContainsFunc(need, func(v float64) bool { return math.IsInf(v, 0) }) {
		return 0, pbequity.Errorf(pbequity.EINVALID, "Concentration: a need score is not a finite number")
	}
	idx := make([]int, len(y))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return need[idx[a]] > need[idx[b]] })
	r := make([]float64, len(y))
	var cum float64
	for a := 0; a < len(idx); {
		b := a
		var gw float64
		for b < len(idx) && need[idx[b]] == need[idx[a]] {
			gw += d.w[idx[b]]
			b++
		}
		for k := a; k < b; k++ {
			r[idx[k]] = (cum + gw/2) / d.W
		}
		cum += gw
		a = b
	}
	return 2 * stat.BivariateMoment(1, 1, d.y, r, d.w) / d.mean(), nil
}

// Decomposition splits an inequality index over groups into the part
// between group means and the part within groups: Total = Between + Within.
type Decomposition struct {
	Total   float64 `json:"total"`
	Between float64 `json:"between"`
	Within  float64 `json:"within"`
	// BetweenShare is Between / Total (0 when Total is 0).
	BetweenShare float64 `json:"between_share"`
	// Groups and Units count the groups and the units with positive weight.
	Groups int `json:"groups"`
	Units  int `json:"units"`
}

// TheilTDecompose decomposes Theil T of values y with weights w over the
// groups named by group (one label per unit):
// T = Σ s_k T_k + Σ s_k ln(μ_k/μ), with s_k the group's allocation share and
// μ_k its mean; groups that got nothing contribute nothing. Errors are as for
// Lorenz, and EINVALID when group has another length.
func TheilTDecompose(y, w []float64, group []string) (Decomposition, error) {
	d, err := newDist("TheilTDecompose", y, w, true)
	if err != nil {
		return Decomposition{}, err
	}
	if len(group) != len(y) {
		return Decomposition{}, pbequity.Errorf(pbequity.EINVALID, "TheilTDecompose: %d values but %d group labels", len(y), len(group))
	}
	return d.decompose(group, false), nil
}

// TheilLDecompose decomposes Theil L (the mean log deviation) over groups:
// L = Σ p_k L_k + Σ p_k ln(μ/μ_k), with p_k the group's population share.
// Like TheilL it is undefined (EINVALID) when some unit got nothing.
func TheilLDecompose(y, w []float64, group []string) (Decomposition, error) {
	d, err := newDist("TheilLDecompose", y, w, true)
	if err != nil {
		return Decomposition{}, err
	}
	if len(group) != len(y) {
		return Decomposition{}, pbequity.Errorf(pbequity.EINVALID, "TheilLDecompose: %d values but %d group labels", len(y), len(group))
	}
	if z := d.zeros(); z > 0 {
		return Decomposition{}, pbequity.Errorf(pbequity.EINVALID, "TheilLDecompose: undefined because %d of %d units got nothing", z, len(d.y))
	}
	return d.decompose(group, true), nil
}

// decompose computes the Theil T (meanLog false) or Theil L (meanLog true)
// decomposition of a validated distribution.
func (d dist) decompose(group []string, meanLog bool) Decomposition {
	var order []string
	members := map[string][]int{}
	for i, g := range group {
		if d.w[i] == 0 {
			continue
		}
		if _, ok := members[g]; !ok {
			order = append(order, g)
		}
		members[g] = append(members[g], i)
	}
	mu := d.mean()
	out := Decomposition{Groups: len(order)}
	for _, g := range order {
		idx := members[g]
		out.Units += len(idx)
		sub := dist{y: make([]float64, len(idx)), w: make([]float64, len(idx))}
		for k, i := range idx {
			sub.y[k], sub.w[k] = d.y[i], d.w[i]
			sub.W += d.w[i]
			sub.T += d.w[i] * d.y[i]
		}
		pk, sk := sub.W/d.W, sub.T/d.T
		if sub.T == 0 {
			continue // only possible for T: s_k = 0, so the group adds nothing
		}
		muk := sub.mean()
		if meanLog {
			out.Within += pk * sub.theilL()
			out.Between += pk * math.Log(mu/muk)
		} else {
			out.Within += sk * sub.theilT()
			out.Between += sk * math.Log(muk/mu)
		}
	}
	out.Between = math.Max(0, out.Between)
	out.Total = out.Between + out.Within
	if out.Total > 0 {
		out.BetweenShare = out.Between / out.Total
	}
	return out
}

// Interval is a percentile bootstrap interval of an index.
type Interval struct {
	// Estimate is the index on the full data.
	Estimate float64 `json:"estimate"`
	Lo       float64 `json:"lo"`
	Hi       float64 `json:"hi"`
	// Level is the coverage, e.g. 0.95.
	Level float64 `json:"level"`
	// B is the number of resamples drawn and Valid how many gave a defined
	// index (a resample in which every unit got nothing has none).
	B     int    `json:"b"`
	Valid int    `json:"valid"`
	Seed  uint64 `json:"seed"`
	// Note says how to read the interval; Compute sets it, Bootstrap
	// leaves it empty.
	Note Text `json:"note,omitzero"`
}

// Bootstrap returns the percentile bootstrap interval of index over units
// (y_i, w_i) resampled with replacement b times, using math/rand/v2's PCG
// seeded with seed so that the result is reproducible, and
// stat.Quantile(α/2, stat.Empirical, ...) for the ends (α = 1 − level).
// Resamples on which index fails are skipped and counted out of Valid. It
// fails with EINVALID for b < 1, a level outside (0, 1), invalid data or
// when index fails on the full data or on every resample.
func Bootstrap(index func(y, w []float64) (float64, error), y, w []float64, b int, level float64, seed uint64) (Interval, error) {
	d, err := newDist("Bootstrap", y, w, false)
	if err != nil {
		return Interval{}, err
	}
	if b < 1 {
		return Interval{}, pbequity.Errorf(pbequity.EINVALID, "Bootstrap: need at least one resample")
	}
	if !(level > 0 && level < 1) {
		return Interval{}, pbequity.Errorf(pbequity.EINVALID, "Bootstrap: level must lie strictly between 0 and 1")
	}
	est, err := index(d.y, d.w)
	if err != nil {
		return Interval{}, err
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	n := len(d.y)
	ry, rw := make([]float64, n), make([]float64, n)
	vals := make([]float64, 0, b)
	for range b {
		for k := range n {
			i := rng.IntN(n)
			ry[k], rw[k] = d.y[i], d.w[i]
		}
		v, err := index(ry, rw)
		if err != nil || math.IsNaN(v) {
			continue
		}
		vals = append(vals, v)
	}
	if len(vals) == 0 {
		return Interval{}, pbequity.Errorf(pbequity.EINVALID, "Bootstrap: the index is undefined on every resample")
	}
	sort.Float64s(vals)
	alpha := 1 - level
	return Interval{
		Estimate: est,
		Lo:       stat.Quantile(alpha/2, stat.Empirical, vals, nil),
		Hi:       stat.Quantile(1-alpha/2, stat.Empirical, vals, nil),
		Level:    level,
		B:        b,
		Valid:    len(vals),
		Seed:     seed,
	}, nil
}
