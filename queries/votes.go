package queries

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/pbequity/pbequity"
)

// Ballots returns a cycle's projects and its ballots. DuckDB groups the
// vote rows by voter and packs each ballot into a short string.
func (d *DB) Ballots(ctx context.Context, cycleID string) (*pbequity.Ballots, error) {
	c, err := d.CycleInfo(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	b := &pbequity.Ballots{Cycle: *c}
	if b.Projects, err = d.Projects(ctx, cycleID); err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, statement("ballots"), cycleID)
	if err != nil {
		return nil, fmt.Errorf("ballots: %w", translate(err))
	}
	defer rows.Close()
	var flatP []int32
	var flatQ []int64
	var voter, ballot string
	for rows.Next() {
		if err := rows.Scan(&voter, &ballot); err != nil {
			return nil, fmt.Errorf("ballots: %w", translate(err))
		}
		start := len(flatP)
		for len(ballot) > 0 {
			var item string
			item, ballot, _ = strings.Cut(ballot, ",")
			js, ps, _ := strings.Cut(item, ":")
			j, err1 := strconv.ParseInt(js, 10, 32)
			pt, err2 := strconv.ParseInt(ps, 10, 64)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("ballots: bad item %q", item)
			}
			flatP = append(flatP, int32(j))
			flatQ = append(flatQ, pt)
		}
		b.Voters = append(b.Voters, voter)
		// Slices are cut after the loop: flatP may still move while growing.
		b.Ballot = append(b.Ballot, []int32{int32(start), int32(len(flatP))})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ballots: %w", translate(err))
	}
	b.Points = make([][]int64, len(b.Ballot))
	for i, r := range b.Ballot {
		lo, hi := r[0], r[1]
		b.Ballot[i] = flatP[lo:hi:hi]
		b.Points[i] = flatQ[lo:hi:hi]
	}
	return b, nil
}

// Participants returns the participants of a cycle with their demographics.
func (d *DB) Participants(ctx context.Context, cycleID string) ([]pbequity.Participant, error) {
	rows, err := d.db.QueryContext(ctx, statement("participants"), cycleID)
	if err != nil {
		return nil, fmt.Errorf("participants: %w", translate(err))
	}
	defer rows.Close()
	intern := map[string]string{}
	str := func(s string) string {
		if v, ok := intern[s]; ok {
			return v
		}
		intern[s] = s
		return s
	}
	var out []pbequity.Participant
	for rows.Next() {
		p := pbequity.Participant{CycleID: cycleID}
		var gender string
		var age int64
		if err := rows.Scan(&p.ID, &gender, &age, &p.AgeBand, &p.Area, &p.Channel); err != nil {
			return nil, fmt.Errorf("participants: %w", translate(err))
		}
		p.Gender, p.Age, p.AgeBand, p.Area, p.Channel = pbequity.Gender(str(gender)), int(age), str(p.AgeBand), str(p.Area), str(p.Channel)
		out = append(out, p)
	}
	return out, rows.Err()
}
