package rules

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveAdd1 is add1 one increment at a time, however many it takes.
func naiveAdd1(e *Election, approval bool) ([]int, int) {
	m := newMES(e, e.Scores(), approval)
	B := e.Budget
	cur, _ := m.run(B, -1)
	steps := 0
	for !m.exhaustive(cur) {
		next, ok := m.run(B+int64(steps+1)*int64(m.n), B)
		if !ok {
			break
		}
		steps++
		cur = next
	}
	return cur, steps
}

// TestAdd1Gallop checks the galloping search past plainSteps increments on
// elections whose costs are in small currency units (as in rial), so that
// the loop needs thousands of increments: its outcome is always within the
// budget and a boundary (exhaustive, or one more increment exceeds B), and
// it is the naive loop's outcome except where the funded cost falls again
// after exceeding B (the funded cost is not monotone there).
func TestAdd1Gallop(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	galloped, differ := 0, 0
	for i := range 150 {
		m := 3 + r.IntN(5)
		costs := make([]int64, m)
		for j := range costs {
			costs[j] = 1000 * int64(1+r.IntN(20))
		}
		n := 2 + r.IntN(6)
		var ballots [][]int32
		for range n {
			var b []int32
			for j := range m {
				if r.IntN(2) == 0 {
					b = append(b, int32(j))
				}
			}
			ballots = append(ballots, b)
		}
		e := elect(1000*int64(10+r.IntN(30)), costs, ballots...)
		for _, approval := range []bool{false, true} {
			want, steps := naiveAdd1(e, approval)
			if steps > plainSteps {
				galloped++
			}
			m := newMES(e, e.Scores(), approval)
			got, gs := m.add1()
			var cost int64
			for _, p := range got {
				cost += e.Costs[p]
			}
			if cost > e.Budget {
				t.Fatalf("case %d: add1 funds %v costing %d > %d", i, got, cost, e.Budget)
			}
			if _, ok := m.run(e.Budget+int64(gs+1)*int64(m.n), e.Budget); ok && !m.exhaustive(got) {
				t.Fatalf("case %d: add1 stopped at step %d although step %d is within budget and %v is not exhaustive", i, gs, gs+1, got)
			}
			if !slices.Equal(got, want) {
				differ++
				if steps <= plainSteps {
					t.Fatalf("case %d approval=%v: add1 %v, naive loop %v after %d steps (no gallop involved)\n%+v", i, approval, got, want, steps, e)
				}
			}
		}
	}
	if galloped < 50 {
		t.Errorf("only %d cases needed more than %d increments; the test does not exercise the gallop", galloped, plainSteps)
	}
	if differ*10 > galloped {
		t.Errorf("gallop differs from the naive loop in %d of %d cases", differ, galloped)
	}
	t.Logf("%d cases went past %d increments; %d differ from the naive loop (non-monotone cost)", galloped, plainSteps, differ)
}
