package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Boosts of the fields a word is looked for in: a section whose title has
// the word ranks above one that only mentions it.
const (
	boostTitle = 4
	boostBody  = 1
)

// compiled is a query ready to run.
type compiled struct {
	query.Query
	// narrow tells how to mark the bigrams that stand in for lone characters.
	narrow narrowing
	// ranked is false when only filters were given: every hit is then as
	// good as another, and they come in book order.
	ranked bool
	// words and filter are the same query for the executor (exec.go).
	words  []wordPlan
	filter filterPlan
	// none is set when nothing can match.
	none bool
}

// compile turns a parsed query into a bleve query: every term must match
// the title or the body of a section, no excluded term may, and every
// filter must hold.
func (ix *Index) compile(pq Query) (compiled, error) {
	var must, mustNot []query.Query
	var filter filterPlan
	for _, f := range []struct {
		field, name string
		values      []string
		known       []Facet
		positions   *[]int
	}{
		{fieldRoles, "役割", pq.Roles, ix.meta.Roles, &filter.roles},
		{fieldChapter, "章", pq.Chapters, ix.meta.Chapters, &filter.chapters},
		{fieldLevel, "レベル", pq.Levels, ix.meta.Levels, &filter.levels},
	} {
		for _, v := range f.values {
			i := facetIndex(f.known, v)
			if i < 0 {
				return compiled{}, queryErrorf(f.name + "「" + v + "」はこのサイトにありません。")
			}
			*f.positions = append(*f.positions, i)
			t := query.NewTermQuery(f.known[i].ID)
			t.SetField(f.field)
			t.SetBoost(0.001) // filters select; they should not rank
			must = append(must, t)
		}
	}
	narrow := narrowing{}
	plain := map[string]bool{}
	var plans []wordPlan
	words, searchable := 0, 0
	for _, t := range pq.Terms {
		if !t.Exclude {
			words++
		}
		positions := ix.positions(t.Text, narrow, plain)
		switch {
		case positions == nil:
			// Punctuation alone has nothing to look for.
		case t.Exclude:
			mustNot = append(mustNot, phraseIn(positions, textFields...))
			plans = append(plans, wordPlan{positions: positions, exclude: true})
		default:
			must = append(must, phraseIn(positions, textFields...))
			plans = append(plans, wordPlan{positions: positions})
			searchable++
		}
	}
	for term := range plain {
		delete(narrow, term)
	}
	switch {
	case searchable == 0 && words > 0:
		// Words were typed, but none has a letter or digit.
		return compiled{Query: query.NewMatchNoneQuery(), none: true}, nil
	case len(must) == 0 && len(mustNot) > 0:
		return compiled{}, queryErrorf("除外する語（-）だけでは検索できません。探す語も入力してください。")
	case len(must) == 0:
		return compiled{}, queryErrorf("検索語を入力してください。")
	}
	return compiled{Query: query.NewBooleanQuery(must, nil, mustNot), narrow: narrow, ranked: searchable > 0, words: plans, filter: filter}, nil
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
	out := make([][]string, len(tokens))
	for i, t := range tokens {
		term := string(t.Term)
		out[i] = []string{term}
		r, size := utf8.DecodeRuneInString(term)
		if t.Type != analysis.Single || size != len(term) {
			plain[term] = true
			continue
		}
		if i == len(tokens)-1 {
			for _, b := range ix.heads[r] {
				out[i] = append(out[i], b)
				narrow.add(b, keepFirst)
			}
		}
		if i == 0 {
			for _, b := range ix.tails[r] {
				out[i] = append(out[i], b)
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
// postings to intersect.
func skipCovered(tokens analysis.TokenStream, out [][]string) {
	for i := 1; i+1 < len(tokens); i++ {
		prev, cur, next := tokens[i-1], tokens[i], tokens[i+1]
		if prev.Type == analysis.Double && cur.Type == analysis.Double && next.Type == analysis.Double &&
			prev.End > cur.Start && cur.End > next.Start && len(out[i-1]) == 1 && out[i-1][0] != "" {
			out[i] = []string{""}
		}
	}
}

// phraseIn matches the positions as a phrase in any of the fields, with
// each field's boost.
func phraseIn(positions [][]string, fields ...string) query.Query {
	boosts := map[string]float64{fieldTitle: boostTitle, fieldBody: boostBody}
	var alts []query.Query
	for _, field := range fields {
		var q interface {
			query.Query
			SetBoost(float64)
		}
		switch {
		case len(positions) == 1:
			var terms []query.Query
			for _, term := range positions[0] {
				t := query.NewTermQuery(term)
				t.SetField(field)
				terms = append(terms, t)
			}
			q = query.NewDisjunctionQuery(terms)
		case allSingle(positions):
			terms := make([]string, len(positions))
			for i, p := range positions {
				terms[i] = p[0]
			}
			q = query.NewPhraseQuery(terms, field)
		default:
			q = query.NewMultiPhraseQuery(positions, field)
		}
		q.SetBoost(boosts[field])
		alts = append(alts, q)
	}
	return query.NewDisjunctionQuery(alts)
}

func allSingle(positions [][]string) bool {
	for _, p := range positions {
		if len(p) != 1 || p[0] == "" {
			return false
		}
	}
	return true
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
