package ingest

import "hash/maphash"

// idSet remembers the ids of a file and the row each first appeared on. A
// file may hold millions of ids, so instead of a map keyed by strings it
// keeps the ids' bytes in one arena and maps a 64-bit hash to their place:
// hashing and comparing 8 bytes is much cheaper than a string key, and a
// hash that matches is confirmed against the stored bytes, so distinct ids
// never collide.
type idSet struct {
	seed  maphash.Seed
	arena []byte
	index map[uint64]int32 // hash → first entry of that hash
	ents  []idEntry
}

type idEntry struct {
	off, n int32 // the id's bytes in the arena
	row    int32
	next   int32 // next entry with the same hash, or -1
}

// add records id at row; when id was seen before it returns the first row
// and true.
func (s *idSet) add(id string, row int) (int, bool) {
	if s.index == nil {
		s.seed = maphash.MakeSeed()
		s.index = make(map[uint64]int32, 1024)
	}
	h := maphash.String(s.seed, id)
	first, ok := s.index[h]
	if ok {
		for e := first; e >= 0; e = s.ents[e].next {
			en := s.ents[e]
			if string(s.arena[en.off:en.off+en.n]) == id {
				return int(en.row), true
			}
		}
	}
	next := int32(-1)
	if ok {
		next = first
	}
	s.ents = append(s.ents, idEntry{off: int32(len(s.arena)), n: int32(len(id)), row: int32(row), next: next})
	s.arena = append(s.arena, id...)
	s.index[h] = int32(len(s.ents) - 1)
	return 0, false
}
