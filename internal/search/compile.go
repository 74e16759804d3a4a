package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	bsearch "github.com/blevesearch/bleve/v2/search"
)

// compiled is a query ready to run.
type compiled struct {
	// words are the words and phrases to look for or to exclude.
	words []wordPlan
	// filter lists the facet values every hit must have.
	filter filterPlan
	// narrow tells how to mark the bigrams that stand in for lone characters.
	narrow narrowing
	// ranked is false when only filters were given: every hit is then as
	// good as another, and they come in book order.
	ranked bool
	// none is set when nothing can match.
	none bool
}

// compile turns a parsed query into what the executor runs: every word
// must match the title or the body of a section, no excluded word may,
// and every filter must hold.
func (ix *Index) compile(pq Query) (compiled, error) {
	var c compiled
	filters := 0
	for _, k := range FacetKinds {
		for _, v := range *k.In(&pq) {
			i := facetIndex(k.Values(ix.meta), v)
			if i < 0 {
				return compiled{}, queryError("query.unknown_value", "facet", k.Key, "value", v)
			}
			positions := c.filter.of(k)
			*positions = append(*positions, i)
			filters++
		}
	}
	c.narrow = narrowing{}
	plain := map[string]bool{}
	words, searchable, excluded := 0, 0, 0
	for _, t := range pq.Terms {
		if !t.Exclude {
			words++
		}
		var w wordPlan
		for _, text := range ix.alternatives(t) {
			if positions := ix.positions(text, c.narrow, plain); positions != nil {
				w.phrases = append(w.phrases, phrasePlan{positions: positions})
			}
		}
		switch {
		case w.phrases == nil:
			// Punctuation alone has nothing to look for.
		case t.Exclude:
			w.exclude = true
			c.words = append(c.words, w)
			excluded++
		default:
			c.words = append(c.words, w)
			searchable++
		}
	}
	for term := range plain {
		delete(c.narrow, term)
	}
	switch {
	case searchable == 0 && words > 0:
		// Words were typed, but none has a letter or digit.
		return compiled{none: true}, nil
	case searchable+filters == 0 && excluded > 0:
		return compiled{}, queryError("query.only_excluded")
	case searchable+filters == 0:
		return compiled{}, queryError("query.empty")
	}
	c.ranked = searchable > 0
	return c, nil
}

// alternatives returns the texts a query term is looked for as: itself,
// and when it is a synonym (a whole word, neither quoted nor excluded),
// the other terms of its group, in the group's order.
func (ix *Index) alternatives(t Term) []string {
	out := []string{t.Text}
	if t.Quoted || t.Exclude {
		return out
	}
	key := synonymKey(ix.analyzer, t.Text)
	for _, other := range ix.synonyms[key] {
		if synonymKey(ix.analyzer, other) != key {
			out = append(out, other)
		}
	}
	return out
}

// positions analyses a query term into the terms it may match at each
// position of a phrase; nil when it has no tokens. A lone character (鍵)
// stands for itself and for the bigrams of the index that begin or end
// with it, as its place in the term allows: a document has a character at
// the end of a run before what follows it, and at the start of a run after
// what precedes it. Those bigrams are noted in narrow, the others in plain.
func (ix *Index) positions(text string, narrow narrowing, plain map[string]bool) [][]string {
	tokens := ix.analyzer.Analyze([]byte(joinJapanese(text)))
	if len(tokens) == 0 {
		return nil
	}
	// One place per position from the first token's: the gaps after runs
	// of bigrams (runGap) are places skipped.
	first := tokens[0].Position
	out := make([][]string, tokens[len(tokens)-1].Position-first+1)
	for i := range out {
		out[i] = []string{""}
	}
	for i, t := range tokens {
		term := string(t.Term)
		at := t.Position - first
		out[at] = []string{term}
		r, size := utf8.DecodeRuneInString(term)
		if t.Type != analysis.Single || size != len(term) {
			plain[term] = true
			continue
		}
		if i == len(tokens)-1 {
			for _, b := range ix.heads[r] {
				out[at] = append(out[at], b)
				narrow.add(b, keepFirst)
			}
		}
		if i == 0 {
			for _, b := range ix.tails[r] {
				out[at] = append(out[at], b)
				narrow.add(b, keepLast)
			}
		}
	}
	skipCovered(tokens, out)
	return out
}

// skipCovered leaves out every other bigram of a run of overlapping
// bigrams, keeping both ends: バッ ック クア アッ ップ becomes バッ _ クア _ ップ,
// which still spells out every character at fixed positions, with half the
// postings to intersect. out has a place per position from the first
// token's; the bigrams of a run are at consecutive positions.
func skipCovered(tokens analysis.TokenStream, out [][]string) {
	first := tokens[0].Position
	for i := 1; i+1 < len(tokens); i++ {
		prev, cur, next := tokens[i-1], tokens[i], tokens[i+1]
		before := out[prev.Position-first]
		if prev.Type == analysis.Double && cur.Type == analysis.Double && next.Type == analysis.Double &&
			prev.End > cur.Start && cur.End > next.Start && len(before) == 1 && before[0] != "" {
			out[cur.Position-first] = []string{""}
		}
	}
}

// Which character of a stand-in bigram is the one the reader typed.
const (
	keepFirst = 1 << iota
	keepLast
)

// narrowing maps the bigrams that stand in for lone characters to the
// character to mark, so a snippet marks 鍵 rather than 鍵を.
type narrowing map[string]int

func (n narrowing) add(term string, keep int) { n[term] |= keep }

// spans collects the matched byte ranges of a field from a hit's locations.
func (n narrowing) spans(locations bsearch.TermLocationMap) []span {
	var out []span
	for term, locs := range locations {
		keep := n[term]
		for _, l := range locs {
			s := span{int(l.Start), int(l.End)}
			if len(l.ArrayPositions) > 0 {
				continue // a path element, which is not shown marked
			}
			switch keep {
			case keepFirst:
				_, size := utf8.DecodeRuneInString(term)
				s.end = min(s.end, s.start+size)
			case keepLast:
				_, size := utf8.DecodeLastRuneInString(term)
				s.start = max(s.start, s.end-size)
			}
			out = append(out, s)
		}
	}
	return out
}

// joinJapanese drops the spaces between two Japanese characters of a
// quoted phrase: Japanese is written without them, so "ログ の 監視" is
// looked for as ログの監視. Spaces next to Latin letters stay.
func joinJapanese(text string) string {
	if !strings.ContainsFunc(text, unicode.IsSpace) {
		return text
	}
	var b strings.Builder
	var last rune
	for i, r := range text {
		if unicode.IsSpace(r) {
			rest := strings.TrimLeftFunc(text[i:], unicode.IsSpace)
			next, _ := utf8.DecodeRuneInString(rest)
			if japanese(last) && japanese(next) {
				continue
			}
		}
		b.WriteRune(r)
		if !unicode.IsSpace(r) {
			last = r
		}
	}
	return b.String()
}

// japanese reports whether r is a kanji, kana or the long vowel mark.
func japanese(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == 'ー' || r == '々'
}
