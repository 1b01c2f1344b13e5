package rules

import (
	"math"
	"math/big"
)

// phragmen is sequential Phragmén for budgeting (Los, Christoff and Grossi
// 2022): every voter carries a load, initially 0. Funding project p with
// supporters N_p raises each supporter's load to
// s_p = (c_p + Σ_{i∈N_p} ℓ_i) / |N_p|; each round funds the project with the
// least s_p among the supported projects that still fit in the budget left.
// Projects that do not fit are skipped, not a reason to stop, so the rule
// runs until nothing supported fits. Only support sets matter: points are
// ignored. Loads take one value per round, so they are kept exactly as
// rationals per round; candidates whose float s agree to within a relative
// 1e-9 are compared exactly, exact ties going to the higher score, then the
// lower cost, then the lower project id.
func phragmen(e *Election, scores []int64) []int {
	m := len(e.Costs)
	sup := make([][]int32, m)
	for i, b := range e.Ballots {
		for _, p := range b.Projects {
			if k := len(sup[p]); k > 0 && sup[p][k-1] == int32(i) {
				continue
			}
			sup[p] = append(sup[p], int32(i))
		}
	}
	ld := make([]int32, len(e.Ballots)) // load index per voter
	lf := []float64{0}
	lx := []*big.Rat{new(big.Rat)}
	var remaining []int
	for j := range m {
		if len(sup[j]) > 0 {
			remaining = append(remaining, j)
		}
	}
	exactS := func(p int) *big.Rat {
		cnt := map[int32]int64{}
		for _, v := range sup[p] {
			cnt[ld[v]]++
		}
		s := new(big.Rat).SetInt64(e.Costs[p])
		t := new(big.Rat)
		for r, n := range cnt {
			s.Add(s, t.Mul(lx[r], t.SetInt64(n)))
		}
		return s.Quo(s, t.SetInt64(int64(len(sup[p]))))
	}
	funded := []int{}
	left := e.Budget
	type cand struct {
		p int
		s float64
	}
	var cands []cand
	for {
		cands = cands[:0]
		best := math.Inf(1)
		k := 0
		for _, p := range remaining {
			if e.Costs[p] > left {
				continue // never fits again: drop
			}
			remaining[k] = p
			k++
			sum := float64(e.Costs[p])
			for _, v := range sup[p] {
				sum += lf[ld[v]]
			}
			s := sum / float64(len(sup[p]))
			cands = append(cands, cand{p, s})
			best = min(best, s)
		}
		remaining = remaining[:k]
		if len(cands) == 0 {
			break
		}
		w := -1
		var ws *big.Rat
		for _, c := range cands {
			if c.s > best*(1+eps) {
				continue
			}
			s := exactS(c.p)
			if w < 0 {
				w, ws = c.p, s
				continue
			}
			if d := s.Cmp(ws); d < 0 || (d == 0 && better(e, scores, c.p, w)) {
				w, ws = c.p, s
			}
		}
		funded = append(funded, w)
		left -= e.Costs[w]
		r := int32(len(lf))
		f, _ := ws.Float64()
		lf = append(lf, f)
		lx = append(lx, ws)
		for _, v := range sup[w] {
			ld[v] = r
		}
		for i, p := range remaining {
			if p == w {
				remaining = append(remaining[:i], remaining[i+1:]...)
				break
			}
		}
	}
	return funded
}
