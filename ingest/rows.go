package ingest

import (
	"bytes"
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/pbequity/pbequity"
)

// cell returns the trimmed value of field f in a row, nil when the file has
// no such column.
func (d *decoder) cell(cells [][]byte, f field) []byte {
	i := d.idx[f]
	if i < 0 {
		return nil
	}
	return trimBytes(cells[i])
}

// intern returns b as a string shared with earlier equal values.
func (d *decoder) intern(row int, f field, b []byte) (string, bool) {
	if s, ok := d.strs[string(b)]; ok {
		return s, true
	}
	if !utf8.Valid(b) {
		d.fail(row, f, b, mBadText)
		return "", false
	}
	s := string(b)
	if len(d.strs) < 1<<16 {
		d.strs[s] = s
	}
	return s, true
}

// projectRef checks a referenced project id against Options.KnownProjects,
// asking once per distinct id. An id not known yet is not an error here: it
// is listed in Batch.Unresolved (another file of the same upload may define
// it) and the row is kept.
func (d *decoder) projectRef(row int, f field, id string) bool {
	if d.opt.KnownProjects == nil || id == "" {
		return true
	}
	if d.refs == nil {
		d.refs = map[string]bool{}
	}
	ok, seen := d.refs[id]
	if !seen {
		ok = d.opt.KnownProjects(id)
		d.refs[id] = ok
	}
	if !ok && d.unresolved < d.opt.MaxErrors {
		d.unresolved++
		fe := pbequity.FieldError{File: d.name, Row: row, Column: d.header(f), Value: id, Message: render(d.opt.Lang, mUnknownProject, id)}
		if d.opt.OnUnresolved != nil {
			d.opt.OnUnresolved(fe)
		} else {
			d.batch.Unresolved = append(d.batch.Unresolved, fe)
		}
	}
	return true
}

// str returns b as a string whose bytes live in an arena shared with the
// strings made before it (never written again): one allocation per 64 KiB
// of ids instead of one per id.
func (d *decoder) str(b []byte) string {
	if len(b) == 0 || len(b) > 1<<10 {
		return string(b)
	}
	if len(d.arena)+len(b) > cap(d.arena) {
		d.arena = make([]byte, 0, 64<<10)
	}
	start := len(d.arena)
	d.arena = append(d.arena, b...)
	return unsafe.String(&d.arena[start], len(b))
}

// text returns b as a new string after checking its encoding.
func (d *decoder) text(row int, f field, b []byte) (string, bool) {
	if !utf8.Valid(b) {
		d.fail(row, f, b, mBadText)
		return "", false
	}
	return string(b), true
}

// required returns the value of f, recording an error when it is blank.
func (d *decoder) required(row int, cells [][]byte, f field) ([]byte, bool) {
	v := d.cell(cells, f)
	if len(v) == 0 {
		if d.idx[f] >= 0 { // a missing column is reported once, on the header
			d.fail(row, f, nil, mRequired)
		}
		return nil, false
	}
	return v, true
}

// amount parses a non-negative amount of f's column in rials; blank is 0.
func (d *decoder) amount(row int, f field, b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, true
	}
	e := d.exp[f]
	if v, ok := asciiUint(b); ok && e >= 0 && e <= 9 && v <= math.MaxInt64/pow10[e] {
		return v * pow10[e], true
	}
	v, m := parseAmount(string(b), e)
	if m == mNotWhole && d.xlsx {
		v, m = roundFloat(string(b), e)
	}
	if m == 0 && v < 0 {
		m = mNegative
	}
	if m != 0 {
		d.fail(row, f, b, m)
		return 0, false
	}
	return v, true
}

// roundFloat accepts an amount of an XLSX number cell that misses a whole
// number of rials by binary floating-point noise only (0.1*3 million is
// stored as 300000.00000000006).
func roundFloat(s string, exp int) (int64, msgID) {
	x, err := ParseNumber(s)
	if err != nil {
		return 0, mNotNumber
	}
	x *= math.Pow10(exp)
	r := math.Round(x)
	if math.Abs(x-r) > 1e-9*math.Abs(x) || math.Abs(r) >= math.MaxInt64 {
		return 0, mNotWhole
	}
	return int64(r), 0
}

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// count parses a non-negative whole number; blank is 0.
func (d *decoder) count(row int, f field, b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, true
	}
	if v, ok := asciiUint(b); ok {
		return v, true
	}
	v, m := parseInt(string(b))
	if m == 0 && v < 0 {
		m = mNegative
	}
	if m != 0 {
		d.fail(row, f, b, m)
		return 0, false
	}
	return v, true
}

func (d *decoder) gender(row int, f field, b []byte) (pbequity.Gender, bool) {
	g, ok := parseGender(string(b))
	if !ok {
		d.fail(row, f, b, mBadGender)
	}
	return g, ok
}

func (d *decoder) marker(row int, f field, b []byte) (pbequity.Marker, bool) {
	m, ok := parseMarker(string(b))
	if !ok {
		d.fail(row, f, b, mBadMarker)
	}
	return m, ok
}

// cycle returns the cycle of a row: the option, or the file's column.
func (d *decoder) cycle(row int, cells [][]byte) (string, bool) {
	v := d.cell(cells, fCycleID)
	switch {
	case len(v) == 0:
		return d.opt.CycleID, true
	case d.opt.CycleID == "":
		return d.intern(row, fCycleID, v)
	case string(v) != d.opt.CycleID:
		d.fail(row, fCycleID, v, mCycleMismatch, string(v), d.opt.CycleID)
		return "", false
	}
	return d.opt.CycleID, true
}

// extraOf keeps the non-blank values of unknown columns, but for columns
// of direct identifiers (names, phones…); a value that is a phone number,
// national code or e-mail address is kept as its pseudonym.
func (d *decoder) extraOf(row int, cells [][]byte) (map[string]string, bool) {
	if !d.extra || len(d.unknown) == 0 {
		return nil, true
	}
	var m map[string]string
	ok := true
	for _, i := range d.unknown {
		v := trimBytes(cells[i])
		if len(v) == 0 || d.cols[i].personal {
			continue
		}
		if !utf8.Valid(v) {
			d.failf(row, d.cols[i].header, string(bytes.ToValidUTF8(v, []byte("\uFFFD"))), mBadText)
			ok = false
			continue
		}
		if m == nil {
			m = make(map[string]string, len(d.unknown))
		}
		s := string(v)
		// A 10-digit number is a national code among participants' data, but
		// more likely an amount in rials among projects'.
		if canon, ok := personal(s); ok && (d.kind == KindParticipants || len(canon) != 10) {
			s = pseudonym(canon, d.opt.PseudonymKey)
		}
		m[d.cols[i].header] = s
	}
	return m, ok
}

// firstSeen records id in d.seen, reporting a duplicate.
func (d *decoder) firstSeen(row int, f field, id string) bool {
	if first, dup := d.seen.add(id, row); dup {
		d.fail(row, f, []byte(id), mDuplicateID, id, first)
		return false
	}
	return true
}

// failed reports whether rows are no longer kept because of errors.
func (d *decoder) failed() bool { return len(d.errs) > 0 }

func (d *decoder) project(row int, cells [][]byte) {
	ok := true
	check := func(b bool) {
		ok = ok && b
	}
	p := pbequity.Project{GenderMarker: pbequity.NotScreened, WomenShare: -1, ProposerGender: pbequity.Unknown}
	var good bool
	p.CycleID, good = d.cycle(row, cells)
	check(good)
	if v, has := d.required(row, cells, fProjectID); has {
		p.ID, good = d.text(row, fProjectID, v)
		check(good && d.firstSeen(row, fProjectID, p.ID))
	} else {
		ok = false
	}
	if v, has := d.required(row, cells, fTitle); has {
		p.Title, good = d.text(row, fTitle, v)
		check(good)
	} else {
		ok = false
	}
	if v, has := d.required(row, cells, fCost); has {
		p.Cost, good = d.amount(row, fCost, v)
		check(good)
	} else {
		ok = false
	}
	if v := d.cell(cells, fDescription); len(v) > 0 {
		p.Description, good = d.text(row, fDescription, v)
		check(good)
	}
	if v := d.cell(cells, fCategory); len(v) > 0 {
		p.Category, good = d.intern(row, fCategory, v)
		check(good)
	}
	if v := d.cell(cells, fArea); len(v) > 0 {
		p.Area, good = d.intern(row, fArea, v)
		check(good)
	}
	if v := d.cell(cells, fStage); len(v) > 0 {
		st, good := parseStage(string(v))
		if !good {
			d.fail(row, fStage, v, mBadStage)
		}
		p.Stage = string(st)
		check(good)
	}
	if v := d.cell(cells, fStatus); len(v) > 0 {
		p.Status, good = d.intern(row, fStatus, v)
		check(good)
	}
	if v := d.cell(cells, fBeneficiaries); len(v) > 0 {
		p.Beneficiaries, good = d.text(row, fBeneficiaries, v)
		check(good)
	}
	p.ProposerGender, good = d.gender(row, fProposerGender, d.cell(cells, fProposerGender))
	check(good)
	p.GenderMarker, good = d.marker(row, fGenderMarker, d.cell(cells, fGenderMarker))
	check(good)
	if v := d.cell(cells, fWomenShare); len(v) > 0 {
		p.WomenShare, good = d.share(row, v)
		check(good)
	}
	if v := d.cell(cells, fSelected); len(v) > 0 {
		b, good := parseBool(string(v))
		if !good {
			d.fail(row, fSelected, v, mBadBool)
		}
		p.Selected = &b
		check(good)
	}
	p.Approved, good = d.amount(row, fApproved, d.cell(cells, fApproved))
	check(good)
	p.Spent, good = d.amount(row, fSpent, d.cell(cells, fSpent))
	check(good)
	p.Extra, good = d.extraOf(row, cells)
	check(good)
	if ok && !d.failed() {
		d.batch.Projects = append(d.batch.Projects, p)
	}
}

// share parses the women's share of beneficiaries into [0,1].
func (d *decoder) share(row int, b []byte) (float64, bool) {
	dec, m := parseDecimal(string(b))
	if m == 0 && dec.rest != "" {
		m = mNotNumber
	}
	if m != 0 {
		d.fail(row, fWomenShare, b, m)
		return 0, false
	}
	if d.cols[d.idx[fWomenShare]].pct && !dec.pct {
		dec.pct = true
	}
	v := dec.float()
	if v < 0 || v > 1 || math.IsNaN(v) {
		d.fail(row, fWomenShare, b, mBadShare)
		return 0, false
	}
	return v, true
}

func (d *decoder) budgetLine(row int, cells [][]byte) {
	ok := true
	check := func(b bool) { ok = ok && b }
	l := pbequity.BudgetLine{GenderMarker: pbequity.NotScreened}
	var good bool
	l.CycleID, good = d.cycle(row, cells)
	check(good)
	if v, has := d.required(row, cells, fProjectID); has {
		l.ProjectID, good = d.intern(row, fProjectID, v)
		check(good && d.projectRef(row, fProjectID, l.ProjectID))
	} else {
		ok = false
	}
	if v, has := d.required(row, cells, fItem); has {
		l.Item, good = d.text(row, fItem, v)
		check(good)
	} else {
		ok = false
	}
	if v := d.cell(cells, fMeasure); len(v) > 0 {
		l.Unit, good = d.intern(row, fMeasure, v)
		check(good)
	}
	q := d.cell(cells, fQuantity)
	if len(q) > 0 {
		f, err := ParseNumber(string(q))
		switch {
		case err != nil:
			d.fail(row, fQuantity, q, msgOf(err, mNotNumber))
			ok = false
		case f < 0:
			d.fail(row, fQuantity, q, mNegative)
			ok = false
		}
		l.Quantity = f
	}
	uc := d.cell(cells, fUnitCost)
	l.UnitCost, good = d.amount(row, fUnitCost, uc)
	check(good)
	a := d.cell(cells, fAmount)
	l.Amount, good = d.amount(row, fAmount, a)
	check(good)
	l.GenderMarker, good = d.marker(row, fGenderMarker, d.cell(cells, fGenderMarker))
	check(good)

	if ok {
		haveQ, haveUC := len(q) > 0, len(uc) > 0
		switch {
		case haveQ && haveUC:
			prod := l.Quantity * float64(l.UnitCost)
			if prod >= math.MaxInt64 {
				d.fail(row, fUnitCost, uc, mTooLarge)
				ok = false
				break
			}
			if len(a) == 0 {
				l.Amount = int64(math.Round(prod))
				break
			}
			// An amount written in a coarse unit (toman, million rial) can
			// only be exact to half of that unit.
			tol := 1.0
			if e := d.exp[fAmount]; e > 0 {
				tol = math.Max(tol, math.Pow10(e)/2)
			}
			if math.Abs(prod-float64(l.Amount)) > tol {
				d.fail(row, fAmount, a, mLineMismatch, groupDigits(l.Amount), groupDigits(int64(math.Round(prod))))
				ok = false
			}
		case len(a) == 0:
			if d.idx[fAmount] >= 0 || (d.idx[fQuantity] >= 0 && d.idx[fUnitCost] >= 0) {
				d.fail(row, fAmount, nil, mNoAmount) // else reported on the header
			}
			ok = false
		}
	}

	if ok && l.ProjectID != "" {
		if d.lineNo == nil {
			d.lineNo = make(map[string]int)
		}
		if v := d.cell(cells, fLineNo); len(v) > 0 {
			n, m := parseInt(string(v))
			if m == 0 && n < 1 {
				m = mNegative
			}
			if m != 0 {
				d.fail(row, fLineNo, v, m)
				ok = false
			} else {
				l.LineNo = int(n)
				key := l.ProjectID + "\x00" + strconv.Itoa(l.LineNo)
				if first, dup := d.lineNo[key]; dup {
					d.fail(row, fLineNo, v, mDuplicateLine, string(v), l.ProjectID, first)
					ok = false
				}
				d.lineNo[key] = row
			}
		} else {
			d.lineNo[l.ProjectID]++
			l.LineNo = d.lineNo[l.ProjectID]
		}
	}
	if ok && !d.failed() {
		d.batch.BudgetLines = append(d.batch.BudgetLines, l)
	}
}

// groupDigits writes n with thousands separators.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

func (d *decoder) participant(row int, cells [][]byte) {
	ok := true
	check := func(b bool) { ok = ok && b }
	p := pbequity.Participant{}
	var good bool
	p.CycleID, good = d.cycle(row, cells)
	check(good)
	if v, has := d.required(row, cells, fParticipantID); has {
		p.ID, good = d.personID(row, v)
		check(good && d.firstSeen(row, fParticipantID, p.ID))
	} else {
		ok = false
	}
	p.Gender, good = d.gender(row, fGender, d.cell(cells, fGender))
	check(good)
	if v := d.cell(cells, fAge); len(v) > 0 {
		n, ascii := asciiUint(v)
		var m msgID
		if !ascii {
			n, m = parseInt(string(v))
		}
		if m != 0 || n < 0 || n > 120 {
			d.fail(row, fAge, v, mBadAge)
			ok = false
		}
		p.Age = int(n)
	}
	if v := d.cell(cells, fAgeBand); len(v) > 0 {
		band, good := parseAgeBand(string(v))
		if !good {
			d.fail(row, fAgeBand, v, mBadAgeBand)
			ok = false
		} else if p.Age > 0 && pbequity.AgeBand(p.Age) != band {
			d.fail(row, fAge, d.cell(cells, fAge), mAgeMismatch, strconv.Itoa(p.Age), band)
			ok = false
		}
		p.AgeBand = band
	} else {
		p.AgeBand = pbequity.AgeBand(p.Age)
	}
	if v := d.cell(cells, fArea); len(v) > 0 {
		p.Area, good = d.intern(row, fArea, v)
		check(good)
	}
	if v := d.cell(cells, fChannel); len(v) > 0 {
		p.Channel, good = d.channel(row, v)
		check(good)
	}
	p.Extra, good = d.extraOf(row, cells)
	check(good)
	if ok && !d.failed() {
		d.batch.Participants = append(d.batch.Participants, p)
	}
}

// channel folds a channel as written to its usual name, remembering the
// spellings met so far (a file uses a handful).
func (d *decoder) channel(row int, v []byte) (string, bool) {
	if c, ok := d.chans[string(v)]; ok {
		return c, true
	}
	c, known := channels[normKey(string(v))]
	if !known {
		var good bool
		if c, good = d.intern(row, fChannel, v); !good {
			return "", false
		}
	}
	if d.chans == nil {
		d.chans = map[string]string{}
	}
	if len(d.chans) < 1<<10 {
		d.chans[string(v)] = c
	}
	return c, true
}

// channels folds the usual spellings of participation channels; other
// values are kept as written.
var channels = normMap(map[string]string{
	"online": "online", "internet": "online", "web": "online", "app": "online", "آنلاین": "online",
	"انلاین": "online", "اینترنتی": "online", "برخط": "online", "سامانه": "online",
	"inperson": "in_person", "offline": "in_person", "حضوری": "in_person", "صندوق": "in_person",
	"sms": "sms", "پیامک": "sms", "پیامکی": "sms",
	"paper": "paper", "کاغذی": "paper", "برگه": "paper",
})

func (d *decoder) participation(row int, cells [][]byte) {
	ok := true
	check := func(b bool) { ok = ok && b }
	p := pbequity.Participation{}
	var good bool
	p.CycleID, good = d.cycle(row, cells)
	check(good)
	if v, has := d.required(row, cells, fParticipantID); has {
		p.ParticipantID, good = d.personID(row, v)
		check(good)
	} else {
		ok = false
	}
	if v, has := d.required(row, cells, fStage); has {
		st, good := parseStage(string(v))
		if !good {
			d.fail(row, fStage, v, mBadStage)
		}
		p.Stage = st
		check(good)
	} else {
		ok = false
	}
	if v := d.cell(cells, fProjectID); len(v) > 0 {
		p.ProjectID, good = d.intern(row, fProjectID, v)
		check(good && d.projectRef(row, fProjectID, p.ProjectID))
	}
	if v := d.cell(cells, fDate); len(v) > 0 {
		t, good := parseDate(string(v))
		if !good && d.xlsx {
			t, good = excelDate(string(v))
		}
		if !good {
			d.fail(row, fDate, v, mBadDate)
			ok = false
		}
		p.Date = t
	}
	if ok && !d.failed() {
		d.batch.Participation = append(d.batch.Participation, p)
	}
}

// vote is the hot path: a votes file may have millions of rows. Repeated
// project ids are interned, a ballot's participant id is converted once,
// and a row allocates nothing in the common case.
func (d *decoder) vote(row int, cells [][]byte) {
	ok := true
	v := pbequity.Vote{CycleID: d.opt.CycleID}
	if d.idx[fCycleID] >= 0 {
		var good bool
		v.CycleID, good = d.cycle(row, cells)
		ok = good
	}
	pid := d.cell(cells, fParticipantID)
	switch {
	case len(pid) == 0:
		d.fail(row, fParticipantID, nil, mRequired)
		ok = false
	case d.lastPID != nil && bytes.Equal(pid, d.lastPID):
		v.ParticipantID = d.lastPIDOut
	default:
		id, good := d.personID(row, pid)
		if !good {
			ok = false
			break
		}
		d.lastPID = append(d.lastPID[:0], pid...)
		d.lastPIDOut = id
		d.ballot = d.ballot[:0]
		v.ParticipantID = id
	}
	if p := d.cell(cells, fProjectID); len(p) == 0 {
		d.fail(row, fProjectID, nil, mRequired)
		ok = false
	} else if known, hit := d.known[string(p)]; hit {
		v.ProjectID = known // one lookup for the usual vote, of a project known already
	} else if s, good := d.intern(row, fProjectID, p); !good || !d.projectRef(row, fProjectID, s) {
		ok = false
	} else {
		v.ProjectID = s
		if (d.opt.KnownProjects == nil || d.refs[s]) && len(d.known) < 1<<16 {
			d.known[s] = s
		}
	}
	if b := d.cell(cells, fPoints); len(b) > 0 {
		n, good := d.count(row, fPoints, b)
		v.Points = n
		ok = ok && good
	}
	if b := d.cell(cells, fRank); len(b) > 0 {
		n, good := asciiUint(b)
		if !good {
			var m msgID
			n, m = parseInt(string(b))
			good = m == 0
		}
		if !good || n < 1 || n > math.MaxInt32 {
			d.fail(row, fRank, b, mBadRank)
			ok = false
		}
		v.Rank = int(n)
	}
	if v.ParticipantID != "" && v.ProjectID != "" && v.ParticipantID == d.lastPIDOut {
		for _, b := range d.ballot {
			if b.project == v.ProjectID {
				d.fail(row, fProjectID, []byte(v.ProjectID), mDuplicateVote, v.ParticipantID, v.ProjectID, b.row)
				ok = false
				break
			}
		}
		if len(d.ballot) < 1024 {
			d.ballot = append(d.ballot, ballotVote{v.ProjectID, row})
		}
	}
	if ok && !d.failed() {
		d.batch.Votes = append(d.batch.Votes, v)
	}
}

func (d *decoder) population(row int, cells [][]byte) {
	ok := true
	check := func(b bool) { ok = ok && b }
	p := pbequity.PopulationCount{}
	var good bool
	p.CycleID, good = d.cycle(row, cells)
	check(good)
	if v, has := d.required(row, cells, fArea); has {
		p.Area, good = d.intern(row, fArea, v)
		check(good)
	} else {
		ok = false
	}
	p.Gender, good = d.gender(row, fGender, d.cell(cells, fGender))
	check(good)
	if v := d.cell(cells, fAgeBand); len(v) > 0 {
		p.AgeBand, good = parseAgeBand(string(v))
		if !good {
			d.fail(row, fAgeBand, v, mBadAgeBand)
		}
		check(good)
	}
	if v, has := d.required(row, cells, fCount); has {
		p.Count, good = d.count(row, fCount, v)
		check(good)
	} else {
		ok = false
	}
	if ok {
		if d.cells == nil {
			d.cells = make(map[[3]string]int)
		}
		key := [3]string{p.Area, string(p.Gender), p.AgeBand}
		if first, dup := d.cells[key]; dup {
			d.failf(row, "", "", mDuplicateCell, p.Area, string(p.Gender), p.AgeBand, first)
			ok = false
		} else {
			d.cells[key] = row
		}
	}
	if ok && !d.failed() {
		d.batch.Population = append(d.batch.Population, p)
	}
}
