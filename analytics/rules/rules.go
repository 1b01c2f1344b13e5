// Package rules implements the allocation rules of participatory budgeting
// (INDICATORS.md §5) — greedy, greedy-no-skip, greedy-threshold, the Method
// of Equal Shares with cost or approval utilities and add1 completion, and
// sequential Phragmén — the audit of an official outcome, and the outcome
// fairness measures of INDICATORS.md §4 by group. It is pure computation on
// Go values: no I/O, no context, no SQL; it imports only the standard library
// and the root package.
package rules

import (
	"cmp"
	"slices"
	"strings"

	"github.com/pbequity/pbequity"
)

// Rule names accepted by Run.
const (
	Greedy          = "greedy"
	GreedyNoSkip    = "greedy-no-skip"
	GreedyThreshold = "greedy-threshold"
	MESCost         = "mes-cost"
	MESApproval     = "mes-approval"
	Phragmen        = "phragmen"
)

// Names lists every rule Run accepts.
var Names = []string{Greedy, GreedyNoSkip, GreedyThreshold, MESCost, MESApproval, Phragmen}

// Completions of the Method of Equal Shares.
const (
	CompletionAdd1 = "add1"
	CompletionNone = "none"
)

// Election is a participatory-budgeting election reduced to indices: project
// j has cost Costs[j] and id ProjectIDs[j]; each ballot lists project indices.
type Election struct {
	Budget   int64
	VoteType string
	Costs    []int64
	// ProjectIDs are the projects' ids, used for tie-breaking and output.
	ProjectIDs []string
	Ballots    []Ballot
	// MinProjectScore is the threshold of greedy-threshold (0 when none).
	MinProjectScore int64
}

// Ballot is one voter's ballot. Points is nil for approval and choose-1
// ballots; otherwise Points[k] is the points given to Projects[k] (cumulative
// and scoring ballots) or the ordinal score of its rank.
type Ballot struct {
	Projects []int32
	Points   []int64
}

// Options tunes Run.
type Options struct {
	// Completion is the completion of mes-cost and mes-approval: "add1"
	// (the default when empty) or "none". Other rules ignore it.
	Completion string
}

// Outcome is the result of a rule on an election.
type Outcome struct {
	Rule       string
	Completion string `json:",omitempty"`
	// Funded lists project indices in funding order.
	Funded    []int
	FundedIDs []string
	// Cost is the total cost of the funded projects.
	Cost int64
	// Scores is every project's score (supporters, or sum of points).
	Scores []int64
	// Budget is the total budget of the run that gave Funded: the election's
	// budget, or B + Steps·n for the add1 completion of MES.
	Budget int64
	// Steps is the number of add1 increments kept.
	Steps int `json:",omitempty"`
}

// FromVotes builds an election from domain rows. Ballots follow the order in
// which participants first appear in votes; a participant without a vote has
// no ballot (pass empty ballots in Election.Ballots directly if they matter,
// as they do for the Method of Equal Shares). Ordinal ballots are scored
// k, k−1, …, 1 for a ballot of length k, by rank order.
func FromVotes(c pbequity.Cycle, projects []pbequity.Project, votes []pbequity.Vote) (*Election, error) {
	e := &Election{
		Budget:          c.Budget,
		VoteType:        c.VoteType,
		Costs:           make([]int64, len(projects)),
		ProjectIDs:      make([]string, len(projects)),
		MinProjectScore: c.MinProjectScore,
	}
	if c.Budget < 0 {
		return nil, pbequity.Errorf(pbequity.EINVALID, "negative budget %d", c.Budget)
	}
	idx := make(map[string]int32, len(projects))
	for i, p := range projects {
		if p.Cost < 0 {
			return nil, pbequity.Errorf(pbequity.EINVALID, "project %s has a negative cost", p.ID)
		}
		if _, dup := idx[p.ID]; dup {
			return nil, pbequity.Errorf(pbequity.EINVALID, "duplicate project %s", p.ID)
		}
		idx[p.ID] = int32(i)
		e.Costs[i] = p.Cost
		e.ProjectIDs[i] = p.ID
	}
	points := c.VoteType == pbequity.VoteCumulative || c.VoteType == pbequity.VoteScoring
	ordinal := c.VoteType == pbequity.VoteOrdinal
	// first pass: ballot of each vote, in order of first appearance
	voter := map[string]int32{}
	bidx := make([]int32, len(votes))
	pidx := make([]int32, len(votes))
	var sizes []int32
	prev, cur := "", int32(-1)
	for i, v := range votes {
		j, ok := idx[v.ProjectID]
		if !ok {
			return nil, pbequity.Errorf(pbequity.EINVALID, "vote of %s for unknown project %s", v.ParticipantID, v.ProjectID)
		}
		pidx[i] = j
		if cur < 0 || v.ParticipantID != prev {
			b, ok := voter[v.ParticipantID]
			if !ok {
				b = int32(len(sizes))
				voter[v.ParticipantID] = b
				sizes = append(sizes, 0)
			}
			prev, cur = v.ParticipantID, b
		}
		bidx[i] = cur
		sizes[cur]++
	}
	// second pass: fill flat arrays sliced per ballot
	all := make([]int32, len(votes))
	var pts []int64
	if points || ordinal {
		pts = make([]int64, len(votes))
	}
	var ranks []int
	if ordinal {
		ranks = make([]int, len(votes))
	}
	e.Ballots = make([]Ballot, len(sizes))
	offs := make([]int32, len(sizes)+1)
	for b, n := range sizes {
		offs[b+1] = offs[b] + n
		e.Ballots[b].Projects = all[offs[b]:offs[b]:offs[b+1]]
		if pts != nil {
			e.Ballots[b].Points = pts[offs[b]:offs[b]:offs[b+1]]
		}
	}
	for i, v := range votes {
		bl := &e.Ballots[bidx[i]]
		if ordinal {
			ranks[int(offs[bidx[i]])+len(bl.Projects)] = v.Rank
		}
		bl.Projects = append(bl.Projects, pidx[i])
		if points {
			bl.Points = append(bl.Points, v.Points)
		}
	}
	if ordinal {
		for b := range e.Ballots {
			bl := &e.Ballots[b]
			r := ranks[offs[b]:offs[b+1]]
			sortByRank(bl.Projects, r)
			bl.Points = bl.Points[:len(bl.Projects)]
			for k := range bl.Points {
				bl.Points[k] = int64(len(bl.Points) - k)
			}
		}
	}
	return e, e.validate()
}

// sortByRank sorts projects by rank, stably (insertion sort: ballots are short).
func sortByRank(projects []int32, ranks []int) {
	for i := 1; i < len(projects); i++ {
		for j := i; j > 0 && ranks[j] < ranks[j-1]; j-- {
			ranks[j], ranks[j-1] = ranks[j-1], ranks[j]
			projects[j], projects[j-1] = projects[j-1], projects[j]
		}
	}
}

// validate checks the shape of an election.
func (e *Election) validate() error {
	m := len(e.Costs)
	if len(e.ProjectIDs) != m {
		return pbequity.Errorf(pbequity.EINVALID, "%d project ids for %d costs", len(e.ProjectIDs), m)
	}
	if e.Budget < 0 {
		return pbequity.Errorf(pbequity.EINVALID, "negative budget %d", e.Budget)
	}
	for j, c := range e.Costs {
		if c < 0 {
			return pbequity.Errorf(pbequity.EINVALID, "project %s has a negative cost", e.ProjectIDs[j])
		}
	}
	for i, b := range e.Ballots {
		if b.Points != nil && len(b.Points) != len(b.Projects) {
			return pbequity.Errorf(pbequity.EINVALID, "ballot %d has %d points for %d projects", i, len(b.Points), len(b.Projects))
		}
		for k, p := range b.Projects {
			if p < 0 || int(p) >= m {
				return pbequity.Errorf(pbequity.EINVALID, "ballot %d lists project index %d of %d", i, p, m)
			}
			if b.Points != nil && b.Points[k] < 0 {
				return pbequity.Errorf(pbequity.EINVALID, "ballot %d gives negative points", i)
			}
		}
	}
	return nil
}

// Scores returns every project's score: its number of supporters for
// approval and choose-1 ballots, its sum of points otherwise (ballots without
// points count 1 per project).
func (e *Election) Scores() []int64 {
	s := make([]int64, len(e.Costs))
	for _, b := range e.Ballots {
		for k, p := range b.Projects {
			if b.Points != nil {
				s[p] += b.Points[k]
			} else {
				s[p]++
			}
		}
	}
	return s
}

// Run computes the outcome of rule on e.
func Run(e *Election, rule string, opt Options) (*Outcome, error) {
	if err := e.validate(); err != nil {
		return nil, err
	}
	o := &Outcome{Rule: rule, Scores: e.Scores(), Budget: e.Budget}
	switch rule {
	case Greedy, GreedyNoSkip, GreedyThreshold:
		o.Funded = greedy(e, o.Scores, rule)
	case MESCost, MESApproval:
		switch opt.Completion {
		case "", CompletionAdd1:
			o.Completion = CompletionAdd1
		case CompletionNone:
			o.Completion = CompletionNone
		default:
			return nil, pbequity.Errorf(pbequity.EINVALID, "unknown completion %q (want add1 or none)", opt.Completion)
		}
		m := newMES(e, o.Scores, rule == MESApproval)
		if o.Completion == CompletionAdd1 {
			o.Funded, o.Steps = m.add1()
			o.Budget = e.Budget + int64(o.Steps)*int64(len(e.Ballots))
		} else {
			o.Funded, _ = m.run(e.Budget, -1)
		}
	case Phragmen:
		o.Funded = phragmen(e, o.Scores)
	default:
		return nil, pbequity.Errorf(pbequity.EINVALID, "unknown rule %q (want one of %s)", rule, strings.Join(Names, ", "))
	}
	for _, j := range o.Funded {
		o.FundedIDs = append(o.FundedIDs, e.ProjectIDs[j])
		o.Cost += e.Costs[j]
	}
	return o, nil
}

// better reports whether project a goes before project b among equals: higher
// score, then lower cost, then lower project id (numeric ids compare as
// numbers).
func better(e *Election, scores []int64, a, b int) bool {
	if scores[a] != scores[b] {
		return scores[a] > scores[b]
	}
	if e.Costs[a] != e.Costs[b] {
		return e.Costs[a] < e.Costs[b]
	}
	if c := compareIDs(e.ProjectIDs[a], e.ProjectIDs[b]); c != 0 {
		return c < 0
	}
	return a < b
}

// compareIDs compares project ids, numerically when both are whole numbers.
func compareIDs(a, b string) int {
	if isDigits(a) && isDigits(b) {
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(a) != len(b) {
			return cmp.Compare(len(a), len(b))
		}
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// greedy implements greedy, greedy-no-skip and greedy-threshold.
func greedy(e *Election, scores []int64, rule string) []int {
	order := make([]int, len(e.Costs))
	for j := range order {
		order[j] = j
	}
	slices.SortFunc(order, func(a, b int) int {
		if better(e, scores, a, b) {
			return -1
		}
		return 1
	})
	funded := []int{}
	left := e.Budget
	for _, j := range order {
		if scores[j] <= 0 || (rule == GreedyThreshold && scores[j] < e.MinProjectScore) {
			break // sorted by score: no later project qualifies
		}
		if e.Costs[j] <= left {
			funded = append(funded, j)
			left -= e.Costs[j]
		} else if rule == GreedyNoSkip {
			break
		}
	}
	return funded
}

// Audit compares an outcome with the official one (official[j] reports
// whether project j was selected) and returns the ids of projects funded by o
// but not officially (extra) and officially but not by o (missing), in
// project order.
func Audit(e *Election, official []bool, o *Outcome) (extra, missing []string) {
	got := make([]bool, len(e.Costs))
	for _, j := range o.Funded {
		got[j] = true
	}
	for j := range e.Costs {
		off := j < len(official) && official[j]
		switch {
		case got[j] && !off:
			extra = append(extra, e.ProjectIDs[j])
		case off && !got[j]:
			missing = append(missing, e.ProjectIDs[j])
		}
	}
	return extra, missing
}

// FromBallots builds an election from ballots of project indices. Ordinal
// ballots are scored k, k−1, …, 1 for a ballot of length k (the ballot is in
// rank order); cumulative and scoring ballots keep their points; approval
// and choose-1 ballots have none.
func FromBallots(b *pbequity.Ballots) (*Election, error) {
	c := b.Cycle
	e := &Election{
		Budget:          c.Budget,
		VoteType:        c.VoteType,
		Costs:           make([]int64, len(b.Projects)),
		ProjectIDs:      make([]string, len(b.Projects)),
		MinProjectScore: c.MinProjectScore,
		Ballots:         make([]Ballot, len(b.Ballot)),
	}
	for i, p := range b.Projects {
		e.Costs[i], e.ProjectIDs[i] = p.Cost, p.ID
	}
	points := c.VoteType == pbequity.VoteCumulative || c.VoteType == pbequity.VoteScoring
	ordinal := c.VoteType == pbequity.VoteOrdinal
	var flat []int64
	if ordinal {
		n := 0
		for _, bl := range b.Ballot {
			n += len(bl)
		}
		flat = make([]int64, 0, n)
	}
	for i, bl := range b.Ballot {
		e.Ballots[i].Projects = bl
		switch {
		case points && i < len(b.Points):
			e.Ballots[i].Points = b.Points[i]
		case ordinal:
			start := len(flat)
			for k := range bl {
				flat = append(flat, int64(len(bl)-k))
			}
			e.Ballots[i].Points = flat[start:len(flat):len(flat)]
		}
	}
	return e, e.validate()
}
