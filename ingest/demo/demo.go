// Package demo generates the built-in synthetic city of pbequity: a
// Tehran-like city of 22 districts and their neighbourhoods, census
// population by gender and age band, the six working-group categories,
// projects with budget tables and gender markers, and participants whose
// stages and approval votes show a gender gap that narrows from problem to
// vote. Generation is deterministic for a seed and streams rows to a Sink, so
// it scales to millions of participants in constant memory. It imports no
// database package.
package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	jalaali "github.com/jalaali/go-jalaali"

	"github.com/pbequity/pbequity"
)

// Sink receives the generated rows; *queries.Writer is one.
type Sink interface {
	Cycle(pbequity.Cycle) error
	Area(pbequity.Area) error
	Category(pbequity.Category) error
	Population(pbequity.PopulationCount) error
	Project(pbequity.Project) error
	BudgetLine(pbequity.BudgetLine) error
	Participant(pbequity.Participant) error
	Participation(pbequity.Participation) error
	Vote(pbequity.Vote) error
}

// Options configure the generator.
type Options struct {
	// Participants of the newest cycle (default 20,000); the older cycle has 60% of it.
	Participants int
	// Seed makes the output reproducible (default 1403).
	Seed uint64
	// Progress, when set, is called now and then with participants done and the total.
	Progress func(done, total int)
}

// CycleIDs are the ids of the demo cycles, newest first.
var CycleIDs = []string{"tehran-1403", "tehran-1402"}

// Generate writes the demo cycles to s.
func Generate(s Sink, opt Options) error {
	if opt.Participants <= 0 {
		opt.Participants = 20000
	}
	if opt.Seed == 0 {
		opt.Seed = 1403
	}
	older := opt.Participants * 6 / 10
	total := opt.Participants + older
	done := 0
	progress := func(n int) {
		if opt.Progress != nil {
			opt.Progress(done+n, total)
		}
	}
	specs := []cycleSpec{
		{id: CycleIDs[1], year: 1402, participants: older, gap: 0.78, evaluated: true},
		{id: CycleIDs[0], year: 1403, participants: opt.Participants, gap: 1.0},
	}
	for i, spec := range specs {
		g := &generator{sink: s, spec: spec, rng: rand.New(rand.NewPCG(opt.Seed, uint64(i+1))), progress: progress}
		if err := g.run(); err != nil {
			return fmt.Errorf("demo %s: %w", spec.id, err)
		}
		done += spec.participants
	}
	progress(0)
	return nil
}

type cycleSpec struct {
	id           string
	year         int
	participants int
	gap          float64 // multiplies women's stage probabilities: below 1 widens the gap
	evaluated    bool    // projects carried out: spent amounts and statuses
}

type neighbourhood struct {
	id       string
	district int
	adults   int64 // adult population
}

type project struct {
	pbequity.Project
	district int // -1 for city-wide
	appeal   [2]float64
	votes    int64
}

type generator struct {
	sink     Sink
	spec     cycleSpec
	rng      *rand.Rand
	progress func(int)
	budget   int64

	hoods    []neighbourhood
	hoodCum  []float64 // cumulative participation weight over hoods
	projects []*project
	// per district and gender (0 women, 1 men), cumulative appeal over the
	// district's candidate projects (own district and city-wide).
	cands   [][]int
	candCum [][2][]float64
}

func (g *generator) date(month, day int) time.Time {
	y, m, d, _ := jalaali.ToGregorian(g.spec.year, jalaali.Month(month), day)
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (g *generator) run() error {
	g.makeProjects()
	if err := g.places(); err != nil {
		return err
	}
	if err := g.people(); err != nil {
		return err
	}
	return g.fund()
}

var ageShares = []float64{0.24, 0.18, 0.28, 0.18, 0.12} // pbequity.AgeBands

func (g *generator) places() error {
	id := g.spec.id
	s := g.sink
	err := s.Cycle(pbequity.Cycle{
		ID: id, Name: fmt.Sprintf("بودجه‌ریزی مشارکتی تهران %s", faDigits(g.spec.year)),
		NameEn: fmt.Sprintf("Tehran participatory budgeting %d", g.spec.year), Unit: "تهران",
		FiscalYear: g.spec.year, Budget: g.budget, Currency: "IRR", VoteType: pbequity.VoteApproval, Rule: "greedy",
		StartDate: g.date(2, 1), EndDate: g.date(7, 30), MaxLength: 5,
		Description: "داده‌های نمایشی ساختگی؛ نام محله‌ها واقعی و ارقام ساختگی است. Synthetic demo data.",
	})
	if err != nil {
		return err
	}
	if err := s.Area(pbequity.Area{CycleID: id, ID: "tehran", Level: pbequity.LevelCity, NameFa: "تهران", NameEn: "Tehran"}); err != nil {
		return err
	}
	for i, c := range Categories {
		if err := s.Category(pbequity.Category{CycleID: id, ID: c[0], NameFa: c[1], NameEn: c[2], Sort: i + 1}); err != nil {
			return err
		}
	}
	var cum float64
	for di, d := range tehran {
		did := fmt.Sprintf("d%02d", di+1)
		if err := s.Area(pbequity.Area{CycleID: id, ID: did, ParentID: "tehran", Level: pbequity.LevelDistrict,
			NameFa: "منطقه " + faDigits(di+1), NameEn: fmt.Sprintf("District %d", di+1), NeedScore: d.need}); err != nil {
			return err
		}
		districtPop := d.size * 900000 * (1 + 0.02*float64(g.spec.year-1402))
		for ni, n := range d.neighbourhoods {
			hid := fmt.Sprintf("%s-n%d", did, ni+1)
			if err := s.Area(pbequity.Area{CycleID: id, ID: hid, ParentID: did, Level: pbequity.LevelNeighbourhood,
				NameFa: n[0], NameEn: n[1], NeedScore: clamp(d.need+0.1*(g.rng.Float64()-0.5), 0, 1)}); err != nil {
				return err
			}
			pop := districtPop / float64(len(d.neighbourhoods)) * (0.7 + 0.6*g.rng.Float64())
			var adults int64
			for bi, band := range pbequity.AgeBands {
				for _, gender := range []pbequity.Gender{pbequity.Female, pbequity.Male} {
					share := 0.5
					if gender == pbequity.Male {
						share = 0.5 + 0.01*(1-2*float64(bi)/4) // slightly more men young, fewer old
					} else {
						share = 0.5 - 0.01*(1-2*float64(bi)/4)
					}
					n := int64(math.Round(pop * ageShares[bi] * share))
					if bi > 0 {
						adults += n
					}
					if err := s.Population(pbequity.PopulationCount{CycleID: id, Area: hid, Gender: gender, AgeBand: band, Count: n}); err != nil {
						return err
					}
				}
			}
			g.hoods = append(g.hoods, neighbourhood{id: hid, district: di, adults: adults})
			// Participation is higher where need is lower (better connected) and varies by place.
			cum += float64(adults) * (1.2 - 0.6*d.need) * (0.6 + 0.8*g.rng.Float64())
			g.hoodCum = append(g.hoodCum, cum)
		}
	}
	return nil
}

// makeProjects draws the projects and sets the budget to 40% of their total
// cost, rounded down to a billion rial.
func (g *generator) makeProjects() {
	id := g.spec.id
	n := 0
	add := func(district int, place string, t template) {
		n++
		cost := int64(t.cost*math.Exp(0.5*g.rng.NormFloat64())*10) * 100_000_000 // rial, rounded to 0.1 billion
		if cost < 500_000_000 {
			cost = 500_000_000
		}
		marker := pbequity.Marker(t.marker)
		if g.rng.Float64() < 0.06 {
			marker = pbequity.NotScreened
		}
		women := clamp(t.women+0.06*(g.rng.Float64()-0.5), 0, 1)
		if g.rng.Float64() < 0.15 {
			women = -1 // not known
		}
		pf := []float64{0.3, 0.5, 0.75}[t.marker]
		proposer := pbequity.Male
		if g.rng.Float64() < pf {
			proposer = pbequity.Female
		}
		area := "tehran"
		if district >= 0 {
			// a project sits in one neighbourhood of its district
			hs := tehran[district].neighbourhoods
			area = fmt.Sprintf("d%02d-n%d", district+1, 1+g.rng.IntN(len(hs)))
		}
		p := &project{district: district, appeal: [2]float64{t.appealF, t.appealM}}
		p.Project = pbequity.Project{
			CycleID: id, ID: fmt.Sprintf("p%03d", n), Title: fmt.Sprintf(t.fa, place),
			Extra: map[string]string{"title_en": fmt.Sprintf(t.en, placeEn(district, area))},
			Cost:  cost, Category: t.category, Area: area, Stage: "budget", ProposerGender: proposer,
			GenderMarker: marker, WomenShare: women, Beneficiaries: beneficiaries(t),
		}
		p.appeal[0] *= 0.5 + g.rng.Float64()
		p.appeal[1] *= 0.5 + g.rng.Float64()
		g.projects = append(g.projects, p)
	}
	for di, d := range tehran {
		k := 4 + g.rng.IntN(4)
		for j := 0; j < k; j++ {
			t := templates[g.rng.IntN(len(templates))]
			hood := d.neighbourhoods[g.rng.IntN(len(d.neighbourhoods))][0]
			add(di, hood, t)
		}
	}
	for j := 0; j < 6; j++ {
		t := templates[g.rng.IntN(len(templates))]
		add(-1, "در سطح شهر تهران", t)
	}
	// Candidate projects per district: its own and the city-wide ones.
	g.cands = make([][]int, len(tehran))
	g.candCum = make([][2][]float64, len(tehran))
	for di := range tehran {
		for pi, p := range g.projects {
			if p.district == di || p.district < 0 {
				g.cands[di] = append(g.cands[di], pi)
			}
		}
		for gi := 0; gi < 2; gi++ {
			var cum float64
			for _, pi := range g.cands[di] {
				w := g.projects[pi].appeal[gi]
				if g.projects[pi].district < 0 {
					w *= 0.4
				}
				cum += w
				g.candCum[di][gi] = append(g.candCum[di][gi], cum)
			}
		}
	}
	var sum int64
	for _, p := range g.projects {
		sum += p.Cost
	}
	g.budget = sum * 4 / 10 / 1_000_000_000 * 1_000_000_000
}

// Stage probabilities for women and men (index 0, 1); others use the mean.
var stageProb = map[pbequity.Stage][2]float64{
	pbequity.StageProblem:  {0.18, 0.30},
	pbequity.StageSolution: {0.08, 0.12},
	pbequity.StageVote:     {0.80, 0.72},
	pbequity.StageMeeting:  {0.06, 0.14},
}

var ballotLength = []float64{0.15, 0.35, 0.65, 0.85, 1.0} // cumulative P(k = 1..5)

var channels = []string{"online", "in_person", "sms", "paper"}

func (g *generator) people() error {
	id := g.spec.id
	s := g.sink
	total := g.hoodCum[len(g.hoodCum)-1]
	stages := []pbequity.Stage{pbequity.StageProblem, pbequity.StageSolution, pbequity.StageMeeting, pbequity.StageVote}
	window := map[pbequity.Stage][2]int{ // month range of each stage
		pbequity.StageProblem: {2, 3}, pbequity.StageSolution: {4, 5}, pbequity.StageVote: {6, 6}, pbequity.StageMeeting: {2, 7},
	}
	picked := make([]int, 0, 5)
	for i := 0; i < g.spec.participants; i++ {
		if i%20000 == 0 {
			g.progress(i)
		}
		r := g.rng.Float64()
		gender := pbequity.Female
		switch {
		case r < 0.46:
		case r < 0.97:
			gender = pbequity.Male
		case r < 0.975:
			gender = pbequity.Other
		default:
			gender = pbequity.Unknown
		}
		h := g.hoods[sort.SearchFloat64s(g.hoodCum, g.rng.Float64()*total)]
		band := 1 + pick(g.rng, []float64{0.26, 0.62, 0.87, 1.0})
		lo := []int{0, 18, 30, 45, 60}[band]
		age := lo + g.rng.IntN([]int{18, 12, 15, 15, 20}[band])
		ch := channels[pick(g.rng, []float64{0.6, 0.85, 0.95, 1})]
		pid := fmt.Sprintf("%s-%07d", id[len(id)-4:], i+1)
		if err := s.Participant(pbequity.Participant{CycleID: id, ID: pid, Gender: gender, Age: age,
			AgeBand: pbequity.AgeBand(age), Area: h.id, Channel: ch}); err != nil {
			return err
		}
		gi := 1
		if gender == pbequity.Female {
			gi = 0
		}
		any := false
		for _, st := range stages {
			p := stageProb[st][gi]
			if gender == pbequity.Female && st != pbequity.StageVote {
				p *= g.spec.gap
			} else if gender == pbequity.Female {
				p *= 0.9 + 0.1*g.spec.gap
			}
			if gender == pbequity.Other || gender == pbequity.Unknown {
				p = (stageProb[st][0] + stageProb[st][1]) / 2
			}
			if st == pbequity.StageVote && !any {
				p = 1 // everyone registered took part somewhere
			}
			if g.rng.Float64() >= p {
				continue
			}
			any = true
			w := window[st]
			ev := pbequity.Participation{CycleID: id, ParticipantID: pid, Stage: st,
				Date: g.date(w[0]+g.rng.IntN(w[1]-w[0]+1), 1+g.rng.IntN(28))}
			if st == pbequity.StageSolution {
				c := g.cands[h.district]
				ev.ProjectID = g.projects[c[g.rng.IntN(len(c))]].ID
			}
			if err := s.Participation(ev); err != nil {
				return err
			}
			if st != pbequity.StageVote {
				continue
			}
			k := 1 + pick(g.rng, ballotLength)
			cum := g.candCum[h.district][gi]
			c := g.cands[h.district]
			if k > len(c) {
				k = len(c)
			}
			picked = picked[:0]
			for len(picked) < k {
				j := sort.SearchFloat64s(cum, g.rng.Float64()*cum[len(cum)-1])
				if j >= len(c) {
					j = len(c) - 1
				}
				if !contains(picked, c[j]) {
					picked = append(picked, c[j])
				}
			}
			for _, pi := range picked {
				g.projects[pi].votes++
				if err := s.Vote(pbequity.Vote{CycleID: id, ParticipantID: pid, ProjectID: g.projects[pi].ID}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// fund sets the budget to about 40% of the proposed total, selects projects
// greedily by votes (the cycle's official rule) and writes the projects with
// their budget tables.
func (g *generator) fund() error {
	order := make([]*project, len(g.projects))
	copy(order, g.projects)
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if a.votes != b.votes {
			return a.votes > b.votes
		}
		if a.Cost != b.Cost {
			return a.Cost < b.Cost
		}
		return a.ID < b.ID
	})
	left := g.budget
	for _, p := range order {
		sel := p.votes > 0 && p.Cost <= left
		if sel {
			left -= p.Cost
			p.Approved = p.Cost
			p.Status = "approved"
			if g.spec.evaluated {
				p.Spent = int64(float64(p.Cost)*(0.6+0.45*g.rng.Float64())) / 1_000_000 * 1_000_000
				p.Status = "completed"
				if p.Spent < p.Cost*8/10 {
					p.Status = "in-progress"
				}
			}
		} else {
			p.Status = "not-funded"
		}
		p.Selected = &sel
	}
	for _, p := range g.projects {
		if err := g.sink.Project(p.Project); err != nil {
			return err
		}
		if err := g.budgetLines(p); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) budgetLines(p *project) error {
	n := 3 + g.rng.IntN(3)
	left := p.Cost
	for i := 0; i < n; i++ {
		amount := left
		if i < n-1 {
			amount = int64(float64(p.Cost)*(0.1+0.3*g.rng.Float64())) / 1_000_000 * 1_000_000
			if amount > left {
				amount = left
			}
		}
		left -= amount
		qty := float64(1 + g.rng.IntN(20))
		unitCost := amount / int64(qty)
		if unitCost*int64(qty) != amount {
			qty, unitCost = 1, amount
		}
		marker := p.GenderMarker
		if i == 3 { // training and outreach lines are often women-focused
			marker = pbequity.Principal
		}
		it := budgetItems[i]
		if err := g.sink.BudgetLine(pbequity.BudgetLine{CycleID: p.CycleID, ProjectID: p.ID, LineNo: i + 1, Item: it[0],
			Quantity: qty, Unit: "واحد", UnitCost: unitCost, Amount: amount, GenderMarker: marker}); err != nil {
			return err
		}
	}
	return nil
}

func beneficiaries(t template) string {
	switch {
	case t.marker == 2 && t.women > 0.9:
		return "زنان"
	case t.category == "social" || t.category == "sport":
		return "کودکان و نوجوانان، خانواده‌ها"
	}
	return "همه ساکنان"
}

func placeEn(district int, area string) string {
	if district < 0 {
		return "city-wide"
	}
	var ni int
	fmt.Sscanf(area[len(area)-1:], "%d", &ni)
	return tehran[district].neighbourhoods[ni-1][1]
}

func pick(r *rand.Rand, cum []float64) int {
	x := r.Float64()
	for i, c := range cum {
		if x < c {
			return i
		}
	}
	return len(cum) - 1
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func clamp(x, lo, hi float64) float64 {
	return math.Max(lo, math.Min(hi, x))
}

// faDigits writes n with Persian digits.
func faDigits(n int) string {
	b := []rune(fmt.Sprint(n))
	for i, r := range b {
		if r >= '0' && r <= '9' {
			b[i] = '۰' + (r - '0')
		}
	}
	return string(b)
}
