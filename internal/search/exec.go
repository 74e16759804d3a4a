package search

import (
	"context"
	"math/bits"
	"slices"

	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// The executor answers a compiled query over one shard in two passes.
// The first reads, without positions, which documents hold the rarest term
// of each word, and intersects those sets into candidates: every word
// possible in one field, every filter satisfied. The second reads
// frequencies and positions for the candidates alone, keeps those where
// each word appears as a contiguous phrase, drops those where an excluded
// word does, and notes what scoring needs. Scores are given over all
// shards at once (collect.go), so they do not depend on how the index is
// split.
//
// bleve's own phrase searchers read positions for every document that
// holds any of a phrase's terms and allocate per match; this executor reads
// positions only for the sections that hold every term.

// wordPlan is one query word as the executor looks for it: one phrase, or
// several when the word has synonyms; a section holds the word when it
// holds any of them.
type wordPlan struct {
	phrases []phrasePlan
	exclude bool
}

// phrasePlan is a phrase of a word.
type phrasePlan struct {
	// positions lists the terms each position of the phrase may hold; a
	// position of just "" may hold anything.
	positions [][]string
	// rarest is, per text field, the position whose terms are in the
	// fewest documents of the whole index.
	rarest [nText]int
}

// filterPlan lists the facet values a document must have, as positions
// in Meta.
type filterPlan struct {
	roles, chapters, levels []int
}

// of returns the positions a document's value of kind must be among.
func (f *filterPlan) of(k FacetKind) *[]int {
	switch k.Key {
	case "chapter":
		return &f.chapters
	case "role":
		return &f.roles
	}
	return &f.levels
}

// bitset is a set of document numbers.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) add(i uint64) {
	if w := i / 64; w < uint64(len(b)) {
		b[w] |= 1 << (i % 64)
	}
}

func (b bitset) has(i uint64) bool {
	w := i / 64
	return w < uint64(len(b)) && b[w]&(1<<(i%64)) != 0
}

func (b bitset) and(o bitset) {
	for i := range b {
		b[i] &= o[i]
	}
}

func (b bitset) or(o bitset) {
	for i := range b {
		b[i] |= o[i]
	}
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// list returns the members in ascending order.
func (b bitset) list() []uint64 {
	out := make([]uint64, 0, b.count())
	for i, w := range b {
		for w != 0 {
			out = append(out, uint64(i*64+bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
	return out
}

// fieldStat is how a word occurs in one field of a document: how often as a
// phrase, and the field's length norm (1/√tokens).
type fieldStat struct {
	tf, norm float32
}

// wordStat holds a word's statistics in each text field.
type wordStat [nText]fieldStat

// found reports whether the word is in any of the fields.
func (st wordStat) found() bool {
	for _, fs := range st {
		if fs.tf > 0 {
			return true
		}
	}
	return false
}

// shardAnswer is what one shard found.
type shardAnswer struct {
	// docs are the matching documents in ascending order.
	docs []uint64
	// stats holds, for each document in turn, one wordStat per must word.
	stats []wordStat
	// df counts, per must word and field, the documents that hold the
	// word's rarest term there, for the inverse document frequency.
	df [][nText]int
}

// run answers q over the shard.
func (sh *shard) run(ctx context.Context, q compiled) (shardAnswer, error) {
	var must, excluded []wordPlan
	for _, w := range q.words {
		if w.exclude {
			excluded = append(excluded, w)
		} else {
			must = append(must, w)
		}
	}
	c, err := sh.candidates(ctx, q.filter, must, excluded)
	if err != nil {
		return shardAnswer{}, err
	}
	docs, stats, err := sh.confirm(ctx, c, must, excluded)
	return shardAnswer{docs: docs, stats: stats, df: c.df}, err
}

// candidateSet is what the first pass found in a shard.
type candidateSet struct {
	// docs may match: they pass the filters and may hold every word.
	docs bitset
	// may holds, per must word and field, the documents that may hold
	// the word there; df counts them.
	may [][nText]bitset
	df  [][nText]int
	// suspects holds, per excluded word and field, the candidates that
	// may hold it there.
	suspects [][nText]bitset
}

// candidates runs the first pass: filters and the rarest term of each word.
func (sh *shard) candidates(ctx context.Context, filter filterPlan, must, excluded []wordPlan) (candidateSet, error) {
	c := candidateSet{docs: slices.Clone(sh.present), may: make([][nText]bitset, len(must)),
		df: make([][nText]int, len(must)), suspects: make([][nText]bitset, len(excluded))}
	for _, f := range []struct {
		values []int
		sets   []bitset
	}{{filter.roles, sh.byRole}, {filter.chapters, sh.byChapter}, {filter.levels, sh.byLevel}} {
		for _, v := range f.values {
			c.docs.and(f.sets[v])
		}
	}
	for wi, w := range must {
		either := newBitset(len(sh.facets))
		for f := range textFields {
			s, err := sh.wordSet(ctx, w, f)
			if err != nil {
				return c, err
			}
			c.may[wi][f], c.df[wi][f] = s, s.count()
			either.or(s)
		}
		c.docs.and(either)
	}
	for wi, w := range excluded {
		for f := range textFields {
			s, err := sh.wordSet(ctx, w, f)
			if err != nil {
				return c, err
			}
			s.and(c.docs)
			c.suspects[wi][f] = s
		}
	}
	return c, ctx.Err()
}

// confirm runs the second pass over the candidates: it keeps those that
// hold every must word as a phrase and no excluded one, and returns them
// in ascending order with one wordStat per must word each.
func (sh *shard) confirm(ctx context.Context, c candidateSet, must, excluded []wordPlan) ([]uint64, []wordStat, error) {
	docs := c.docs.list()
	keep := make([]bool, len(docs))
	for i := range keep {
		keep[i] = true
	}
	stats := make([]wordStat, len(docs)*len(must))
	for wi, w := range must {
		for f, field := range textFields {
			err := sh.verify(ctx, w, field, docs, keep, c.may[wi][f], func(di int, st fieldStat) {
				stats[di*len(must)+wi][f] = st
			})
			if err != nil {
				return nil, nil, err
			}
		}
		for di := range docs {
			if !stats[di*len(must)+wi].found() {
				keep[di] = false
			}
		}
	}
	for wi, w := range excluded {
		for f, field := range textFields {
			err := sh.verify(ctx, w, field, docs, keep, c.suspects[wi][f], func(di int, _ fieldStat) {
				keep[di] = false
			})
			if err != nil {
				return nil, nil, err
			}
		}
	}
	// Keep the matches, moving them to the front in place.
	kept := 0
	for di, d := range docs {
		if keep[di] {
			docs[kept] = d
			copy(stats[kept*len(must):(kept+1)*len(must)], stats[di*len(must):(di+1)*len(must)])
			kept++
		}
	}
	return docs[:kept], stats[:kept*len(must)], nil
}

// wordSet returns the documents whose field holds a term of the rarest
// position of one of the word's phrases (see Index.pickRarest): the
// candidates for the word, found by reading one postings list per phrase
// (or one per alternative) rather than all of them. Which of them hold a
// whole phrase, the second pass tells.
func (sh *shard) wordSet(ctx context.Context, w wordPlan, f int) (bitset, error) {
	set := newBitset(len(sh.facets))
	for _, p := range w.phrases {
		for _, term := range p.positions[p.rarest[f]] {
			if err := sh.addTermDocs(ctx, term, textFields[f], set); err != nil {
				return nil, err
			}
		}
	}
	return set, nil
}

// termCount is the number of documents whose field holds term.
func (sh *shard) termCount(ctx context.Context, term, field string) (uint64, error) {
	tfr, err := sh.reader.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, err
	}
	defer tfr.Close()
	return tfr.Count(), nil
}

// addTermDocs adds the documents whose field holds term to into.
func (sh *shard) addTermDocs(ctx context.Context, term, field string, into bitset) error {
	tfr, err := sh.reader.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return err
	}
	defer tfr.Close()
	var d index.TermFieldDoc
	for {
		x, err := tfr.Next(&d)
		if err != nil || x == nil {
			return err
		}
		into.add(x.ID.Value())
	}
}

// verify finds the word as a phrase in the field of each kept document of
// docs that is also in only, and calls found with its statistics.
func (sh *shard) verify(ctx context.Context, w wordPlan, field string, docs []uint64, keep []bool, only bitset, found func(int, fieldStat)) error {
	m, err := sh.newMatcher(ctx, w, field, false)
	if err != nil {
		return err
	}
	defer m.close()
	for di, d := range docs {
		if di%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if !keep[di] || !only.has(d) {
			continue
		}
		st, err := m.match(d)
		if err != nil {
			return err
		}
		if st.tf > 0 {
			found(di, st)
		}
	}
	return nil
}

// cursor walks the postings of one term in one field, forward only.
type cursor struct {
	tfr     index.TermFieldReader
	doc     index.TermFieldDoc
	num     uint64
	started bool
	done    bool
	id      [8]byte
}

// at moves the cursor to the first posting at or after doc and reports
// whether that is doc.
func (c *cursor) at(doc uint64) (bool, error) {
	if c.done {
		return false, nil
	}
	if !c.started || c.num < doc {
		x, err := c.tfr.Advance(index.NewIndexInternalID(c.id[:], doc), &c.doc)
		if err != nil {
			return false, err
		}
		c.started = true
		if x == nil {
			c.done = true
			return false, nil
		}
		if x != &c.doc {
			c.doc = *x
		}
		c.num = c.doc.ID.Value()
	}
	return c.num == doc, nil
}

// slot is one position of a phrase: its offset and the cursors of the
// terms it may hold.
type slot struct {
	offset  uint64
	terms   []string
	cursors []*cursor
	found   []occurrence // in the current document
}

// occurrence is a term at a position of the current document.
type occurrence struct {
	pos, start, end uint64
	term            int // index in slot.terms
}

// matcher finds a word, through its phrases, in one field, document by
// document in ascending order.
type matcher struct {
	phrases []*phraseMatcher
}

// newMatcher prepares to find w in field.
func (sh *shard) newMatcher(ctx context.Context, w wordPlan, field string, locations bool) (*matcher, error) {
	m := &matcher{}
	for _, p := range w.phrases {
		pm, err := sh.newPhraseMatcher(ctx, p, field, locations)
		if err != nil {
			m.close()
			return nil, err
		}
		m.phrases = append(m.phrases, pm)
	}
	return m, nil
}

func (m *matcher) close() {
	for _, p := range m.phrases {
		p.close()
	}
}

// match returns how often the word's phrases occur in doc, and the
// field's norm.
func (m *matcher) match(doc uint64) (fieldStat, error) {
	var st fieldStat
	for _, p := range m.phrases {
		ps, err := p.match(doc)
		if err != nil {
			return fieldStat{}, err
		}
		if ps.tf > 0 {
			st.tf += ps.tf
			st.norm = ps.norm
		}
	}
	return st, nil
}

// locate adds where the word's phrases occur in doc to into.
func (m *matcher) locate(doc uint64, into bsearch.FieldTermLocationMap) error {
	for _, p := range m.phrases {
		if err := p.locate(doc, into); err != nil {
			return err
		}
	}
	return nil
}

// phraseMatcher finds a phrase in one field, document by document in
// ascending order.
type phraseMatcher struct {
	field string
	slots []*slot
}

// newPhraseMatcher prepares to find p in field. Positions are read when
// the phrase has more than one, or when locations are wanted.
func (sh *shard) newPhraseMatcher(ctx context.Context, p phrasePlan, field string, locations bool) (*phraseMatcher, error) {
	m := &phraseMatcher{field: field}
	for i, alts := range p.positions {
		if len(alts) == 1 && alts[0] == "" {
			continue
		}
		m.slots = append(m.slots, &slot{offset: uint64(i), terms: alts})
	}
	vectors := locations || len(m.slots) > 1
	for _, s := range m.slots {
		for _, term := range s.terms {
			tfr, err := sh.reader.TermFieldReader(ctx, []byte(term), field, true, true, vectors)
			if err != nil {
				m.close()
				return nil, err
			}
			s.cursors = append(s.cursors, &cursor{tfr: tfr})
		}
	}
	return m, nil
}

func (m *phraseMatcher) close() {
	for _, s := range m.slots {
		for _, c := range s.cursors {
			_ = c.tfr.Close()
		}
	}
}

// match returns how often the phrase occurs in doc, and the field's norm.
func (m *phraseMatcher) match(doc uint64) (fieldStat, error) {
	var st fieldStat
	if len(m.slots) == 1 {
		for _, c := range m.slots[0].cursors {
			ok, err := c.at(doc)
			if err != nil {
				return st, err
			}
			if ok {
				st.tf += float32(c.doc.Freq)
				st.norm = float32(c.doc.Norm)
			}
		}
		return st, nil
	}
	found, err := m.gather(doc, &st.norm)
	if err != nil || !found {
		return fieldStat{}, err
	}
	m.phrases(func(uint64) { st.tf++ })
	if st.tf == 0 {
		st.norm = 0
	}
	return st, nil
}

// locate adds where the phrase occurs in doc to into, by field and term,
// as bleve reports match locations. It needs a matcher made with
// locations.
func (m *phraseMatcher) locate(doc uint64, into bsearch.FieldTermLocationMap) error {
	var norm float32
	found, err := m.gather(doc, &norm)
	if err != nil || !found {
		return err
	}
	add := func(s *slot, o occurrence) {
		if into[m.field] == nil {
			into[m.field] = bsearch.TermLocationMap{}
		}
		term := s.terms[o.term]
		into[m.field][term] = append(into[m.field][term], &bsearch.Location{Pos: o.pos, Start: o.start, End: o.end})
	}
	if len(m.slots) == 1 {
		for _, o := range m.slots[0].found {
			add(m.slots[0], o)
		}
		return nil
	}
	m.phrases(func(start uint64) {
		for _, s := range m.slots {
			for _, o := range s.found {
				if o.pos == start+s.offset {
					add(s, o)
				}
			}
		}
	})
	return nil
}

// gather reads the occurrences of every slot's terms in doc; it reports
// false when some slot has none.
func (m *phraseMatcher) gather(doc uint64, norm *float32) (bool, error) {
	for _, s := range m.slots {
		s.found = s.found[:0]
		for i, c := range s.cursors {
			ok, err := c.at(doc)
			if err != nil {
				return false, err
			}
			if ok {
				*norm = float32(c.doc.Norm)
				for _, v := range c.doc.Vectors {
					s.found = append(s.found, occurrence{pos: v.Pos, start: v.Start, end: v.End, term: i})
				}
			}
		}
		if len(s.found) == 0 {
			return false, nil
		}
	}
	return true, nil
}

// phrases calls fn with the start position of each occurrence of the
// whole phrase among the gathered occurrences.
func (m *phraseMatcher) phrases(fn func(start uint64)) {
	first := m.slots[0]
	for _, o := range first.found {
		if o.pos < first.offset {
			continue
		}
		start, all := o.pos-first.offset, true
		for _, s := range m.slots[1:] {
			if !s.has(start + s.offset) {
				all = false
				break
			}
		}
		if all {
			fn(start)
		}
	}
}

func (s *slot) has(pos uint64) bool {
	for _, o := range s.found {
		if o.pos == pos {
			return true
		}
	}
	return false
}
