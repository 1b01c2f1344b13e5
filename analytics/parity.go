package analytics

import (
	"math"

	"github.com/pbequity/pbequity"
)

// The parity band of the gender parity index (UNESCO UIS): a GPI within
// [ParityLow, ParityHigh] counts as parity.
const (
	ParityLow  = 0.97
	ParityHigh = 1.03
)

// FourFifths is the threshold of the four-fifths rule: an impact ratio below
// it is flagged.
const FourFifths = 0.8

// Reasons why a figure is not published. They are stable English phrases;
// ReasonFa translates them to Persian.
const (
	ReasonSuppressed   = "suppressed: rests on a count below the threshold"
	ReasonSecondary    = "suppressed so that a total does not reveal a small count"
	ReasonNoCounts     = "no women or men counted"
	ReasonNoPopulation = "no population figures"
	ReasonNoMen        = "no men counted"
	ReasonNoWomen      = "no women counted"
	ReasonNegative     = "negative count"
	ReasonNoData       = "no data"
	ReasonNothing      = "nothing allocated"
	ReasonZeroAreas    = "undefined because some areas got nothing"
	ReasonBottomZero   = "undefined because the poorest 40% got nothing"
	ReasonOneArea      = "only one area"
	ReasonNoNeed       = "no need scores"
	ReasonNoShare      = "no project states its beneficiaries' women's share"
	ReasonNoSpending   = "no spending recorded"
	ReasonNoOutcome    = "no proposals with a recorded outcome"
	ReasonNoProposals  = "no proposals"
)

var reasonsFa = map[string]string{
	ReasonSuppressed:   "پنهان: بر شمار کمتر از آستانه تکیه دارد",
	ReasonSecondary:    "پنهان تا جمع کل شمار کوچکی را آشکار نکند",
	ReasonNoCounts:     "هیچ زن یا مردی شمرده نشده است",
	ReasonNoPopulation: "آمار جمعیت موجود نیست",
	ReasonNoMen:        "هیچ مردی شمرده نشده است",
	ReasonNoWomen:      "هیچ زنی شمرده نشده است",
	ReasonNegative:     "شمار منفی",
	ReasonNoData:       "داده‌ای نیست",
	ReasonNothing:      "بودجه‌ای تخصیص نیافته است",
	ReasonZeroAreas:    "تعریف‌نشده، چون به برخی مناطق چیزی نرسیده است",
	ReasonBottomZero:   "تعریف‌نشده، چون به ۴۰٪ کم‌برخوردارتر چیزی نرسیده است",
	ReasonOneArea:      "تنها یک منطقه",
	ReasonNoNeed:       "امتیاز نیاز موجود نیست",
	ReasonNoShare:      "هیچ طرحی سهم زنان از ذی‌نفعان را بیان نکرده است",
	ReasonNoSpending:   "هزینه‌کردی ثبت نشده است",
	ReasonNoOutcome:    "پیشنهادی با نتیجه ثبت‌شده نیست",
	ReasonNoProposals:  "پیشنهادی نیست",
}

// ReasonFa returns the Persian text of one of the Reason constants, or
// reason itself when it is not one of them.
func ReasonFa(reason string) string {
	if s, ok := reasonsFa[reason]; ok {
		return s
	}
	return reason
}

// Parity is the gender parity of one count of people (a stage of the
// funnel, voters, funded proposers) against the population. It holds raw,
// unsuppressed numbers; Compute publishes suppressed ones.
type Parity struct {
	F    int64 `json:"f"`
	M    int64 `json:"m"`
	O    int64 `json:"o"`
	U    int64 `json:"u"`
	PopF int64 `json:"pop_f"`
	PopM int64 `json:"pop_m"`
	// WomenShare is s_F = F / (F + M); O and U are left out of it.
	// It is 0 and Reason is ReasonNoCounts when F + M = 0.
	WomenShare float64 `json:"women_share"`
	// RateF and RateM are the participation rates F/PopF and M/PopM.
	RateF float64 `json:"rate_f"`
	RateM float64 `json:"rate_m"`
	// GPI is RateF / RateM; AdjustedGPI is GPI when GPI ≤ 1 and 2 − 1/GPI
	// above, so that it is symmetric on [0, 2].
	GPI         float64 `json:"gpi"`
	AdjustedGPI float64 `json:"adjusted_gpi"`
	// InBand reports whether GPI lies within the parity band 0.97–1.03.
	InBand bool `json:"in_band"`
	// Reason says why GPI is undefined (no men, no population, ...); when
	// it is set, GPI, AdjustedGPI and InBand are zero and mean nothing.
	Reason string `json:"reason,omitempty"`
}

// GenderParity returns the women's share, participation rates and gender
// parity index of f women, m men, o other and u unknown against a
// population of popF women and popM men (INDICATORS.md §2). GPI is undefined
// when no women or men were counted, when a population is zero, or when no
// men were counted (a zero male rate); Reason then says which and the
// numbers that cannot be computed are left 0. With no women GPI is 0.
func GenderParity(f, m, o, u, popF, popM int64) Parity {
	p := Parity{F: f, M: m, O: o, U: u, PopF: popF, PopM: popM}
	switch {
	case f < 0 || m < 0 || o < 0 || u < 0 || popF < 0 || popM < 0:
		p.Reason = ReasonNegative
		return p
	case f+m == 0:
		p.Reason = ReasonNoCounts
		return p
	}
	p.WomenShare = float64(f) / float64(f+m)
	if popF == 0 || popM == 0 {
		p.Reason = ReasonNoPopulation
		return p
	}
	p.RateF = float64(f) / float64(popF)
	p.RateM = float64(m) / float64(popM)
	if m == 0 {
		p.Reason = ReasonNoMen
		return p
	}
	p.GPI = p.RateF / p.RateM
	p.AdjustedGPI = AdjustGPI(p.GPI)
	p.InBand = inBand(p.GPI)
	return p
}

// AdjustGPI returns the adjusted gender parity index: gpi when gpi ≤ 1 and
// 2 − 1/gpi above, symmetric around parity on [0, 2].
func AdjustGPI(gpi float64) float64 {
	if gpi > 1 {
		return 2 - 1/gpi
	}
	return gpi
}

// inBand reports whether a ratio lies within the parity band, with a little
// slack for rounding.
func inBand(r float64) bool {
	const tol = 1e-12
	return r >= ParityLow-tol && r <= ParityHigh+tol
}

// parityWord classifies a GPI or ratio against the parity band as "below",
// "in_band" or "above".
func parityWord(r float64) string {
	switch {
	case inBand(r):
		return "in_band"
	case r < ParityLow:
		return "below"
	}
	return "above"
}

// RepresentationRatio returns RR_g = (n_g / n) / (P_g / P): a group's share
// among participants over its share of the population; 1 is proportional.
// It fails with EINVALID when a count is negative, n or P is zero, or the
// group has no population.
func RepresentationRatio(ng, n, pg, p int64) (float64, error) {
	switch {
	case ng < 0 || n < 0 || pg < 0 || p < 0:
		return 0, pbequity.Errorf(pbequity.EINVALID, "RepresentationRatio: negative count")
	case n == 0:
		return 0, pbequity.Errorf(pbequity.EINVALID, "RepresentationRatio: no participants")
	case pg == 0 || p == 0:
		return 0, pbequity.Errorf(pbequity.EINVALID, "RepresentationRatio: the group has no population")
	}
	return (float64(ng) / float64(n)) / (float64(pg) / float64(p)), nil
}

// Rose returns the Rose index of proportionality 1 − ½ Σ_k |R_k − P_k| of
// participant counts r against population counts p over the same cells k
// (for example age band × area): R and P are the shares of each cell. 1 is
// perfectly proportional. It fails with EINVALID for mismatched lengths,
// negative counts or a zero total on either side.
func Rose(r, p []int64) (float64, error) {
	rs, ps, err := cellShares("Rose", r, p)
	if err != nil {
		return 0, err
	}
	var sum float64
	for k := range rs {
		sum += math.Abs(rs[k] - ps[k])
	}
	return clamp01(1 - sum/2), nil
}

// Gallagher returns the Gallagher least-squares index √(½ Σ_k (R_k − P_k)²)
// of participant counts r against population counts p over the same cells;
// 0 is perfectly proportional. Errors are as for Rose.
func Gallagher(r, p []int64) (float64, error) {
	rs, ps, err := cellShares("Gallagher", r, p)
	if err != nil {
		return 0, err
	}
	var sum float64
	for k := range rs {
		d := rs[k] - ps[k]
		sum += d * d
	}
	return math.Sqrt(sum / 2), nil
}

// cellShares turns two vectors of counts into shares of their totals.
func cellShares(name string, r, p []int64) (rs, ps []float64, err error) {
	if len(r) != len(p) {
		return nil, nil, pbequity.Errorf(pbequity.EINVALID, "%s: %d participant cells but %d population cells", name, len(r), len(p))
	}
	if len(r) == 0 {
		return nil, nil, pbequity.Errorf(pbequity.EINVALID, "%s: no cells", name)
	}
	var tr, tp int64
	for k := range r {
		if r[k] < 0 || p[k] < 0 {
			return nil, nil, pbequity.Errorf(pbequity.EINVALID, "%s: cell %d has a negative count", name, k+1)
		}
		tr += r[k]
		tp += p[k]
	}
	if tr == 0 {
		return nil, nil, pbequity.Errorf(pbequity.EINVALID, "%s: no participants", name)
	}
	if tp == 0 {
		return nil, nil, pbequity.Errorf(pbequity.EINVALID, "%s: no population", name)
	}
	rs, ps = make([]float64, len(r)), make([]float64, len(p))
	for k := range r {
		rs[k] = float64(r[k]) / float64(tr)
		ps[k] = float64(p[k]) / float64(tp)
	}
	return rs, ps, nil
}

// ImpactRatio returns win_F / max(win_F, win_M), the impact ratio of the
// four-fifths rule, from proposals and funded proposals of women and men.
// It fails with EINVALID when a group has no proposals, funded exceeds
// proposals, or neither group had a proposal funded.
func ImpactRatio(fundedF, proposedF, fundedM, proposedM int64) (float64, error) {
	switch {
	case fundedF < 0 || proposedF < 0 || fundedM < 0 || proposedM < 0:
		return 0, pbequity.Errorf(pbequity.EINVALID, "ImpactRatio: negative count")
	case fundedF > proposedF || fundedM > proposedM:
		return 0, pbequity.Errorf(pbequity.EINVALID, "ImpactRatio: more funded than proposed")
	case proposedF == 0:
		return 0, pbequity.Errorf(pbequity.EINVALID, "ImpactRatio: no proposals by women")
	case proposedM == 0:
		return 0, pbequity.Errorf(pbequity.EINVALID, "ImpactRatio: no proposals by men")
	case fundedF == 0 && fundedM == 0:
		return 0, pbequity.Errorf(pbequity.EINVALID, "ImpactRatio: no proposal was funded")
	}
	wf := float64(fundedF) / float64(proposedF)
	wm := float64(fundedM) / float64(proposedM)
	return wf / math.Max(wf, wm), nil
}
