package ingest

import (
	"hash/maphash"
	"slices"
)

// idSet remembers the ids of a file and the row each first appeared on, to
// find duplicates among millions of ids cheaply.
//
// Files are often sorted by id (exports of a database, numbered forms):
// while every id sorts after the one before it — in byte order, or by
// length and then bytes as numbers do — no id can repeat an earlier one,
// and add only stores it. At the first id out of order the ids so far are
// indexed, and from then on every id is looked up. The ids' bytes live in
// one arena, their ends and rows in a slice beside it, and the index is an
// open-addressing table of slots that hold half of the id's hash beside its
// entry: a new id costs one probe into a flat array, where a map of strings
// (or of hashes) costs several cache misses. A matching hash is confirmed
// against the stored bytes, so distinct ids never collide.
type idSet struct {
	seed   maphash.Seed
	hash   func(string) uint64 // nil: maphash with seed (tests force collisions)
	arena  []byte
	ents   []idEntry
	hashes []uint64 // of each entry, once indexed
	slots  []uint64 // the hash's top half << 32 | entry index + 1; 0 is empty; len is a power of two
	// bytewise and numeric tell whether the ids so far rose strictly in
	// byte order and in (length, bytes) order; indexed, when neither holds.
	bytewise, numeric, indexed bool
}

type idEntry struct {
	end int32 // of the id's bytes in the arena; they start at the end of the entry before
	row int32
}

// id returns the bytes of entry k.
func (s *idSet) id(k int) string {
	start := int32(0)
	if k > 0 {
		start = s.ents[k-1].end
	}
	return string(s.arena[start:s.ents[k].end])
}

// add records id at row; when id was seen before it returns the first row
// and true.
func (s *idSet) add(id string, row int) (int, bool) {
	if !s.indexed {
		if len(s.ents) == 0 {
			s.bytewise, s.numeric = true, true
		} else {
			prev := s.id(len(s.ents) - 1)
			s.bytewise = s.bytewise && id > prev
			s.numeric = s.numeric && (len(id) > len(prev) || len(id) == len(prev) && id > prev)
		}
		if s.bytewise || s.numeric {
			s.store(id, row)
			return 0, false
		}
		s.index()
	}
	h := s.hashOf(id)
	mask, tag := uint64(len(s.slots)-1), h&^0xffffffff
	i := h & mask
	for {
		e := s.slots[i]
		if e == 0 {
			break
		}
		if k := int(uint32(e)) - 1; e&^0xffffffff == tag && s.hashes[k] == h && s.id(k) == id {
			return int(s.ents[k].row), true
		}
		i = (i + 1) & mask
	}
	s.store(id, row)
	s.hashes = append(s.hashes, h)
	s.slots[i] = tag | uint64(len(s.ents))
	if 2*len(s.ents) > len(s.slots) {
		s.resize(2 * len(s.slots))
	}
	return 0, false
}

// store appends an entry. The slices double when full, where append grows
// a large slice by a quarter: over millions of ids that copies each entry
// about five times instead of twice.
func (s *idSet) store(id string, row int) {
	if len(s.ents) == cap(s.ents) {
		s.ents = slices.Grow(s.ents, len(s.ents)+1024)
	}
	if len(s.arena)+len(id) > cap(s.arena) {
		s.arena = slices.Grow(s.arena, len(s.arena)+len(id)+16<<10)
	}
	s.arena = append(s.arena, id...)
	s.ents = append(s.ents, idEntry{end: int32(len(s.arena)), row: int32(row)})
}

func (s *idSet) hashOf(id string) uint64 {
	if s.hash != nil {
		return s.hash(id)
	}
	return maphash.String(s.seed, id)
}

// index hashes the ids stored so far into a table.
func (s *idSet) index() {
	s.indexed = true
	s.seed = maphash.MakeSeed()
	s.hashes = make([]uint64, len(s.ents), 2*len(s.ents)+1024)
	for k := range s.ents {
		s.hashes[k] = s.hashOf(s.id(k))
	}
	n := 4096
	for n < 2*len(s.ents)+2 {
		n *= 2
	}
	s.resize(n)
}

// resize rebuilds the table with n slots.
func (s *idSet) resize(n int) {
	slots := make([]uint64, n)
	mask := uint64(n - 1)
	for k, h := range s.hashes {
		i := h & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = h&^0xffffffff | uint64(k+1)
	}
	s.slots = slots
}
