package analytics

import (
	"testing"
)

func TestAreaRepresentation(t *testing.T) {
	ind, err := Compute(handAggregates(), Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]AreaRepresentation{}
	var order []string
	for _, r := range ind.Representation.Areas {
		rows[r.ID] = r
		order = append(order, r.ID)
	}
	if got, want := len(order), 5; got != want || order[0] != "d1" || order[2] != "n1" {
		t.Fatalf("area rows %v, want d1 d2 n1 n2 n3", order)
	}
	// District level: 100 voters placed, 1700 adult residents.
	// d1: F 38 of F 810 → (38/100)/(810/1700); M 0 of 490 → 0; GPI undefined (no men).
	d1 := rows["d1"]
	check(t, "d1 voters F", d1.VotersF, 38)
	check(t, "d1 population F", d1.PopulationF, 810)
	check(t, "d1 RR F", d1.RatioF, 0.38/(810.0/1700))
	check(t, "d1 RR M", d1.RatioM, 0)
	checkReason(t, "d1 GPI", d1.GPI, ReasonNoMen)
	d2 := rows["d2"]
	checkReason(t, "d2 RR F (no women residents)", d2.RatioF, ReasonNoPopulation)
	check(t, "d2 RR M", d2.RatioM, 0.62/(400.0/1700))
	n1 := rows["n1"]
	if n1.Level != "neighbourhood" || n1.Parent != "d1" {
		t.Errorf("n1 level %q parent %q, want neighbourhood d1", n1.Level, n1.Parent)
	}
	check(t, "n1 RR F", n1.RatioF, 0.20/(510.0/1700))

	t.Run("suppression", func(t *testing.T) {
		a := handAggregates()
		a.Voters[2].N = 3 // n2 F: 3 < 5
		ind, err := Compute(a, Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]AreaRepresentation{}
		for _, r := range ind.Representation.Areas {
			rows[r.ID] = r
		}
		checkSuppressed(t, "n2 voters F", rows["n2"].VotersF)
		checkSuppressed(t, "n2 RR F", rows["n2"].RatioF)
		// n1 is the only other shown women's count among neighbourhoods:
		// the column total would reveal n2.
		checkSuppressed(t, "n1 voters F (secondary)", rows["n1"].VotersF)
		if r := rows["n1"].VotersF.Reason; r != ReasonSecondary {
			t.Errorf("n1 voters F reason = %q, want %q", r, ReasonSecondary)
		}
		check(t, "d1 voters F", rows["d1"].VotersF, 23)
		check(t, "n3 voters M", rows["n3"].VotersM, 62)
	})
}

func TestFlows(t *testing.T) {
	ind, err := Compute(handAggregates(), Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []Flow{{"social", "d1", 100, 1}, {"social", "d2", 300, 1}}
	got := ind.Allocation.Flows
	if len(got) != len(want) {
		t.Fatalf("Flows = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Flows[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}
