package ingest

import (
	"fmt"
	"hash/maphash"
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
	// Entries sharing a hash are told apart by their bytes: make "a" sit
	// under the hash of "zz", as a collision would.
	var c idSet
	c.add("a", 2)
	c.index[maphash.String(c.seed, "zz")] = 0
	if _, dup := c.add("zz", 5); dup {
		t.Error("zz reported as a duplicate of a colliding a")
	}
	if first, dup := c.add("zz", 6); !dup || first != 5 {
		t.Errorf("zz again = %d, %v; want 5, true", first, dup)
	}
	if first, dup := c.add("a", 7); !dup || first != 2 {
		t.Errorf("a again = %d, %v; want 2, true", first, dup)
	}
}
