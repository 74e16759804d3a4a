package search

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// vocabFile, inside the index folder, holds the Vocabulary.
const vocabFile = "kb-vocab.json"

// maxVocabulary bounds the words a "did you mean" looks through.
const maxVocabulary = 20000

// maxSuggestions is the most queries a "did you mean" offers.
const maxSuggestions = 3

// Vocabulary is what "did you mean" suggests from, and what the static
// index gives entries of their own: the words of the sections (runs of
// katakana of three or more letters, of kanji of two or more, of Latin
// letters and digits of three or more with a letter), the compounds that
// join them (runs of katakana and kanji that hold both, such as
// 標的型攻撃メール, and Latin words joined by hyphens, such as SD-WAN), as
// folded and lower-cased keys, in the most sections first (then in key
// order), with the spelling most often written where it differs from the
// key (サーバ is shown as サーバー).
type Vocabulary struct {
	Words []string `json:"words"`
	// Shown maps the position of a word in Words to the spelling shown.
	Shown map[string]string `json:"shown"`
}

// Kinds of words of the vocabulary, by the runes they are made of.
const (
	notWord = iota
	katakanaWord
	kanjiWord
	latinWord
)

// wordKind tells what kind of word a rune of folded text continues.
func wordKind(r rune) int {
	switch {
	case isKatakana(r):
		return katakanaWord
	case unicode.Is(unicode.Han, r) || r == '々':
		return kanjiWord
	case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
		return latinWord
	}
	return notWord
}

// isWord tells whether a run of one kind is long enough to be a word.
func isWord(word string, kind int) bool {
	n := utf8.RuneCountInString(word)
	switch kind {
	case katakanaWord:
		return n >= 3
	case kanjiWord:
		return n >= 2
	case latinWord:
		return n >= 3 && strings.ContainsFunc(word, unicode.IsLetter)
	}
	return false
}

// vocabularyWords calls add with the byte range of each word of folded
// text: runs of one kind (isWord), then compounds: runs of katakana and
// kanji that hold both, and Latin runs joined by single hyphens.
func vocabularyWords(text string, add func(start, end int)) {
	type run struct{ start, end, kind int }
	var runs []run
	for i, r := range text {
		k := wordKind(r)
		if len(runs) > 0 && runs[len(runs)-1].kind == k {
			runs[len(runs)-1].end = i + utf8.RuneLen(r)
			continue
		}
		runs = append(runs, run{i, i + utf8.RuneLen(r), k})
	}
	for _, r := range runs {
		if isWord(text[r.start:r.end], r.kind) {
			add(r.start, r.end)
		}
	}
	for i := 0; i < len(runs); {
		j, kinds := i, 0
		switch runs[i].kind {
		case katakanaWord, kanjiWord:
			for j < len(runs) && (runs[j].kind == katakanaWord || runs[j].kind == kanjiWord) {
				kinds |= 1 << runs[j].kind
				j++
			}
			if kinds == 1<<katakanaWord|1<<kanjiWord {
				add(runs[i].start, runs[j-1].end)
			}
		case latinWord:
			// Latin, then hyphen and Latin as long as they alternate.
			j++
			for j+1 < len(runs) && text[runs[j].start:runs[j].end] == "-" && runs[j+1].kind == latinWord {
				j += 2
			}
			if j > i+1 && strings.ContainsFunc(text[runs[i].start:runs[j-1].end], unicode.IsLetter) {
				add(runs[i].start, runs[j-1].end)
			}
		default:
			j++
		}
		i = max(j, i+1)
	}
}

// NewVocabulary collects the vocabulary of docs.
func NewVocabulary(docs []Document) Vocabulary {
	df := map[string]int{}
	spellings := map[string]map[string]int{}
	for _, d := range docs {
		seen := map[string]bool{}
		for _, text := range []string{d.Title, d.Body} {
			f := foldText(text)
			vocabularyWords(f.text, func(start, end int) {
				word := f.text[start:end]
				key := strings.Map(unicode.ToLower, word)
				shown := word
				if !f.unchanged {
					shown = text[f.origStart[start]:f.origEnd[end]]
				}
				if spellings[key] == nil {
					spellings[key] = map[string]int{}
				}
				spellings[key][shown]++
				if !seen[key] {
					seen[key] = true
					df[key]++
				}
			})
		}
	}
	words := make([]string, 0, len(df))
	for w := range df {
		words = append(words, w)
	}
	slices.SortFunc(words, func(a, b string) int { return cmp.Or(cmp.Compare(df[b], df[a]), strings.Compare(a, b)) })
	words = words[:min(len(words), maxVocabulary)]
	v := Vocabulary{Words: words, Shown: map[string]string{}}
	for i, w := range words {
		best, count := "", 0
		for s, n := range spellings[w] {
			if n > count || n == count && s < best {
				best, count = s, n
			}
		}
		if best != w {
			v.Shown[strconv.Itoa(i)] = best
		}
	}
	return v
}

// writeVocabulary saves the vocabulary of docs in the index folder dir.
func writeVocabulary(docs []Document, dir string) error {
	data, err := json.Marshal(NewVocabulary(docs))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, vocabFile), data, 0o644)
}

// readVocabulary loads the vocabulary of the index in dir; an index of an
// older kb has none.
func readVocabulary(dir string) (Vocabulary, error) {
	var v Vocabulary
	data, err := os.ReadFile(filepath.Join(dir, vocabFile))
	if errors.Is(err, fs.ErrNotExist) {
		return v, nil
	}
	if err == nil {
		err = json.Unmarshal(data, &v)
	}
	return v, err
}

// suggestKey is what a query word is compared with the vocabulary as.
func suggestKey(text string) string {
	return strings.Map(unicode.ToLower, Fold(joinJapanese(text)))
}

// nearest returns the positions of the words of v closest to key by edit
// distance (in characters): at most 1 for keys of up to four characters,
// 2 for longer ones; nearest first, then in the vocabulary's order.
func (v Vocabulary) nearest(key string, n int) []int {
	k := []rune(key)
	limit := 1
	if len(k) > 4 {
		limit = 2
	}
	type cand struct{ dist, pos int }
	var found []cand
	for i, w := range v.Words {
		wr := []rune(w)
		if len(wr) > len(k)+limit || len(wr) < len(k)-limit {
			continue
		}
		if d := editDistance(k, wr); d > 0 && d <= limit {
			found = append(found, cand{d, i})
		}
	}
	slices.SortStableFunc(found, func(a, b cand) int { return cmp.Compare(a.dist, b.dist) })
	var out []int
	for _, c := range found[:min(len(found), n)] {
		out = append(out, c.pos)
	}
	return out
}

// shown is the spelling of word i as a suggestion.
func (v Vocabulary) shown(i int) string {
	if s, ok := v.Shown[strconv.Itoa(i)]; ok {
		return s
	}
	return v.Words[i]
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// suggest returns queries to try instead of typed, which found nothing:
// each word of it that finds nothing by itself is replaced by the nearest
// words of the vocabulary (the first such word by up to three, the others
// by their nearest), in the query's canonical form.
func (ix *Index) suggest(ctx context.Context, typed Query) ([]string, error) {
	var failing []int
	for i, t := range typed.Terms {
		if t.Exclude {
			continue
		}
		c, err := ix.compile(Query{Terms: []Term{t}})
		if err != nil || c.none {
			continue
		}
		_, total, _, err := ix.collect(ctx, c, 1)
		if err != nil {
			return nil, err
		}
		if total == 0 {
			failing = append(failing, i)
		}
	}
	choices := make([][]int, len(failing))
	n := 0
	for j, i := range failing {
		want := 1
		if j == 0 {
			want = maxSuggestions
		}
		choices[j] = ix.vocab.nearest(suggestKey(typed.Terms[i].Text), want)
		n = max(n, len(choices[j]))
	}
	var out []string
	for k := range n {
		q := typed
		q.Terms = slices.Clone(typed.Terms)
		for j, i := range failing {
			if len(choices[j]) > 0 {
				q.Terms[i].Text = ix.vocab.shown(choices[j][min(k, len(choices[j])-1)])
			}
		}
		if s := q.String(); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}
