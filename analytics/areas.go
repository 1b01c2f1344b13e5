package analytics

import (
	"sort"

	"github.com/pbequity/pbequity"
)

// AreaRepresentation compares the women and men who voted in one district
// or neighbourhood with the area's adult population (INDICATORS.md §2,
// representation ratio and GPI, by area).
type AreaRepresentation struct {
	ID     string `json:"id"`
	NameFa string `json:"name_fa"`
	NameEn string `json:"name_en"`
	// Level is "district" or "neighbourhood"; Parent is a neighbourhood's
	// district.
	Level  string `json:"level"`
	Parent string `json:"parent,omitempty"`
	// VotersF and VotersM count the area's voters; PopulationF and
	// PopulationM its adult residents.
	VotersF     Figure `json:"voters_f"`
	VotersM     Figure `json:"voters_m"`
	PopulationF Figure `json:"population_f"`
	PopulationM Figure `json:"population_m"`
	// RatioF and RatioM are the representation ratios of the area's women
	// and men, RR = (n_ag/n)/(P_ag/P), with n the voters placed in an area
	// of the same level and P those areas' adult population: 1 is
	// proportional.
	RatioF Figure `json:"ratio_f"`
	RatioM Figure `json:"ratio_m"`
	// GPI is the area's gender parity index (n_aF/P_aF)/(n_aM/P_aM).
	GPI Figure `json:"gpi"`
}

// Flow is the funded money of one category in one area unit (the units of
// Allocation.Areas; Area "" is city-wide or no area).
type Flow struct {
	Category string `json:"category"`
	Area     string `json:"area"`
	Amount   int64  `json:"amount"`
	Projects int    `json:"projects"`
}

// flows sums the funded money by category and area unit, in category then
// area order of the allocation rows.
func (c *computer) flows(al Allocation) []Flow {
	d := c.areaData()
	type key struct{ cat, area string }
	sum := map[key]*Flow{}
	for _, p := range c.funded() {
		k := key{p.Category, c.unitOf(d, p.Area)}
		f := sum[k]
		if f == nil {
			f = &Flow{Category: k.cat, Area: k.area}
			sum[k] = f
		}
		f.Amount += amount(p)
		f.Projects++
	}
	var out []Flow
	for _, cat := range al.Categories {
		for _, ar := range append(al.Areas, AllocationRow{}) {
			if f := sum[key{cat.ID, ar.ID}]; f != nil {
				out = append(out, *f)
				delete(sum, key{cat.ID, ar.ID})
			}
		}
	}
	rest := make([]Flow, 0, len(sum))
	for _, f := range sum {
		rest = append(rest, *f)
	}
	sort.Slice(rest, func(i, j int) bool {
		if rest[i].Category != rest[j].Category {
			return rest[i].Category < rest[j].Category
		}
		return rest[i].Area < rest[j].Area
	})
	return append(out, rest...)
}

// areaRepresentation compares voters with the adult population in every
// district and neighbourhood the cycle lists.
//
// Suppression: a count of voters or residents in [1, K) is suppressed with
// every figure resting on it. Since column totals (all women voters) and
// district rows (the sum of their neighbourhoods) are published, a count
// that is the only suppressed one of its column at a level, or of the
// neighbourhoods of a district, takes a second one with it: the smallest
// shown count of that group.
func (c *computer) areaRepresentation() []AreaRepresentation {
	t := newAreaTree(c.a.Areas)
	var rows []AreaRepresentation
	index := map[string]int{} // level + id → row
	for _, level := range []string{pbequity.LevelDistrict, pbequity.LevelNeighbourhood} {
		for _, ar := range c.a.Areas {
			if ar.Level != level {
				continue
			}
			row := AreaRepresentation{ID: ar.ID, NameFa: ar.NameFa, NameEn: ar.NameEn, Level: level}
			if level == pbequity.LevelNeighbourhood {
				row.Parent = t.ancestor(ar.ParentID, pbequity.LevelDistrict)
			}
			index[level+"\x00"+ar.ID] = len(rows)
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	// Counts by row: voters F, M, all; adult residents F, M, all.
	type counts struct{ vf, vm, v, pf, pm, p int64 }
	n := make([]counts, len(rows))
	levelV, levelP := map[string]int64{}, map[string]int64{}
	place := func(area string, add func(r int, level string)) {
		for _, level := range []string{pbequity.LevelDistrict, pbequity.LevelNeighbourhood} {
			if a := t.ancestor(area, level); a != "" {
				if r, ok := index[level+"\x00"+a]; ok {
					add(r, level)
				}
			}
		}
	}
	for _, v := range c.a.Voters {
		place(v.Area, func(r int, level string) {
			switch v.Gender {
			case pbequity.Female:
				n[r].vf += v.N
			case pbequity.Male:
				n[r].vm += v.N
			}
			n[r].v += v.N
			levelV[level] += v.N
		})
	}
	for _, p := range c.a.Population {
		if p.AgeBand == ChildBand {
			continue
		}
		place(p.Area, func(r int, level string) {
			switch p.Gender {
			case pbequity.Female:
				n[r].pf += p.N
			case pbequity.Male:
				n[r].pm += p.N
			}
			n[r].p += p.N
			levelP[level] += p.N
		})
	}
	// Primary suppression, then secondary over columns and siblings.
	vals := func(col int, r int) int64 {
		return [4]int64{n[r].vf, n[r].vm, n[r].pf, n[r].pm}[col]
	}
	sup := make([][4]bool, len(rows))
	for r := range rows {
		for col := range 4 {
			sup[r][col] = small(vals(col, r), c.k)
		}
	}
	var groups [][]int
	byLevel := map[string][]int{}
	byParent := map[string][]int{}
	for r, row := range rows {
		byLevel[row.Level] = append(byLevel[row.Level], r)
		if row.Level == pbequity.LevelNeighbourhood && row.Parent != "" {
			byParent[row.Parent] = append(byParent[row.Parent], r)
		}
	}
	for _, level := range []string{pbequity.LevelDistrict, pbequity.LevelNeighbourhood} {
		if g := byLevel[level]; len(g) > 0 {
			groups = append(groups, g)
		}
	}
	parents := make([]string, 0, len(byParent))
	for p := range byParent {
		parents = append(parents, p)
	}
	sort.Strings(parents)
	for _, p := range parents {
		groups = append(groups, byParent[p])
	}
	for changed := true; changed; {
		changed = false
		for col := range 4 {
			for _, g := range groups {
				ns, best := 0, -1
				for _, r := range g {
					if sup[r][col] {
						ns++
					} else if vals(col, r) > 0 && (best < 0 || vals(col, r) < vals(col, best)) {
						best = r
					}
				}
				if ns == 1 && best >= 0 {
					sup[best][col] = true
					changed = true
				}
			}
		}
	}
	for r := range rows {
		row := &rows[r]
		nr := n[r]
		reason := func(col int) string {
			if small(vals(col, r), c.k) {
				return ReasonSuppressed
			}
			return ReasonSecondary
		}
		s := sup[r]
		row.VotersF = count(nr.vf, s[0], reason(0))
		row.VotersM = count(nr.vm, s[1], reason(1))
		row.PopulationF = count(nr.pf, s[2], reason(2))
		row.PopulationM = count(nr.pm, s[3], reason(3))
		nv, np := levelV[row.Level], levelP[row.Level]
		ratio := func(vs, ps bool, ng, pg int64) Figure {
			rr, err := RepresentationRatio(ng, nv, pg, np)
			switch {
			case vs || ps:
				return suppressed(ReasonSuppressed)
			case nv == 0:
				return undefined(ReasonNoData, 0)
			case err != nil:
				return undefined(ReasonNoPopulation, ng)
			}
			return value(rr, ng)
		}
		row.RatioF = ratio(s[0], s[2], nr.vf, nr.pf)
		row.RatioM = ratio(s[1], s[3], nr.vm, nr.pm)
		par := GenderParity(nr.vf, nr.vm, 0, 0, nr.pf, nr.pm)
		switch {
		case s[0] || s[1] || s[2] || s[3]:
			row.GPI = suppressed(ReasonSuppressed)
		case par.Reason != "":
			row.GPI = undefined(par.Reason, nr.vf+nr.vm)
		default:
			row.GPI = value(par.GPI, nr.vf+nr.vm)
		}
	}
	return rows
}
