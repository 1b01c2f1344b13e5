package ingest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestIDSet(t *testing.T) {
	var s idSet
	for i := 0; i < 50000; i++ {
		if _, dup := s.add(fmt.Sprintf("id-%d", i), i+2); dup {
			t.Fatalf("add(id-%d) reported a duplicate", i)
		}
	}
	for _, i := range []int{0, 1, 4999, 49999} {
		first, dup := s.add(fmt.Sprintf("id-%d", i), 99999)
		if !dup || first != i+2 {
			t.Errorf("add(id-%d) again = %d, %v; want %d, true", i, first, dup, i+2)
		}
	}
	if _, dup := s.add("", 3); dup {
		t.Error("empty id reported as a duplicate the first time")
	}
	if first, dup := s.add("", 4); !dup || first != 3 {
		t.Errorf("empty id again = %d, %v", first, dup)
	}
	// Entries sharing a hash are told apart by their bytes: every id
	// hashes alike here, as in a collision.
	c := idSet{hash: func(string) uint64 { return 42 }}
	c.add("a", 2)
	if _, dup := c.add("zz", 5); dup {
		t.Error("zz reported as a duplicate of a colliding a")
	}
	if first, dup := c.add("zz", 6); !dup || first != 5 {
		t.Errorf("zz again = %d, %v; want 5, true", first, dup)
	}
	if first, dup := c.add("a", 7); !dup || first != 2 {
		t.Errorf("a again = %d, %v; want 2, true", first, dup)
	}
	// Colliding ids through several growths of the table.
	for i := range 3000 {
		if _, dup := c.add(fmt.Sprintf("c%d", i), 10+i); dup {
			t.Fatalf("c%d reported as a duplicate", i)
		}
	}
	for _, i := range []int{0, 1023, 2999} {
		if first, dup := c.add(fmt.Sprintf("c%d", i), 1); !dup || first != 10+i {
			t.Errorf("c%d again = %d, %v; want %d, true", i, first, dup, 10+i)
		}
	}
}

// TestIDSetAgainstMap checks add against a map on sequences that start
// sorted (by bytes, by number, or both) and then repeat or go back.
func TestIDSetAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		var s idSet
		first := map[string]int{}
		n := 1 + r.IntN(300)
		for row := range n {
			var id string
			switch k := r.IntN(10); {
			case row < n/2 && trial%3 == 0:
				id = strconv.Itoa(row * 7) // numeric order, not byte order
			case row < n/2 && trial%3 == 1:
				id = fmt.Sprintf("v%05d", row) // both orders
			case k < 3 && row > 0:
				id = strconv.Itoa(r.IntN(row) * 7) // often a repeat
			default:
				id = strconv.Itoa(r.IntN(1000))
			}
			got, dup := s.add(id, row)
			want, seen := first[id]
			if dup != seen || dup && got != want {
				t.Fatalf("trial %d row %d: add(%q) = %d, %v; want %d, %v", trial, row, id, got, dup, want, seen)
			}
			if !seen {
				first[id] = row
			}
		}
	}
}
