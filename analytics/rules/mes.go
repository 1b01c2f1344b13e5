package rules

import (
	"math"
	"math/big"
	"slices"
)

// The Method of Equal Shares (Peters, Pierczyński and Skowron 2021;
// equalshares.net), with cost utilities (mes-cost) or approval utilities
// (mes-approval). Only the support sets of the ballots matter: points are
// ignored.
//
// Arithmetic. Voters who have paid for the same projects in the same way hold
// the same budget, so voters are grouped in budget classes: class 0 holds
// the voters with nothing left, class 1 the initial B/n, and funding a
// project moves each class of its supporters to a new class. The search runs
// in float64 over classes. Every decision that float error could change — two
// candidates whose ρ agree to within a relative 1e-9, or a project whose
// supporters' money is within 1e-9 of its cost — is settled exactly: the
// exact budgets (math/big rationals per class) are rebuilt by replaying the
// funded sequence and the decision is taken on exact values. Exact ties in ρ
// go to the higher score, then the lower cost, then the lower project id.
//
// A supported project of cost 0 has ρ = 0 and is funded first.

const eps = 1e-9

type mes struct {
	e        *Election
	scores   []int64
	approval bool
	n        int
	sup      [][]int32 // supporters of each project
	cands    []int     // projects with at least one supporter

	// state of the current run
	total   int64 // total budget of the run
	cls     []int32
	bf      []float64
	cnt     []int32
	mark    []int32 // per class: round in which it was mapped
	newOf   []int32
	touched []int32
	rich    []int32
	lb      []float64
	trace   []int
	ex      *exactMES
}

func newMES(e *Election, scores []int64, approval bool) *mes {
	m := &mes{e: e, scores: scores, approval: approval, n: len(e.Ballots)}
	counts := make([]int32, len(e.Costs))
	for _, b := range e.Ballots {
		for _, p := range b.Projects {
			counts[p]++
		}
	}
	m.sup = make([][]int32, len(e.Costs))
	for j, c := range counts {
		m.sup[j] = make([]int32, 0, c)
		if c > 0 {
			m.cands = append(m.cands, j)
		}
	}
	for i, b := range e.Ballots {
		for _, p := range b.Projects {
			if k := len(m.sup[p]); k > 0 && m.sup[p][k-1] == int32(i) {
				continue // a project listed twice on a ballot counts once
			}
			m.sup[p] = append(m.sup[p], int32(i))
		}
	}
	m.cls = make([]int32, m.n)
	m.lb = make([]float64, len(e.Costs))
	return m
}

// utility is u_i(p) of a supporter.
func (m *mes) utility(p int) float64 {
	if m.approval {
		return 1
	}
	return float64(m.e.Costs[p])
}

type evalStatus int

const (
	unaffordable evalStatus = iota
	affordable
	borderline // supporters' money within eps of the cost: decide exactly
)

// run computes MES with total budget total. When limit ≥ 0 it gives up as
// soon as the funded cost exceeds limit and returns ok = false.
func (m *mes) run(total, limit int64) (funded []int, ok bool) {
	m.total = total
	m.trace = m.trace[:0]
	m.ex = nil
	funded = []int{}
	if m.n == 0 {
		return funded, true
	}
	for i := range m.cls {
		m.cls[i] = 1
	}
	m.bf = append(m.bf[:0], 0, float64(total)/float64(m.n))
	m.cnt = append(m.cnt[:0], 0, 0)
	m.mark = append(m.mark[:0], -1, -1)
	m.newOf = append(m.newOf[:0], 0, 0)
	remaining := slices.Clone(m.cands)
	for _, p := range remaining {
		m.lb[p] = 0
	}
	type cand struct {
		p      int
		q, rho float64
	}
	var evaluated []cand
	var spent int64
	for round := int32(0); len(remaining) > 0; round++ {
		slices.SortStableFunc(remaining, func(a, b int) int {
			switch {
			case m.lb[a] < m.lb[b]:
				return -1
			case m.lb[a] > m.lb[b]:
				return 1
			}
			return 0
		})
		best := math.Inf(1)
		evaluated = evaluated[:0]
		dead := false
		for i, p := range remaining {
			if m.lb[p] > best*(1+eps) {
				break
			}
			st, q, rho := m.eval(p)
			if st == borderline {
				ok, qx := m.exact().eval(p)
				if ok {
					st = affordable
					q, _ = qx.Float64()
					rho = q / m.utility(p)
					if m.e.Costs[p] == 0 {
						rho = 0
					}
				} else {
					st = unaffordable
				}
			}
			if st == unaffordable {
				remaining[i] = -1
				dead = true
				continue
			}
			m.lb[p] = rho
			evaluated = append(evaluated, cand{p, q, rho})
			best = min(best, rho)
		}
		if dead {
			remaining = slices.DeleteFunc(remaining, func(p int) bool { return p < 0 })
		}
		if len(evaluated) == 0 {
			break
		}
		var ties []cand
		for _, c := range evaluated {
			if c.rho <= best*(1+eps) {
				ties = append(ties, c)
			}
		}
		w := ties[0]
		if len(ties) > 1 {
			w = ties[m.breakTie(len(ties), func(i int) int { return ties[i].p })]
			// take q from exact arithmetic: the float one may be off
			_, qx := m.exact().eval(w.p)
			w.q, _ = qx.Float64()
		}
		funded = append(funded, w.p)
		m.trace = append(m.trace, w.p)
		spent += m.e.Costs[w.p]
		if limit >= 0 && spent > limit {
			return nil, false
		}
		m.pay(w.p, w.q, round)
		remaining = slices.DeleteFunc(remaining, func(p int) bool { return p == w.p })
	}
	return funded, true
}

// eval computes the payment q (the most a supporter pays) and ρ = q/u of p
// in float64.
func (m *mes) eval(p int) (evalStatus, float64, float64) {
	c := float64(m.e.Costs[p])
	if c == 0 {
		return affordable, 0, 0
	}
	m.touched = m.touched[:0]
	for _, v := range m.sup[p] {
		k := m.cls[v]
		if k == 0 {
			continue
		}
		if m.cnt[k] == 0 {
			m.touched = append(m.touched, k)
		}
		m.cnt[k]++
	}
	defer func() {
		for _, k := range m.touched {
			m.cnt[k] = 0
		}
	}()
	var money float64
	denom := 0
	for _, k := range m.touched {
		money += float64(m.cnt[k]) * m.bf[k]
		denom += int(m.cnt[k])
	}
	if money < c*(1-eps) {
		return unaffordable, 0, 0
	}
	if money < c*(1+eps) {
		return borderline, 0, 0
	}
	// Water-filling without sorting: classes whose budget is below the
	// current level pay all they have; repeat until the level stops rising.
	// The level only rises, so a class found poor stays poor.
	paid, d := 0.0, float64(denom)
	q := c / d
	m.rich = append(m.rich[:0], m.touched...)
	rich := m.rich
	for {
		k := 0
		for _, cl := range rich {
			if m.bf[cl] < q {
				paid += float64(m.cnt[cl]) * m.bf[cl]
				d -= float64(m.cnt[cl])
			} else {
				rich[k] = cl
				k++
			}
		}
		if k == len(rich) {
			break
		}
		rich = rich[:k]
		if d <= 0 {
			return borderline, 0, 0
		}
		q = (c - paid) / d
	}
	return affordable, q, q / m.utility(p)
}

// pay charges the supporters of p: each pays min(budget, q).
func (m *mes) pay(p int, q float64, round int32) {
	for _, v := range m.sup[p] {
		k := m.cls[v]
		if k == 0 {
			continue
		}
		if m.mark[k] != round {
			m.mark[k] = round
			b := m.bf[k] - q
			if b <= eps*q || b <= 0 {
				m.newOf[k] = 0
			} else {
				m.newOf[k] = int32(len(m.bf))
				m.bf = append(m.bf, b)
				m.cnt = append(m.cnt, 0)
				m.mark = append(m.mark, -1)
				m.newOf = append(m.newOf, 0)
			}
		}
		m.cls[v] = m.newOf[k]
	}
}

// breakTie picks among k candidates whose float ρ tie: the least exact ρ,
// then better().
func (m *mes) breakTie(k int, proj func(int) int) int {
	ex := m.exact()
	bestI := -1
	var bestRho *big.Rat
	for i := 0; i < k; i++ {
		p := proj(i)
		ok, q := ex.eval(p)
		if !ok {
			continue
		}
		rho := new(big.Rat).Set(q)
		if c := m.e.Costs[p]; c == 0 {
			rho.SetInt64(0)
		} else if !m.approval {
			rho.Quo(rho, new(big.Rat).SetInt64(c))
		}
		if bestI < 0 {
			bestI, bestRho = i, rho
			continue
		}
		switch rho.Cmp(bestRho) {
		case -1:
			bestI, bestRho = i, rho
		case 0:
			if better(m.e, m.scores, p, proj(bestI)) {
				bestI, bestRho = i, rho
			}
		}
	}
	if bestI < 0 {
		return 0
	}
	return bestI
}

// exact returns the exact state synchronised with the funded sequence.
func (m *mes) exact() *exactMES {
	if m.ex == nil {
		m.ex = &exactMES{m: m, cls: make([]int32, m.n)}
		for i := range m.ex.cls {
			m.ex.cls[i] = 1
		}
		m.ex.br = []*big.Rat{new(big.Rat), big.NewRat(m.total, int64(m.n))}
	}
	for m.ex.applied < len(m.trace) {
		m.ex.apply(m.trace[m.ex.applied])
		m.ex.applied++
	}
	return m.ex
}

// exactMES holds the voters' budgets as exact rationals, by class.
type exactMES struct {
	m       *mes
	applied int
	cls     []int32
	br      []*big.Rat
}

// eval reports whether p is affordable and its payment q, exactly.
func (x *exactMES) eval(p int) (bool, *big.Rat) {
	c := new(big.Rat).SetInt64(x.m.e.Costs[p])
	if c.Sign() == 0 {
		return true, c
	}
	cnt := map[int32]int64{}
	for _, v := range x.m.sup[p] {
		if k := x.cls[v]; k != 0 {
			cnt[k]++
		}
	}
	ks := make([]int32, 0, len(cnt))
	money := new(big.Rat)
	t := new(big.Rat)
	var denom int64
	for k, n := range cnt {
		ks = append(ks, k)
		money.Add(money, t.Mul(x.br[k], t.SetInt64(n)))
		denom += n
	}
	if money.Cmp(c) < 0 {
		return false, nil
	}
	slices.SortFunc(ks, func(a, b int32) int { return x.br[a].Cmp(x.br[b]) })
	paid := new(big.Rat)
	mp := new(big.Rat)
	for _, k := range ks {
		mp.Sub(c, paid)
		mp.Quo(mp, t.SetInt64(denom))
		if mp.Cmp(x.br[k]) <= 0 {
			return true, mp
		}
		paid.Add(paid, new(big.Rat).Mul(x.br[k], t.SetInt64(cnt[k])))
		denom -= cnt[k]
	}
	// everyone pays all they have: money == c
	return true, x.br[ks[len(ks)-1]]
}

// apply charges the supporters of p exactly.
func (x *exactMES) apply(p int) {
	ok, q := x.eval(p)
	if !ok {
		q = new(big.Rat).SetInt64(math.MaxInt64) // cannot happen: p was affordable
	}
	q = new(big.Rat).Set(q)
	newOf := map[int32]int32{}
	for _, v := range x.m.sup[p] {
		k := x.cls[v]
		if k == 0 {
			continue
		}
		nk, seen := newOf[k]
		if !seen {
			if x.br[k].Cmp(q) <= 0 {
				nk = 0
			} else {
				nk = int32(len(x.br))
				x.br = append(x.br, new(big.Rat).Sub(x.br[k], q))
			}
			newOf[k] = nk
		}
		x.cls[v] = nk
	}
}

// plainSteps is the number of add1 increments taken one at a time before
// add1 switches to a galloping search.
const plainSteps = 256

// add1 runs MES with the add1 completion of equalshares.net: while the
// outcome is not exhaustive (some supported project outside it would still
// fit in the budget B), rerun with the total budget raised by n (one
// currency unit per voter) and keep the new outcome if its cost stays within
// B; stop at the first that does not. It returns the outcome kept and the
// number of increments.
//
// The first plainSteps increments are taken one by one, exactly as that
// loop does. In a currency of small units (rial) the loop can need millions
// of increments, so past plainSteps the first increment whose outcome costs
// more than B is found by doubling and then bisection. That gives the loop's
// answer whenever the funded cost does not fall again after exceeding B; in
// the rare elections where it does (2% of small random ones in
// TestAdd1Gallop) it gives a later boundary: an outcome within B whose next
// increment exceeds B.
func (m *mes) add1() ([]int, int) {
	B := m.e.Budget
	cur, _ := m.run(B, -1)
	steps := 0
	try := func(s int) ([]int, bool) { return m.run(B+int64(s)*int64(m.n), B) }
	for !m.exhaustive(cur) {
		if steps == plainSteps {
			return m.gallop(cur, steps, try)
		}
		next, ok := try(steps + 1)
		if !ok {
			break
		}
		steps++
		cur = next
	}
	return cur, steps
}

// gallop continues add1 from an outcome at step lo that is within budget and
// not exhaustive: it doubles the step until the outcome exceeds B or is
// exhaustive, then bisects for the last step within B.
func (m *mes) gallop(cur []int, lo int, try func(int) ([]int, bool)) ([]int, int) {
	hi := lo
	for {
		if hi > 1<<40 {
			return cur, lo
		}
		hi *= 2
		next, ok := try(hi)
		if !ok {
			break
		}
		lo, cur = hi, next
		if m.exhaustive(cur) {
			return cur, lo
		}
	}
	// try(lo) is within B, try(hi) is not.
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if next, ok := try(mid); ok {
			lo, cur = mid, next
		} else {
			hi = mid
		}
	}
	return cur, lo
}

// exhaustive reports whether no supported project outside funded fits in
// the budget left.
func (m *mes) exhaustive(funded []int) bool {
	in := make([]bool, len(m.e.Costs))
	var cost int64
	for _, p := range funded {
		in[p] = true
		cost += m.e.Costs[p]
	}
	for _, p := range m.cands {
		if !in[p] && cost+m.e.Costs[p] <= m.e.Budget {
			return false
		}
	}
	return true
}
