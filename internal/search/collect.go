package search

import (
	"container/heap"
	"context"
	"slices"
	"strconv"

	"github.com/blevesearch/bleve/v2/search"
)

// facetRecord holds the facet values of one document as positions in Meta
// (the chapter and level, -1 for none, and a bit per role) and its
// position in the book.
type facetRecord struct {
	chapter, level int16
	roles          uint64
	order          int
}

// loadFacets reads the chapter, roles, level and book position of every
// document once, so that counting and ordering hits is a map lookup rather
// than a doc-values read.
func (ix *Index) loadFacets() error {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	all, err := r.DocIDReaderAll()
	if err != nil {
		return err
	}
	defer all.Close()
	dv, err := r.DocValueReader([]string{fieldChapter, fieldRoles, fieldLevel, fieldOrder})
	if err != nil {
		return err
	}
	position := func(list []Facet, id string) int {
		return slices.IndexFunc(list, func(f Facet) bool { return f.ID == id })
	}
	for {
		id, err := all.Next()
		if err != nil {
			return err
		}
		if id == nil {
			return nil
		}
		rec := facetRecord{chapter: -1, level: -1}
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
			case fieldOrder:
				rec.order, _ = strconv.Atoi(string(term))
			}
		})
		if err != nil {
			return err
		}
		ix.facets[string(id)] = rec
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
// which breaks ties.
type scored struct {
	id    string // external ID, the section URL
	score float64
	order int
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

// collect runs q over the whole index, counting the hits and their facet
// values and keeping the best n, best first. It stops when ctx ends.
func (ix *Index) collect(ctx context.Context, q compiled, n int) ([]scored, uint64, tally, error) {
	t := ix.newTally()
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil, 0, t, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, 0, t, err
	}
	defer r.Close()
	s, err := q.Searcher(ctx, r, ix.idx.Mapping(), search.SearcherOptions{})
	if err != nil {
		return nil, 0, t, err
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	top := make(topHeap, 0, n)
	var total uint64
	for i := 0; ; i++ {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, 0, t, err
			}
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, 0, t, err
		}
		if dm == nil {
			break
		}
		total++
		rec := ix.facets[string(dm.IndexInternalID)]
		t.add(rec)
		cand := scored{order: rec.order}
		if q.ranked {
			cand.score = dm.Score
		}
		if len(top) < n || worse(top[0], cand) {
			if cand.id, err = r.ExternalID(dm.IndexInternalID); err != nil {
				return nil, 0, t, err
			}
			if len(top) < n {
				heap.Push(&top, cand)
			} else {
				top[0] = cand
				heap.Fix(&top, 0)
			}
		}
		sctx.DocumentMatchPool.Put(dm)
	}
	best := make([]scored, len(top))
	for i := len(top) - 1; i >= 0; i-- {
		best[i] = heap.Pop(&top).(scored)
	}
	return best, total, t, nil
}
