package reports

import (
	"context"
	"fmt"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/analytics/rules"
)

// CompareLimit is the number of voters above which reports leave the rule
// comparison to the API (running every rule on millions of ballots takes
// longer than a page should).
const CompareLimit = 300_000

// Comparison runs every allocation rule on a cycle's ballots and shows, for
// each, what it funds and who is served by it, against the official outcome.
type Comparison struct {
	CycleID string `json:"cycle_id"`
	// Official is the cycle's official rule ("" when none is recorded).
	Official string `json:"official_rule"`
	// Audit compares the official rule's outcome with the recorded one.
	Audit *AuditResult `json:"audit,omitempty"`
	Rules []RuleRow    `json:"rules"`
	K     int          `json:"k"`
	// Outcome is the outcome of the official rule (greedy when the cycle
	// states none) with fairness by gender, age band and area.
	Outcome *Outcome `json:"-"`
}

// RuleRow is one rule's outcome, with the women's and men's groups.
type RuleRow struct {
	Rule     string   `json:"rule"`
	Projects int      `json:"projects"`
	Cost     int64    `json:"cost"`
	Women    GroupRow `json:"women"`
	Men      GroupRow `json:"men"`
	// Enter and Leave list projects funded by this rule but not officially,
	// and officially but not by this rule.
	Enter []string `json:"enter"`
	Leave []string `json:"leave"`
	// Reading says in a sentence what the rule changes for women.
	Reading [2]string `json:"reading"` // fa, en
}

// Compare runs every rule on the ballots (mes-* with the add1 completion).
func Compare(b *pbequity.Ballots, people []pbequity.Participant, k int) (*Comparison, error) {
	c := &Comparison{CycleID: b.Cycle.ID, Official: b.Cycle.Rule, K: k}
	// The official funded set: recorded flags, else the official rule's outcome.
	official := map[string]bool{}
	recorded := false
	for _, p := range b.Projects {
		if p.Selected != nil {
			recorded = true
			if *p.Selected {
				official[p.ID] = true
			}
		}
	}
	for _, rule := range rules.Names {
		o, err := OutcomeOf(b, people, rule, "", k)
		if err != nil {
			return nil, fmt.Errorf("compare %s: %w", rule, err)
		}
		row := RuleRow{Rule: rule, Projects: len(o.Funded), Cost: o.Cost, Enter: []string{}, Leave: []string{}}
		for _, g := range o.Fairness["gender"] {
			switch g.Group {
			case string(pbequity.Female):
				row.Women = g
			case string(pbequity.Male):
				row.Men = g
			}
		}
		if rule == c.Official || (c.Official == "" && rule == rules.Greedy) {
			c.Outcome = o
		}
		if rule == c.Official {
			c.Audit = o.Audit
			if !recorded {
				for _, p := range o.Funded {
					official[p.ID] = true
				}
			}
		}
		got := map[string]bool{}
		for _, p := range o.Funded {
			got[p.ID] = true
			if !official[p.ID] {
				row.Enter = append(row.Enter, p.ID)
			}
		}
		for _, p := range b.Projects {
			if official[p.ID] && !got[p.ID] {
				row.Leave = append(row.Leave, p.ID)
			}
		}
		c.Rules = append(c.Rules, row)
	}
	var base *RuleRow
	for i := range c.Rules {
		if c.Rules[i].Rule == c.Official {
			base = &c.Rules[i]
		}
	}
	for i := range c.Rules {
		c.Rules[i].Reading = reading(base, &c.Rules[i])
	}
	return c, nil
}

// reading says how women's share of the funded money changes from the
// official rule to r.
func reading(base, r *RuleRow) [2]string {
	if base == nil || base == r || base.Women.FundedShare == nil || r.Women.FundedShare == nil {
		return [2]string{}
	}
	from, to := *base.Women.FundedShare, *r.Women.FundedShare
	en := fmt.Sprintf("under %s, women's share of the funded money goes from %.1f%% to %.1f%%; %d projects enter, %d leave",
		r.Rule, 100*from, 100*to, len(r.Enter), len(r.Leave))
	fa := fmt.Sprintf("با قاعده %s سهم زنان از بودجه تأمین‌شده از %s به %s می‌رسد؛ %s طرح وارد و %s طرح خارج می‌شود",
		r.Rule, faPct(from), faPct(to), faInt(len(r.Enter)), faInt(len(r.Leave)))
	return [2]string{fa, en}
}

func faPct(x float64) string { return newFormatter("fa").pct(x) }
func faInt(n int) string     { return newFormatter("fa").int(int64(n)) }

// Compare runs every rule on a cycle's ballots, once per cycle until its
// data changes.
func (s *Service) Compare(ctx context.Context, cycleID string) (*Comparison, error) {
	v, err := s.memoize(ctx, cycleID, "compare", func(e *entry) (any, error) {
		if e.cmp != nil {
			return e.cmp, nil
		}
		return s.compare(ctx, cycleID)
	})
	if err != nil {
		return nil, err
	}
	return v.(*Comparison), nil
}

// compare reads the votes and runs every rule.
func (s *Service) compare(ctx context.Context, cycleID string) (*Comparison, error) {
	b, people, err := s.votes(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	return Compare(b, people, s.K())
}

// rulesView is the rule comparison formatted for the report.
type rulesView struct {
	Official string
	Audit    string
	Head     []string
	Rows     [][]string
	Readings []string
}

func newRulesView(c *Comparison, f formatter, currency string) *rulesView {
	if c == nil {
		return nil
	}
	v := &rulesView{Official: c.Official}
	if a := c.Audit; a != nil {
		if a.Matches {
			v.Audit = fmt.Sprintf(f.tr("audit_ok"), c.Official)
		} else {
			v.Audit = fmt.Sprintf(f.tr("audit_diff"), c.Official, fmt.Sprint(a.Extra), fmt.Sprint(a.Missing))
		}
	}
	v.Head = []string{f.tr("rule"), f.tr("projects"), f.tr("amount") + " (" + f.moneyUnit(currency) + ")",
		f.tr("funded_share_f"), f.tr("funded_share_m"), f.tr("gpr_f"), f.tr("gpr_m"), f.tr("neh_f"), f.tr("neh_m"), f.tr("enter_leave")}
	opt := func(x *float64, pct bool) string {
		if x == nil {
			return f.tr("suppressed")
		}
		if pct {
			return f.pct(*x)
		}
		return f.float(*x, 2)
	}
	for _, r := range c.Rules {
		name := r.Rule
		if r.Rule == c.Official {
			name += " ★"
		}
		v.Rows = append(v.Rows, []string{name, f.int(int64(r.Projects)), f.money(float64(r.Cost), currency),
			opt(r.Women.FundedShare, true), opt(r.Men.FundedShare, true), opt(r.Women.GPR, false), opt(r.Men.GPR, false),
			opt(r.Women.NonEmptyHanded, true), opt(r.Men.NonEmptyHanded, true),
			"+" + f.int(int64(len(r.Enter))) + " / −" + f.int(int64(len(r.Leave)))})
		t := r.Reading[0]
		if f.lang == "en" {
			t = r.Reading[1]
		}
		if t != "" {
			v.Readings = append(v.Readings, t)
		}
	}
	return v
}
