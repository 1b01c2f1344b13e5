package queries

import (
	"context"
	"fmt"

	"github.com/pbequity/pbequity"
)

// VoteData returns a cycle's projects, vote rows and participants.
func (d *DB) VoteData(ctx context.Context, cycleID string) (*pbequity.VoteData, error) {
	c, err := d.Cycle(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	vd := &pbequity.VoteData{Cycle: c.Cycle}
	if vd.Projects, err = d.Projects(ctx, cycleID); err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, statement("votes"), cycleID)
	if err != nil {
		return nil, fmt.Errorf("votes: %w", translate(err))
	}
	defer rows.Close()
	// Intern ids: ballots repeat participant ids, projects are few.
	intern := map[string]string{}
	str := func(s string) string {
		if v, ok := intern[s]; ok {
			return v
		}
		intern[s] = s
		return s
	}
	for rows.Next() {
		var v pbequity.Vote
		var rank int64
		if err := rows.Scan(&v.ParticipantID, &v.ProjectID, &v.Points, &rank); err != nil {
			return nil, fmt.Errorf("votes: %w", translate(err))
		}
		v.CycleID, v.ProjectID, v.Rank = cycleID, str(v.ProjectID), int(rank)
		vd.Votes = append(vd.Votes, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("votes: %w", translate(err))
	}
	prows, err := d.db.QueryContext(ctx, statement("participants"), cycleID)
	if err != nil {
		return nil, fmt.Errorf("participants: %w", translate(err))
	}
	defer prows.Close()
	for prows.Next() {
		p := pbequity.Participant{CycleID: cycleID}
		var gender string
		var age int64
		if err := prows.Scan(&p.ID, &gender, &age, &p.AgeBand, &p.Area, &p.Channel); err != nil {
			return nil, fmt.Errorf("participants: %w", translate(err))
		}
		p.Gender, p.Age, p.AgeBand, p.Area = pbequity.Gender(gender), int(age), str(p.AgeBand), str(p.Area)
		vd.Participants = append(vd.Participants, p)
	}
	return vd, prows.Err()
}
