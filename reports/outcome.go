package reports

import (
	"context"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/analytics"
	"github.com/pbequity/pbequity/analytics/rules"
)

// VoteSource gives the ballots and participants of a cycle; *queries.DB is one.
type VoteSource interface {
	Ballots(ctx context.Context, cycleID string) (*pbequity.Ballots, error)
	Participants(ctx context.Context, cycleID string) ([]pbequity.Participant, error)
}

// Outcome is the funded set of a rule on a cycle's votes, the audit of the
// official outcome, and fairness by gender, age band and area.
type Outcome struct {
	CycleID    string          `json:"cycle_id"`
	Rule       string          `json:"rule"`
	Completion string          `json:"completion,omitempty"`
	Budget     int64           `json:"budget"`
	Currency   string          `json:"currency"`
	Cost       int64           `json:"cost"`
	Funded     []FundedProject `json:"funded"`
	Voters     int             `json:"voters"`
	Audit      *AuditResult    `json:"audit,omitempty"`
	// Fairness maps a dimension (gender, age_band, area) to its groups.
	Fairness map[string][]GroupRow `json:"fairness"`
	// Gaps are the women-to-men ratios of each fairness measure, flagged
	// outside the parity band 0.97–1.03.
	Gaps []Gap `json:"gaps,omitempty"`
	K    int   `json:"k"`
}

// FundedProject is one project of a funded set, in funding order.
type FundedProject struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Cost     int64  `json:"cost"`
	Category string `json:"category,omitempty"`
	Score    int64  `json:"score"`
}

// AuditResult compares the rule's outcome with the official `selected`
// flags when the rule is the cycle's official one.
type AuditResult struct {
	OfficialRule string   `json:"official_rule"`
	Matches      bool     `json:"matches"`
	Extra        []string `json:"extra"`
	Missing      []string `json:"missing"`
}

// GroupRow is the outcome fairness of one group; every figure is nil when
// the group has fewer than k voters (or is suppressed to protect one that has).
type GroupRow struct {
	Group                   string   `json:"group"`
	Voters                  *int     `json:"voters"`
	NonEmptyHanded          *float64 `json:"non_empty_handed"`
	Exclusion               *float64 `json:"exclusion"`
	CostSatisfaction        *float64 `json:"cost_satisfaction"`
	RelCostSatisfaction     *float64 `json:"rel_cost_satisfaction"`
	CountSatisfaction       *float64 `json:"count_satisfaction"`
	GiniRelCost             *float64 `json:"gini_rel_cost"`
	FundedShare             *float64 `json:"funded_share"`
	GPR                     *float64 `json:"gpr"`
	CategoryProportionality *float64 `json:"category_proportionality"`
	Suppressed              bool     `json:"suppressed,omitempty"`
}

// Gap is the F/M ratio of one fairness measure.
type Gap struct {
	Measure string   `json:"measure"`
	Ratio   *float64 `json:"ratio"`
	// Flagged is true when the ratio is outside the parity band.
	Flagged bool   `json:"flagged"`
	Reason  string `json:"reason,omitempty"`
}

// gaps compares the women's and men's rows of the gender dimension.
func gaps(rows []GroupRow) []Gap {
	var f, m *GroupRow
	for i := range rows {
		switch rows[i].Group {
		case string(pbequity.Female):
			f = &rows[i]
		case string(pbequity.Male):
			m = &rows[i]
		}
	}
	measures := []struct {
		name string
		get  func(*GroupRow) *float64
	}{
		{"non_empty_handed", func(g *GroupRow) *float64 { return g.NonEmptyHanded }},
		{"cost_satisfaction", func(g *GroupRow) *float64 { return g.CostSatisfaction }},
		{"rel_cost_satisfaction", func(g *GroupRow) *float64 { return g.RelCostSatisfaction }},
		{"count_satisfaction", func(g *GroupRow) *float64 { return g.CountSatisfaction }},
		{"gpr", func(g *GroupRow) *float64 { return g.GPR }},
		{"category_proportionality", func(g *GroupRow) *float64 { return g.CategoryProportionality }},
	}
	var out []Gap
	for _, ms := range measures {
		g := Gap{Measure: ms.name}
		switch {
		case f == nil || m == nil:
			g.Reason = "no women or no men among the voters"
		case ms.get(f) == nil || ms.get(m) == nil:
			g.Reason = "suppressed"
		case *ms.get(m) == 0:
			g.Reason = "men's value is zero"
		default:
			r := *ms.get(f) / *ms.get(m)
			g.Ratio = &r
			g.Flagged = r < 0.97 || r > 1.03
		}
		out = append(out, g)
	}
	return out
}

// OutcomeOf runs a rule ("" = the cycle's official rule, else greedy) on
// the ballots of a cycle. Fairness by group is computed when people (the
// cycle's participants) is not nil.
func OutcomeOf(vd *pbequity.Ballots, people []pbequity.Participant, rule, completion string, k int) (*Outcome, error) {
	if k <= 0 {
		k = 5
	}
	official := vd.Cycle.Rule
	if rule == "" {
		rule = official
	}
	if rule == "" {
		rule = rules.Greedy
	}
	if !known(rule) {
		return nil, pbequity.Errorf(pbequity.EINVALID, "unknown rule %q: use one of %v", rule, rules.Names)
	}
	e, err := rules.FromBallots(vd)
	if err != nil {
		return nil, err
	}
	o, err := rules.Run(e, rule, rules.Options{Completion: completion})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*pbequity.Project, len(vd.Projects))
	for i := range vd.Projects {
		byID[vd.Projects[i].ID] = &vd.Projects[i]
	}
	out := &Outcome{CycleID: vd.Cycle.ID, Rule: rule, Completion: o.Completion, Budget: vd.Cycle.Budget,
		Currency: vd.Cycle.Currency, Cost: o.Cost, Voters: len(e.Ballots), K: k, Funded: []FundedProject{}}
	for _, j := range o.Funded {
		id := e.ProjectIDs[j]
		fp := FundedProject{ID: id, Cost: e.Costs[j], Score: o.Scores[j]}
		if p := byID[id]; p != nil {
			fp.Title, fp.Category = clean(p.Title), p.Category
		}
		out.Funded = append(out.Funded, fp)
	}
	// Audit against the official outcome when this is the official rule.
	if rule == official {
		sel := make([]bool, len(e.ProjectIDs))
		recorded := false
		for j, id := range e.ProjectIDs {
			if p := byID[id]; p != nil && p.Selected != nil {
				recorded = true
				sel[j] = *p.Selected
			}
		}
		if recorded {
			extra, missing := rules.Audit(e, sel, o)
			out.Audit = &AuditResult{OfficialRule: official, Matches: len(extra) == 0 && len(missing) == 0,
				Extra: nonNil(extra), Missing: nonNil(missing)}
		}
	}
	if people == nil {
		return out, nil
	}
	// Fairness by gender, age band and area of the voters.
	byPerson := make(map[string]*pbequity.Participant, len(people))
	for i := range people {
		byPerson[people[i].ID] = &people[i]
	}
	cats := make([]string, len(e.ProjectIDs))
	for j, id := range e.ProjectIDs {
		if p := byID[id]; p != nil {
			cats[j] = p.Category
		}
	}
	out.Fairness = map[string][]GroupRow{}
	for _, dim := range []string{"gender", "age_band", "area"} {
		groups := make([]string, len(e.Ballots))
		for i := range groups {
			groups[i] = label(byPerson[vd.Voters[i]], dim)
		}
		out.Fairness[dim] = suppressGroups(rules.Fairness(e, o.Funded, groups, cats), k)
	}
	out.Gaps = gaps(out.Fairness["gender"])
	return out, nil
}

func label(p *pbequity.Participant, dim string) string {
	if p == nil {
		if dim == "gender" {
			return string(pbequity.Unknown)
		}
		return "unknown"
	}
	switch dim {
	case "gender":
		if p.Gender == "" {
			return string(pbequity.Unknown)
		}
		return string(p.Gender)
	case "age_band":
		if p.AgeBand == "" {
			return "unknown"
		}
		return p.AgeBand
	}
	if p.Area == "" {
		return "unknown"
	}
	return clean(p.Area)
}

// suppressGroups hides every figure of groups with fewer than k voters,
// and, when exactly one group is hidden, the next smallest too, so that it
// cannot be recovered from the total (analytics.SuppressCells).
func suppressGroups(gs []rules.GroupFairness, k int) []GroupRow {
	voters := make([]int64, len(gs))
	all := make([]int, len(gs))
	for i, g := range gs {
		voters[i], all[i] = int64(g.Voters), i
	}
	hide, _ := analytics.SuppressCells(voters, int64(k), all)
	rows := make([]GroupRow, len(gs))
	for i, g := range gs {
		rows[i] = GroupRow{Group: g.Group, Suppressed: hide[i]}
		if hide[i] {
			continue
		}
		v := g.Voters
		f := func(x float64) *float64 { return &x }
		rows[i].Voters = &v
		rows[i].NonEmptyHanded, rows[i].Exclusion = f(g.NonEmptyHanded), f(g.Exclusion)
		rows[i].CostSatisfaction, rows[i].RelCostSatisfaction = f(g.CostSatisfaction), f(g.RelCostSatisfaction)
		rows[i].CountSatisfaction, rows[i].GiniRelCost = f(g.CountSatisfaction), f(g.GiniRelCost)
		rows[i].FundedShare, rows[i].GPR = f(g.FundedShare), f(g.GPR)
		rows[i].CategoryProportionality = f(g.CategoryProportionality)
	}
	return rows
}

func known(rule string) bool {
	for _, r := range rules.Names {
		if r == rule {
			return true
		}
	}
	return false
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Outcome runs a rule on a cycle's votes. The service's source must also be
// a VoteSource.
// Each rule's outcome is computed once per cycle until its data changes.
func (s *Service) Outcome(ctx context.Context, cycleID, rule, completion string) (*Outcome, error) {
	if rule != "" && !known(rule) {
		return nil, pbequity.Errorf(pbequity.EINVALID, "unknown rule %q: use one of %v", rule, rules.Names)
	}
	if completion != "" && completion != rules.CompletionAdd1 && completion != rules.CompletionNone {
		return nil, pbequity.Errorf(pbequity.EINVALID, "unknown completion %q: use add1 or none", completion)
	}
	v, err := s.memoize(ctx, cycleID, "outcome|"+rule+"|"+completion, func(*entry) (any, error) {
		b, people, err := s.votes(ctx, cycleID)
		if err != nil {
			return nil, err
		}
		return OutcomeOf(b, people, rule, completion, s.K())
	})
	if err != nil {
		return nil, err
	}
	return v.(*Outcome), nil
}

// votes reads a cycle's ballots and participants from the service's source,
// which must also be a VoteSource.
func (s *Service) votes(ctx context.Context, cycleID string) (*pbequity.Ballots, []pbequity.Participant, error) {
	vs, ok := s.src.(VoteSource)
	if !ok {
		return nil, nil, pbequity.Errorf(pbequity.EINTERNAL, "no vote source")
	}
	b, err := vs.Ballots(ctx, cycleID)
	if err != nil {
		return nil, nil, err
	}
	people, err := vs.Participants(ctx, cycleID)
	if err != nil {
		return nil, nil, err
	}
	return b, people, nil
}
