package analytics

import (
	"strconv"

	"github.com/pbequity/pbequity"
)

// EIGEWeight is the EIGE gender-budgeting weight of a marker: 1 for
// principal, 0.4 for significant, 0 otherwise (not targeted, not screened).
func EIGEWeight(m pbequity.Marker) float64 {
	switch m {
	case pbequity.Principal:
		return 1
	case pbequity.Significant:
		return 0.4
	}
	return 0
}

// markerOrder is the display order of markers.
var markerOrder = []pbequity.Marker{pbequity.Principal, pbequity.Significant, pbequity.NotTargeted, pbequity.NotScreened}

func (c *computer) markers() Markers {
	var amt [4]int64 // index marker+1
	var cnt [4]int
	var total int64
	var eige float64
	for _, p := range c.funded() {
		a := amount(p)
		amt[p.GenderMarker+1] += a
		cnt[p.GenderMarker+1]++
		total += a
		eige += float64(a) * EIGEWeight(p.GenderMarker)
	}
	m := Markers{EIGEAmount: eige}
	for _, mk := range markerOrder {
		m.Rows = append(m.Rows, MarkerRow{Marker: mk, Projects: cnt[mk+1], Amount: amt[mk+1]})
	}
	screened := amt[1] + amt[2] + amt[3]
	nScreened := int64(cnt[1] + cnt[2] + cnt[3])
	nAll := nScreened + int64(cnt[0])
	if screened == 0 {
		m.Focused.Figure = undefined(ReasonNoData, nScreened)
		m.Principal.Figure = undefined(ReasonNoData, nScreened)
	} else {
		focused := float64(amt[2]+amt[3]) / float64(screened)
		m.Focused = headline(value(focused, nScreened), 0, func(v float64) Text {
			return Text{
				Fa: pctFa(v) + " از بودجه طرح‌های بررسی‌شده به طرح‌هایی با هدف برابری جنسیتی (نشانگر ۱ یا ۲) رفت",
				En: pct(v) + " of the screened funded money went to projects targeting gender equality (marker 1 or 2)",
			}
		})
		m.Principal = headline(value(float64(amt[3])/float64(screened), nScreened), 0, func(v float64) Text {
			return Text{
				Fa: pctFa(v) + " از بودجه طرح‌های بررسی‌شده به طرح‌هایی رفت که هدف اصلی‌شان برابری جنسیتی است (نشانگر ۲)",
				En: pct(v) + " of the screened funded money went to projects whose principal aim is gender equality (marker 2)",
			}
		})
	}
	if total == 0 {
		m.Coverage.Figure = undefined(ReasonNothing, nAll)
		m.EIGEShare.Figure = undefined(ReasonNothing, nAll)
		return m
	}
	m.Coverage = headline(value(float64(screened)/float64(total), nAll), 0, func(v float64) Text {
		return Text{
			Fa: pctFa(v) + " از بودجه تأمین‌شده از نظر جنسیتی بررسی شده است",
			En: pct(v) + " of the funded money was screened for gender",
		}
	})
	m.EIGEShare = headline(value(eige/float64(total), nAll), 0, func(v float64) Text {
		return Text{
			Fa: "سهم وزنی برابری جنسیتی (روش EIGE): " + pctFa(v) + " از بودجه تأمین‌شده",
			En: "weighted gender-equality share (EIGE method): " + pct(v) + " of the funded money",
		}
	})
	return m
}

func (c *computer) benefit() Benefit {
	var b Benefit
	for _, p := range c.funded() {
		a := float64(amount(p))
		if p.WomenShare < 0 {
			b.Unknown++
			b.UnknownAmount += amount(p)
			continue
		}
		b.Known++
		b.BF += a * p.WomenShare
		b.BM += a * (1 - p.WomenShare)
	}
	pf, pm := c.all[0], c.all[1]
	known := int64(b.Known)
	popSup := small(pf, c.k) || small(pm, c.k)
	undef := func(r string) {
		b.PerCapitaF = undefined(r, known)
		b.PerCapitaM = undefined(r, known)
		b.Gap.Figure = undefined(r, known)
		b.IncidenceF = undefined(r, known)
		b.IncidenceM = undefined(r, known)
	}
	switch {
	case b.Known == 0:
		undef(ReasonNoShare)
		return b
	case popSup:
		b.PerCapitaF = suppressed(ReasonSuppressed)
		b.PerCapitaM = suppressed(ReasonSuppressed)
		b.Gap.Figure = suppressed(ReasonSuppressed)
		b.IncidenceF = suppressed(ReasonSuppressed)
		b.IncidenceM = suppressed(ReasonSuppressed)
		return b
	case pf == 0 || pm == 0:
		undef(ReasonNoPopulation)
		return b
	case b.BF+b.BM == 0:
		undef(ReasonNothing)
		return b
	}
	bf, bm := b.BF/float64(pf), b.BM/float64(pm)
	b.PerCapitaF = value(bf, pf)
	b.PerCapitaM = value(bm, pm)
	p := float64(pf + pm)
	b.IncidenceF = value((b.BF/(b.BF+b.BM))/(float64(pf)/p), known)
	b.IncidenceM = value((b.BM/(b.BF+b.BM))/(float64(pm)/p), known)
	if bm == 0 {
		b.Gap.Figure = undefined(ReasonNoMen, known)
		return b
	}
	unknown := b.Unknown
	b.Gap = headline(value(bf/bm, known), pf+pm, func(v float64) Text {
		t := Text{
			Fa: "هر زن " + FaDigits(grouped(bf)) + " و هر مرد " + FaDigits(grouped(bm)) + " از بودجه بهره برد: نسبت " + numFa(v),
			En: "each woman benefited from " + grouped(bf) + " and each man from " + grouped(bm) + ": ratio " + num(v),
		}
		if unknown > 0 {
			t.Fa += " (" + FaDigits(strconv.Itoa(unknown)) + " طرح بدون سهم زنان از ذی‌نفعان کنار گذاشته شد)"
			t.En += " (" + strconv.Itoa(unknown) + " projects without a women's share left out)"
		}
		return t
	})
	return b
}

var markerNames = map[pbequity.Marker]Text{
	pbequity.Principal:   {Fa: "هدف اصلی (۲)", En: "principal (2)"},
	pbequity.Significant: {Fa: "هدف مهم (۱)", En: "significant (1)"},
	pbequity.NotTargeted: {Fa: "بدون هدف جنسیتی (۰)", En: "not targeted (0)"},
	pbequity.NotScreened: {Fa: "بررسی‌نشده", En: "not screened"},
}

func (c *computer) execution(cats []AllocationRow) Execution {
	fp := c.funded()
	var e Execution
	var approved, spent int64
	for _, p := range fp {
		approved += amount(p)
		spent += p.Spent
		if p.Spent > 0 {
			e.Recorded++
		}
	}
	rate := func(sp, ap int64, n int) Figure {
		switch {
		case e.Recorded == 0:
			return undefined(ReasonNoSpending, int64(n))
		case ap == 0:
			return undefined(ReasonNothing, int64(n))
		}
		return value(float64(sp)/float64(ap), int64(n))
	}
	e.Overall = Headline{Figure: rate(spent, approved, len(fp))}
	if e.Overall.Defined() {
		recorded := e.Recorded
		e.Overall = headline(e.Overall.Figure, 0, func(v float64) Text {
			return Text{
				Fa: pctFa(v) + " از بودجه مصوب هزینه شده است (" + FaDigits(strconv.Itoa(recorded)) + " طرح با هزینه‌کرد ثبت‌شده)",
				En: pct(v) + " of the approved money has been spent (" + strconv.Itoa(recorded) + " projects with spending recorded)",
			}
		})
	}
	for _, mk := range markerOrder {
		r := ExecutionRow{Key: strconv.Itoa(int(mk)), NameFa: markerNames[mk].Fa, NameEn: markerNames[mk].En}
		for _, p := range fp {
			if p.GenderMarker == mk {
				r.Projects++
				r.Approved += amount(p)
				r.Spent += p.Spent
			}
		}
		r.Rate = rate(r.Spent, r.Approved, r.Projects)
		e.ByMarker = append(e.ByMarker, r)
	}
	for _, cr := range cats {
		r := ExecutionRow{Key: cr.ID, NameFa: cr.NameFa, NameEn: cr.NameEn}
		for _, p := range fp {
			if p.Category == cr.ID {
				r.Projects++
				r.Approved += amount(p)
				r.Spent += p.Spent
			}
		}
		r.Rate = rate(r.Spent, r.Approved, r.Projects)
		e.ByCategory = append(e.ByCategory, r)
	}
	return e
}

// notes explains the choices behind the indicators.
func (c *computer) notes(ind *Indicators) []Text {
	k := strconv.Itoa(int(c.k))
	notes := []Text{{
		Fa: "شمارهای کمتر از " + FaDigits(k) + " نفر و هر نسبتی که بر آن‌ها تکیه دارد پنهان شده است؛ صفر نمایش داده می‌شود.",
		En: "Counts of fewer than " + k + " people, and any share or ratio resting on them, are suppressed; zero is shown.",
	}}
	if c.adultOnly {
		notes = append(notes, Text{
			Fa: "مشارکت با جمعیت بزرگسال (۱۸ سال و بیشتر) مقایسه شده است؛ سرانه‌ها بر پایه کل جمعیت است.",
			En: "Participation is compared with the adult population (18 and over); per-capita figures use the whole population.",
		})
	}
	if ind.Distribution.GiniCI != nil {
		notes = append(notes, Text{
			Fa: "بازه ضریب جینی با بازنمونه‌گیری بوت‌استرپ از مناطق به دست آمده است. مناطق سرشماری‌اند نه نمونه، پس این بازه حساسیت را نشان می‌دهد نه خطای نمونه‌گیری؛ با شمار کم مناطق بازه پهن است.",
			En: "The Gini interval is a percentile bootstrap over areas. Areas are a census, not a sample, so it shows sensitivity, not sampling error; with few areas it is wide.",
		})
	}
	if ind.Benefit.Unknown > 0 {
		u := strconv.Itoa(ind.Benefit.Unknown)
		notes = append(notes, Text{
			Fa: FaDigits(u) + " طرح تأمین‌شده سهم زنان از ذی‌نفعان را بیان نکرده و از بهره‌مندی سرانه به تفکیک جنس کنار گذاشته شده است.",
			En: u + " funded projects do not state the women's share of beneficiaries and are left out of the per-capita benefit by sex.",
		})
	}
	if z := ind.Distribution.Zero; z > 0 {
		s := strconv.Itoa(z)
		notes = append(notes, Text{
			Fa: "به " + FaDigits(s) + " منطقه هیچ بودجه‌ای نرسید؛ از این رو شاخص تایل L تعریف‌نشده است.",
			En: s + " areas got nothing, so Theil L is undefined.",
		})
	}
	return notes
}
