package reports

import (
	"fmt"
	"slices"
	"testing"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/analytics/rules"
)

// A small cycle: three projects, voters F and M; greedy is official. Greedy
// funds a and b (the men's), Equal Shares b and c (each group pays its own).
func TestCompare(t *testing.T) {
	yes, no := true, false
	b := &pbequity.Ballots{
		Cycle: pbequity.Cycle{ID: "c", Budget: 12, VoteType: pbequity.VoteApproval, Rule: "greedy"},
		Projects: []pbequity.Project{
			{ID: "a", Cost: 6, Selected: &yes}, {ID: "b", Cost: 4, Selected: &yes}, {ID: "c", Cost: 5, Selected: &no},
		},
	}
	var people []pbequity.Participant
	add := func(id string, g pbequity.Gender, ballot ...int32) {
		b.Voters = append(b.Voters, id)
		b.Ballot = append(b.Ballot, ballot)
		b.Points = append(b.Points, make([]int64, len(ballot)))
		people = append(people, pbequity.Participant{ID: id, Gender: g})
	}
	// Six men back a and b; five women back c only.
	for _, id := range []string{"m1", "m2", "m3", "m4", "m5", "m6"} {
		add(id, pbequity.Male, 0, 1)
	}
	for _, id := range []string{"f1", "f2", "f3", "f4", "f5"} {
		add(id, pbequity.Female, 2)
	}
	c, err := Compare(b, people, 5)
	if err != nil {
		t.Fatal(err)
	}
	if c.Audit == nil || !c.Audit.Matches {
		t.Fatalf("audit = %+v, want a match", c.Audit)
	}
	rows := map[string]RuleRow{}
	for _, r := range c.Rules {
		rows[r.Rule] = r
	}
	g := rows["greedy"]
	if g.Reading != [2]string{} || len(g.Enter) != 0 || len(g.Leave) != 0 {
		t.Errorf("official rule row = %+v, want no change", g)
	}
	if g.Women.FundedShare == nil || *g.Women.FundedShare != 0 {
		t.Errorf("greedy women's share = %v, want 0 (women's project is not funded)", g.Women.FundedShare)
	}
	// Equal Shares gives the five women (45% of voters) their project c.
	m := rows["mes-cost"]
	if !slices.Equal(m.Enter, []string{"c"}) || !slices.Equal(m.Leave, []string{"a"}) || m.Women.FundedShare == nil || *m.Women.FundedShare <= 0.5 {
		t.Errorf("mes-cost row = %+v, want c to enter with a women's share above 0", m)
	}
	o, err := OutcomeOf(b, people, "greedy", "", 5)
	if err != nil {
		t.Fatal(err)
	}
	var gpr *Gap
	for i := range o.Gaps {
		if o.Gaps[i].Measure == "gpr" {
			gpr = &o.Gaps[i]
		}
	}
	// Under greedy the women get nothing: GPR ratio 0, flagged.
	if gpr == nil || gpr.Ratio == nil || *gpr.Ratio != 0 || !gpr.Flagged {
		t.Errorf("greedy GPR gap = %+v, want ratio 0 flagged", gpr)
	}
	if m.Reading[1] == "" || m.Reading[0] == "" {
		t.Errorf("mes-cost reading = %q", m.Reading)
	}
}

func TestSuppressGroups(t *testing.T) {
	tests := []struct {
		voters []int
		hidden []bool
	}{
		{[]int{3, 10, 20}, []bool{true, true, false}},   // one small group: the next smallest too
		{[]int{3, 4, 20}, []bool{true, true, false}},    // two small groups: nothing more
		{[]int{5, 10, 20}, []bool{false, false, false}}, // none below k
		{[]int{2}, []bool{true}},
	}
	for _, tc := range tests {
		var gs []rules.GroupFairness
		for i, v := range tc.voters {
			gs = append(gs, rules.GroupFairness{Group: fmt.Sprint(i), Voters: v, GPR: 1})
		}
		rows := suppressGroups(gs, 5)
		for i, r := range rows {
			if r.Suppressed != tc.hidden[i] || (r.Voters == nil) != tc.hidden[i] || (r.GPR == nil) != tc.hidden[i] {
				t.Errorf("suppressGroups(%v)[%d] = suppressed %v voters %v, want hidden %v", tc.voters, i, r.Suppressed, r.Voters, tc.hidden[i])
			}
		}
	}
}
