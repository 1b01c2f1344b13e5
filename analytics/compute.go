package analytics

import (
	"math"
	"slices"
	"sort"

	"github.com/pbequity/pbequity"
)

// Compute builds every indicator of one cycle from its aggregates, applying
// small-cell suppression with threshold opt.K to everything it publishes.
// Missing inputs (no census, no votes, no funded projects) give figures with
// a Reason, not an error. It fails with an EINVALID *pbequity.Error for
// invalid input: negative options, negative counts or amounts, an unknown
// gender or marker, a women's share outside [0, 1] (other than -1 for
// unknown) or a non-finite need score.
func Compute(a pbequity.Aggregates, opt Options) (*Indicators, error) {
	if opt.K < 0 {
		return nil, pbequity.Errorf(pbequity.EINVALID, "analytics: suppression threshold K must not be negative")
	}
	if opt.BootstrapB < 0 {
		return nil, pbequity.Errorf(pbequity.EINVALID, "analytics: bootstrap resamples must not be negative")
	}
	if opt.K == 0 {
		opt.K = DefaultK
	}
	if opt.BootstrapB == 0 {
		opt.BootstrapB = DefaultBootstrapB
	}
	if err := validate(a); err != nil {
		return nil, err
	}
	c := &computer{a: a, k: int64(opt.K), opt: opt}
	c.population()
	ind := &Indicators{
		CycleID:  a.Cycle.ID,
		Currency: a.Cycle.Currency,
		K:        opt.K,
	}
	ind.Population = c.populationBase()
	ind.Funnel = c.funnel()
	ind.Representation = c.representation()
	ind.Representation.Areas = c.areaRepresentation()
	ind.Success = c.success()
	ind.Allocation = c.allocation()
	ind.Allocation.Flows = c.flows(ind.Allocation)
	ind.Distribution = c.distribution()
	ind.Markers = c.markers()
	ind.Benefit = c.benefit()
	ind.Execution = c.execution(ind.Allocation.Categories)
	ind.Notes = c.notes(ind)
	return ind, nil
}

// validate checks the aggregates for values no indicator can rest on.
func validate(a pbequity.Aggregates) error {
	cells := func(name string, cs []pbequity.Cell) error {
		for i, c := range cs {
			if c.N < 0 {
				return pbequity.Errorf(pbequity.EINVALID, "analytics: %s row %d has a negative count", name, i+1)
			}
			if c.Gender != "" && !c.Gender.Valid() {
				return pbequity.Errorf(pbequity.EINVALID, "analytics: %s row %d has unknown gender %q", name, i+1, c.Gender)
			}
		}
		return nil
	}
	if err := cells("population", a.Population); err != nil {
		return err
	}
	if err := cells("voters", a.Voters); err != nil {
		return err
	}
	if err := cells("participants", a.Participants); err != nil {
		return err
	}
	for i, s := range a.Stages {
		if s.N < 0 {
			return pbequity.Errorf(pbequity.EINVALID, "analytics: stage row %d has a negative count", i+1)
		}
		if s.Gender != "" && !s.Gender.Valid() {
			return pbequity.Errorf(pbequity.EINVALID, "analytics: stage row %d has unknown gender %q", i+1, s.Gender)
		}
	}
	for _, p := range a.Projects {
		switch {
		case p.Cost < 0 || p.Approved < 0 || p.Spent < 0:
			return pbequity.Errorf(pbequity.EINVALID, "analytics: project %s has a negative amount", p.ID)
		case p.GenderMarker < pbequity.NotScreened || p.GenderMarker > pbequity.Principal:
			return pbequity.Errorf(pbequity.EINVALID, "analytics: project %s has gender marker %d, want -1, 0, 1 or 2", p.ID, p.GenderMarker)
		case p.ProposerGender != "" && !p.ProposerGender.Valid():
			return pbequity.Errorf(pbequity.EINVALID, "analytics: project %s has unknown proposer gender %q", p.ID, p.ProposerGender)
		case p.WomenShare != -1 && !(p.WomenShare >= 0 && p.WomenShare <= 1):
			return pbequity.Errorf(pbequity.EINVALID, "analytics: project %s has women's share %v, want 0 to 1 or -1 for unknown", p.ID, p.WomenShare)
		}
	}
	for _, ar := range a.Areas {
		if math.IsNaN(ar.NeedScore) || math.IsInf(ar.NeedScore, 0) {
			return pbequity.Errorf(pbequity.EINVALID, "analytics: area %s has a need score that is not a finite number", ar.ID)
		}
	}
	return nil
}

// gi is the index of a gender in F, M, O, U order ("" counts as U).
func gi(g pbequity.Gender) int {
	switch g {
	case pbequity.Female:
		return 0
	case pbequity.Male:
		return 1
	case pbequity.Other:
		return 2
	}
	return 3
}

// computer carries the aggregates and what Compute derives from them.
type computer struct {
	a   pbequity.Aggregates
	k   int64
	opt Options
	// adult and all are census totals by gender (F, M, O, U).
	adult, all [4]int64
	adultOnly  bool
}

// population sums the census by gender, for adults and all ages.
func (c *computer) population() {
	for _, p := range c.a.Population {
		g := gi(p.Gender)
		c.all[g] += p.N
		if p.AgeBand == ChildBand {
			c.adultOnly = true
			continue
		}
		c.adult[g] += p.N
	}
}

// genderCounts publishes counts by gender with suppression of small cells
// and, where the total would reveal one, of a second cell (O or U first) or
// the total.
func (c *computer) genderCounts(n [4]int64) (GenderCounts, [4]bool, bool) {
	sup, totalSup := SuppressCells(n[:], c.k, []int{2, 3})
	var flags [4]bool
	copy(flags[:], sup)
	total := n[0] + n[1] + n[2] + n[3]
	reason := func(i int) string {
		if small(n[i], c.k) {
			return ReasonSuppressed
		}
		return ReasonSecondary
	}
	gc := GenderCounts{
		F:     count(n[0], sup[0], reason(0)),
		M:     count(n[1], sup[1], reason(1)),
		O:     count(n[2], sup[2], reason(2)),
		U:     count(n[3], sup[3], reason(3)),
		Total: count(total, totalSup, ReasonSecondary),
	}
	if small(total, c.k) {
		gc.Total.Reason = ReasonSuppressed
	}
	return gc, flags, totalSup
}

func (c *computer) populationBase() PopulationBase {
	adult, _, _ := c.genderCounts(c.adult)
	all, _, _ := c.genderCounts(c.all)
	return PopulationBase{Adult: adult, All: all, AdultOnly: c.adultOnly}
}

// stageLabels name the people counted at each stage of the funnel.
var stageLabels = map[string]Text{
	string(pbequity.StageProblem):  {Fa: "طرح‌کنندگان مسئله", En: "people who raised a problem"},
	string(pbequity.StageSolution): {Fa: "پیشنهاددهندگان راهکار", En: "people who proposed a solution"},
	string(pbequity.StageVote):     {Fa: "رأی‌دهندگان", En: "voters"},
	string(pbequity.StageMeeting):  {Fa: "شرکت‌کنندگان در جلسات", En: "meeting participants"},
	"funded":                       {Fa: "پیشنهاددهندگان طرح‌های تأمین‌شده", En: "proposers of funded projects"},
}

// StageFunded is the last row of the funnel: proposals funded, by the
// proposer's gender.
const StageFunded = "funded"

func (c *computer) funnel() []StageRow {
	counts := map[string]*[4]int64{}
	order := []string{}
	for _, s := range pbequity.Stages {
		order = append(order, string(s))
		counts[string(s)] = &[4]int64{}
	}
	order = append(order, StageFunded)
	counts[StageFunded] = &[4]int64{}
	for _, s := range c.a.Stages {
		n, ok := counts[string(s.Stage)]
		if !ok {
			continue
		}
		n[gi(s.Gender)] += s.N
	}
	for _, p := range c.a.Projects {
		if funded(p) {
			counts[StageFunded][gi(p.ProposerGender)]++
		}
	}
	rows := make([]StageRow, 0, len(order))
	for _, st := range order {
		rows = append(rows, c.stageRow(st, *counts[st]))
	}
	return rows
}

// stageRow publishes one stage of the funnel.
func (c *computer) stageRow(stage string, n [4]int64) StageRow {
	label := stageLabels[stage]
	gc, sup, _ := c.genderCounts(n)
	popF, popM := c.adult[0], c.adult[1]
	popSup := small(popF, c.k) || small(popM, c.k)
	row := StageRow{Stage: stage, Label: label, Counts: gc}
	par := GenderParity(n[0], n[1], n[2], n[3], popF, popM)
	fm := n[0] + n[1]
	residentsF := 0.0
	if popF+popM > 0 {
		residentsF = float64(popF) / float64(popF+popM)
	}
	switch {
	case sup[0] || sup[1]:
		row.WomenShare.Figure = suppressed(ReasonSuppressed)
	case fm == 0:
		row.WomenShare.Figure = undefined(ReasonNoCounts, 0)
	default:
		row.WomenShare = headline(value(par.WomenShare, fm), popF+popM, func(v float64) Text {
			if popF+popM == 0 {
				return Text{
					Fa: "زنان " + pctFa(v) + " از " + label.Fa + " بودند",
					En: "women were " + pct(v) + " of " + label.En,
				}
			}
			return Text{
				Fa: "زنان " + pctFa(v) + " از " + label.Fa + " و " + pctFa(residentsF) + " از ساکنان بزرگسال بودند",
				En: "women were " + pct(v) + " of " + label.En + " and " + pct(residentsF) + " of adult residents",
			}
		})
	}
	switch {
	case sup[0] || sup[1] || popSup:
		row.GPI.Figure = suppressed(ReasonSuppressed)
		row.AdjustedGPI = suppressed(ReasonSuppressed)
	case par.Reason != "":
		row.GPI.Figure = undefined(par.Reason, fm)
		row.AdjustedGPI = undefined(par.Reason, fm)
	default:
		row.Parity = parityWord(par.GPI)
		row.AdjustedGPI = value(par.AdjustedGPI, fm)
		row.GPI = headline(value(par.GPI, fm), popF+popM, func(v float64) Text {
			return gpiReading(label, par.WomenShare, residentsF, v)
		})
	}
	return row
}

// gpiReading is the one-line reading of a GPI, e.g. "women were 38% of
// voters but 51% of residents: GPI 0.61, below parity".
func gpiReading(label Text, share, residents, gpi float64) Text {
	conjEn, conjFa := "and", "و"
	if parityWord(gpi) != "in_band" {
		conjEn, conjFa = "but", "اما"
	}
	var en, fa string
	switch parityWord(gpi) {
	case "below":
		en, fa = "below parity", "کمتر از برابری"
	case "above":
		en, fa = "above parity", "بیشتر از برابری"
	default:
		en, fa = "within the parity band", "در محدوده برابری"
	}
	return Text{
		Fa: "زنان " + pctFa(share) + " از " + label.Fa + " بودند " + conjFa + " " + pctFa(residents) +
			" از ساکنان بزرگسال: شاخص برابری جنسیتی " + numFa(gpi) + "، " + fa,
		En: "women were " + pct(share) + " of " + label.En + " " + conjEn + " " + pct(residents) +
			" of adult residents: GPI " + num(gpi) + ", " + en,
	}
}

// funded reports whether a project was officially selected.
func funded(p pbequity.Project) bool { return p.Selected != nil && *p.Selected }

// amount is the funded amount of a project: Approved when positive, else Cost.
func amount(p pbequity.Project) int64 {
	if p.Approved > 0 {
		return p.Approved
	}
	return p.Cost
}

var genderNames = [4]pbequity.Gender{pbequity.Female, pbequity.Male, pbequity.Other, pbequity.Unknown}

func (c *computer) representation() Representation {
	var n [4]int64
	type cell struct{ band, area string }
	vr := map[cell]int64{}
	pp := map[cell]int64{}
	var unplaced int64
	for _, v := range c.a.Voters {
		n[gi(v.Gender)] += v.N
		if v.AgeBand == "" || v.Area == "" {
			unplaced += v.N
			continue
		}
		vr[cell{v.AgeBand, v.Area}] += v.N
	}
	for _, p := range c.a.Population {
		if p.AgeBand == ChildBand || p.AgeBand == "" || p.Area == "" {
			continue
		}
		pp[cell{p.AgeBand, p.Area}] += p.N
	}
	gc, sup, totalSup := c.genderCounts(n)
	total := n[0] + n[1] + n[2] + n[3]
	var pTotal int64
	for _, v := range c.adult {
		pTotal += v
	}
	r := Representation{Voters: gc.Total}
	figs := [4]Figure{gc.F, gc.M, gc.O, gc.U}
	for g := range 4 {
		row := GroupRatio{Gender: genderNames[g], Voters: figs[g], Population: count(c.adult[g], small(c.adult[g], c.k), ReasonSuppressed)}
		rr, err := RepresentationRatio(n[g], total, c.adult[g], pTotal)
		switch {
		case sup[g] || totalSup || small(c.adult[g], c.k):
			row.Ratio.Figure = suppressed(ReasonSuppressed)
		case total == 0:
			row.Ratio.Figure = undefined(ReasonNoData, 0)
		case err != nil:
			row.Ratio.Figure = undefined(ReasonNoPopulation, total)
		default:
			label := genderLabel(genderNames[g])
			share := float64(n[g]) / float64(total)
			pshare := float64(c.adult[g]) / float64(pTotal)
			row.Ratio = headline(value(rr, total), pTotal, func(v float64) Text {
				return Text{
					Fa: label.Fa + " " + pctFa(share) + " از رأی‌دهندگان و " + pctFa(pshare) + " از ساکنان بزرگسال بودند: نسبت نمایندگی " + numFa(v),
					En: label.En + " were " + pct(share) + " of voters and " + pct(pshare) + " of adult residents: representation ratio " + num(v),
				}
			})
		}
		r.Ratios = append(r.Ratios, row)
	}
	keys := make([]cell, 0, len(vr)+len(pp))
	for k := range vr {
		keys = append(keys, k)
	}
	for k := range pp {
		if _, ok := vr[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].area != keys[j].area {
			return keys[i].area < keys[j].area
		}
		return keys[i].band < keys[j].band
	})
	rv, pv := make([]int64, len(keys)), make([]int64, len(keys))
	var placed, placedPop int64
	for i, k := range keys {
		rv[i], pv[i] = vr[k], pp[k]
		placed += rv[i]
		placedPop += pv[i]
	}
	r.Cells = len(keys)
	r.Unplaced = count(unplaced, small(unplaced, c.k), ReasonSuppressed)
	rose, errR := Rose(rv, pv)
	gal, errG := Gallagher(rv, pv)
	switch {
	case small(placed, c.k):
		r.Rose.Figure = suppressed(ReasonSuppressed)
		r.Gallagher.Figure = suppressed(ReasonSuppressed)
	case placed == 0:
		r.Rose.Figure = undefined(ReasonNoData, 0)
		r.Gallagher.Figure = undefined(ReasonNoData, 0)
	case errR != nil || errG != nil:
		r.Rose.Figure = undefined(ReasonNoPopulation, placed)
		r.Gallagher.Figure = undefined(ReasonNoPopulation, placed)
	default:
		cells := int64(len(keys))
		r.Rose = headline(value(rose, placed), placedPop, func(v float64) Text {
			return Text{
				Fa: "شاخص رز " + numFa(v) + ": ترکیب سنی و محله‌ای رأی‌دهندگان در " + FaDigits(grouped(float64(cells))) + " خانه تا این اندازه با جمعیت بزرگسال جور است (۱ = کاملاً متناسب)",
				En: "Rose index " + num(v) + ": how closely voters match the adult population over " + grouped(float64(cells)) + " age band × area cells (1 = fully proportional)",
			}
		})
		r.Gallagher = headline(value(gal, placed), placedPop, func(v float64) Text {
			return Text{
				Fa: "شاخص گالاگر " + numFa(v) + ": فاصله سهم رأی‌دهندگان از سهم جمعیت در خانه‌های سن × محله (۰ = کاملاً متناسب)",
				En: "Gallagher index " + num(v) + ": distance between voters' and residents' shares over age band × area cells (0 = fully proportional)",
			}
		})
	}
	return r
}

// genderLabel names a gender as a plural noun.
func genderLabel(g pbequity.Gender) Text {
	switch g {
	case pbequity.Female:
		return Text{Fa: "زنان", En: "women"}
	case pbequity.Male:
		return Text{Fa: "مردان", En: "men"}
	case pbequity.Other:
		return Text{Fa: "دیگر جنسیت‌ها", En: "people of another gender"}
	}
	return Text{Fa: "افراد با جنسیت نامعلوم", En: "people of unknown gender"}
}

func (c *computer) success() Success {
	var prop, fund [4]int64
	s := Success{}
	for _, p := range c.a.Projects {
		if p.Selected == nil {
			s.NotRecorded++
			continue
		}
		g := gi(p.ProposerGender)
		prop[g]++
		if *p.Selected {
			fund[g]++
		}
	}
	pc, psup, _ := c.genderCounts(prop)
	fc, fsup, _ := c.genderCounts(fund)
	pf := [4]Figure{pc.F, pc.M, pc.O, pc.U}
	ff := [4]Figure{fc.F, fc.M, fc.O, fc.U}
	var win [4]float64
	for g := range 4 {
		row := SuccessRow{Gender: genderNames[g], Proposals: pf[g], Funded: ff[g]}
		switch {
		case psup[g] || fsup[g]:
			row.Rate = suppressed(ReasonSuppressed)
		case prop[g] == 0:
			row.Rate = undefined(ReasonNoProposals, 0)
		default:
			win[g] = float64(fund[g]) / float64(prop[g])
			row.Rate = value(win[g], prop[g])
		}
		s.Rows = append(s.Rows, row)
	}
	ir, err := ImpactRatio(fund[0], prop[0], fund[1], prop[1])
	n := prop[0] + prop[1]
	switch {
	case psup[0] || psup[1] || fsup[0] || fsup[1]:
		s.ImpactRatio.Figure = suppressed(ReasonSuppressed)
	case prop[0]+prop[1]+prop[2]+prop[3] == 0:
		s.ImpactRatio.Figure = undefined(ReasonNoOutcome, 0)
	case prop[0] == 0:
		s.ImpactRatio.Figure = undefined(ReasonNoWomen, n)
	case prop[1] == 0:
		s.ImpactRatio.Figure = undefined(ReasonNoMen, n)
	case err != nil:
		s.ImpactRatio.Figure = undefined(ReasonNothing, n)
	default:
		s.Flagged = ir < FourFifths
		s.ImpactRatio = headline(value(ir, n), 0, func(v float64) Text {
			t := Text{
				Fa: FaDigits(pct(win[0])) + " از پیشنهادهای زنان و " + pctFa(win[1]) + " از پیشنهادهای مردان تأمین شد: نسبت اثر " + numFa(v),
				En: pct(win[0]) + " of women's proposals and " + pct(win[1]) + " of men's were funded: impact ratio " + num(v),
			}
			if v < FourFifths {
				t.Fa += "، کمتر از قاعده چهارپنجم"
				t.En += ", below the four-fifths rule"
			} else {
				t.Fa += "، در حد قاعده چهارپنجم"
				t.En += ", meets the four-fifths rule"
			}
			return t
		})
	}
	return s
}

// areaTree resolves areas to the units of the allocation by area.
type areaTree struct {
	byID  map[string]pbequity.Area
	level string // district, neighbourhood or area
	units []string
	isU   map[string]bool
}

func newAreaTree(areas []pbequity.Area) *areaTree {
	t := &areaTree{byID: map[string]pbequity.Area{}, isU: map[string]bool{}, level: "area"}
	hasN := false
	for _, ar := range areas {
		t.byID[ar.ID] = ar
		switch ar.Level {
		case pbequity.LevelDistrict:
			t.level = pbequity.LevelDistrict
		case pbequity.LevelNeighbourhood:
			hasN = true
		}
	}
	if t.level != pbequity.LevelDistrict && hasN {
		t.level = pbequity.LevelNeighbourhood
	}
	for _, ar := range areas {
		if ar.Level == t.level {
			t.add(ar.ID)
		}
	}
	return t
}

func (t *areaTree) add(id string) {
	if !t.isU[id] {
		t.isU[id] = true
		t.units = append(t.units, id)
	}
}

// ancestor returns the closest ancestor-or-self of id at level, or "".
func (t *areaTree) ancestor(id, level string) string {
	for range 64 { // guards against cycles in ParentID
		ar, ok := t.byID[id]
		if !ok {
			return ""
		}
		if ar.Level == level {
			return id
		}
		if ar.ParentID == "" {
			return ""
		}
		id = ar.ParentID
	}
	return ""
}

// unit returns the unit an area belongs to: its ancestor at the unit level;
// an area the cycle does not list, or one without such an ancestor below the
// city, is a unit of its own; "" for city level and no area.
func (t *areaTree) unit(id string) string {
	if id == "" {
		return ""
	}
	ar, ok := t.byID[id]
	if !ok {
		t.add(id)
		return id
	}
	if ar.Level == pbequity.LevelCity {
		return ""
	}
	if u := t.ancestor(id, t.level); u != "" {
		return u
	}
	t.add(id)
	return id
}

// allocationData is what the allocation by area gives the distribution.
type allocationData struct {
	tree   *areaTree
	amount map[string]int64
	pop    map[string]int64
}

func (c *computer) funded() []pbequity.Project {
	var out []pbequity.Project
	for _, p := range c.a.Projects {
		if funded(p) {
			out = append(out, p)
		}
	}
	return out
}

func (c *computer) totalPop() int64 { return c.all[0] + c.all[1] + c.all[2] + c.all[3] }

// allocRow fills the figures of an allocation row.
func (c *computer) allocRow(r *AllocationRow, total, pop int64) {
	if total > 0 {
		r.Share = value(float64(r.Amount)/float64(total), int64(r.Projects))
	} else {
		r.Share = undefined(ReasonNothing, 0)
	}
	switch {
	case small(pop, c.k):
		r.Population = suppressed(ReasonSuppressed)
		r.PerCapita = suppressed(ReasonSuppressed)
		r.Per1000 = suppressed(ReasonSuppressed)
	case pop == 0:
		r.Population = value(0, 0)
		r.PerCapita = undefined(ReasonNoPopulation, 0)
		r.Per1000 = undefined(ReasonNoPopulation, 0)
	default:
		r.Population = value(float64(pop), pop)
		r.PerCapita = value(float64(r.Amount)/float64(pop), pop)
		r.Per1000 = value(1000*float64(r.Amount)/float64(pop), pop)
	}
}

func (c *computer) categoryOrder() []pbequity.Category {
	cats := slices.Clone(c.a.Categories)
	sort.SliceStable(cats, func(i, j int) bool {
		if cats[i].Sort != cats[j].Sort {
			return cats[i].Sort < cats[j].Sort
		}
		return cats[i].ID < cats[j].ID
	})
	return cats
}

func (c *computer) allocation() Allocation {
	fp := c.funded()
	al := Allocation{Projects: len(fp)}
	for _, p := range fp {
		al.Total += amount(p)
	}
	tp := c.totalPop()
	switch {
	case small(tp, c.k):
		al.Population = suppressed(ReasonSuppressed)
		al.PerCapita = suppressed(ReasonSuppressed)
	case tp == 0:
		al.Population = value(0, 0)
		al.PerCapita = undefined(ReasonNoPopulation, 0)
	default:
		al.Population = value(float64(tp), tp)
		al.PerCapita = value(float64(al.Total)/float64(tp), tp)
	}

	// By category.
	rows := map[string]*AllocationRow{}
	var order []string
	for _, cat := range c.categoryOrder() {
		if _, ok := rows[cat.ID]; ok {
			continue
		}
		rows[cat.ID] = &AllocationRow{ID: cat.ID, NameFa: cat.NameFa, NameEn: cat.NameEn}
		order = append(order, cat.ID)
	}
	var extra []string
	for _, p := range fp {
		r, ok := rows[p.Category]
		if !ok {
			r = &AllocationRow{ID: p.Category, NameFa: p.Category, NameEn: p.Category}
			if p.Category == "" {
				r.NameFa, r.NameEn = "بدون دسته", "no category"
			}
			rows[p.Category] = r
			extra = append(extra, p.Category)
		}
		r.Amount += amount(p)
		r.Projects++
	}
	sort.Slice(extra, func(i, j int) bool { // "" last
		if (extra[i] == "") != (extra[j] == "") {
			return extra[j] == ""
		}
		return extra[i] < extra[j]
	})
	for _, id := range append(order, extra...) {
		r := rows[id]
		c.allocRow(r, al.Total, tp)
		al.Categories = append(al.Categories, *r)
	}

	// By area.
	d := c.areaData()
	al.Level = d.tree.level
	al.CityWide = AllocationRow{ID: "", NameFa: "کل شهر یا بدون منطقه", NameEn: "city-wide or no area"}
	for _, p := range fp {
		if c.unitOf(d, p.Area) == "" {
			al.CityWide.Amount += amount(p)
			al.CityWide.Projects++
		}
	}
	c.allocRow(&al.CityWide, al.Total, tp)
	for _, u := range d.tree.units {
		r := AllocationRow{ID: u, NameFa: u, NameEn: u, Amount: d.amount[u]}
		if ar, ok := d.tree.byID[u]; ok {
			r.NameFa, r.NameEn = ar.NameFa, ar.NameEn
		}
		for _, p := range fp {
			if c.unitOf(d, p.Area) == u {
				r.Projects++
			}
		}
		c.allocRow(&r, al.Total, d.pop[u])
		al.Areas = append(al.Areas, r)
	}
	return al
}

// unitOf returns the unit of an area.
func (c *computer) unitOf(d *allocationData, area string) string { return d.tree.unit(area) }

// areaData sums funded money and population (all ages) per unit. A unit's
// population is its own census cells when it has any, else the sum of the
// cells of the areas below it.
func (c *computer) areaData() *allocationData {
	t := newAreaTree(c.a.Areas)
	d := &allocationData{tree: t, amount: map[string]int64{}, pop: map[string]int64{}}
	own, below := map[string]int64{}, map[string]int64{}
	hasOwn := map[string]bool{}
	for _, p := range c.a.Population {
		u := t.unit(p.Area)
		if u == "" {
			continue
		}
		if p.Area == u {
			own[u] += p.N
			hasOwn[u] = true
		} else {
			below[u] += p.N
		}
	}
	for _, u := range t.units {
		if hasOwn[u] {
			d.pop[u] = own[u]
		} else {
			d.pop[u] = below[u]
		}
	}
	for _, p := range c.a.Projects {
		if funded(p) {
			if u := t.unit(p.Area); u != "" {
				d.amount[u] += amount(p)
			}
		}
	}
	return d
}
