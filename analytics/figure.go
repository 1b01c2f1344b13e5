package analytics

import (
	"math"
	"strconv"
	"strings"
)

// Figure is one published number. Value is nil when the figure is
// suppressed (Suppressed true) or undefined (Reason says why); a suppressed
// figure is never shown as a small number. N is the number of people,
// projects or areas the figure rests on (its denominator), 0 when that
// count is itself suppressed.
//
// JSON: {"value": 0.38, "n": 1200} or {"value": null, "n": 0,
// "suppressed": true, "reason": "..."}.
type Figure struct {
	Value      *float64 `json:"value"`
	N          int64    `json:"n"`
	Suppressed bool     `json:"suppressed,omitempty"`
	Reason     string   `json:"reason,omitempty"`
}

// Defined reports whether the figure has a value to show.
func (f Figure) Defined() bool { return f.Value != nil }

// Float returns the value, or NaN when there is none.
func (f Figure) Float() float64 {
	if f.Value == nil {
		return math.NaN()
	}
	return *f.Value
}

// value returns a defined figure resting on n.
func value(v float64, n int64) Figure {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return undefined(ReasonNoData, n)
	}
	return Figure{Value: &v, N: n}
}

// undefined returns a figure without value for the reason given.
func undefined(reason string, n int64) Figure {
	return Figure{N: n, Reason: reason}
}

// suppressed returns a suppressed figure.
func suppressed(reason string) Figure {
	return Figure{Suppressed: true, Reason: reason}
}

// Text is a sentence in Persian and English.
type Text struct {
	Fa string `json:"fa"`
	En string `json:"en"`
}

// Headline is a headline indicator: its figure, the population it is
// compared against (0 when none) and a one-line plain-language reading.
// Reading is empty when the figure has no value; Reason then explains.
type Headline struct {
	Figure
	Population int64 `json:"population,omitempty"`
	Reading    Text  `json:"reading,omitzero"`
}

// headline wraps a figure with a reading produced by read when it is
// defined.
func headline(f Figure, pop int64, read func(v float64) Text) Headline {
	h := Headline{Figure: f, Population: pop}
	if f.Value != nil && read != nil {
		h.Reading = read(*f.Value)
	}
	return h
}

// FaDigits replaces the Latin digits of s with Persian ones (۰–۹), the
// decimal point with the Persian decimal separator ٫, the comma with the
// Persian thousands separator ٬ and % with ٪.
func FaDigits(s string) string {
	var b strings.Builder
	b.Grow(len(s) * 2)
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune('۰' + (r - '0'))
		case r == '.':
			b.WriteRune('٫')
		case r == ',':
			b.WriteRune('٬')
		case r == '%':
			b.WriteRune('٪')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pct formats a share as a percent: no decimals from 10% up, one below.
func pct(x float64) string {
	p := x * 100
	prec := 0
	if math.Abs(p) < 10 && math.Round(p) != p {
		prec = 1
	}
	return strconv.FormatFloat(p, 'f', prec, 64) + "%"
}

// pctFa formats a share as a Persian percent, e.g. ۳۸٪.
func pctFa(x float64) string { return FaDigits(pct(x)) }

// num formats a ratio or index with two decimals.
func num(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }

// numFa formats a ratio or index with two decimals in Persian digits.
func numFa(x float64) string { return FaDigits(num(x)) }

// grouped formats an amount with thousands separators.
func grouped(x float64) string {
	s := strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// SuppressCells applies small-cell suppression (INDICATORS.md §6) to a row of
// counts with their published total: counts in [1, k) are suppressed; when
// exactly the total would let a reader recover a suppressed cell (one cell
// suppressed and the rest shown), a second cell is suppressed, chosen as the
// smallest unsuppressed cell among the positions in prefer (for the funnel
// the O and U cells, so that F and M survive); when no such cell exists the
// total is suppressed instead. It returns the flags per cell and for the
// total; zero counts are never primary-suppressed.
func SuppressCells(cells []int64, k int64, prefer []int) (cellSup []bool, totalSup bool) {
	cellSup = make([]bool, len(cells))
	nsup := 0
	for i, c := range cells {
		if c > 0 && c < k {
			cellSup[i] = true
			nsup++
		}
	}
	var total int64
	for _, c := range cells {
		total += c
	}
	if total > 0 && total < k {
		totalSup = true
	}
	if nsup != 1 || totalSup {
		return cellSup, totalSup
	}
	best := -1
	for _, i := range prefer {
		if i < len(cells) && !cellSup[i] && (best < 0 || cells[i] < cells[best]) {
			best = i
		}
	}
	if best >= 0 {
		cellSup[best] = true
		return cellSup, false
	}
	return cellSup, true
}

// count returns a published count figure, suppressed when sup is true.
func count(n int64, sup bool, reason string) Figure {
	if sup {
		return suppressed(reason)
	}
	return value(float64(n), n)
}

// small reports whether a count is in [1, k) and must be suppressed.
func small(n, k int64) bool { return n > 0 && n < k }
