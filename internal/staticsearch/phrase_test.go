package staticsearch

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/kb-handbook/kb/internal/search"
)

// randomPostings returns a term's postings in one field: sections drawn
// from 0 to docs with long gaps now and then, so that cursors gallop, and
// a few positions below 12 in each.
func randomPostings(rng *rand.Rand, docs int) *[search.TextFields]search.Postings {
	var p search.Postings
	for d := 0; d < docs; d += 1 + rng.IntN(3) + rng.IntN(2)*rng.IntN(40) {
		p.Docs = append(p.Docs, int32(d))
		p.Start = append(p.Start, int32(len(p.Pos)))
		var pos []int32
		for range 1 + rng.IntN(4) {
			pos = append(pos, int32(rng.IntN(12)))
		}
		slices.Sort(pos)
		p.Pos = append(p.Pos, slices.Compact(pos)...)
	}
	p.Start = append(p.Start, int32(len(p.Pos)))
	return &[search.TextFields]search.Postings{p}
}

// bruteCount counts the places of a phrase in doc by looking up every
// slot's terms at every start: what phraseCount and singlePhraseCount
// count, each start once for each term of the first slot found there.
func bruteCount(slots []slot, doc int32) int {
	positions := func(p *[search.TextFields]search.Postings) []int32 {
		i, ok := slices.BinarySearch(p[0].Docs, doc)
		if !ok {
			return nil
		}
		return p[0].Positions(i)
	}
	n := 0
	for _, first := range slots[0].terms {
		for _, pos := range positions(first) {
			start := pos - int32(slots[0].offset)
			if start < 0 {
				continue
			}
			all := true
			for _, s := range slots[1:] {
				any := false
				for _, term := range s.terms {
					_, ok := slices.BinarySearch(positions(term), start+int32(s.offset))
					any = any || ok
				}
				all = all && any
			}
			if all {
				n++
			}
		}
	}
	return n
}

// The phrase counts of word entries equal a count by brute force, for
// slots of one term (singlePhraseCount) and of several (phraseCount), in
// sections near and far apart.
func TestPhraseCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const docs = 600
	for trial := range 40 {
		var slots []slot
		several := trial%2 == 1
		offset := 0
		for k := range 2 + rng.IntN(3) {
			s := slot{offset: offset}
			for range 1 + btoi(several && k != 1)*rng.IntN(3) {
				s.terms = append(s.terms, randomPostings(rng, docs))
			}
			slots = append(slots, s)
			offset += 1 + rng.IntN(2)
		}
		cursors := func() []cursor {
			var cur []cursor
			for _, s := range slots {
				for _, p := range s.terms {
					cur = append(cur, cursor{p: &p[0]})
				}
			}
			return cur
		}
		single := !several || slices.IndexFunc(slots, func(s slot) bool { return len(s.terms) > 1 }) < 0
		general, one := cursors(), cursors()
		for d := range int32(docs) {
			want := bruteCount(slots, d)
			if got := phraseCount(slots, general, d); got != want {
				t.Fatalf("trial %d, section %d: phraseCount %d, want %d", trial, d, got, want)
			}
			if single {
				if got := singlePhraseCount(slots, one, d); got != want {
					t.Fatalf("trial %d, section %d: singlePhraseCount %d, want %d", trial, d, got, want)
				}
			}
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
