package queries

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pbequity/pbequity"
)

// Ballots returns a cycle's projects and its ballots. DuckDB groups the
// vote rows by voter; the packed result is cached in ballot_cache until rows
// of the cycle are loaded again, so later runs read one row.
func (d *DB) Ballots(ctx context.Context, cycleID string) (*pbequity.Ballots, error) {
	c, err := d.CycleInfo(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	b := &pbequity.Ballots{Cycle: *c}
	if b.Projects, err = d.Projects(ctx, cycleID); err != nil {
		return nil, err
	}
	var blob []byte
	var n int64
	err = d.db.QueryRowContext(ctx, "SELECT voters, data FROM ballot_cache WHERE cycle_id = ?", cycleID).Scan(&n, &blob)
	switch {
	case err == nil:
		if err := unpackBallots(b, blob, n); err == nil {
			return b, nil
		}
		// A cache that does not decode is rebuilt below.
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("ballots: %w", translate(err))
	}
	blob, n, err = d.packBallots(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	if err := unpackBallots(b, blob, n); err != nil {
		return nil, err
	}
	d.writeMu.Lock()
	_, err = d.db.ExecContext(ctx, "INSERT OR REPLACE INTO ballot_cache (cycle_id, voters, data) VALUES (?, ?, ?)", cycleID, n, blob)
	d.writeMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("ballots: cache: %w", translate(err))
	}
	return b, nil
}

// packBallots reads a cycle's ballots, one row per voter, and packs them:
// for each voter its id (length-prefixed), its number of items, then each
// item's project index and points, all as uvarints.
func (d *DB) packBallots(ctx context.Context, cycleID string) ([]byte, int64, error) {
	rows, err := d.db.QueryContext(ctx, statement("ballots"), cycleID)
	if err != nil {
		return nil, 0, fmt.Errorf("ballots: %w", translate(err))
	}
	defer rows.Close()
	var out []byte
	var n int64
	var voter, ballot string
	for rows.Next() {
		if err := rows.Scan(&voter, &ballot); err != nil {
			return nil, 0, fmt.Errorf("ballots: %w", translate(err))
		}
		n++
		out = binary.AppendUvarint(out, uint64(len(voter)))
		out = append(out, voter...)
		out = binary.AppendUvarint(out, uint64(strings.Count(ballot, ",")+1))
		for len(ballot) > 0 {
			var item string
			item, ballot, _ = strings.Cut(ballot, ",")
			js, ps, _ := strings.Cut(item, ":")
			j, err1 := strconv.ParseUint(js, 10, 32)
			pt, err2 := strconv.ParseUint(ps, 10, 63)
			if err1 != nil || err2 != nil {
				return nil, 0, fmt.Errorf("ballots: bad item %q", item)
			}
			out = binary.AppendUvarint(out, j)
			out = binary.AppendUvarint(out, pt)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("ballots: %w", translate(err))
	}
	return out, n, nil
}

var errPacked = errors.New("ballots: malformed packed ballots")

// unpackBallots decodes packBallots' format into b.
func unpackBallots(b *pbequity.Ballots, blob []byte, n int64) error {
	b.Voters = make([]string, 0, n)
	b.Ballot = make([][]int32, 0, n)
	b.Points = make([][]int64, 0, n)
	next := func() uint64 {
		v, k := binary.Uvarint(blob)
		if k <= 0 {
			blob = nil
			return 0
		}
		blob = blob[k:]
		return v
	}
	flatP := make([]int32, 0, len(blob)/3)
	flatQ := make([]int64, 0, len(blob)/3)
	m := uint64(len(b.Projects))
	for len(blob) > 0 {
		l := next()
		if l > uint64(len(blob)) {
			return errPacked
		}
		b.Voters = append(b.Voters, string(blob[:l]))
		blob = blob[l:]
		k := next()
		start := len(flatP)
		for i := uint64(0); i < k; i++ {
			j, pt := next(), next()
			if j >= m {
				return errPacked
			}
			flatP = append(flatP, int32(j))
			flatQ = append(flatQ, int64(pt))
		}
		b.Ballot = append(b.Ballot, []int32{int32(start), int32(len(flatP))})
	}
	if int64(len(b.Ballot)) != n {
		return errPacked
	}
	b.Points = make([][]int64, len(b.Ballot))
	for i, r := range b.Ballot {
		lo, hi := r[0], r[1]
		b.Ballot[i] = flatP[lo:hi:hi]
		b.Points[i] = flatQ[lo:hi:hi]
	}
	return nil
}

// Participants returns the participants of a cycle with their demographics.
func (d *DB) Participants(ctx context.Context, cycleID string) ([]pbequity.Participant, error) {
	return d.participants(ctx, "participants", cycleID)
}

// participants runs a statement returning the columns of participants.sql,
// and Extra as a seventh column when the statement has one (the export's),
// and scans its rows; repeated values (gender, band, area, channel, extras)
// share one string each.
func (d *DB) participants(ctx context.Context, name, cycleID string) ([]pbequity.Participant, error) {
	rows, err := d.db.QueryContext(ctx, statement(name), cycleID)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, translate(err))
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, translate(err))
	}
	withExtra := len(cols) == 7
	intern := map[string]string{}
	str := func(s string) string {
		if v, ok := intern[s]; ok {
			return v
		}
		if len(intern) < 1<<16 {
			intern[s] = s
		}
		return s
	}
	var out []pbequity.Participant
	for rows.Next() {
		p := pbequity.Participant{CycleID: cycleID}
		var gender, extra string
		var age int64
		dest := []any{&p.ID, &gender, &age, &p.AgeBand, &p.Area, &p.Channel}
		if withExtra {
			dest = append(dest, &extra)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("%s: %w", name, translate(err))
		}
		p.Gender, p.Age, p.AgeBand, p.Area, p.Channel = pbequity.Gender(str(gender)), int(age), str(p.AgeBand), str(p.Area), str(p.Channel)
		if p.Extra, err = extraMap(extra); err != nil {
			return nil, fmt.Errorf("%s: extra of %s: %w", name, p.ID, err)
		}
		for k, v := range p.Extra {
			p.Extra[k] = str(v)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, translate(err))
	}
	return out, nil
}
