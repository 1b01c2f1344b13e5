package pabulib

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/pbequity/pbequity"
)

// metaOrder is the order Encode writes the usual META keys in; other keys
// follow sorted by name.
var metaOrder = []string{
	"description", "country", "unit", "district", "subunit", "instance",
	"num_projects", "num_votes", "budget", "vote_type", "rule", "date_begin",
	"date_end", "min_length", "max_length", "min_sum_cost", "max_sum_cost",
	"min_points", "max_points", "min_sum_points", "max_sum_points",
	"min_project_score_threshold", "edition", "language", "currency",
}

// Encode writes f as a Pabulib file. Meta values are written verbatim; the
// typed fields of the cycle (budget, vote type, rule, currency, bounds,
// dates) fill in keys that Meta lacks or contradicts. Decoding the output
// gives back f (as Decode returned it).
func Encode(w io.Writer, f *File) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	e := encoder{w: bw}
	e.meta(f)
	e.projects(f)
	e.votes(f)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("encode pabulib: %w", err)
	}
	return nil
}

type encoder struct {
	w *bufio.Writer
}

// row writes fields separated by ';', quoting where needed.
func (e *encoder) row(fields ...string) {
	for i, s := range fields {
		if i > 0 {
			e.w.WriteByte(';')
		}
		if needsQuote(s) {
			e.w.WriteByte('"')
			e.w.WriteString(strings.ReplaceAll(s, `"`, `""`))
			e.w.WriteByte('"')
		} else {
			e.w.WriteString(s)
		}
	}
	e.w.WriteByte('\n')
}

func needsQuote(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == ' ' || s[0] == '\t' || s[len(s)-1] == ' ' || s[len(s)-1] == '\t' {
		return true
	}
	if sectionOf([]byte(s)) != secNone {
		return true
	}
	return strings.ContainsAny(s, ";\"\n\r")
}

func (e *encoder) meta(f *File) {
	c := f.Cycle
	m := make(map[string]string, len(c.Meta)+8)
	for k, v := range c.Meta {
		m[k] = v
	}
	setInt := func(k string, v int64, keepZero bool) {
		if v == 0 && !keepZero {
			return
		}
		if old, ok := m[k]; ok {
			if x, ok2, _ := parseInt(old); ok2 && x == v {
				return
			}
		}
		m[k] = strconv.FormatInt(v, 10)
	}
	setStr := func(k, v string) {
		if v != "" && m[k] != v {
			m[k] = v
		}
	}
	setInt("budget", c.Budget, true)
	if c.VoteType != "" && !strings.EqualFold(m["vote_type"], c.VoteType) {
		m["vote_type"] = c.VoteType
	}
	if c.Rule != "" && RuleName(m["rule"]) != c.Rule {
		m["rule"] = pabulibRule(c.Rule)
	}
	setStr("currency", c.Currency)
	setStr("unit", c.Unit)
	setStr("description", c.Description)
	if c.Meta == nil && m["description"] == "" && c.Name != "" {
		m["description"] = c.Name
	}
	setInt("min_project_score_threshold", c.MinProjectScore, false)
	setInt("max_sum_points", c.MaxSumPoints, false)
	setInt("min_length", int64(c.MinLength), false)
	setInt("max_length", int64(c.MaxLength), false)
	if !c.StartDate.IsZero() {
		if t, ok := parseDate(m["date_begin"]); !ok || !t.Equal(c.StartDate) {
			m["date_begin"] = c.StartDate.Format("02.01.2006")
		}
	}
	if !c.EndDate.IsZero() {
		if t, ok := parseDate(m["date_end"]); !ok || !t.Equal(c.EndDate) {
			m["date_end"] = c.EndDate.Format("02.01.2006")
		}
	}
	if c.Meta == nil { // a cycle that did not come from a .pb file
		m["num_projects"] = strconv.Itoa(len(f.Projects))
		m["num_votes"] = strconv.Itoa(len(f.Participants))
	}
	e.w.WriteString("META\n")
	e.row("key", "value")
	done := map[string]bool{}
	for _, k := range metaOrder {
		if v, ok := m[k]; ok {
			e.row(k, v)
			done[k] = true
		}
	}
	var rest []string
	for k := range m {
		if !done[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		e.row(k, m[k])
	}
}

// pabulibRule is the Pabulib name of a pbequity rule.
func pabulibRule(r string) string {
	switch r {
	case "mes-cost":
		return "equalshares/add1"
	case "mes-approval":
		return "equalshares-approval/add1"
	}
	return r
}

func (e *encoder) projects(f *File) {
	cols := f.ProjectColumns
	if len(cols) == 0 {
		cols = projectColumns(f.Projects)
	}
	areaCol := areaColumn(cols)
	benCol := "\x00" // no such column
	for _, c := range cols {
		if c == "target" || c == "beneficiaries" {
			benCol = c
			break
		}
	}
	e.w.WriteString("PROJECTS\n")
	e.row(cols...)
	vals := make([]string, len(cols))
	for _, p := range f.Projects {
		for i, c := range cols {
			var v string
			switch c {
			case "project_id":
				v = p.ID
			case "cost":
				v = strconv.FormatInt(p.Cost, 10)
			case "name":
				v = p.Title
			case "description":
				v = p.Description
			case "category":
				v = p.Category
				if x, ok := p.Extra[c]; ok {
					v = x
				}
			case "selected":
				if p.Selected != nil {
					v = "0"
					if *p.Selected {
						v = "1"
					}
				}
			case areaCol:
				v = p.Area
			case benCol:
				v = p.Beneficiaries
			default:
				v = p.Extra[c]
			}
			vals[i] = v
		}
		e.row(vals...)
	}
}

func sortedKeys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func (e *encoder) votes(f *File) {
	vt := f.Cycle.VoteType
	usePoints := vt == pbequity.VoteCumulative || vt == pbequity.VoteScoring
	// group votes by participant, keeping the participants' order
	byVoter := map[string][]int{}
	var order []string
	for i, v := range f.Votes {
		if _, ok := byVoter[v.ParticipantID]; !ok {
			order = append(order, v.ParticipantID)
		}
		byVoter[v.ParticipantID] = append(byVoter[v.ParticipantID], i)
	}
	parts := f.Participants
	known := make(map[string]bool, len(parts))
	for _, p := range parts {
		known[p.ID] = true
	}
	for _, id := range order {
		if !known[id] {
			parts = append(parts, pbequity.Participant{ID: id, Gender: pbequity.Unknown})
		}
	}
	cols := f.VoteColumns
	if len(cols) == 0 {
		cols = voteColumns(vt, parts)
	}
	areaCol := areaColumn(cols)
	sexCol := "sex"
	if !slices.Contains(cols, "sex") && slices.Contains(cols, "gender") {
		sexCol = "gender"
	}
	e.w.WriteString("VOTES\n")
	e.row(cols...)
	vals := make([]string, len(cols))
	var sb, pb strings.Builder
	for _, p := range parts {
		idx := byVoter[p.ID]
		if vt == pbequity.VoteOrdinal {
			slices.SortStableFunc(idx, func(a, b int) int { return f.Votes[a].Rank - f.Votes[b].Rank })
		}
		sb.Reset()
		pb.Reset()
		for j, vi := range idx {
			if j > 0 {
				sb.WriteByte(',')
				pb.WriteByte(',')
			}
			sb.WriteString(f.Votes[vi].ProjectID)
			pb.WriteString(strconv.FormatInt(f.Votes[vi].Points, 10))
		}
		for i, c := range cols {
			var v string
			switch c {
			case "voter_id":
				v = p.ID
			case "vote":
				v = sb.String()
			case "points":
				if usePoints {
					v = pb.String()
				} else {
					v = p.Extra[c]
				}
			case "age":
				if p.Age > 0 {
					v = strconv.Itoa(p.Age)
				}
			case sexCol:
				v = sexValue(p.Gender)
			case areaCol:
				v = p.Area
			case "voting_method":
				v = p.Channel
			default:
				v = p.Extra[c]
			}
			vals[i] = v
		}
		e.row(vals...)
	}
}

// projectColumns chooses the PROJECTS header of a File that has none (a
// cycle rebuilt from the database), one that makes Decode map
// every stored field back where it came from: the area column is
// "neighborhood" when a "district" column was kept among the extras, and a
// second beneficiaries column follows the first.
func projectColumns(ps []pbequity.Project) []string {
	has := map[string]bool{}
	extra := map[string]bool{}
	for _, p := range ps {
		has["name"] = has["name"] || p.Title != ""
		has["description"] = has["description"] || p.Description != ""
		has["category"] = has["category"] || p.Category != ""
		has["beneficiaries"] = has["beneficiaries"] || p.Beneficiaries != ""
		has["selected"] = has["selected"] || p.Selected != nil
		has["area"] = has["area"] || p.Area != ""
		for k := range p.Extra {
			extra[k] = true
		}
	}
	cols := []string{"project_id", "cost"}
	for _, k := range []string{"name", "description", "category"} {
		if has[k] || extra[k] {
			cols = append(cols, k)
		}
	}
	delete(extra, "category")
	// Decode keeps the first of target/beneficiaries as Beneficiaries and the
	// second among the extras.
	switch {
	case extra["target"]:
		cols = append(cols, "beneficiaries", "target")
	case extra["beneficiaries"]:
		cols = append(cols, "target", "beneficiaries")
	case has["beneficiaries"]:
		cols = append(cols, "target")
	}
	delete(extra, "target")
	delete(extra, "beneficiaries")
	if has["selected"] {
		cols = append(cols, "selected")
	}
	return withArea(cols, extra, has["area"])
}

// withArea ends a header with the area columns (a district kept apart
// from the neighbourhood stored as the area, or the area as the district)
// and then the extra columns, sorted.
func withArea(cols []string, extra map[string]bool, hasArea bool) []string {
	switch {
	case extra["district"]:
		cols = append(cols, "neighborhood", "district")
	case hasArea:
		cols = append(cols, "district")
	}
	delete(extra, "district")
	return append(cols, sortedKeys(extra)...)
}

// areaColumn is the column of a header that holds the area: the
// neighbourhood when withArea kept a district beside it.
func areaColumn(cols []string) string {
	if slices.Contains(cols, "neighborhood") {
		return "neighborhood"
	}
	return "district"
}

// voteColumns chooses the VOTES header, as projectColumns does for projects.
func voteColumns(voteType string, ps []pbequity.Participant) []string {
	has := map[string]bool{}
	extra := map[string]bool{}
	for _, p := range ps {
		has["age"] = has["age"] || p.Age > 0
		has["sex"] = has["sex"] || (p.Gender != "" && p.Gender != pbequity.Unknown)
		has["voting_method"] = has["voting_method"] || p.Channel != ""
		has["area"] = has["area"] || p.Area != ""
		for k := range p.Extra {
			extra[k] = true
		}
	}
	cols := []string{"voter_id", "vote"}
	if voteType == pbequity.VoteCumulative || voteType == pbequity.VoteScoring {
		cols = append(cols, "points")
	}
	for _, k := range []string{"age", "sex", "voting_method"} {
		if has[k] {
			cols = append(cols, k)
		}
	}
	return withArea(cols, extra, has["area"])
}
