package pabulib

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/pbequity/pbequity"
)

// section is the part of a .pb file being read.
type section int

const (
	secNone section = iota
	secMeta
	secProjects
	secVotes
)

// decoder holds the state of one Decode call.
type decoder struct {
	name    string
	cycleID string
	br      *bufio.Reader
	line    int    // number of the last line read
	rec     []byte // current record (may span lines when quoted)
	fields  [][]byte

	errs      []pbequity.FieldError
	truncated bool

	f        *File
	metaRow  map[string]int
	projIdx  map[string]int32
	projRow  []int
	voterRow map[string]int
	intern   map[string]string
	stamp    []int32 // per project: last ballot that listed it
	ballot   int32

	// column indices of the current table (-1 when absent)
	cols map[string]int
	hdr  []string
}

// Decode reads a Pabulib file from r. name is the file name used in error
// messages and cycleID the id given to the cycle and every row. It returns a
// *pbequity.ValidationError listing every problem (up to MaxErrors) when the
// file is invalid, and a wrapped error when r fails.
func Decode(r io.Reader, name string, cycleID string) (*File, error) {
	d := &decoder{
		name:     name,
		cycleID:  cycleID,
		br:       bufio.NewReaderSize(r, 256<<10),
		f:        &File{},
		metaRow:  map[string]int{},
		projIdx:  map[string]int32{},
		voterRow: map[string]int{},
		intern:   map[string]string{},
	}
	d.f.Cycle.ID = cycleID
	if err := d.run(); err != nil {
		return nil, err
	}
	if len(d.errs) > 0 {
		return nil, &pbequity.ValidationError{Errors: d.errs, Truncated: d.truncated}
	}
	return d.f, nil
}

// errorf records a problem at a row and column.
func (d *decoder) errorf(row int, col, value, format string, args ...any) {
	if len(d.errs) >= MaxErrors {
		d.truncated = true
		return
	}
	if len(value) > 80 {
		value = value[:80]
	}
	d.errs = append(d.errs, pbequity.FieldError{File: d.name, Row: row, Column: col, Value: value, Message: fmt.Sprintf(format, args...)})
}

// readRecord reads the next record into d.rec, joining lines while a quoted
// field is open. It returns the line number where the record starts and
// io.EOF at the end.
func (d *decoder) readRecord() (int, error) {
	d.rec = d.rec[:0]
	start := 0
	for {
		b, err := d.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			d.rec = append(d.rec, b...)
			continue
		}
		if len(b) == 0 && err != nil {
			if err == io.EOF && len(d.rec) > 0 {
				d.line++
				if start == 0 {
					start = d.line
				}
				return start, nil
			}
			return 0, err
		}
		d.line++
		if start == 0 {
			start = d.line
		}
		d.rec = append(d.rec, b...)
		if d.line == 1 {
			d.rec = bytes.TrimPrefix(d.rec, []byte("\ufeff"))
		}
		if !openQuote(d.rec) {
			d.rec = bytes.TrimRight(d.rec, "\r\n")
			return start, nil
		}
		if err != nil { // EOF inside a quoted field: return what we have
			d.rec = bytes.TrimRight(d.rec, "\r\n")
			return start, nil
		}
	}
}

// openQuote reports whether rec ends inside a quoted field.
func openQuote(rec []byte) bool {
	if bytes.IndexByte(rec, '"') < 0 {
		return false
	}
	inq, fieldStart := false, true
	for i := 0; i < len(rec); i++ {
		c := rec[i]
		switch {
		case inq:
			if c == '"' {
				if i+1 < len(rec) && rec[i+1] == '"' {
					i++
				} else {
					inq = false
				}
			}
		case c == '"' && fieldStart:
			inq = true
			fieldStart = false
		case c == ';':
			fieldStart = true
		default:
			if c != ' ' {
				fieldStart = false
			}
		}
	}
	return inq
}

// split splits d.rec into d.fields. Unquoted fields are trimmed of spaces;
// quoted fields keep their content verbatim with doubled quotes undone.
func (d *decoder) split() {
	d.fields = d.fields[:0]
	rec := d.rec
	if bytes.IndexByte(rec, '"') < 0 {
		for {
			i := bytes.IndexByte(rec, ';')
			if i < 0 {
				d.fields = append(d.fields, bytes.TrimSpace(rec))
				return
			}
			d.fields = append(d.fields, bytes.TrimSpace(rec[:i]))
			rec = rec[i+1:]
		}
	}
	// Slow path: quoted fields. Build unquoted copies in a fresh buffer so
	// the slices stay valid.
	buf := make([]byte, 0, len(rec))
	for {
		t := bytes.TrimLeft(rec, " \t")
		if len(t) > 0 && t[0] == '"' {
			startLen := len(buf)
			i := 1
			for i < len(t) {
				if t[i] == '"' {
					if i+1 < len(t) && t[i+1] == '"' {
						buf = append(buf, '"')
						i += 2
						continue
					}
					i++
					break
				}
				buf = append(buf, t[i])
				i++
			}
			// anything up to the next delimiter is kept, as Python's csv does
			j := bytes.IndexByte(t[i:], ';')
			if j < 0 {
				buf = append(buf, bytes.TrimRight(t[i:], " \t")...)
				d.fields = append(d.fields, buf[startLen:len(buf):len(buf)])
				return
			}
			buf = append(buf, bytes.TrimRight(t[i:i+j], " \t")...)
			d.fields = append(d.fields, buf[startLen:len(buf):len(buf)])
			rec = t[i+j+1:]
			continue
		}
		i := bytes.IndexByte(rec, ';')
		if i < 0 {
			d.fields = append(d.fields, bytes.TrimSpace(rec))
			return
		}
		d.fields = append(d.fields, bytes.TrimSpace(rec[:i]))
		rec = rec[i+1:]
	}
}

// internB returns a shared string equal to b.
func (d *decoder) internB(b []byte) string {
	if s, ok := d.intern[string(b)]; ok {
		return s
	}
	if len(d.intern) > 1<<16 {
		return string(b)
	}
	s := string(b)
	d.intern[s] = s
	return s
}

func (d *decoder) run() error {
	sec := secNone
	needHeader := false
	seen := map[section]int{}
	for {
		row, err := d.readRecord()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", d.name, err)
		}
		if len(bytes.TrimSpace(d.rec)) == 0 {
			continue
		}
		if s := sectionOf(d.rec); s != secNone {
			if seen[s] > 0 {
				d.errorf(row, "", string(d.rec), "section %s repeated (first at row %d)", sectionName(s), seen[s])
			}
			if s < sec {
				d.errorf(row, "", string(d.rec), "section %s after section %s", sectionName(s), sectionName(sec))
			}
			if needHeader {
				d.errorf(seen[sec], "", "", "section %s has no header row", sectionName(sec))
			}
			seen[s] = row
			if s == secVotes && sec != secProjects && seen[secProjects] == 0 {
				d.errorf(row, "", "", "section VOTES before PROJECTS")
			}
			sec = s
			needHeader = true
			continue
		}
		d.split()
		if needHeader {
			needHeader = false
			d.header(sec, row)
			continue
		}
		switch sec {
		case secNone:
			d.errorf(row, "", string(d.rec), "line outside any section (expected META, PROJECTS or VOTES)")
			return nil
		case secMeta:
			d.meta(row)
		case secProjects:
			d.project(row)
		case secVotes:
			d.vote(row)
		}
	}
	if needHeader {
		d.errorf(seen[sec], "", "", "section %s has no header row", sectionName(sec))
	}
	for _, s := range []section{secMeta, secProjects, secVotes} {
		if seen[s] == 0 {
			d.errorf(0, "", "", "missing section %s", sectionName(s))
		}
	}
	if seen[secMeta] > 0 {
		d.finishMeta()
	}
	return nil
}

func sectionOf(rec []byte) section {
	t := bytes.TrimSpace(rec)
	if len(t) < 4 || len(t) > 8 {
		return secNone
	}
	switch strings.ToUpper(string(t)) {
	case "META":
		return secMeta
	case "PROJECTS":
		return secProjects
	case "VOTES":
		return secVotes
	}
	return secNone
}

func sectionName(s section) string {
	return [...]string{"(none)", "META", "PROJECTS", "VOTES"}[s]
}

// header reads the header row of a section.
func (d *decoder) header(sec section, row int) {
	d.hdr = make([]string, len(d.fields))
	d.cols = make(map[string]int, len(d.fields))
	for i, b := range d.fields {
		h := strings.ToLower(string(b))
		d.hdr[i] = h
		if _, dup := d.cols[h]; dup {
			d.errorf(row, h, h, "duplicate column %q", h)
			continue
		}
		d.cols[h] = i
	}
	need := func(cols ...string) {
		for _, c := range cols {
			if _, ok := d.cols[c]; !ok {
				d.errorf(row, c, "", "missing required column %q", c)
			}
		}
	}
	switch sec {
	case secMeta:
		need("key", "value")
	case secProjects:
		need("project_id", "cost")
		d.f.ProjectColumns = d.hdr
	case secVotes:
		need("voter_id", "vote")
		if vt := d.f.Cycle.VoteType; vt == pbequity.VoteCumulative || vt == pbequity.VoteScoring {
			need("points")
		}
		d.f.VoteColumns = d.hdr
		d.stamp = make([]int32, len(d.f.Projects))
		d.prealloc()
	}
}

// prealloc sizes the participants and votes from META num_votes (the
// number of voters), a hint only: a wrong one costs time, never rows.
func (d *decoder) prealloc() {
	n, err := strconv.Atoi(strings.TrimSpace(d.f.Cycle.Meta["num_votes"]))
	if err != nil || n <= 0 || n > 1<<22 || len(d.f.Participants) > 0 {
		return
	}
	per := 3
	if m := d.f.Cycle.MaxLength; m > 0 && m < per {
		per = m
	}
	d.f.Participants = make([]pbequity.Participant, 0, n)
	d.f.Votes = make([]pbequity.Vote, 0, n*per)
}

// checkWidth reports a row whose number of fields differs from the header.
func (d *decoder) checkWidth(row int) bool {
	if len(d.fields) != len(d.hdr) {
		d.errorf(row, "", "", "row has %d fields, the header has %d", len(d.fields), len(d.hdr))
		return false
	}
	return true
}

func (d *decoder) meta(row int) {
	if len(d.fields) < 2 {
		d.errorf(row, "key", string(d.rec), "META line is not key;value")
		return
	}
	key := strings.ToLower(string(d.fields[0]))
	vals := make([]string, len(d.fields)-1)
	for i, f := range d.fields[1:] {
		vals[i] = string(f)
	}
	val := strings.Join(vals, ";")
	if key == "key" && val == "value" {
		return
	}
	if prev, dup := d.metaRow[key]; dup {
		d.errorf(row, key, val, "duplicate META key %q (first at row %d)", key, prev)
		return
	}
	d.metaRow[key] = row
	if d.f.Cycle.Meta == nil {
		d.f.Cycle.Meta = map[string]string{}
	}
	d.f.Cycle.Meta[key] = val
	c := &d.f.Cycle
	switch key {
	case "budget":
		v, ok, frac := parseInt(val)
		switch {
		case frac:
			d.errorf(row, key, val, "budget %s is not a whole number of currency units", val)
		case !ok || v < 0:
			d.errorf(row, key, val, "budget must be a non-negative number")
		default:
			c.Budget = v
		}
	case "vote_type":
		vt := strings.ToLower(val)
		switch vt {
		case pbequity.VoteApproval, pbequity.VoteCumulative, pbequity.VoteOrdinal, pbequity.VoteChoose1, pbequity.VoteScoring:
			c.VoteType = vt
		default:
			d.errorf(row, key, val, "unknown vote_type (want approval, cumulative, ordinal, choose-1 or scoring)")
		}
	case "rule":
		c.Rule = RuleName(val)
	case "currency":
		c.Currency = val
	case "unit":
		c.Unit = val
	case "description":
		c.Description = val
	case "min_project_score_threshold":
		d.metaInt(row, key, val, &c.MinProjectScore)
	case "max_sum_points":
		d.metaInt(row, key, val, &c.MaxSumPoints)
	case "min_length", "max_length":
		var v int64
		d.metaInt(row, key, val, &v)
		if key == "min_length" {
			c.MinLength = int(v)
		} else {
			c.MaxLength = int(v)
		}
	case "date_begin", "date_end":
		t, ok := parseDate(val)
		if !ok {
			d.errorf(row, key, val, "date is not DD.MM.YYYY or YYYY-MM-DD")
		} else if key == "date_begin" {
			c.StartDate = t
		} else {
			c.EndDate = t
		}
	}
}

func (d *decoder) metaInt(row int, key, val string, dst *int64) {
	if val == "" {
		return
	}
	v, ok, _ := parseInt(val)
	if !ok || v < 0 || v > math.MaxInt32*1024 {
		d.errorf(row, key, val, "%s must be a non-negative whole number", key)
		return
	}
	*dst = v
}

// finishMeta checks required META keys and derives the cycle's name.
func (d *decoder) finishMeta() {
	c := &d.f.Cycle
	for _, k := range []string{"budget", "vote_type"} {
		if _, ok := d.metaRow[k]; !ok {
			d.errorf(0, k, "", "META lacks required key %q", k)
		}
	}
	m := c.Meta
	switch {
	case m["description"] != "":
		c.Name = m["description"]
	default:
		c.Name = strings.TrimSpace(m["unit"] + " " + m["instance"])
	}
	if y, err := strconv.Atoi(m["instance"]); err == nil && y > 0 && y < 10000 {
		c.FiscalYear = y
	}
}

// parseInt parses a whole number, accepting "12.0"; frac reports a value
// with a fractional part.
func parseInt(s string) (v int64, ok, frac bool) {
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v, true, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1<<62 {
		return 0, false, false
	}
	if f != math.Trunc(f) {
		return 0, false, true
	}
	return int64(f), true, false
}

// parseIntB parses a decimal integer from bytes without allocating.
func parseIntB(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		if len(b) > 18 {
			v, ok, _ := parseInt(string(b))
			return v, ok
		}
		return 0, false
	}
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	var v int64
	for i, c := range b {
		if c < '0' || c > '9' {
			if c == '.' { // "12.0"
				for _, z := range b[i+1:] {
					if z != '0' {
						return 0, false
					}
				}
				if i == 0 {
					return 0, false
				}
				break
			}
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{"02.01.2006", "2006-01-02", "2.1.2006", "02/01/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (d *decoder) project(row int) {
	if !d.checkWidth(row) {
		return
	}
	p := pbequity.Project{CycleID: d.cycleID, WomenShare: -1, GenderMarker: pbequity.NotScreened}
	areaCol := "district"
	if _, ok := d.cols["neighborhood"]; ok {
		areaCol = "neighborhood"
	}
	valid := true
	for i, h := range d.hdr {
		v := string(d.fields[i])
		switch h {
		case "project_id":
			p.ID = v
			if v == "" {
				d.errorf(row, h, v, "empty project_id")
				valid = false
			} else if prev, dup := d.projIdx[v]; dup {
				d.errorf(row, h, v, "duplicate project_id %q (first at row %d)", v, d.projRow[prev])
				valid = false
			} else if strings.ContainsAny(v, ",") {
				d.errorf(row, h, v, "project_id contains a comma")
				valid = false
			}
		case "cost":
			c, ok, frac := parseInt(v)
			switch {
			case frac:
				d.errorf(row, h, v, "cost is not a whole number of currency units")
			case !ok:
				d.errorf(row, h, v, "cost is not a number")
			case c < 0:
				d.errorf(row, h, v, "cost is negative")
			}
			p.Cost = c
		case "name":
			p.Title = v
		case "description":
			p.Description = v
		case "category":
			first, _, more := strings.Cut(v, ",")
			p.Category = strings.TrimSpace(first)
			if more {
				p.Extra = setExtra(p.Extra, h, v)
			}
		case "target", "beneficiaries":
			if p.Beneficiaries == "" {
				p.Beneficiaries = v
			} else {
				p.Extra = setExtra(p.Extra, h, v)
			}
		case "selected":
			switch strings.ToLower(v) {
			case "1", "true", "yes", "1.0":
				t := true
				p.Selected = &t
			case "0", "false", "no", "0.0":
				f := false
				p.Selected = &f
			case "":
			default:
				d.errorf(row, h, v, "selected must be 0 or 1")
			}
		case areaCol:
			p.Area = v
		default:
			if v != "" {
				p.Extra = setExtra(p.Extra, h, v)
			}
		}
	}
	if valid && p.ID != "" {
		d.projIdx[p.ID] = int32(len(d.f.Projects))
		d.projRow = append(d.projRow, row)
		d.f.Projects = append(d.f.Projects, p)
	}
}

func setExtra(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}

func (d *decoder) vote(row int) {
	if !d.checkWidth(row) {
		return
	}
	d.ballot++
	var p pbequity.Participant
	p.CycleID = d.cycleID
	p.Gender = pbequity.Unknown
	areaCol := "district"
	if _, ok := d.cols["neighborhood"]; ok {
		areaCol = "neighborhood"
	}
	var voteF, pointsF []byte
	hasPoints := false
	for i, h := range d.hdr {
		b := d.fields[i]
		switch h {
		case "voter_id":
			if len(b) == 0 {
				d.errorf(row, h, "", "empty voter_id")
				return
			}
			p.ID = PseudonymID(string(b))
		case "vote":
			voteF = b
		case "points":
			pointsF, hasPoints = b, true
		case "age":
			if len(b) == 0 {
				continue
			}
			a, ok := parseIntB(b)
			if !ok || a < 0 || a > 150 {
				d.errorf(row, h, string(b), "age must be a whole number of years between 0 and 150")
				continue
			}
			p.Age = int(a)
			p.AgeBand = pbequity.AgeBand(p.Age)
		case "sex", "gender":
			p.Gender = gender(b)
		case areaCol:
			p.Area = d.internB(b)
		case "voting_method":
			p.Channel = d.internB(b)
		default:
			if len(b) > 0 {
				p.Extra = setExtra(p.Extra, h, d.internB(b))
			}
		}
	}
	if prev, dup := d.voterRow[p.ID]; dup {
		d.errorf(row, "voter_id", p.ID, "duplicate voter_id (first at row %d)", prev)
		return
	}
	d.voterRow[p.ID] = row
	d.f.Participants = append(d.f.Participants, p)

	vt := d.f.Cycle.VoteType
	usePoints := vt == pbequity.VoteCumulative || vt == pbequity.VoteScoring
	ordinal := vt == pbequity.VoteOrdinal
	n := 0
	rest := voteF
	pts := pointsF
	var sumPoints int64
	for len(voteF) > 0 {
		var id []byte
		if i := bytes.IndexByte(rest, ','); i >= 0 {
			id, rest = bytes.TrimSpace(rest[:i]), rest[i+1:]
		} else {
			id, rest = bytes.TrimSpace(rest), nil
		}
		n++
		v := pbequity.Vote{CycleID: d.cycleID, ParticipantID: p.ID}
		if hasPoints && usePoints {
			var pt []byte
			if len(pts) == 0 && pts != nil {
				pts = nil
			}
			if pts != nil {
				if i := bytes.IndexByte(pts, ','); i >= 0 {
					pt, pts = bytes.TrimSpace(pts[:i]), pts[i+1:]
				} else {
					pt, pts = bytes.TrimSpace(pts), nil
				}
				x, ok := parseIntB(pt)
				if !ok || x < 0 {
					d.errorf(row, "points", string(pt), "points must be non-negative whole numbers")
				}
				v.Points = x
				sumPoints += x
			}
		}
		if ordinal {
			v.Rank = n
		}
		idx, ok := d.projIdx[string(id)]
		switch {
		case len(id) == 0:
			d.errorf(row, "vote", string(voteF), "empty project id in the vote list")
		case !ok:
			d.errorf(row, "vote", string(id), "vote for unknown project %q", string(id))
		case d.stamp[idx] == d.ballot:
			d.errorf(row, "vote", string(id), "project %q appears twice on the ballot", string(id))
		default:
			d.stamp[idx] = d.ballot
			v.ProjectID = d.f.Projects[idx].ID
			d.f.Votes = append(d.f.Votes, v)
		}
		if rest == nil {
			break
		}
	}
	if hasPoints && usePoints {
		np := 0
		if len(pointsF) > 0 {
			np = bytes.Count(pointsF, []byte(",")) + 1
		}
		if np != n {
			d.errorf(row, "points", string(pointsF), "%d points for %d projects", np, n)
		}
		if mx := d.f.Cycle.MaxSumPoints; mx > 0 && sumPoints > mx {
			d.errorf(row, "points", string(pointsF), "ballot gives %d points, more than max_sum_points %d", sumPoints, mx)
		}
	}
	if mx := d.f.Cycle.MaxLength; mx > 0 && n > mx {
		d.errorf(row, "vote", string(voteF), "ballot lists %d projects, more than max_length %d", n, mx)
	}
}
