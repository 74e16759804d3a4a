package search

import (
	"container/heap"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/kb-handbook/kb/internal/parallel"
)

// facetRecord holds the facet values of one document as positions in Meta
// (the chapter and level, -1 for none, and a bit per role) and its
// position in the book.
type facetRecord struct {
	chapter, level int16
	present        bool
	roles          uint64
	order          int
}

// loadFacets reads the chapter, roles, level and book position of every
// document of a shard once, by document number, so that filtering,
// counting and ordering hits is a slice lookup rather than a doc-values read.
func (ix *Index) loadFacets(sh *shard) error {
	all, err := sh.reader.DocIDReaderAll()
	if err != nil {
		return err
	}
	defer all.Close()
	dv, err := sh.reader.DocValueReader([]string{fieldChapter, fieldRoles, fieldLevel})
	if err != nil {
		return err
	}
	count, err := sh.reader.DocCount()
	if err != nil {
		return err
	}
	sh.facets = make([]facetRecord, count)
	position := func(list []Facet, id string) int {
		return slices.IndexFunc(list, func(f Facet) bool { return f.ID == id })
	}
	for {
		id, err := all.Next()
		if err != nil {
			return err
		}
		if id == nil {
			sh.indexFacets(ix.meta)
			return nil
		}
		rec := facetRecord{chapter: -1, level: -1, present: true}
		ext, err := sh.reader.ExternalID(id)
		if err != nil {
			return err
		}
		if rec.order, err = strconv.Atoi(ext); err != nil {
			return fmt.Errorf("document %q: the index was made by an older kb; build the site again", ext)
		}
		err = dv.VisitDocValues(id, func(field string, term []byte) {
			switch field {
			case fieldChapter:
				rec.chapter = int16(position(ix.meta.Chapters, string(term)))
			case fieldLevel:
				rec.level = int16(position(ix.meta.Levels, string(term)))
			case fieldRoles:
				if i := position(ix.meta.Roles, string(term)); i >= 0 && i < 64 {
					rec.roles |= 1 << i
				}
			}
		})
		if err != nil {
			return err
		}
		n := id.Value()
		if n >= count {
			// The builder numbers a shard's documents from 0 without gaps.
			return fmt.Errorf("document number %d of %d: the index is damaged; build the site again", n, count)
		}
		sh.facets[n] = rec
		ix.docs++
	}
}

// indexFacets builds the sets of documents present and of those with each
// facet value, which filters intersect.
func (sh *shard) indexFacets(m Meta) {
	n := len(sh.facets)
	sets := func(k int) []bitset {
		out := make([]bitset, k)
		for i := range out {
			out[i] = newBitset(n)
		}
		return out
	}
	sh.present = newBitset(n)
	sh.byRole, sh.byChapter, sh.byLevel = sets(len(m.Roles)), sets(len(m.Chapters)), sets(len(m.Levels))
	for d, rec := range sh.facets {
		if !rec.present {
			continue
		}
		sh.present.add(uint64(d))
		if rec.chapter >= 0 {
			sh.byChapter[rec.chapter].add(uint64(d))
		}
		if rec.level >= 0 {
			sh.byLevel[rec.level].add(uint64(d))
		}
		for i := range sh.byRole {
			if rec.roles&(1<<i) != 0 {
				sh.byRole[i].add(uint64(d))
			}
		}
	}
}

// tally counts hits per facet value, by position in Meta.
type tally struct {
	chapters, roles, levels []int
}

func (ix *Index) newTally() tally {
	return tally{make([]int, len(ix.meta.Chapters)), make([]int, len(ix.meta.Roles)), make([]int, len(ix.meta.Levels))}
}

func (t tally) add(rec facetRecord) {
	if rec.chapter >= 0 {
		t.chapters[rec.chapter]++
	}
	if rec.level >= 0 {
		t.levels[rec.level]++
	}
	for i := range t.roles {
		if rec.roles&(1<<i) != 0 {
			t.roles[i]++
		}
	}
}

// facets lists the counted values with their labels, in Meta's order.
func (t tally) facets(m Meta) Facets {
	list := func(known []Facet, counts []int) []FacetCount {
		out := []FacetCount{}
		for i, f := range known {
			if counts[i] > 0 {
				out = append(out, FacetCount{ID: f.ID, Label: f.Label, Count: counts[i]})
			}
		}
		return out
	}
	return Facets{list(m.Chapters, t.chapters), list(m.Roles, t.roles), list(m.Levels, t.levels)}
}

// scored is a matching document: its score and its position in the book,
// which breaks ties and is its ID in the index.
type scored struct {
	score float64
	order int
	shard int
	num   uint64 // document number in the shard
}

// topHeap keeps the best n hits found so far, worst first.
type topHeap []scored

func (h topHeap) Len() int           { return len(h) }
func (h topHeap) Less(i, j int) bool { return worse(h[i], h[j]) }
func (h topHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *topHeap) Push(x any)        { *h = append(*h, x.(scored)) }
func (h *topHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func worse(a, b scored) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.order > b.order
}

// collect runs q over every shard side by side, then scores the matches
// with statistics of the whole index, counts them and their facet values,
// and keeps the best n, best first. It stops when ctx ends.
//
// A word's score in a field is boost × idf × √tf × norm, as in Lucene's
// classic similarity: tf counts the word as a phrase, norm is 1/√(field
// length), and idf = 1 + ln(N / (df + 1)) counts the sections holding the
// word's rarest term across all shards. A word found in one field of the two
// counts half (the coordination factor of bleve's disjunctions): a
// section whose title and text both have it is about it.
func (ix *Index) collect(ctx context.Context, q compiled, n int) ([]scored, uint64, tally, error) {
	t := ix.newTally()
	if q.none {
		return nil, 0, t, nil
	}
	if err := ix.pickRarest(ctx, q.words); err != nil {
		return nil, 0, t, err
	}
	answers := make([]shardAnswer, len(ix.shards))
	err := parallel.Do(len(ix.shards), func(k int) (err error) {
		answers[k], err = ix.shards[k].run(ctx, q)
		return err
	})
	if err != nil {
		return nil, 0, t, err
	}
	var weights [][nText]float64
	for _, w := range q.words {
		if !w.exclude {
			weights = append(weights, fieldBoosts)
		}
	}
	for wi := range weights {
		for f := range weights[wi] {
			df := 0
			for _, a := range answers {
				df += a.df[wi][f]
			}
			weights[wi][f] *= 1 + math.Log(float64(ix.docs)/float64(df+1))
		}
	}
	top := make(topHeap, 0, n)
	var total uint64
	for k, a := range answers {
		facets := ix.shards[k].facets
		for di, d := range a.docs {
			total++
			rec := facets[d]
			t.add(rec)
			cand := scored{order: rec.order, shard: k, num: d}
			if q.ranked {
				for wi, st := range a.stats[di*len(weights) : (di+1)*len(weights)] {
					word, fields := 0.0, 0
					for f, fs := range st {
						if fs.tf > 0 {
							word += weights[wi][f] * math.Sqrt(float64(fs.tf)) * float64(fs.norm)
							fields++
						}
					}
					cand.score += word * float64(fields) / float64(len(st))
				}
			}
			switch {
			case len(top) < n:
				heap.Push(&top, cand)
			case worse(top[0], cand):
				top[0] = cand
				heap.Fix(&top, 0)
			}
		}
	}
	best := make([]scored, len(top))
	for i := len(top) - 1; i >= 0; i-- {
		best[i] = heap.Pop(&top).(scored)
	}
	return best, total, t, nil
}

// pickRarest chooses, for each word and text field, the position whose
// terms are in the fewest documents of the whole index, so that every
// shard reads the same one and the statistics add up across shards.
func (ix *Index) pickRarest(ctx context.Context, words []wordPlan) error {
	for wi := range words {
		for pi := range words[wi].phrases {
			if err := ix.pickRarestOf(ctx, &words[wi].phrases[pi]); err != nil {
				return err
			}
		}
	}
	return nil
}

// pickRarestOf chooses the rarest position of one phrase.
func (ix *Index) pickRarestOf(ctx context.Context, w *phrasePlan) error {
	if len(w.positions) == 1 {
		return nil // the only choice; a lone character may stand for many terms
	}
	for f, field := range textFields {
		w.rarest[f] = -1
		var least uint64
		for i, alts := range w.positions {
			if len(alts) == 1 && alts[0] == "" {
				continue
			}
			var n uint64
			for _, sh := range ix.shards {
				for _, term := range alts {
					c, err := sh.termCount(ctx, term, field)
					if err != nil {
						return err
					}
					n += c
				}
			}
			if w.rarest[f] < 0 || n < least {
				w.rarest[f], least = i, n
			}
		}
	}
	return nil
}
