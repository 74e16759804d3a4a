package search

import (
	"context"
	"math"
	"slices"

	index "github.com/blevesearch/bleve_index_api"
)

// TextFields is the number of text fields (title, then body), the order
// in which exported postings and lengths are given.
const TextFields = nText

// Postings are a term's occurrences in one text field of the index: the
// documents, by position in the book, ascending; the term's positions in
// each; and each one's length in the field (its number of tokens).
type Postings struct {
	Docs      []int
	Positions [][]int
	Lengths   []int
}

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

// Docs is the number of documents.
func (e *Export) Docs() int { return e.ix.docs }

// Term returns the postings of term in each text field. It may be called
// concurrently.
func (e *Export) Term(ctx context.Context, term string) ([TextFields]Postings, error) {
	var out [TextFields]Postings
	var doc index.TermFieldDoc
	for f, field := range textFields {
		// Postings as read, then put in book order: the builder numbers
		// documents in no fixed order, and shards hold every n-th one.
		type posting struct{ doc, length, from, to int }
		var list []posting
		var positions []int
		for _, sh := range e.ix.shards {
			r, err := sh.reader.TermFieldReader(ctx, []byte(term), field, true, true, true)
			if err != nil {
				return out, err
			}
			for {
				next, err := r.Next(doc.Reset())
				if err != nil {
					_ = r.Close()
					return out, err
				}
				if next == nil {
					break
				}
				from := len(positions)
				for _, v := range next.Vectors {
					positions = append(positions, int(v.Pos))
				}
				if !slices.IsSorted(positions[from:]) {
					slices.Sort(positions[from:])
				}
				// A field's norm is 1/√tokens as a float32.
				length := int(math.Round(1 / (next.Norm * next.Norm)))
				list = append(list, posting{sh.facets[next.ID.Value()].order, length, from, len(positions)})
			}
			if err := r.Close(); err != nil {
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
		p := Postings{Docs: make([]int, len(list)), Positions: make([][]int, len(list)), Lengths: make([]int, len(list))}
		for i, k := range keys {
			q := list[uint32(k)]
			p.Docs[i], p.Positions[i], p.Lengths[i] = q.doc, positions[q.from:q.to:q.to], q.length
		}
		out[f] = p
	}
	return out, nil
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
