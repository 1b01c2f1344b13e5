package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	jalaali "github.com/jalaali/go-jalaali"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/pbequity/pbequity/analytics"
)

// Langs are the languages reports are written in; the first is the default.
var Langs = []string{"fa", "en"}

// NormLang returns "en" for English and "fa" for anything else.
func NormLang(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return "en"
	}
	return "fa"
}

// formatter formats numbers, money and dates for one language.
type formatter struct {
	lang string
	p    *message.Printer
	// raw formats for machines (the CSV and JSON of a chart): Latin digits
	// without grouping, full precision, shares as fractions, money in whole
	// currency units, "suppressed" and "" for no value; labels stay in lang.
	raw bool
}

// rawFormatter returns the formatter of chart data files.
func rawFormatter(lang string) formatter {
	f := newFormatter(lang)
	f.raw = true
	return f
}

// rawFloat is x with at most six decimals, Latin digits, no grouping.
func rawFloat(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(math.Round(x*1e6)/1e6, 'f', -1, 64)
}

func newFormatter(lang string) formatter {
	tag := language.Persian
	if lang == "en" {
		tag = language.English
	}
	return formatter{lang: lang, p: message.NewPrinter(tag)}
}

// int formats a count with grouping (Persian digits in fa).
func (f formatter) int(n int64) string {
	if f.raw {
		return strconv.FormatInt(n, 10)
	}
	return f.p.Sprintf("%d", n)
}

// float formats x with d decimals.
func (f formatter) float(x float64, d int) string {
	if f.raw {
		return rawFloat(x)
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return f.p.Sprintf("%.*f", d, x)
}

// pct formats a share in [0,1] as a percentage with one decimal.
func (f formatter) pct(x float64) string {
	if f.raw {
		return rawFloat(x)
	}
	if math.IsNaN(x) {
		return "—"
	}
	if f.lang == "fa" {
		return f.p.Sprintf("%.1f", 100*x) + "٪"
	}
	return f.p.Sprintf("%.1f%%", 100*x)
}

// moneyScale is the unit money is shown in: billion rial for IRR, the plain
// currency otherwise.
func moneyScale(currency string) (float64, [2]string) {
	if currency == "" || currency == "IRR" {
		return 1e9, [2]string{"میلیارد ریال", "billion rial"}
	}
	return 1, [2]string{currency, currency}
}

// money formats an amount in the unit of moneyScale, without the unit.
func (f formatter) money(amount float64, currency string) string {
	if f.raw {
		return rawFloat(amount)
	}
	scale, _ := moneyScale(currency)
	d := 0
	if scale > 1 {
		d = 1
	}
	return f.float(amount/scale, d)
}

// moneyUnit is the name of the unit money is shown in.
func (f formatter) moneyUnit(currency string) string {
	if f.raw {
		switch {
		case currency != "" && currency != "IRR":
			return currency
		case f.lang == "en":
			return "rial"
		}
		return "ریال"
	}
	_, u := moneyScale(currency)
	if f.lang == "en" {
		return u[1]
	}
	return u[0]
}

// date formats a date: Solar Hijri with Persian digits in fa, ISO in en.
func (f formatter) date(t time.Time) string {
	if t.IsZero() {
		return f.none()
	}
	if f.lang == "en" || f.raw {
		return t.Format("2006-01-02")
	}
	y, m, d, err := jalaali.ToJalaali(t.Year(), t.Month(), t.Day())
	if err != nil {
		return t.Format("2006-01-02")
	}
	return analytics.FaDigits(fmt.Sprintf("%04d/%02d/%02d", y, int(m), d))
}

// year formats a fiscal year without grouping.
func (f formatter) year(y int) string {
	if y == 0 {
		return f.none()
	}
	if f.lang == "fa" && !f.raw {
		return analytics.FaDigits(fmt.Sprint(y))
	}
	return fmt.Sprint(y)
}

// figure formats a published figure: its value with d decimals (as a
// percentage when pct), or the suppression or undefined mark.
func (f formatter) figure(x analytics.Figure, d int, pct bool) string {
	switch {
	case x.Suppressed:
		return f.sup()
	case x.Value == nil:
		return f.none()
	case pct:
		return f.pct(*x.Value)
	}
	return f.float(*x.Value, d)
}

// count formats a figure that counts people.
func (f formatter) count(x analytics.Figure) string {
	if x.Suppressed {
		return f.sup()
	}
	if x.Value == nil {
		return f.none()
	}
	return f.int(int64(math.Round(*x.Value)))
}

func (f formatter) tr(key string) string { return tr(f.lang, key) }

// sup is the mark of a suppressed figure.
func (f formatter) sup() string {
	if f.raw {
		return "suppressed"
	}
	return f.tr("suppressed")
}

// none is the mark of a figure without a value.
func (f formatter) none() string {
	if f.raw {
		return ""
	}
	return "—"
}
