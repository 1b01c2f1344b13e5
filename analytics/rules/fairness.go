package rules

import (
	"math"
	"slices"
)

// GroupFairness is the outcome fairness of a funded set for one group of
// voters (INDICATORS.md §4). Every mean is over the group's voters.
type GroupFairness struct {
	Group  string `json:"group"`
	Voters int    `json:"voters"`
	// NonEmptyHanded is the share of voters with at least one supported
	// project funded; Exclusion = 1 − NonEmptyHanded.
	NonEmptyHanded float64 `json:"non_empty_handed"`
	Exclusion      float64 `json:"exclusion"`
	// CostSatisfaction is the mean cost of a voter's funded projects;
	// RelCostSatisfaction divides it by min(cost of the ballot, B) (0 for an
	// empty ballot); CountSatisfaction counts the funded projects.
	CostSatisfaction    float64 `json:"cost_satisfaction"`
	RelCostSatisfaction float64 `json:"rel_cost_satisfaction"`
	CountSatisfaction   float64 `json:"count_satisfaction"`
	// Gini of each satisfaction within the group (0 when all are 0).
	GiniCost    float64 `json:"gini_cost"`
	GiniRelCost float64 `json:"gini_rel_cost"`
	GiniCount   float64 `json:"gini_count"`
	// FundedShare is the group's share of the funded money, each funded
	// project's cost split equally among its supporters; GPR divides it by
	// the group's share of voters (1 is proportional).
	FundedShare float64 `json:"funded_share"`
	GPR         float64 `json:"gpr"`
	// CategoryProportionality is exp(−(1/K) Σ_k (a_k − v_k)²) with a_k the
	// share of funded cost in category k and v_k the mean share of ballot
	// cost in k over the group's non-empty ballots; 0 when categories are not
	// given or the group has no non-empty ballot.
	CategoryProportionality float64 `json:"category_proportionality"`
}

// Fairness computes the outcome fairness of the funded projects (indices
// into e) for each group of voters. groups[i] labels e.Ballots[i] (gender,
// age band, area, …); categories[j] is project j's category ("" is a
// category of its own) or nil. Groups come back sorted by label. Funded
// money is counted as INDICATORS §4 says: share_i = Σ_{p∈A_i∩W} c_p/|N_p|,
// which sums to the funded cost of the projects that have supporters.
func Fairness(e *Election, funded []int, groups []string, categories []string) []GroupFairness {
	n := len(e.Ballots)
	m := len(e.Costs)
	in := make([]bool, m)
	var fundedCost float64
	for _, j := range funded {
		if j >= 0 && j < m && !in[j] {
			in[j] = true
			fundedCost += float64(e.Costs[j])
		}
	}
	supporters := make([]int, m)
	for _, b := range e.Ballots {
		for _, p := range b.Projects {
			supporters[p]++
		}
	}
	// categories: index per project, funded share per category
	var catOf []int
	var catShare []float64
	K := 0
	if categories != nil && len(categories) == m {
		ids := map[string]int{}
		catOf = make([]int, m)
		for j, c := range categories {
			k, ok := ids[c]
			if !ok {
				k = len(ids)
				ids[c] = k
			}
			catOf[j] = k
		}
		K = len(ids)
		catShare = make([]float64, K)
		if fundedCost > 0 {
			for j := range m {
				if in[j] {
					catShare[catOf[j]] += float64(e.Costs[j]) / fundedCost
				}
			}
		}
	}
	type acc struct {
		voters, neh, nonEmpty int
		cost, rel, count      []float64
		share                 float64
		ballotCat             []float64
	}
	accs := map[string]*acc{}
	ballotCat := make([]float64, K)
	for i, b := range e.Ballots {
		g := ""
		if i < len(groups) {
			g = groups[i]
		}
		a := accs[g]
		if a == nil {
			a = &acc{ballotCat: make([]float64, K)}
			accs[g] = a
		}
		a.voters++
		var sat, ballotCost, share float64
		cnt := 0
		clear(ballotCat)
		for _, p := range b.Projects {
			c := float64(e.Costs[p])
			ballotCost += c
			if catOf != nil {
				ballotCat[catOf[p]] += c
			}
			if in[p] {
				sat += c
				cnt++
				share += c / float64(supporters[p])
			}
		}
		if cnt > 0 {
			a.neh++
		}
		rel := 0.0
		if den := math.Min(ballotCost, float64(e.Budget)); den > 0 {
			rel = sat / den
		}
		a.cost = append(a.cost, sat)
		a.rel = append(a.rel, rel)
		a.count = append(a.count, float64(cnt))
		a.share += share
		if catOf != nil && ballotCost > 0 {
			a.nonEmpty++
			for k := range ballotCat {
				a.ballotCat[k] += ballotCat[k] / ballotCost
			}
		}
	}
	labels := make([]string, 0, len(accs))
	for g := range accs {
		labels = append(labels, g)
	}
	slices.Sort(labels)
	out := make([]GroupFairness, 0, len(labels))
	for _, g := range labels {
		a := accs[g]
		v := float64(a.voters)
		r := GroupFairness{
			Group:               g,
			Voters:              a.voters,
			NonEmptyHanded:      float64(a.neh) / v,
			CostSatisfaction:    mean(a.cost),
			RelCostSatisfaction: mean(a.rel),
			CountSatisfaction:   mean(a.count),
			GiniCost:            gini(a.cost),
			GiniRelCost:         gini(a.rel),
			GiniCount:           gini(a.count),
		}
		r.Exclusion = 1 - r.NonEmptyHanded
		if fundedCost > 0 {
			r.FundedShare = a.share / fundedCost
			r.GPR = r.FundedShare / (v / float64(n))
		}
		if K > 0 && a.nonEmpty > 0 {
			var ss float64
			for k := range K {
				d := catShare[k] - a.ballotCat[k]/float64(a.nonEmpty)
				ss += d * d
			}
			r.CategoryProportionality = math.Exp(-ss / float64(K))
		}
		out = append(out, r)
	}
	return out
}

func mean(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// gini is the Gini coefficient of non-negative values,
// Σ_i Σ_j |x_i − x_j| / (2 n² μ); 0 when they sum to 0. It sorts x.
func gini(x []float64) float64 {
	n := len(x)
	if n == 0 {
		return 0
	}
	slices.Sort(x)
	var sum, weighted float64
	for i, v := range x {
		sum += v
		weighted += float64(i+1) * v
	}
	if sum == 0 {
		return 0
	}
	fn := float64(n)
	return 2*weighted/(fn*sum) - (fn+1)/fn
}
