package ingest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// pseudonymLen is the length of a pseudonym in hex digits (64 bits).
const pseudonymLen = 16

// personal returns the canonical form of an identifier that is a phone
// number (09121234567, +98 912 123 4567, 00989121234567), a 10-digit
// national code or an e-mail address, and false for any other identifier.
func personal(id string) (string, bool) {
	if strings.Contains(id, "@") && strings.Contains(id, ".") {
		return strings.ToLower(trim(id)), true
	}
	var b [24]byte
	n, plus := 0, false
	for i, r := range id {
		if v, ok := digit(r); ok {
			if n == len(b) {
				return "", false
			}
			b[n] = byte('0' + v)
			n++
			continue
		}
		switch {
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '-' || r == '(' || r == ')' || invisible(r):
		default:
			return "", false
		}
	}
	d := b[:n] // made a string only when it is personal: ids are many
	switch {
	case n == 11 && string(d[:2]) == "09":
		return string(d), true
	case n == 12 && string(d[:3]) == "989":
		return "0" + string(d[2:]), true
	case n == 14 && string(d[:5]) == "00989" && !plus:
		return "0" + string(d[4:]), true
	case n == 10 && !plus:
		return string(d), true // a national code
	}
	return "", false
}

// pseudonym returns the hex prefix of the SHA-256 (or HMAC-SHA-256 with
// key) of a canonical personal identifier.
func pseudonym(canon string, key []byte) string {
	var sum []byte
	if len(key) > 0 {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(canon))
		sum = h.Sum(nil)
	} else {
		s := sha256.Sum256([]byte(canon))
		sum = s[:]
	}
	return hex.EncodeToString(sum[:pseudonymLen/2])
}

// personID returns a participant id fit to store: pseudonymised when it is
// a phone number, national code or e-mail address.
func (d *decoder) personID(row int, b []byte) (string, bool) {
	if !utf8.Valid(b) {
		d.fail(row, fParticipantID, b, mBadText)
		return "", false
	}
	id := d.str(b)
	if len(id) >= 5 {
		if canon, ok := personal(id); ok {
			return pseudonym(canon, d.opt.PseudonymKey), true
		}
	}
	return id, true
}

// Pseudonym returns the id Decode stores for a participant id: the id
// itself, or the pseudonym of a phone number, national code or e-mail
// address (hashed with key when it is set).
func Pseudonym(id string, key []byte) string {
	if canon, ok := personal(id); ok {
		return pseudonym(canon, key)
	}
	return id
}
