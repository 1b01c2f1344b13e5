package rules

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/pbequity/pbequity"
)

// elect builds an election from costs and approval ballots; project ids are
// "p0", "p1", ….
func elect(budget int64, costs []int64, ballots ...[]int32) *Election {
	e := &Election{Budget: budget, VoteType: pbequity.VoteApproval, Costs: costs}
	for j := range costs {
		e.ProjectIDs = append(e.ProjectIDs, "p"+strconv.Itoa(j))
	}
	for _, b := range ballots {
		e.Ballots = append(e.Ballots, Ballot{Projects: b})
	}
	return e
}

func TestRulesSmall(t *testing.T) {
	tests := []struct {
		name string
		e    *Election
		rule string
		opt  Options
		want []int
	}{
		// p0: 3 votes, p1: 2, p2: 2 (tie with p1, cheaper), p3: 0 votes
		{"greedy skips", elect(10, []int64{6, 5, 3, 1}, []int32{0, 1}, []int32{0, 2}, []int32{0, 1, 2}), Greedy, Options{}, []int{0, 2}},
		{"greedy no skip", elect(10, []int64{6, 5, 3, 1}, []int32{0, 1}, []int32{0, 2}, []int32{0, 1, 2}), GreedyNoSkip, Options{}, []int{0, 2}},
		{"no skip stops", elect(10, []int64{6, 5, 1}, []int32{0, 1, 2}, []int32{0, 1}), GreedyNoSkip, Options{}, []int{1}},
		{"zero votes never funded", elect(100, []int64{6, 5, 1}, []int32{0}), Greedy, Options{}, []int{0}},
		{"over budget", elect(10, []int64{11, 5}, []int32{0}, []int32{0}, []int32{1}), Greedy, Options{}, []int{1}},
		{"tie by id", elect(10, []int64{5, 5, 5}, []int32{2}, []int32{1}), Greedy, Options{}, []int{1, 2}},
		{"empty ballots", elect(10, []int64{5, 5}, []int32{}, []int32{}), Greedy, Options{}, []int{}},
		{"threshold", &Election{Budget: 100, Costs: []int64{5, 5}, ProjectIDs: []string{"a", "b"}, MinProjectScore: 2,
			Ballots: []Ballot{{Projects: []int32{0, 1}}, {Projects: []int32{0}}}}, GreedyThreshold, Options{}, []int{0}},
		// MES: 4 voters, budget 8 → 2 each. p0 (cost 4) backed by voters 0,1;
		// p1 (cost 4) by voters 2,3; p2 (cost 6) by everyone: ρ ties in
		// cost utility; approval: p2 costs 1.5 each vs 2 each.
		{"mes-approval", elect(8, []int64{4, 4, 6}, []int32{0, 2}, []int32{0, 2}, []int32{1, 2}, []int32{1, 2}), MESApproval, Options{Completion: CompletionNone}, []int{2}},
		{"mes-cost tie", elect(8, []int64{4, 4, 6}, []int32{0, 2}, []int32{0, 2}, []int32{1, 2}, []int32{1, 2}), MESCost, Options{Completion: CompletionNone}, []int{2}},
		{"mes over budget", elect(8, []int64{9, 4}, []int32{0}, []int32{0, 1}), MESCost, Options{}, []int{1}},
		{"mes empty ballots", elect(8, []int64{4}, []int32{0}, []int32{}), MESCost, Options{Completion: CompletionNone}, []int{0}},
		{"mes empty ballots short", elect(7, []int64{4}, []int32{0}, []int32{}), MESCost, Options{Completion: CompletionNone}, []int{}},
		{"mes add1", elect(7, []int64{4}, []int32{0}, []int32{}), MESCost, Options{}, []int{0}},
		{"phragmen", elect(10, []int64{6, 5, 3, 1}, []int32{0, 1}, []int32{0, 2}, []int32{0, 1, 2}), Phragmen, Options{}, []int{2, 0}},
		{"phragmen skips", elect(6, []int64{5, 5, 1}, []int32{0, 1}, []int32{1, 0}, []int32{2}), Phragmen, Options{}, []int{2, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := Run(tc.e, tc.rule, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(o.Funded, tc.want) {
				t.Errorf("Run(%s) = %v, want %v", tc.rule, o.Funded, tc.want)
			}
			var cost int64
			for _, j := range o.Funded {
				cost += tc.e.Costs[j]
			}
			if cost != o.Cost || cost > tc.e.Budget || len(o.FundedIDs) != len(o.Funded) {
				t.Errorf("cost %d (%d), ids %v", o.Cost, cost, o.FundedIDs)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	for _, e := range []*Election{
		{Budget: 1, Costs: []int64{1}, ProjectIDs: []string{"a"}, Ballots: []Ballot{{Projects: []int32{1}}}},
		{Budget: 1, Costs: []int64{-1}, ProjectIDs: []string{"a"}},
		{Budget: 1, Costs: []int64{1}, ProjectIDs: []string{"a"}, Ballots: []Ballot{{Projects: []int32{0}, Points: []int64{1, 2}}}},
	} {
		if _, err := Run(e, Greedy, Options{}); pbequity.ErrorCode(err) != pbequity.EINVALID {
			t.Errorf("Run(%+v) error = %v, want invalid", e, err)
		}
	}
	if _, err := Run(elect(1, []int64{1}), "borda", Options{}); pbequity.ErrorCode(err) != pbequity.EINVALID {
		t.Errorf("unknown rule: %v", err)
	}
	if _, err := Run(elect(1, []int64{1}), MESCost, Options{Completion: "x"}); pbequity.ErrorCode(err) != pbequity.EINVALID {
		t.Errorf("unknown completion: %v", err)
	}
	_, err := FromVotes(pbequity.Cycle{Budget: 1}, []pbequity.Project{{ID: "a"}}, []pbequity.Vote{{ParticipantID: "v", ProjectID: "b"}})
	var pe *pbequity.Error
	if !errors.As(err, &pe) {
		t.Errorf("FromVotes unknown project: %v", err)
	}
}

func TestFromVotes(t *testing.T) {
	c := pbequity.Cycle{Budget: 10, VoteType: pbequity.VoteOrdinal}
	ps := []pbequity.Project{{ID: "a", Cost: 1}, {ID: "b", Cost: 2}, {ID: "c", Cost: 3}}
	vs := []pbequity.Vote{
		{ParticipantID: "x", ProjectID: "c", Rank: 2},
		{ParticipantID: "y", ProjectID: "b", Rank: 1},
		{ParticipantID: "x", ProjectID: "a", Rank: 1},
		{ParticipantID: "x", ProjectID: "b", Rank: 3},
	}
	e, err := FromVotes(c, ps, vs)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Ballots) != 2 || !slices.Equal(e.Ballots[0].Projects, []int32{0, 2, 1}) || !slices.Equal(e.Ballots[0].Points, []int64{3, 2, 1}) ||
		!slices.Equal(e.Ballots[1].Projects, []int32{1}) || !slices.Equal(e.Ballots[1].Points, []int64{1}) {
		t.Errorf("ballots = %+v", e.Ballots)
	}
	if s := e.Scores(); !slices.Equal(s, []int64{3, 2, 2}) {
		t.Errorf("Scores = %v", s)
	}
}

// refMES is the textbook Method of Equal Shares on exact rationals, voter by
// voter, with the package's tie-breaking.
func refMES(e *Election, approval bool, total int64) []int {
	n := len(e.Ballots)
	funded := []int{}
	if n == 0 {
		return funded
	}
	b := make([]*big.Rat, n)
	for i := range b {
		b[i] = big.NewRat(total, int64(n))
	}
	sup := make([][]int, len(e.Costs))
	for i, bl := range e.Ballots {
		for _, p := range bl.Projects {
			if !slices.Contains(sup[p], i) {
				sup[p] = append(sup[p], i)
			}
		}
	}
	scores := e.Scores()
	done := make([]bool, len(e.Costs))
	for {
		best := -1
		var bestRho, bestQ *big.Rat
		for p := range e.Costs {
			if done[p] || len(sup[p]) == 0 {
				continue
			}
			c := new(big.Rat).SetInt64(e.Costs[p])
			money := new(big.Rat)
			bs := []*big.Rat{}
			for _, i := range sup[p] {
				money.Add(money, b[i])
				bs = append(bs, b[i])
			}
			if money.Cmp(c) < 0 {
				continue
			}
			sort.Slice(bs, func(x, y int) bool { return bs[x].Cmp(bs[y]) < 0 })
			paid := new(big.Rat)
			q := new(big.Rat)
			for k, bi := range bs {
				q.Sub(c, paid)
				q.Quo(q, big.NewRat(int64(len(bs)-k), 1))
				if q.Cmp(bi) <= 0 {
					break
				}
				paid.Add(paid, bi)
				q = new(big.Rat).Set(bi) // all pay all (money == c)
			}
			rho := new(big.Rat).Set(q)
			if !approval && e.Costs[p] > 0 {
				rho.Quo(rho, c)
			}
			if e.Costs[p] == 0 {
				rho.SetInt64(0)
			}
			if best < 0 || rho.Cmp(bestRho) < 0 || (rho.Cmp(bestRho) == 0 && better(e, scores, p, best)) {
				best, bestRho, bestQ = p, rho, q
			}
		}
		if best < 0 {
			return funded
		}
		funded = append(funded, best)
		done[best] = true
		for _, i := range sup[best] {
			if b[i].Cmp(bestQ) <= 0 {
				b[i] = new(big.Rat)
			} else {
				b[i] = new(big.Rat).Sub(b[i], bestQ)
			}
		}
	}
}

// refAdd1 is the naive add1 loop over refMES, each run complete.
func refAdd1(e *Election, approval bool) []int {
	cost := func(f []int) (s int64) {
		for _, p := range f {
			s += e.Costs[p]
		}
		return s
	}
	n := int64(len(e.Ballots))
	cur := refMES(e, approval, e.Budget)
	for t := int64(1); ; t++ {
		exhaustive := true
		for p := range e.Costs {
			supported := e.Scores()[p] > 0 || slices.ContainsFunc(e.Ballots, func(b Ballot) bool { return slices.Contains(b.Projects, int32(p)) })
			if supported && !slices.Contains(cur, p) && cost(cur)+e.Costs[p] <= e.Budget {
				exhaustive = false
			}
		}
		if exhaustive {
			return cur
		}
		next := refMES(e, approval, e.Budget+t*n)
		if cost(next) > e.Budget {
			return cur
		}
		cur = next
	}
}

// refPhragmen is sequential Phragmén on exact rationals, voter by voter.
func refPhragmen(e *Election) []int {
	load := make([]*big.Rat, len(e.Ballots))
	for i := range load {
		load[i] = new(big.Rat)
	}
	sup := make([][]int, len(e.Costs))
	for i, bl := range e.Ballots {
		for _, p := range bl.Projects {
			if !slices.Contains(sup[p], i) {
				sup[p] = append(sup[p], i)
			}
		}
	}
	scores := e.Scores()
	funded := []int{}
	left := e.Budget
	done := make([]bool, len(e.Costs))
	for {
		best := -1
		var bs *big.Rat
		for p := range e.Costs {
			if done[p] || len(sup[p]) == 0 || e.Costs[p] > left {
				continue
			}
			s := new(big.Rat).SetInt64(e.Costs[p])
			for _, i := range sup[p] {
				s.Add(s, load[i])
			}
			s.Quo(s, big.NewRat(int64(len(sup[p])), 1))
			if best < 0 || s.Cmp(bs) < 0 || (s.Cmp(bs) == 0 && better(e, scores, p, best)) {
				best, bs = p, s
			}
		}
		if best < 0 {
			return funded
		}
		done[best] = true
		funded = append(funded, best)
		left -= e.Costs[best]
		for _, i := range sup[best] {
			load[i] = bs
		}
	}
}

func randomElection(r *rand.Rand) *Election {
	m := 2 + r.IntN(6)
	costs := make([]int64, m)
	for j := range costs {
		costs[j] = int64(r.IntN(12)) // small costs: many exact ties; 0 allowed
	}
	n := r.IntN(9)
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
	return elect(int64(r.IntN(30)), costs, ballots...)
}

// TestAgainstReference compares MES (both utilities, with and without add1)
// and Phragmén with exact voter-by-voter reference implementations on many
// small random elections full of ties.
func TestAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		e := randomElection(r)
		for _, approval := range []bool{false, true} {
			rule := MESCost
			if approval {
				rule = MESApproval
			}
			o, err := Run(e, rule, Options{Completion: CompletionNone})
			if err != nil {
				t.Fatal(err)
			}
			if want := refMES(e, approval, e.Budget); !slices.Equal(o.Funded, want) {
				t.Fatalf("case %d %s none: %v, want %v\n%+v", i, rule, o.Funded, want, e)
			}
			o, err = Run(e, rule, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if want := refAdd1(e, approval); !slices.Equal(o.Funded, want) {
				t.Fatalf("case %d %s add1: %v, want %v\n%+v", i, rule, o.Funded, want, e)
			}
		}
		o, err := Run(e, Phragmen, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if want := refPhragmen(e); !slices.Equal(o.Funded, want) {
			t.Fatalf("case %d phragmen: %v, want %v\n%+v", i, o.Funded, want, e)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestFairness(t *testing.T) {
	// budget 10; p0 cost 6 (voters 0,1), p1 cost 4 (voter 2), p2 cost 5 (voter 3)
	e := elect(10, []int64{6, 4, 5}, []int32{0}, []int32{0, 2}, []int32{1}, []int32{2})
	got := Fairness(e, []int{0, 1}, []string{"F", "F", "M", "M"}, []string{"a", "b", "a"})
	if len(got) != 2 || got[0].Group != "F" || got[1].Group != "M" {
		t.Fatalf("groups = %+v", got)
	}
	f, m := got[0], got[1]
	checks := []struct {
		name      string
		got, want float64
	}{
		{"F voters", float64(f.Voters), 2},
		{"F NEH", f.NonEmptyHanded, 1},
		{"M NEH", m.NonEmptyHanded, 0.5},
		{"M exclusion", m.Exclusion, 0.5},
		{"F cost", f.CostSatisfaction, 6},
		{"M cost", m.CostSatisfaction, 2},
		// voter 1: 6 / min(11, 10) = 0.6; voter 0: 1
		{"F rel", f.RelCostSatisfaction, 0.8},
		{"F count", f.CountSatisfaction, 1},
		{"F gini cost", f.GiniCost, 0},
		// M costs {4, 0}: Gini = |4-0|·2 / (2·4·2) = 0.5
		{"M gini cost", m.GiniCost, 0.5},
		{"F gini rel", f.GiniRelCost, (1 - 0.6) * 2 / (2 * 4 * 0.8)},
		// shares: F gets 6 of 10, M 4 of 10; each half the voters
		{"F share", f.FundedShare, 0.6},
		{"F GPR", f.GPR, 1.2},
		{"M GPR", m.GPR, 0.8},
		// funded: a 0.6, b 0.4; both F ballots are all in a
		{"F category", f.CategoryProportionality, math.Exp(-(sq(0.6-1) + sq(0.4)) / 2)},
		// M ballots: b 1; a 1 → mean a 0.5, b 0.5
		{"M category", m.CategoryProportionality, math.Exp(-(sq(0.1) + sq(0.1)) / 2)},
	}
	for _, c := range checks {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if g := Fairness(e, nil, nil, nil); len(g) != 1 || g[0].GPR != 0 || g[0].CategoryProportionality != 0 || g[0].Exclusion != 1 {
		t.Errorf("Fairness(no funded) = %+v", g)
	}
}

func sq(x float64) float64 { return x * x }

func TestGini(t *testing.T) {
	tests := []struct {
		x    []float64
		want float64
	}{
		{[]float64{1, 1, 1}, 0},
		{[]float64{0, 0, 0, 4}, 0.75},
		{[]float64{1, 2, 3}, 2.0 / 9},
		{nil, 0},
		{[]float64{0, 0}, 0},
	}
	for _, tc := range tests {
		if got := gini(slices.Clone(tc.x)); !near(got, tc.want) {
			t.Errorf("gini(%v) = %v, want %v", tc.x, got, tc.want)
		}
	}
}
