package analytics

import (
	"strconv"

	"github.com/pbequity/pbequity"
)

// distribution computes the inequality of per-capita allocation across the
// units of the allocation by area.
func (c *computer) distribution() Distribution {
	ad := c.areaData()
	out := Distribution{Level: ad.tree.level}
	var y, w, need []float64
	var needIdx []int
	for _, u := range ad.tree.units {
		pop := ad.pop[u]
		if pop <= 0 {
			out.Excluded++
			out.ExcludedAmount += ad.amount[u]
			continue
		}
		a := float64(ad.amount[u])
		if a == 0 {
			out.Zero++
		}
		if ar, ok := ad.tree.byID[u]; ok && ar.NeedScore != 0 {
			need = append(need, ar.NeedScore)
			needIdx = append(needIdx, len(y))
		}
		y = append(y, a/float64(pop))
		w = append(w, float64(pop))
	}
	out.Areas = len(y)
	n := int64(len(y))
	var reason string
	switch {
	case len(y) == 0:
		reason = ReasonNoPopulation
	case len(y) == 1:
		reason = ReasonOneArea
	}
	d, err := newDist("distribution", y, w, true)
	if reason == "" && err != nil {
		reason = ReasonNothing
	}
	if reason != "" {
		u := undefined(reason, n)
		out.Gini.Figure, out.TheilT.Figure, out.TheilL.Figure = u, u, u
		out.Palma.Figure, out.CV.Figure, out.Concentration.Figure = u, u, u
		for _, eps := range []float64{0.5, 1, 2} {
			out.Atkinson = append(out.Atkinson, AtkinsonFigure{Epsilon: eps, Value: u})
		}
		return out
	}
	s := d.sorted()
	out.Lorenz = s.lorenz()
	// Fa is singular: Persian counts with a singular noun (۲۲ منطقه).
	unit := Text{Fa: "ناحیه", En: "areas"}
	switch ad.tree.level {
	case pbequity.LevelDistrict:
		unit = Text{Fa: "منطقه", En: "districts"}
	case pbequity.LevelNeighbourhood:
		unit = Text{Fa: "محله", En: "neighbourhoods"}
	}
	pop := int64(d.W)
	out.Gini = headline(value(s.gini(), n), pop, func(v float64) Text {
		return Text{
			Fa: "ضریب جینی سرانه تخصیص میان " + FaDigits(strconv.Itoa(len(y))) + " " + unit.Fa + ": " + numFa(v) + " (۰ = سرانه برابر، ۱ = همه به یک " + "منطقه)",
			En: "Gini of per-capita allocation across " + strconv.Itoa(len(y)) + " " + unit.En + ": " + num(v) + " (0 = equal per resident, 1 = all to one area)",
		}
	})
	if ci, err := Bootstrap(Gini, y, w, c.opt.BootstrapB, IntervalLevel, c.opt.Seed); err == nil {
		ci.Note = Text{
			Fa: "مناطق سرشماری‌اند نه نمونه: این بازه حساسیت به ترکیب مناطق را نشان می‌دهد نه خطای نمونه‌گیری؛ با " + FaDigits(strconv.Itoa(len(y))) + " منطقه پهن است.",
			En: "Areas are a census, not a sample: this interval shows sensitivity to which areas are included, not sampling error; with " + strconv.Itoa(len(y)) + " areas it is wide.",
		}
		out.GiniCI = &ci
	}
	out.TheilT = headline(value(d.theilT(), n), pop, func(v float64) Text {
		return Text{
			Fa: "شاخص تایل T: " + numFa(v) + " (۰ = سرانه برابر)",
			En: "Theil T index: " + num(v) + " (0 = equal per resident)",
		}
	})
	if out.Zero > 0 {
		out.TheilL.Figure = undefined(ReasonZeroAreas, n)
	} else {
		out.TheilL = headline(value(d.theilL(), n), pop, func(v float64) Text {
			return Text{
				Fa: "شاخص تایل L (میانگین انحراف لگاریتمی): " + numFa(v),
				En: "Theil L index (mean log deviation): " + num(v),
			}
		})
	}
	out.Split = c.split(ad)
	for _, eps := range []float64{0.5, 1, 2} {
		out.Atkinson = append(out.Atkinson, AtkinsonFigure{Epsilon: eps, Value: value(d.atkinson(eps), n)})
	}
	if p, err := s.palma(); err != nil {
		out.Palma.Figure = undefined(ReasonBottomZero, n)
	} else {
		out.Palma = headline(value(p, n), pop, func(v float64) Text {
			return Text{
				Fa: "نسبت پالما " + numFa(v) + ": سهم سرانه ۱۰٪ پربرخوردارترین ساکنان به ۴۰٪ کم‌برخوردارترین",
				En: "Palma ratio " + num(v) + ": what the best-served 10% of residents got over what the least-served 40% got",
			}
		})
	}
	out.CV = headline(value(d.cv(), n), pop, func(v float64) Text {
		return Text{
			Fa: "ضریب تغییرات سرانه: " + numFa(v) + " (انحراف معیار وزنی به میانگین)",
			En: "coefficient of variation of per-capita allocation: " + num(v) + " (weighted SD over mean)",
		}
	})
	switch {
	case len(need) == 0:
		out.Concentration.Figure = undefined(ReasonNoNeed, 0)
	case len(need) == 1:
		out.Concentration.Figure = undefined(ReasonOneArea, 1)
	default:
		ny, nw := make([]float64, len(need)), make([]float64, len(need))
		for k, i := range needIdx {
			ny[k], nw[k] = y[i], w[i]
		}
		ci, err := Concentration(ny, nw, need)
		if err != nil {
			out.Concentration.Figure = undefined(ReasonNothing, int64(len(need)))
			break
		}
		out.Concentration = headline(value(ci, int64(len(need))), 0, func(v float64) Text {
			t := Text{Fa: "شاخص تمرکز نسبت به نیاز: " + numFa(v), En: "concentration index against need: " + num(v)}
			switch {
			case v < -0.02:
				t.Fa += "؛ پول بیشتر به مناطق نیازمندتر رفته است"
				t.En += "; money went more to the needier areas"
			case v > 0.02:
				t.Fa += "؛ پول بیشتر به مناطق برخوردارتر رفته است"
				t.En += "; money went more to the better-off areas"
			default:
				t.Fa += "؛ تقریباً بی‌ارتباط با نیاز"
				t.En += "; about even with respect to need"
			}
			return t
		})
	}
	return out
}

// split decomposes Theil T and L over neighbourhoods grouped by district.
// It returns nil when the units are not districts or no district has
// neighbourhoods with population.
func (c *computer) split(ad *allocationData) *Split {
	t := ad.tree
	if t.level != pbequity.LevelDistrict {
		return nil
	}
	// Neighbourhood populations and money.
	npop, namt := map[string]int64{}, map[string]float64{}
	var nbs []string
	seen := map[string]bool{}
	for _, p := range c.a.Population {
		nb := t.ancestor(p.Area, pbequity.LevelNeighbourhood)
		if nb == "" || t.unit(nb) == "" {
			continue
		}
		npop[nb] += p.N
		if !seen[nb] {
			seen[nb] = true
			nbs = append(nbs, nb)
		}
	}
	pool := map[string]float64{} // district money not tied to a neighbourhood with population
	for _, p := range c.a.Projects {
		if !funded(p) {
			continue
		}
		u := t.unit(p.Area)
		if u == "" {
			continue
		}
		nb := t.ancestor(p.Area, pbequity.LevelNeighbourhood)
		if nb != "" && npop[nb] > 0 {
			namt[nb] += float64(amount(p))
		} else {
			pool[u] += float64(amount(p))
		}
	}
	// Population of neighbourhoods per district.
	dpop := map[string]int64{}
	for _, nb := range nbs {
		dpop[t.unit(nb)] += npop[nb]
	}
	var y, w []float64
	var group []string
	hasNb := false
	for _, u := range t.units {
		if dpop[u] == 0 {
			// A district without neighbourhood population is one unit.
			if ad.pop[u] > 0 {
				y = append(y, (float64(ad.amount[u]))/float64(ad.pop[u]))
				w = append(w, float64(ad.pop[u]))
				group = append(group, u)
			}
			continue
		}
		hasNb = true
		for _, nb := range nbs {
			if t.unit(nb) != u || npop[nb] == 0 {
				continue
			}
			a := namt[nb] + pool[u]*float64(npop[nb])/float64(dpop[u])
			y = append(y, a/float64(npop[nb]))
			w = append(w, float64(npop[nb]))
			group = append(group, u)
		}
	}
	if !hasNb {
		return nil
	}
	d, err := newDist("split", y, w, true)
	if err != nil {
		return nil
	}
	s := &Split{T: d.decompose(group, false)}
	if z := d.zeros(); z > 0 {
		s.LReason = ReasonZeroAreas + " (" + strconv.Itoa(z) + ")"
	} else {
		l := d.decompose(group, true)
		s.L = &l
	}
	return s
}
