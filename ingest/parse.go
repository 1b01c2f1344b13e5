package ingest

import (
	"errors"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	jalaali "github.com/jalaali/go-jalaali"
	"github.com/pbequity/pbequity"
)

// valueError is the error of the Parse functions. Its msg is localized by
// the decoder; Error renders it in English.
type valueError struct {
	msg   msgID
	value string
}

func (e *valueError) Error() string { return render("en", e.msg, e.value) }

func verr(m msgID, s string) error { return &valueError{msg: m, value: s} }

// msgOf returns the message of a Parse error, or fallback for other errors.
func msgOf(err error, fallback msgID) msgID {
	var ve *valueError
	if errors.As(err, &ve) {
		return ve.msg
	}
	return fallback
}

// Digits of the Persian (۰–۹) and Arabic-Indic (٠–٩) scripts.
const (
	persianZero = '۰' // U+06F0
	arabicZero  = '٠' // U+0660
)

// digit returns the value of an ASCII, Persian or Arabic-Indic digit.
func digit(r rune) (int, bool) {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0'), true
	case r >= persianZero && r <= persianZero+9:
		return int(r - persianZero), true
	case r >= arabicZero && r <= arabicZero+9:
		return int(r - arabicZero), true
	}
	return 0, false
}

// invisible reports whether r is a space, a bidi control or a joiner that
// spreadsheets and Persian keyboards leave around values.
func invisible(r rune) bool {
	switch r {
	case ' ', '\t', '\r', '\n', '\v', '\f',
		0x00A0, // no-break space
		0x061C, // Arabic letter mark
		0x200B, // zero width space
		0x200C, // zero width non-joiner
		0x200D, // zero width joiner
		0x200E, // left-to-right mark
		0x200F, // right-to-left mark
		0x2009, // thin space
		0x202F, // narrow no-break space
		0xFEFF: // byte order mark
		return true
	}
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// trim removes invisible runes at both ends of s.
func trim(s string) string {
	return strings.TrimFunc(s, invisible)
}

// trimBytes is trim for a cell of a record; it does not allocate.
func trimBytes(b []byte) []byte {
	for len(b) > 0 {
		c := b[0]
		if c == ' ' || c == '\t' {
			b = b[1:]
			continue
		}
		if c < utf8.RuneSelf {
			break
		}
		r, n := utf8.DecodeRune(b)
		if !invisible(r) {
			break
		}
		b = b[n:]
	}
	for len(b) > 0 {
		c := b[len(b)-1]
		if c == ' ' || c == '\t' {
			b = b[:len(b)-1]
			continue
		}
		if c < utf8.RuneSelf {
			break
		}
		r, n := utf8.DecodeLastRune(b)
		if !invisible(r) {
			break
		}
		b = b[:len(b)-n]
	}
	return b
}

// decimal is a parsed number: mant × 10^exp, negative when neg.
type decimal struct {
	neg  bool
	mant uint64
	exp  int
	pct  bool   // a percent sign followed the number
	rest string // trailing text after the number (a unit), trimmed
}

const maxMant = (math.MaxUint64 - 9) / 10

// parseDecimal reads a number with ASCII, Persian or Arabic-Indic digits,
// thousands separators (, ٬ and thin or no-break spaces, in groups of
// three), a decimal separator (. or ٫), an optional exponent and an
// optional percent sign or trailing word.
func parseDecimal(s string) (decimal, msgID) {
	var d decimal
	s = trim(s)
	if s == "" {
		return d, mNotNumber
	}
	i := 0
	r, n := utf8.DecodeRuneInString(s)
	switch r {
	case '-', '−':
		d.neg = true
		i += n
	case '+':
		i += n
	}
	var (
		nd      int  // digits seen
		lead    int  // digits before the first thousands separator
		group   int  // digits since the last thousands separator
		sepSeen bool // a thousands separator was seen
		point   bool // the decimal separator was seen
		zeros   int  // zeros after the point not yet added to mant
		prevDig bool // the previous rune was a digit
	)
loop:
	for i < len(s) {
		r, n = utf8.DecodeRuneInString(s[i:])
		if v, ok := digit(r); ok {
			nd++
			prevDig = true
			i += n
			switch {
			case point:
				if v == 0 {
					zeros++
					continue
				}
				for ; zeros > 0; zeros-- {
					if d.mant > maxMant {
						return d, mTooLarge
					}
					d.mant *= 10
					d.exp--
				}
				d.exp--
			case sepSeen:
				group++
			default:
				lead++
			}
			if d.mant > maxMant {
				return d, mTooLarge
			}
			d.mant = d.mant*10 + uint64(v)
			continue
		}
		switch r {
		case ',', '٬', 0x00A0, 0x2009, 0x202F, '\'', '’':
			if point || !prevDig || (sepSeen && group != 3) || (!sepSeen && lead > 3) {
				return d, mNotNumber
			}
			sepSeen, group, prevDig = true, 0, false
			i += n
		case '.', '٫':
			if point || (sepSeen && group != 3) || (i > 0 && !prevDig && nd > 0) {
				return d, mNotNumber
			}
			point, prevDig = true, false
			i += n
		default:
			break loop
		}
	}
	if nd == 0 || (sepSeen && !point && group != 3) || (sepSeen && !prevDig && !point) {
		return d, mNotNumber
	}
	rest := s[i:]
	if len(rest) > 0 && (rest[0] == 'e' || rest[0] == 'E') {
		e, m, ok := parseExponent(rest[1:])
		if ok {
			d.exp += e
			rest = rest[1+m:]
		}
	}
	rest = trim(rest)
	switch rest {
	case "":
	case "%", "٪":
		d.pct = true
	default:
		d.rest = rest
	}
	return d, 0
}

// parseExponent reads [+-]digits at the start of s, returning the exponent
// and the bytes used.
func parseExponent(s string) (int, int, bool) {
	i, neg := 0, false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start, e := i, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if e < 1000 {
			e = e*10 + int(s[i]-'0')
		}
		i++
	}
	if i == start {
		return 0, 0, false
	}
	if neg {
		e = -e
	}
	return e, i, true
}

// integer returns d × 10^shift as an int64 when it is a whole number.
func (d decimal) integer(shift int) (int64, msgID) {
	m, e := d.mant, d.exp+shift
	for e < 0 {
		if m%10 != 0 {
			return 0, mNotWhole
		}
		m /= 10
		e++
	}
	for ; e > 0; e-- {
		if m > math.MaxInt64/10 {
			return 0, mTooLarge
		}
		m *= 10
	}
	if m > math.MaxInt64 {
		return 0, mTooLarge
	}
	if d.neg {
		return -int64(m), 0
	}
	return int64(m), 0
}

// float returns d as a float64 (percent applied).
func (d decimal) float() float64 {
	if d.mant == 0 {
		return 0
	}
	e := d.exp
	if d.pct {
		e -= 2
	}
	var f float64
	if e < 0 && e >= -22 {
		f = float64(d.mant) / math.Pow10(-e) // correctly rounded when mant < 2^53
	} else {
		f = float64(d.mant) * math.Pow10(e)
	}
	if d.neg {
		f = -f
	}
	return f
}

// unit is an amount unit as a power of ten of rials; relative units
// ("million" without a currency) scale the column's unit.
type unit struct {
	exp      int
	currency bool
}

var unitMultipliers = []struct {
	key string
	exp int
}{
	{"هزار", 3}, {"thousand", 3}, {"thousands", 3}, {"k", 3},
	{"میلیون", 6}, {"million", 6}, {"millions", 6}, {"mn", 6},
	{"میلیارد", 9}, {"billion", 9}, {"billions", 9}, {"bn", 9},
}

var unitCurrencies = map[string]int{
	"ریال": 0, "rial": 0, "rials": 0, "irr": 0,
	"تومان": 1, "تومن": 1, "toman": 1, "tomans": 1, "tomen": 1,
}

// parseUnit reads an amount unit such as "toman", "میلیون ریال" or
// "million". It returns false for anything else.
func parseUnit(s string) (unit, bool) {
	k := normKey(s)
	k = strings.TrimPrefix(k, "به") // "به تومان"
	k = strings.TrimPrefix(k, "in")
	if k == "" {
		return unit{}, false
	}
	if e, ok := unitCurrencies[k]; ok {
		return unit{exp: e, currency: true}, true
	}
	for _, m := range unitMultipliers {
		if rest, ok := strings.CutPrefix(k, m.key); ok {
			if rest == "" {
				return unit{exp: m.exp}, true
			}
			if e, ok := unitCurrencies[rest]; ok {
				return unit{exp: m.exp + e, currency: true}, true
			}
		}
	}
	return unit{}, false
}

// ParseUnit returns the power of ten of rials of an amount unit: 0 for ""
// and rial (ریال), 1 for toman (تومان), 3 for thousand rial, 4 for thousand
// toman (هزار تومان), 6 for million rial (میلیون ریال), 7 for million
// toman, 9 and 10 for billion (میلیارد) rial and toman.
func ParseUnit(s string) (int, error) {
	if trim(s) == "" {
		return 0, nil
	}
	u, ok := parseUnit(s)
	if !ok || !u.currency {
		return 0, verr(mBadUnit, s)
	}
	return u.exp, nil
}

// ParseAmount parses an amount with ASCII, Persian (۰–۹) or Arabic-Indic
// (٠–٩) digits, thousands separators (, or ٬) and a decimal separator (. or
// ٫), in unit (see ParseUnit; "" is rial), and returns it in whole rials.
// The value may end with its own unit ("۵ میلیون تومان") or a multiplier of
// the given unit ("2.5 million"). A negative amount is returned as such; a
// fraction of a rial is an error.
func ParseAmount(s string, unitName string) (int64, error) {
	e, err := ParseUnit(unitName)
	if err != nil {
		return 0, err
	}
	v, m := parseAmount(s, e)
	if m != 0 {
		return 0, verr(m, s)
	}
	return v, nil
}

// parseAmount parses s in units of 10^exp rials.
func parseAmount(s string, exp int) (int64, msgID) {
	d, m := parseDecimal(s)
	if m != 0 {
		return 0, m
	}
	if d.pct {
		return 0, mNotNumber
	}
	if d.rest != "" {
		u, ok := parseUnit(d.rest)
		if !ok {
			return 0, mNotNumber
		}
		if u.currency {
			exp = u.exp
		} else {
			exp += u.exp
		}
	}
	return d.integer(exp)
}

// ParseNumber parses a number with ASCII, Persian or Arabic-Indic digits
// and separators as ParseAmount does. A trailing percent sign (% or ٪)
// divides it by 100.
func ParseNumber(s string) (float64, error) {
	d, m := parseDecimal(s)
	if m == 0 && d.rest != "" {
		m = mNotNumber
	}
	if m != 0 {
		return 0, verr(m, s)
	}
	f := d.float()
	if math.IsInf(f, 0) {
		return 0, verr(mTooLarge, s)
	}
	return f, nil
}

// parseInt parses a whole number (no unit, no percent).
func parseInt(s string) (int64, msgID) {
	d, m := parseDecimal(s)
	if m != 0 {
		return 0, m
	}
	if d.pct || d.rest != "" {
		return 0, mNotNumber
	}
	v, m := d.integer(0)
	if m == mNotWhole {
		m = mNotInteger
	}
	return v, m
}

// asciiUint parses b when it is only ASCII digits (the common case, without
// allocating); ok is false otherwise.
func asciiUint(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// normMap folds the keys of a table of coded values with normKey.
func normMap[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[normKey(k)] = v
	}
	return out
}

var genders = normMap(map[string]pbequity.Gender{
	"f": pbequity.Female, "female": pbequity.Female, "woman": pbequity.Female, "women": pbequity.Female,
	"w": pbequity.Female, "girl": pbequity.Female,
	"زن": pbequity.Female, "خانم": pbequity.Female, "بانو": pbequity.Female, "مونث": pbequity.Female,
	"مؤنث": pbequity.Female, "دختر": pbequity.Female, "زنان": pbequity.Female,
	"m": pbequity.Male, "male": pbequity.Male, "man": pbequity.Male, "men": pbequity.Male, "boy": pbequity.Male,
	"مرد": pbequity.Male, "آقا": pbequity.Male, "اقا": pbequity.Male, "مذکر": pbequity.Male,
	"پسر": pbequity.Male, "مردان": pbequity.Male,
	"o": pbequity.Other, "other": pbequity.Other, "nonbinary": pbequity.Other, "diverse": pbequity.Other,
	"دیگر": pbequity.Other, "سایر": pbequity.Other, "غیره": pbequity.Other,
	"u": pbequity.Unknown, "unknown": pbequity.Unknown, "prefernottosay": pbequity.Unknown,
	"na": pbequity.Unknown, "n/a": pbequity.Unknown, "نامشخص": pbequity.Unknown, "نامعلوم": pbequity.Unknown,
	"ترجیح می‌دهم نگویم": pbequity.Unknown, "بدون پاسخ": pbequity.Unknown,
})

// ParseGender reads a gender: F, M, female, male, زن, مرد, خانم, آقا give
// Female and Male; other, دیگر give Other; blank, unknown, نامشخص give
// Unknown. Any other value is an error.
func ParseGender(s string) (pbequity.Gender, error) {
	g, ok := parseGender(s)
	if !ok {
		return "", verr(mBadGender, s)
	}
	return g, nil
}

func parseGender(s string) (pbequity.Gender, bool) {
	switch s { // fast path for the usual codes
	case "F", "f":
		return pbequity.Female, true
	case "M", "m":
		return pbequity.Male, true
	case "زن":
		return pbequity.Female, true
	case "مرد":
		return pbequity.Male, true
	case "":
		return pbequity.Unknown, true
	}
	k := normKey(s)
	if k == "" {
		return pbequity.Unknown, true
	}
	g, ok := genders[k]
	return g, ok
}

var stages = normMap(map[string]pbequity.Stage{
	"problem": pbequity.StageProblem, "problems": pbequity.StageProblem, "مسئله": pbequity.StageProblem,
	"مساله": pbequity.StageProblem, "مسأله": pbequity.StageProblem, "طرحمسئله": pbequity.StageProblem,
	"همفکری":   pbequity.StageProblem,
	"solution": pbequity.StageSolution, "solutions": pbequity.StageSolution, "proposal": pbequity.StageSolution,
	"راهکار": pbequity.StageSolution, "راهحل": pbequity.StageSolution, "پیشنهاد": pbequity.StageSolution,
	"vote": pbequity.StageVote, "voting": pbequity.StageVote, "ballot": pbequity.StageVote,
	"رای": pbequity.StageVote, "رأی": pbequity.StageVote, "رایگیری": pbequity.StageVote, "رأیگیری": pbequity.StageVote,
	"meeting": pbequity.StageMeeting, "meetings": pbequity.StageMeeting, "جلسه": pbequity.StageMeeting,
	"نشست": pbequity.StageMeeting,
})

// parseStage reads a stage in English or Persian.
func parseStage(s string) (pbequity.Stage, bool) {
	st, ok := stages[normKey(s)]
	return st, ok
}

var bools = normMap(map[string]bool{
	"1": true, "true": true, "yes": true, "y": true, "t": true, "x": true, "✓": true, "✔": true,
	"selected": true, "funded": true, "بله": true, "بلی": true, "آری": true, "اری": true, "آره": true,
	"منتخب": true, "دارد": true, "درست": true,
	"0": false, "false": false, "no": false, "n": false, "f": false, "خیر": false, "نه": false,
	"ندارد": false, "نادرست": false,
})

// parseBool reads yes/no values in English or Persian.
func parseBool(s string) (bool, bool) {
	v, ok := bools[normKey(s)]
	return v, ok
}

// parseMarker reads an OECD DAC gender marker 0, 1 or 2; blank is
// NotScreened.
func parseMarker(s string) (pbequity.Marker, bool) {
	k := normKey(s)
	switch k {
	case "":
		return pbequity.NotScreened, true
	case "0", "nottargeted", "none":
		return pbequity.NotTargeted, true
	case "1", "significant":
		return pbequity.Significant, true
	case "2", "principal":
		return pbequity.Principal, true
	}
	return 0, false
}

var ageBandReplacer = strings.NewReplacer("–", "-", "—", "-", "_", "-", "تا", "-", "to", "-",
	"بالای", "+", "over", "+", "وبیشتر", "+", "andover", "+", "andmore", "+")

// parseAgeBand normalizes an age band to one of pbequity.AgeBands.
func parseAgeBand(s string) (string, bool) {
	k := strings.ToLower(normDigits(s))
	k = strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, k)
	k = ageBandReplacer.Replace(k)
	if strings.HasPrefix(k, "+") { // "بالای ۶۰"
		k = k[1:] + "+"
	}
	for _, b := range pbequity.AgeBands {
		if k == b {
			return b, true
		}
	}
	return "", false
}

// ParseDate reads a Solar Hijri date (1403/02/15, ۱۴۰۳/۰۲/۱۵, 1403-02-15)
// or a Gregorian one (2024-05-04, RFC 3339), with an optional time of day
// (wall clock, returned in UTC). Years before 1700 are Solar Hijri. The
// order is always year, month, day; impossible dates are errors.
func ParseDate(s string) (time.Time, error) {
	t, ok := parseDate(s)
	if !ok {
		return time.Time{}, verr(mBadDate, s)
	}
	return t, nil
}

func parseDate(s string) (time.Time, bool) {
	s = normDigits(trim(s))
	if s == "" {
		return time.Time{}, false
	}
	if strings.ContainsRune(s, 'T') {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return time.Time{}, false
		}
		if t = t.UTC(); t.Year() < 1800 || t.Year() >= 2300 {
			return time.Time{}, false // as for a date without a time: 0000-01-01T00:00:00Z is a typo
		}
		return t, true
	}
	date, clock, _ := strings.Cut(s, " ")
	var parts [3]int
	n := 0
	for p := range strings.FieldsFuncSeq(date, func(r rune) bool { return r == '/' || r == '-' || r == '.' }) {
		if n == 3 || len(p) > 4 {
			return time.Time{}, false
		}
		v := 0
		for _, c := range []byte(p) {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			v = v*10 + int(c-'0')
		}
		if n == 0 && len(p) != 4 {
			return time.Time{}, false // the year comes first, with four digits
		}
		parts[n] = v
		n++
	}
	if n != 3 || strings.Count(date, "/")+strings.Count(date, "-")+strings.Count(date, ".") != 2 {
		return time.Time{}, false
	}
	y, m, d := parts[0], parts[1], parts[2]
	var hh, mm, ss int
	if clock = trim(clock); clock != "" {
		var ok bool
		if hh, mm, ss, ok = parseClock(clock); !ok {
			return time.Time{}, false
		}
	}
	switch {
	case y >= 1200 && y < 1700:
		if !jalaali.IsValidDate(y, m, d) {
			return time.Time{}, false
		}
		gy, gm, gd, err := jalaali.ToGregorian(y, jalaali.Month(m), d)
		if err != nil {
			return time.Time{}, false
		}
		return time.Date(gy, gm, gd, hh, mm, ss, 0, time.UTC), true
	case y >= 1800 && y < 2300:
		if m < 1 || m > 12 || d < 1 || d > 31 {
			return time.Time{}, false
		}
		t := time.Date(y, time.Month(m), d, hh, mm, ss, 0, time.UTC)
		if t.Day() != d {
			return time.Time{}, false // 2023-02-30
		}
		return t, true
	}
	return time.Time{}, false
}

func parseClock(s string) (hh, mm, ss int, ok bool) {
	p := strings.Split(s, ":")
	if len(p) < 2 || len(p) > 3 {
		return 0, 0, 0, false
	}
	var v [3]int
	for i, x := range p {
		if len(x) == 0 || len(x) > 2 {
			return 0, 0, 0, false
		}
		for _, c := range []byte(x) {
			if c < '0' || c > '9' {
				return 0, 0, 0, false
			}
			v[i] = v[i]*10 + int(c-'0')
		}
	}
	if v[0] > 23 || v[1] > 59 || v[2] > 59 {
		return 0, 0, 0, false
	}
	return v[0], v[1], v[2], true
}

// excelDate converts an Excel serial day number (XLSX raw date cells) to a
// date; ok is false for values that are not plausible serial dates.
func excelDate(s string) (time.Time, bool) {
	d, m := parseDecimal(s)
	if m != 0 || d.neg || d.pct || d.rest != "" {
		return time.Time{}, false
	}
	f := d.float()
	if f < 1 || f > 150000 {
		return time.Time{}, false
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	return t, true
}

// normDigits replaces Persian and Arabic-Indic digits by ASCII ones.
func normDigits(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return strings.Map(func(r rune) rune {
		if v, ok := digit(r); ok {
			return rune('0' + v)
		}
		return r
	}, s)
}

// normKey folds a header or a coded value for comparison: lower case,
// ASCII digits, Persian letters for their Arabic look-alikes, and without
// spaces, underscores, hyphens, dots, joiners, tatweel and diacritics.
func normKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if v, ok := digit(r); ok {
			b.WriteByte(byte('0' + v))
			continue
		}
		switch {
		case invisible(r), r == '_', r == '-', r == '.', r == 'ـ', r >= 0x064B && r <= 0x0652, r == 0x0670:
			continue
		case r == 'ي', r == 'ى':
			r = 'ی'
		case r == 'ك':
			r = 'ک'
		case r == 'ة', r == 'ۀ':
			r = 'ه'
		case r == 'أ', r == 'إ':
			r = 'ا'
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
		default:
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
