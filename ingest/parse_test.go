package ingest

import (
	"testing"
	"time"

	"github.com/pbequity/pbequity"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		name, in, unit string
		want           int64
		err            bool
	}{
		{"ascii", "1500000", "", 1500000, false},
		{"commas", "1,500,000", "rial", 1500000, false},
		{"persian digits and separator", "۱٬۵۰۰٬۰۰۰", "", 1500000, false},
		{"arabic-indic digits", "١٥٠٠", "", 1500, false},
		{"toman", "150,000", "toman", 1500000, false},
		{"toman persian", "۱۵۰٬۰۰۰", "تومان", 1500000, false},
		{"persian decimal million toman", "۲٫۵", "میلیون تومان", 25000000, false},
		{"decimal point million rial", "1.25", "million rial", 1250000, false},
		{"thousand toman", "12", "هزار تومان", 120000, false},
		{"unit in value", "۵ میلیون تومان", "", 50000000, false},
		{"multiplier in value", "2.5 million", "toman", 25000000, false},
		{"exponent", "1.5E+06", "", 1500000, false},
		{"spaces and marks", " \u200f1500 ", "", 1500, false},
		{"negative", "-200", "", -200, false},
		{"fraction of rial", "1.5", "rial", 0, true},
		{"fraction of toman", "1.25", "toman", 0, true},
		{"bad grouping", "1,50,000", "", 0, true},
		{"european", "1.234,5", "", 0, true},
		{"word", "abc", "", 0, true},
		{"empty", "", "", 0, true},
		{"percent", "5%", "", 0, true},
		{"unknown unit", "5", "dollar", 0, true},
		{"unknown unit in value", "5 dollars", "", 0, true},
		{"overflow", "99999999999999999999", "", 0, true},
		{"overflow by unit", "9223372036854775807", "toman", 0, true},
		{"trailing separator", "1,000,", "", 0, true},
		{"two points", "1.2.3", "", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseAmount(tc.in, tc.unit)
			if (err != nil) != tc.err {
				t.Fatalf("ParseAmount(%q, %q) error = %v, want error %v", tc.in, tc.unit, err, tc.err)
			}
			if got != tc.want {
				t.Errorf("ParseAmount(%q, %q) = %d, want %d", tc.in, tc.unit, got, tc.want)
			}
		})
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		err  bool
	}{
		{"0.35", 0.35, false},
		{"۳۵٪", 0.35, false},
		{"35%", 0.35, false},
		{"۲٫۵", 2.5, false},
		{"1,234.5", 1234.5, false},
		{".5", 0.5, false},
		{"-3", -3, false},
		{"3 apples", 0, true},
		{"-", 0, true},
		{"", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseNumber(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("ParseNumber(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestParseGender(t *testing.T) {
	tests := []struct {
		in   string
		want pbequity.Gender
		err  bool
	}{
		{"F", pbequity.Female, false},
		{"female", pbequity.Female, false},
		{"Female", pbequity.Female, false},
		{"زن", pbequity.Female, false},
		{"خانم", pbequity.Female, false},
		{"مرد", pbequity.Male, false},
		{"آقا", pbequity.Male, false},
		{"m", pbequity.Male, false},
		{"other", pbequity.Other, false},
		{"دیگر", pbequity.Other, false},
		{"", pbequity.Unknown, false},
		{"  ", pbequity.Unknown, false},
		{"نامشخص", pbequity.Unknown, false},
		{"prefer not to say", pbequity.Unknown, false},
		{"K", "", true},
		{"banana", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseGender(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("ParseGender(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		in   string
		want time.Time
		err  bool
	}{
		{"1403/02/15", day(2024, 5, 4), false},
		{"۱۴۰۳/۰۲/۱۵", day(2024, 5, 4), false},
		{"1403-02-15", day(2024, 5, 4), false},
		{"1403/2/15", day(2024, 5, 4), false},
		{"1403/01/01", day(2024, 3, 20), false},
		{"1403/12/30", day(2025, 3, 20), false}, // 1403 is a leap year
		{"2024-05-04", day(2024, 5, 4), false},
		{"2024-02-29", day(2024, 2, 29), false},
		{"1403/02/15 10:30", time.Date(2024, 5, 4, 10, 30, 0, 0, time.UTC), false},
		{"2024-05-04T10:30:00Z", time.Date(2024, 5, 4, 10, 30, 0, 0, time.UTC), false},
		{"1403/13/40", time.Time{}, true},
		{"1402/12/30", time.Time{}, true}, // 1402 is not a leap year
		{"1403/07/31", time.Time{}, true}, // Mehr has 30 days
		{"2023-02-29", time.Time{}, true},
		{"04/05/2024", time.Time{}, true},
		{"03/02/15", time.Time{}, true},
		{"1403/02", time.Time{}, true},
		{"1403/02/15/1", time.Time{}, true},
		{"1403/02/15 25:00", time.Time{}, true},
		{"yesterday", time.Time{}, true},
		{"", time.Time{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDate(tc.in)
			if (err != nil) != tc.err || !got.Equal(tc.want) {
				t.Errorf("ParseDate(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestParseUnit(t *testing.T) {
	tests := []struct {
		in   string
		want int
		err  bool
	}{
		{"", 0, false}, {"rial", 0, false}, {"ریال", 0, false}, {"IRR", 0, false},
		{"toman", 1, false}, {"تومان", 1, false}, {"thousand toman", 4, false},
		{"هزار تومان", 4, false}, {"million rial", 6, false}, {"میلیون ریال", 6, false},
		{"million toman", 7, false}, {"میلیون تومان", 7, false}, {"میلیارد ریال", 9, false},
		{"million", 0, true}, {"usd", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseUnit(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("ParseUnit(%q) = %d, %v; want %d, error %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestPseudonym(t *testing.T) {
	phone := Pseudonym("09121234567", nil)
	for _, in := range []string{"0912 123 4567", "+98 912 123 4567", "00989121234567", "۰۹۱۲۱۲۳۴۵۶۷", "989121234567"} {
		if got := Pseudonym(in, nil); got != phone {
			t.Errorf("Pseudonym(%q) = %q, want %q (same as 09121234567)", in, got, phone)
		}
	}
	if len(phone) != pseudonymLen || phone == "09121234567" {
		t.Errorf("Pseudonym(09121234567) = %q, want %d hex digits", phone, pseudonymLen)
	}
	if got := Pseudonym("0012345678", nil); got == "0012345678" || len(got) != pseudonymLen {
		t.Errorf("Pseudonym(national code) = %q, want a pseudonym", got)
	}
	if got := Pseudonym("ali@example.com", nil); got == "ali@example.com" {
		t.Errorf("Pseudonym(e-mail) kept the address")
	}
	if got := Pseudonym("09121234567", []byte("k")); got == phone {
		t.Errorf("Pseudonym with a key = the unkeyed pseudonym")
	}
	for _, keep := range []string{"v-00017", "12345", "0912123456", "p0912123456x"} {
		if got := Pseudonym(keep, nil); got != keep && keep != "0912123456" {
			t.Errorf("Pseudonym(%q) = %q, want it kept", keep, got)
		}
	}
}
