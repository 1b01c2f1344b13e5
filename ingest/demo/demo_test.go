package demo

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"testing"

	"github.com/pbequity/pbequity"
)

// tally is a Sink that counts rows and hashes them.
type tally struct {
	h            hash.Hash
	cycles       map[string]pbequity.Cycle
	areas, cats  int
	pop          int64
	projects     []pbequity.Project
	lines        map[string]int64
	participants map[pbequity.Gender]int
	stages       map[pbequity.Stage]map[pbequity.Gender]int
	gender       map[string]pbequity.Gender
	votes        int
	ballots      map[string]int
	maxBallot    int
}

func newTally() *tally {
	return &tally{h: sha256.New(), cycles: map[string]pbequity.Cycle{}, lines: map[string]int64{},
		participants: map[pbequity.Gender]int{}, stages: map[pbequity.Stage]map[pbequity.Gender]int{},
		gender: map[string]pbequity.Gender{}, ballots: map[string]int{}}
}

func (t *tally) Cycle(c pbequity.Cycle) error { t.cycles[c.ID] = c; fmt.Fprintln(t.h, c); return nil }
func (t *tally) Area(a pbequity.Area) error   { t.areas++; fmt.Fprintln(t.h, a); return nil }
func (t *tally) Category(c pbequity.Category) error {
	t.cats++
	return nil
}
func (t *tally) Population(p pbequity.PopulationCount) error {
	t.pop += p.Count
	fmt.Fprintln(t.h, p)
	return nil
}
func (t *tally) Project(p pbequity.Project) error {
	t.projects = append(t.projects, p)
	fmt.Fprintln(t.h, p.ID, p.Cost, *p.Selected)
	return nil
}
func (t *tally) BudgetLine(b pbequity.BudgetLine) error {
	t.lines[b.CycleID+"/"+b.ProjectID] += b.Amount
	return nil
}
func (t *tally) Participant(p pbequity.Participant) error {
	t.participants[p.Gender]++
	t.gender[p.CycleID+p.ID] = p.Gender
	fmt.Fprintln(t.h, p)
	return nil
}
func (t *tally) Participation(e pbequity.Participation) error {
	if e.CycleID == CycleIDs[0] {
		m := t.stages[e.Stage]
		if m == nil {
			m = map[pbequity.Gender]int{}
			t.stages[e.Stage] = m
		}
		m[t.gender[e.CycleID+e.ParticipantID]]++
	}
	fmt.Fprintln(t.h, e)
	return nil
}
func (t *tally) Vote(v pbequity.Vote) error {
	t.votes++
	t.ballots[v.CycleID+v.ParticipantID]++
	if n := t.ballots[v.CycleID+v.ParticipantID]; n > t.maxBallot {
		t.maxBallot = n
	}
	fmt.Fprintln(t.h, v)
	return nil
}

func TestGenerate(t *testing.T) {
	a := newTally()
	var last [2]int
	if err := Generate(a, Options{Participants: 5000, Seed: 7, Progress: func(d, n int) { last = [2]int{d, n} }}); err != nil {
		t.Fatal(err)
	}
	if len(a.cycles) != 2 {
		t.Fatalf("cycles = %d, want 2", len(a.cycles))
	}
	if last != [2]int{8000, 8000} {
		t.Errorf("last progress = %v, want [8000 8000]", last)
	}
	hoods := 0
	for _, d := range tehran {
		hoods += len(d.neighbourhoods)
	}
	if len(tehran) != 22 || a.areas != 2*(1+22+hoods) || a.cats != 12 {
		t.Errorf("areas = %d, categories = %d", a.areas, a.cats)
	}
	n := 0
	for _, c := range a.participants {
		n += c
	}
	if n != 8000 {
		t.Errorf("participants = %d, want 8000", n)
	}
	if a.maxBallot > 5 {
		t.Errorf("longest ballot = %d, want ≤ 5", a.maxBallot)
	}
	// Funded projects fit the budget, budget tables add up to the cost.
	spent := map[string]int64{}
	for _, p := range a.projects {
		if *p.Selected {
			spent[p.CycleID] += p.Cost
		}
		if a.lines[p.CycleID+"/"+p.ID] != p.Cost {
			t.Errorf("project %s/%s: budget lines sum to %d, cost %d", p.CycleID, p.ID, a.lines[p.CycleID+"/"+p.ID], p.Cost)
		}
	}
	for id, c := range a.cycles {
		if spent[id] == 0 || spent[id] > c.Budget {
			t.Errorf("cycle %s: funded %d of budget %d", id, spent[id], c.Budget)
		}
	}
	// The gender gap narrows from problem to vote.
	share := func(s pbequity.Stage) float64 {
		m := a.stages[s]
		return float64(m[pbequity.Female]) / float64(m[pbequity.Female]+m[pbequity.Male])
	}
	if p, v := share(pbequity.StageProblem), share(pbequity.StageVote); !(p < 0.42 && v > p+0.08) {
		t.Errorf("women's share: problem %.2f, vote %.2f; want a gap that narrows", p, v)
	}
	// Deterministic for a seed, different for another.
	b := newTally()
	Generate(b, Options{Participants: 5000, Seed: 7})
	c := newTally()
	Generate(c, Options{Participants: 5000, Seed: 8})
	if fmt.Sprintf("%x", a.h.Sum(nil)) != fmt.Sprintf("%x", b.h.Sum(nil)) {
		t.Error("same seed gave different data")
	}
	if fmt.Sprintf("%x", a.h.Sum(nil)) == fmt.Sprintf("%x", c.h.Sum(nil)) {
		t.Error("different seeds gave the same data")
	}
}
