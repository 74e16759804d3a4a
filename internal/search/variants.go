package search

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/registry"
)

// AnalyzerName is the analyzer of the text fields: bleve's cjk analyzer
// (Unicode words, width folding, lower case, bigrams of Japanese) run over
// the text with its spelling variants folded (fold), token offsets pointing
// into the original text.
const AnalyzerName = "kb_ja"

func init() {
	err := registry.RegisterAnalyzer(AnalyzerName, func(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
		inner, err := cache.AnalyzerNamed(cjk.AnalyzerName)
		if err != nil {
			return nil, err
		}
		return variantAnalyzer{inner}, nil
	})
	if err != nil {
		panic(err)
	}
}

// variantAnalyzer folds spelling variants before the cjk analyzer and maps
// the tokens' offsets back to the text it was given, so that snippets mark
// what the reader wrote (問い合わせ, not 問合せ).
type variantAnalyzer struct{ inner analysis.Analyzer }

// Analyze implements analysis.Analyzer.
func (a variantAnalyzer) Analyze(input []byte) analysis.TokenStream {
	f := foldText(string(input))
	if f.unchanged {
		return gapRuns(a.inner.Analyze(input))
	}
	stream := gapRuns(a.inner.Analyze([]byte(f.text)))
	for _, t := range stream {
		t.Start, t.End = int(f.origStart[t.Start]), int(f.origEnd[t.End])
	}
	return stream
}

// runGap is the number of positions left free after a run of overlapping
// bigrams. A phrase skips every other bigram of such a run (skipCovered),
// relying on the two bigrams around a skipped place to spell it out: with
// the gap, two bigrams two places apart are always of one run, and
// 台帳情報資産 does not match 台帳｜7.3.1.3 情報資産.
const runGap = 2

// gapRuns moves every token that follows a run of bigrams, and those
// after it, runGap positions on.
func gapRuns(stream analysis.TokenStream) analysis.TokenStream {
	shift := 0
	for i := 1; i < len(stream); i++ {
		prev, t := stream[i-1], stream[i]
		if prev.Type == analysis.Double && (t.Type != analysis.Double || t.Start >= prev.End) {
			shift += runGap
		}
		t.Position += shift
	}
	return stream
}

//go:embed variants.tsv
var variantsTSV string

// Variants is the table of spelling variants as the static search script
// applies it to queries (meta.js), in the order fold applies it.
type Variants struct {
	// Small lists the small-kana and ヴ forms, each as [folded, variant].
	Small [][2]string `json:"small"`
	// Words lists the word variants, each as [folded, variant]; a variant
	// starting with ^ is not folded right after a kanji. Variants are
	// written as they look after width and small-kana folding.
	Words [][2]string `json:"words"`
	// Keep lists the words whose final long vowel mark stays.
	Keep []string `json:"keep"`
}

// variantRow is a row of the table: its kind, the form its variants fold
// to, and the variants as written in the table.
type variantRow struct {
	Kind     string
	Folded   string
	Variants []string
	Line     int
}

// VariantTable returns the table as fold applies it, for the static
// search script.
func VariantTable() Variants { return variantTable().shipped }

// rule replaces one variant by its folded form.
type rule struct {
	from, to []rune
	fromText string
	// notAfterHan: the variant is not folded right after a kanji.
	notAfterHan bool
	// align gives, for each rune of to, the rune of from it stands for;
	// nil when to is not a subsequence of from, and every rune of to then
	// stands for the whole of from.
	align []int
}

// ruleSet is a pass of replacements, by the variant's first rune, longest
// variant first.
type ruleSet map[rune][]rule

type table struct {
	rows         []variantRow
	small, words ruleSet
	keep         [][]rune
	shipped      Variants
	firsts       map[rune]bool // runes that may start a replacement
}

var variantTable = sync.OnceValue(func() *table {
	t, err := parseVariants(variantsTSV)
	if err != nil {
		panic(err)
	}
	return t
})

// variantKinds are the kinds of rows the table may have.
var variantKinds = []string{"small", "okuri", "kanji", "number", "word", "keep"}

// parseVariants reads the table.
func parseVariants(src string) (*table, error) {
	t := &table{small: ruleSet{}, words: ruleSet{}, firsts: map[rune]bool{}}
	t.shipped = Variants{Small: [][2]string{}, Words: [][2]string{}, Keep: []string{}}
	for i, line := range strings.Split(src, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 2 {
			return nil, fmt.Errorf("variants.tsv:%d: a row is a kind and a folded form, then variants, separated by tabs", i+1)
		}
		if !slices.Contains(variantKinds, cols[0]) {
			return nil, fmt.Errorf("variants.tsv:%d:1: unknown kind %q", i+1, cols[0])
		}
		row := variantRow{Kind: cols[0], Folded: cols[1], Variants: cols[2:], Line: i + 1}
		if row.Kind == "keep" {
			if len(row.Variants) > 0 || !strings.HasSuffix(row.Folded, "ー") {
				return nil, fmt.Errorf("variants.tsv:%d: a keep row holds one word ending in ー", i+1)
			}
			t.keep = append(t.keep, []rune(row.Folded))
			t.shipped.Keep = append(t.shipped.Keep, row.Folded)
			t.rows = append(t.rows, row)
			continue
		}
		if len(row.Variants) == 0 || row.Folded == "" {
			return nil, fmt.Errorf("variants.tsv:%d: a row needs a folded form and at least one variant", i+1)
		}
		t.rows = append(t.rows, row)
		for _, v := range row.Variants {
			guard := strings.HasPrefix(v, "^")
			v = strings.TrimPrefix(v, "^")
			to := row.Folded
			set := t.small
			if row.Kind != "small" {
				// Words are matched after width and small-kana folding.
				v, to = t.prefold(v), t.prefold(to)
				set = t.words
			}
			if v == "" || v == to {
				return nil, fmt.Errorf("variants.tsv:%d: variant %q folds to itself", i+1, v)
			}
			shipped := v
			if guard {
				shipped = "^" + v
			}
			if row.Kind == "small" {
				t.shipped.Small = append(t.shipped.Small, [2]string{to, shipped})
			} else {
				t.shipped.Words = append(t.shipped.Words, [2]string{to, shipped})
			}
			r := rule{from: []rune(v), to: []rune(to), fromText: v, notAfterHan: guard}
			r.align = alignment(r.from, r.to)
			set[r.from[0]] = append(set[r.from[0]], r)
			t.firsts[r.from[0]] = true
		}
	}
	for _, set := range []ruleSet{t.small, t.words} {
		for first, rules := range set {
			// Longest first; the table's order among equals.
			slices.SortStableFunc(rules, func(a, b rule) int { return len(b.from) - len(a.from) })
			set[first] = rules
		}
	}
	return t, nil
}

// prefold applies the passes before the word table to s.
func (t *table) prefold(s string) string {
	runes := widthPass(spansOf(s))
	runes = t.small.apply(runes)
	return runesText(runes)
}

// alignment matches each rune of to with a rune of from: one for one when
// they are as long (ウィ, ウイ), in order when to is a subsequence of from
// (取扱 in 取り扱い); nil otherwise.
func alignment(from, to []rune) []int {
	out := make([]int, 0, len(to))
	if len(from) == len(to) {
		for i := range to {
			out = append(out, i)
		}
		return out
	}
	j := 0
	for _, r := range to {
		for j < len(from) && from[j] != r {
			j++
		}
		if j == len(from) {
			return nil
		}
		out = append(out, j)
		j++
	}
	return out
}

// foldRune is a rune of folded text with the byte range of the original text
// it stands for.
type foldRune struct {
	r          rune
	start, end int32
}

func spansOf(s string) []foldRune {
	out := make([]foldRune, 0, utf8.RuneCountInString(s))
	for i, r := range s {
		out = append(out, foldRune{r, int32(i), int32(i + utf8.RuneLen(r))})
	}
	return out
}

func runesText(runes []foldRune) string {
	var b strings.Builder
	b.Grow(3 * len(runes))
	for _, r := range runes {
		b.WriteRune(r.r)
	}
	return b.String()
}

// folded is a text with its variants folded, and for every byte offset of
// it that starts (origStart) or ends (origEnd) a rune, the offset in the
// original text.
type folded struct {
	text               string
	unchanged          bool
	origStart, origEnd []int32
}

// Fold returns text as the index sees it before tokenizing: full-width
// letters and digits and half-width katakana folded to their usual width,
// small-kana and ヴ forms, okurigana, kana-for-kanji and numeral variants
// to one form (variants.tsv), and the long vowel mark dropped at the end of
// a katakana word of three or more morae (サーバー → サーバ).
func Fold(text string) string { return foldText(text).text }

// foldText folds text and keeps where each rune came from.
func foldText(text string) folded {
	t := variantTable()
	if !t.mayChange(text) {
		return folded{text: text, unchanged: true}
	}
	runes := widthPass(spansOf(text))
	runes = t.small.apply(runes)
	runes = t.words.apply(runes)
	runes = t.longVowels(runes)
	f := folded{text: runesText(runes)}
	f.origStart = make([]int32, len(f.text)+1)
	f.origEnd = make([]int32, len(f.text)+1)
	b := 0
	for _, r := range runes {
		f.origStart[b] = r.start
		b += utf8.RuneLen(r.r)
		f.origEnd[b] = r.end
	}
	f.origStart[b] = int32(len(text))
	return f
}

// mayChange reports whether folding could change text: it has a
// character of another width, a long vowel mark ending a katakana run, or
// a variant of the table as written (a word variant that only matches
// after small-kana folding holds a small-kana variant).
func (t *table) mayChange(text string) bool {
	for i, r := range text {
		switch {
		case r >= 0xFF01 && r <= 0xFF9F:
			return true
		case r == 'ー':
			next, _ := utf8.DecodeRuneInString(text[i+len("ー"):])
			if !isKatakana(next) {
				return true
			}
		case t.firsts[r]:
			for _, set := range []ruleSet{t.small, t.words} {
				for _, rl := range set[r] {
					if strings.HasPrefix(text[i:], rl.fromText) {
						return true
					}
				}
			}
		}
	}
	return false
}

// widthPass folds widths as bleve's cjk_width filter does (full-width ASCII
// variants to ASCII, half-width katakana to full-width, a half-width voiced
// mark joined to the kana before it), but before tokenizing: the tokenizer
// bleve uses does not take full-width digits for digits, so ２段階 would
// lose its 2.
func widthPass(in []foldRune) []foldRune {
	out := in[:0]
	for _, fr := range in {
		ch := fr.r
		switch {
		case ch >= 0xFF01 && ch <= 0xFF5E:
			fr.r = ch - 0xFEE0
		case ch >= 0xFF65 && ch <= 0xFF9F:
			if (ch == 0xFF9E || ch == 0xFF9F) && len(out) > 0 {
				prev := &out[len(out)-1]
				if p := prev.r; p >= 0x30A6 && p <= 0x30FD {
					add := kanaCombineVoiced[p-0x30A6]
					if ch == 0xFF9F {
						add = kanaCombineHalfVoiced[p-0x30A6]
					}
					if add != 0 {
						prev.r += add
						prev.end = fr.end
						continue
					}
				}
			}
			fr.r = kanaNorm[ch-0xFF65]
		}
		out = append(out, fr)
	}
	return out
}

// apply replaces variants, leftmost and then longest first, in one pass.
func (set ruleSet) apply(in []foldRune) []foldRune {
	first := -1
	for i := range in {
		if _, ok := set.match(in, i); ok {
			first = i
			break
		}
	}
	if first < 0 {
		return in
	}
	out := make([]foldRune, first, len(in))
	copy(out, in[:first])
	for i := first; i < len(in); {
		r, ok := set.match(in, i)
		if !ok {
			out = append(out, in[i])
			i++
			continue
		}
		start, end := in[i].start, in[i+len(r.from)-1].end
		for k, c := range r.to {
			fr := foldRune{r: c, start: start, end: end}
			if r.align != nil {
				if k > 0 {
					fr.start = in[i+r.align[k]].start
				}
				if k+1 < len(r.to) {
					fr.end = in[i+r.align[k+1]].start
				}
			}
			out = append(out, fr)
		}
		i += len(r.from)
	}
	return out
}

// match finds the rule that applies at in[i].
func (set ruleSet) match(in []foldRune, i int) (rule, bool) {
	for _, r := range set[in[i].r] {
		if len(r.from) > len(in)-i {
			continue
		}
		if r.notAfterHan && i > 0 && unicode.Is(unicode.Han, in[i-1].r) {
			continue
		}
		ok := true
		for k, c := range r.from {
			if in[i+k].r != c {
				ok = false
				break
			}
		}
		if ok {
			return r, true
		}
	}
	return rule{}, false
}

// isKatakana reports whether r continues a katakana word: a katakana
// letter or the long vowel mark.
func isKatakana(r rune) bool { return r >= 0x30A1 && r <= 0x30FA || r == 'ー' }

// isSmallKana reports whether r is a small katakana that shares its mora
// with the letter before it.
func isSmallKana(r rune) bool {
	switch r {
	case 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ャ', 'ュ', 'ョ', 'ヮ':
		return true
	}
	return false
}

// longVowels drops the long vowel mark that ends a katakana word of three
// or more morae before it (JIS Z 8301 附属書; 外来語の表記 留意事項その2 注:
// -er, -or, -ar and -y may be written without it): サーバー, コンピューター
// and セキュリティー become サーバ, コンピュータ and セキュリティ, while コピー,
// キー and カバー keep it. Words listed as keep keep it too.
func (t *table) longVowels(in []foldRune) []foldRune {
	out := in[:0]
	for i := 0; i < len(in); i++ {
		fr := in[i]
		if fr.r == 'ー' && (i+1 == len(in) || !isKatakana(in[i+1].r)) && t.dropMark(out) {
			out[len(out)-1].end = fr.end
			continue
		}
		out = append(out, fr)
	}
	return out
}

// dropMark reports whether a long vowel mark after the katakana at the end
// of before ends a word it may be dropped from.
func (t *table) dropMark(before []foldRune) bool {
	start := len(before)
	for start > 0 && isKatakana(before[start-1].r) {
		start--
	}
	word := before[start:]
	morae := 0
	for _, fr := range word {
		if !isSmallKana(fr.r) {
			morae++
		}
	}
	if morae < 3 {
		return false
	}
	for _, k := range t.keep {
		// k ends in ー; the word here is without it.
		stem := k[:len(k)-1]
		if len(word) >= len(stem) && runesEqual(word[len(word)-len(stem):], stem) {
			return false
		}
	}
	return true
}

func runesEqual(a []foldRune, b []rune) bool {
	for i := range b {
		if a[i].r != b[i] {
			return false
		}
	}
	return true
}

// The tables of bleve's cjk_width filter (analysis/lang/cjk/cjk_width.go).
var kanaNorm = []rune{
	0x30fb, 0x30f2, 0x30a1, 0x30a3, 0x30a5, 0x30a7, 0x30a9, 0x30e3, 0x30e5,
	0x30e7, 0x30c3, 0x30fc, 0x30a2, 0x30a4, 0x30a6, 0x30a8, 0x30aa, 0x30ab,
	0x30ad, 0x30af, 0x30b1, 0x30b3, 0x30b5, 0x30b7, 0x30b9, 0x30bb, 0x30bd,
	0x30bf, 0x30c1, 0x30c4, 0x30c6, 0x30c8, 0x30ca, 0x30cb, 0x30cc, 0x30cd,
	0x30ce, 0x30cf, 0x30d2, 0x30d5, 0x30d8, 0x30db, 0x30de, 0x30df, 0x30e0,
	0x30e1, 0x30e2, 0x30e4, 0x30e6, 0x30e8, 0x30e9, 0x30ea, 0x30eb, 0x30ec,
	0x30ed, 0x30ef, 0x30f3, 0x3099, 0x309A,
}

var kanaCombineVoiced = []rune{
	78, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1,
	0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1,
	0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 8, 8, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
}

var kanaCombineHalfVoiced = []rune{
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 2, 0, 0, 2,
	0, 0, 2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
}
