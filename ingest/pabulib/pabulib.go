// Package pabulib decodes and encodes Pabulib .pb files
// (https://pabulib.org/format): the META, PROJECTS and VOTES sections of a
// participatory-budgeting instance, mapped to the domain rows of package
// pbequity. It streams its input, validates everything before returning and
// reports every problem found as a *pbequity.ValidationError. It imports only
// the standard library and the root package: no SQL, no HTTP.
package pabulib

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/pbequity/pbequity"
)

// File is one decoded Pabulib instance.
type File struct {
	Cycle        pbequity.Cycle
	Projects     []pbequity.Project
	Participants []pbequity.Participant
	// Votes holds one row per supported project, grouped by participant in
	// ballot order (ordinal ballots: Rank 1 first).
	Votes []pbequity.Vote
	// ProjectColumns and VoteColumns are the headers of the PROJECTS and
	// VOTES sections as read. Encode writes these columns in this order when
	// they are set, and a header derived from the data otherwise.
	ProjectColumns []string
	VoteColumns    []string
}

// MaxErrors is the number of problems a ValidationError lists before it is
// truncated.
const MaxErrors = 100

// Rules maps Pabulib rule names to the names of package analytics/rules.
// Names not listed map to "" (the original is always kept in Meta["rule"]).
var ruleNames = map[string]string{
	"greedy":                    "greedy",
	"greedy-skip":               "greedy",
	"greedy-no-skip":            "greedy-no-skip",
	"greedy-noskip":             "greedy-no-skip",
	"greedy-threshold":          "greedy-threshold",
	"equalshares":               "mes-cost",
	"equalshares/add1":          "mes-cost",
	"equal-shares":              "mes-cost",
	"mes":                       "mes-cost",
	"mes/add1":                  "mes-cost",
	"equalshares-approval":      "mes-approval",
	"equalshares-approval/add1": "mes-approval",
	"phragmen":                  "phragmen",
	"seq-phragmen":              "phragmen",
}

// RuleName returns the pbequity rule name of a Pabulib rule name, or "" when
// it has none.
func RuleName(pabulib string) string {
	return ruleNames[strings.ToLower(strings.TrimSpace(pabulib))]
}

// PseudonymID returns raw unchanged unless it looks like a direct
// identifier — a phone number (optional '+', 10 to 15 digits once spaces,
// dashes, dots and parentheses are removed; Persian and Arabic-Indic digits
// count) or a 10-digit Iranian national code — in which case it returns the
// first 16 hex digits (64 bits) of its SHA-256. The hash is unsalted, so it
// hides an identifier from casual view only: the space of phone numbers is
// small enough to be searched.
func PseudonymID(raw string) string {
	s := strings.TrimSpace(raw)
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= '۰' && r <= '۹', r >= '٠' && r <= '٩':
			digits++
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return raw
		}
	}
	if digits < 10 || digits > 15 {
		return raw
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '۰' && r <= '۹':
			b.WriteRune('0' + r - '۰')
		case r >= '٠' && r <= '٩':
			b.WriteRune('0' + r - '٠')
		}
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}

// gender maps a Pabulib sex value to a pbequity.Gender.
func gender(b []byte) pbequity.Gender {
	switch len(b) {
	case 0:
		return pbequity.Unknown
	case 1:
		switch b[0] {
		case 'F', 'f', 'K', 'k', 'W', 'w':
			return pbequity.Female
		case 'M', 'm':
			return pbequity.Male
		case 'U', 'u', '?', '-':
			return pbequity.Unknown
		}
		return pbequity.Other
	}
	switch strings.ToLower(string(b)) {
	case "female", "woman", "kobieta", "zen", "زن", "خانم":
		return pbequity.Female
	case "male", "man", "mężczyzna", "mezczyzna", "مرد", "آقا":
		return pbequity.Male
	case "none", "nan", "null", "n/a", "na", "unknown":
		return pbequity.Unknown
	}
	return pbequity.Other
}

// sexValue is the inverse of gender for Encode.
func sexValue(g pbequity.Gender) string {
	switch g {
	case pbequity.Female, pbequity.Male, pbequity.Other:
		return string(g)
	}
	return ""
}
