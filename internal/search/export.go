package search

import (
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// TextFields is the number of text fields (title, then body), the order
// in which exported postings and lengths are given.
const TextFields = nText

// Postings are a term's occurrences in one text field of the index: the
// documents, by position in the book, ascending; each one's length in the
// field (its number of tokens); and the term's positions in Docs[i] at
// Pos[Start[i]:Start[i+1]]. They hold no pointers but their four slices, so
// that many of them cost the garbage collector nothing to scan.
type Postings struct {
	Docs, Lengths, Start, Pos []int32
}

// Positions returns the term's positions in Docs[i], ascending.
func (p *Postings) Positions(i int) []int32 { return p.Pos[p.Start[i]:p.Start[i+1]] }

// Export is the inverted index of the text fields as the index holds it,
// for another output to write its own index from (the static search
// index), so that the two hold the same terms at the same positions.
type Export struct {
	ix    *Index
	terms []string
}

// Export lists the terms of the index's text fields for ExportTerm.
func (ix *Index) Export() (*Export, error) {
	var terms []string
	for _, sh := range ix.shards {
		for _, field := range textFields {
			dict, err := sh.reader.FieldDict(field)
			if err != nil {
				return nil, err
			}
			for {
				e, err := dict.Next()
				if err != nil {
					_ = dict.Close()
					return nil, err
				}
				if e == nil {
					break
				}
				terms = append(terms, e.Term)
			}
			if err := dict.Close(); err != nil {
				return nil, err
			}
		}
	}
	slices.Sort(terms)
	return &Export{ix: ix, terms: slices.Compact(terms)}, nil
}

// Terms lists the terms of the text fields in order.
func (e *Export) Terms() []string { return e.terms }

// Term returns the postings of term in each text field. It may be called
// concurrently.
func (e *Export) Term(term string) ([TextFields]Postings, error) {
	var out [TextFields]Postings
	for f, field := range textFields {
		// Postings as read, then put in book order: the builder numbers
		// documents in no fixed order, and shards hold every n-th one.
		type posting struct{ doc, length, from, to int32 }
		var list []posting
		var positions []int32
		for _, sh := range e.ix.shards {
			err := sh.eachPosting(term, field, func(n uint64, norm float64, locs []segment.Location) {
				from := len(positions)
				for _, l := range locs {
					positions = append(positions, int32(l.Pos()))
				}
				if !slices.IsSorted(positions[from:]) {
					slices.Sort(positions[from:])
				}
				// A field's norm is 1/√tokens as a float32.
				length := int32(math.Round(1 / (norm * norm)))
				list = append(list, posting{int32(sh.facets[n].order), length, int32(from), int32(len(positions))})
			})
			if err != nil {
				return out, err
			}
		}
		// Sorted as numbers (a document above, its place in list below),
		// which is several times faster than sorting the postings.
		keys := make([]uint64, len(list))
		for i, q := range list {
			keys[i] = uint64(q.doc)<<32 | uint64(i)
		}
		slices.Sort(keys)
		p := Postings{Docs: make([]int32, len(list)), Lengths: make([]int32, len(list)),
			Start: make([]int32, len(list)+1), Pos: make([]int32, 0, len(positions))}
		for i, k := range keys {
			q := list[uint32(k)]
			p.Docs[i], p.Lengths[i], p.Start[i] = q.doc, q.length, int32(len(p.Pos))
			p.Pos = append(p.Pos, positions[q.from:q.to]...)
		}
		p.Start[len(list)] = int32(len(p.Pos))
		out[f] = p
	}
	return out, nil
}

// eachPosting calls fn with each posting of term in field: the document's
// number in the shard, the field's norm and the term's locations. It reads
// the segments' postings straight, as bleve's term field reader does
// without converting every location into a term vector (a fifth of the
// static index's build).
func (sh *shard) eachPosting(term, field string, fn func(n uint64, norm float64, locs []segment.Location)) error {
	snap, ok := sh.reader.(*scorch.IndexSnapshot)
	if !ok {
		return fmt.Errorf("the index is not a scorch index (%T); build the site again", sh.reader)
	}
	var offset uint64
	for _, ss := range snap.Segments() {
		seg := ss.Segment()
		dict, err := seg.Dictionary(field)
		if err != nil {
			return err
		}
		pl, err := dict.PostingsList([]byte(term), ss.Deleted(), nil)
		if err != nil {
			return err
		}
		it := pl.Iterator(true, true, true, nil)
		for {
			p, err := it.Next()
			if err != nil {
				return err
			}
			if p == nil {
				break
			}
			fn(offset+p.Number(), p.Norm(), p.Locations())
		}
		offset += seg.Count()
	}
	return nil
}

// Expansions returns the bigrams of the index that a lone character
// stands for in a query: those that begin with it and those that end with
// it, most frequent first.
func (ix *Index) Expansions(r rune) (heads, tails []string) {
	return ix.heads[r], ix.tails[r]
}

// Vocabulary returns the words "did you mean" suggests from.
func (ix *Index) Vocabulary() Vocabulary { return ix.vocab }

// Phrase returns what a query word (not quoted, without synonyms) is
// looked for as: per position of its phrase, the terms it may hold (a
// lone character stands for itself and its bigrams), "" alone for a
// position skipped (skipCovered). Nil when the word has no tokens.
func (ix *Index) Phrase(text string) [][]string {
	return ix.positions(text, narrowing{}, map[string]bool{})
}
