// Package staticsearch writes the static search index: the site's search
// index as small script files that the search page loads with <script>
// elements and answers queries from in the browser, with no server. It
// works from a file share (file://, where fetch and WebAssembly are
// blocked) and from any static web host, under any base path.
//
// The index holds the terms of package search's analysis (the same tokens
// at the same positions as the bleve index), so that the script, which
// follows the same steps as the server's executor, gives the same answers.
//
// Files, under Dir:
//
//	meta.js      the facets, the query settings, every section's facet
//	             values and field lengths, and the chunk counts
//	t-NNN.js     terms whose hash falls in chunk NNN, with their postings
//	             (per field: section number and positions) and, for a
//	             Japanese character, the bigrams that begin or end with it
//	d-NNN.js     sections DocsPerChunk×NNN onwards: stored fields and the
//	             UTF-16 offsets of every token, for titles and snippets
//	vocab.js     the words "did you mean" suggests from (search.Vocabulary),
//	             loaded only for a query that finds nothing
//
// Each file calls kbSearchData(name, data) when loaded.
package staticsearch

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/parallel"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// Dir is the folder of the static index in the output.
const Dir = web.SearchIndexDir

// DocsPerChunk is the number of sections in a d-NNN.js file: a page of
// results loads at most as many of those files as it has hits.
const DocsPerChunk = 4

// termChunkBytes is about the size of a t-NNN.js file. A query loads one
// file per term, so smaller chunks mean less to download per query and
// more files.
const termChunkBytes = 12 << 10

// Format is the static search index as an output of the build.
type Format struct{}

// Name implements pipeline.Format.
func (Format) Name() string { return "static-search" }

// Needs implements pipeline.Format: every section's text is indexed.
func (Format) Needs() pipeline.Needs { return pipeline.Needs{SectionText: true} }

// Check implements pipeline.Format; the index takes any site.
func (Format) Check(*site.Site, *diag.List) {}

// Emit implements pipeline.Format.
func (Format) Emit(job pipeline.Job) error {
	files, err := Build(search.Documents(job.Site), search.NewMeta(job.Site))
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := job.Out.WriteFile(Dir+name, files[name]); err != nil {
			return err
		}
	}
	return nil
}

// fields are the text fields, in the order of search's field boosts.
var fields = [...]func(search.Document) string{
	func(d search.Document) string { return d.Title },
	func(d search.Document) string { return d.Body },
}

// posting is a term's occurrences in one section's field.
type posting struct {
	doc       int
	positions []int
}

// meta is the content of meta.js.
type meta struct {
	// Version changes with the index; the script asks for chunks with it,
	// so that a browser never mixes chunks of two builds.
	Version      string        `json:"version"`
	Docs         int           `json:"docs"`
	TermChunks   int           `json:"termChunks"`
	DocsPerChunk int           `json:"docsPerChunk"`
	Params       search.Params `json:"params"`
	// Kinds are the facets (search.FacetKinds); Facets their values.
	Kinds  []search.FacetKind `json:"facetKinds"`
	Facets search.Meta        `json:"facets"`
	// Lengths holds, per text field, every section's number of tokens
	// (as numbers, see numbers).
	Lengths [len(fields)]string `json:"lengths"`
	// Values holds, by facet key, every section's values as positions in
	// Facets: a count, then the positions (as numbers).
	Values map[string]string `json:"values"`
	// Variants is the table of spelling variants that queries are folded
	// with, as the index's analyzer folds text.
	Variants search.Variants `json:"variants"`
	// Synonyms are the groups of terms a query word stands for all of
	// (search.Meta.Synonyms).
	Synonyms [][]string `json:"synonyms"`
}

// Build returns the files of the static index of docs, by name.
func Build(docs []search.Document, m search.Meta) (map[string][]byte, error) {
	md := meta{Docs: len(docs), DocsPerChunk: DocsPerChunk, Params: search.QueryParams(), Kinds: search.FacetKinds,
		Values: map[string]string{}, Variants: search.VariantTable(), Synonyms: m.Synonyms}
	if md.Synonyms == nil {
		md.Synonyms = [][]string{}
	}
	m.Synonyms = nil
	md.Facets = m
	var lengths [len(fields)][]int
	values := map[string][]int{}
	postings := map[string]*[len(fields)][]posting{}
	docChunks := make([][]any, (len(docs)+DocsPerChunk-1)/DocsPerChunk)
	// Analysing is most of the work, and each section's is its own.
	analysed := make([][len(fields)][]search.Token, len(docs))
	err := parallel.Do(len(docs), func(i int) error {
		for f, text := range fields {
			analysed[i][f] = search.Analyze(text(docs[i]))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, d := range docs {
		record := []any{d.URL, d.Number, d.Title, nonNil(d.Path), d.Body, d.Chapter, nonNil(d.Roles), levelText(d.Level)}
		for f, text := range fields {
			tokens := analysed[i][f]
			lengths[f] = append(lengths[f], len(tokens))
			record = append(record, numbers(offsets(text(d), tokens)))
			for _, t := range tokens {
				p := postings[t.Term]
				if p == nil {
					p = new([len(fields)][]posting)
					postings[t.Term] = p
				}
				if n := len(p[f]); n > 0 && p[f][n-1].doc == i {
					p[f][n-1].positions = append(p[f][n-1].positions, t.Position)
				} else {
					p[f] = append(p[f], posting{doc: i, positions: []int{t.Position}})
				}
			}
		}
		docChunks[i/DocsPerChunk] = append(docChunks[i/DocsPerChunk], record)
		for _, k := range search.FacetKinds {
			var positions []int
			for _, v := range d.FacetValues(k) {
				if i := facetPosition(k.Values(m), v); i >= 0 {
					positions = append(positions, i)
				}
			}
			values[k.Key] = append(append(values[k.Key], len(positions)), positions...)
		}
	}
	for f := range fields {
		md.Lengths[f] = numbers(lengths[f])
	}
	for k, v := range values {
		md.Values[k] = numbers(v)
	}
	entries := termEntries(postings, md.Params.MaxExpansion)
	size := 0
	for _, e := range entries {
		size += len(e.term) + len(e.data) + 4
	}
	md.TermChunks = max(1, (size+termChunkBytes-1)/termChunkBytes)
	termChunks := make([]map[string]json.RawMessage, md.TermChunks)
	for i := range termChunks {
		termChunks[i] = map[string]json.RawMessage{}
	}
	for _, e := range entries {
		termChunks[Hash(e.term)%uint32(md.TermChunks)][e.term] = e.data
	}

	files := map[string][]byte{}
	version := sha256.New()
	add := func(name string, data any) error {
		body, err := json.Marshal(data)
		if err != nil {
			return fmt.Errorf("static search index: %s: %w", name, err)
		}
		version.Write(body)
		files[name] = script(strings.TrimSuffix(name, ".js"), body)
		return nil
	}
	for i, c := range termChunks {
		if err := add(fmt.Sprintf("t-%03d.js", i), c); err != nil {
			return nil, err
		}
	}
	for i, c := range docChunks {
		if err := add(fmt.Sprintf("d-%03d.js", i), c); err != nil {
			return nil, err
		}
	}
	if err := add("vocab.js", search.NewVocabulary(docs)); err != nil {
		return nil, err
	}
	md.Version = hex.EncodeToString(version.Sum(nil)[:6])
	if err := add("meta.js", md); err != nil {
		return nil, err
	}
	return files, nil
}

// script wraps data as a script that hands it to the page.
func script(name string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("kbSearchData(")
	quoted, _ := json.Marshal(name)
	b.Write(quoted)
	b.WriteString(",")
	b.Write(data)
	b.WriteString(");\n")
	return b.Bytes()
}

// termEntry is a term with its entry in a term chunk, as JSON.
type termEntry struct {
	term string
	data json.RawMessage
}

// termEntries encodes every term's postings, in term order: an array with,
// per text field, the section-number deltas, occurrence counts and
// position deltas (as numbers); then, for a Japanese character, the bigrams of the
// index that begin with it and those that end with it, most frequent
// first, as the server's executor lists them.
func termEntries(postings map[string]*[len(fields)][]posting, maxExpansion int) []termEntry {
	heads, tails := map[string][]string{}, map[string][]string{}
	freq := map[string]int{}
	for term, p := range postings {
		first, last, ok := search.IsBigram(term)
		if !ok {
			continue
		}
		for _, list := range p {
			freq[term] += len(list)
		}
		heads[string(first)] = append(heads[string(first)], term)
		tails[string(last)] = append(tails[string(last)], term)
	}
	sorted := func(list []string) []string {
		slices.SortFunc(list, func(a, b string) int { return cmp.Or(cmp.Compare(freq[b], freq[a]), strings.Compare(a, b)) })
		return list[:min(len(list), maxExpansion)]
	}
	terms := slices.Collect(maps.Keys(postings))
	for c := range heads {
		terms = append(terms, c)
	}
	for c := range tails {
		terms = append(terms, c)
	}
	slices.Sort(terms)
	terms = slices.Compact(terms)
	out := make([]termEntry, 0, len(terms))
	for _, term := range terms {
		entry := []any{}
		var p [len(fields)][]posting
		if q := postings[term]; q != nil {
			p = *q
		}
		for _, list := range p {
			flat := []int{}
			prev := 0
			for _, ps := range list {
				flat = append(flat, ps.doc-prev, len(ps.positions))
				prev = ps.doc
				last := 0
				for _, pos := range ps.positions {
					flat = append(flat, pos-last)
					last = pos
				}
			}
			entry = append(entry, numbers(flat))
		}
		if h, t := heads[term], tails[term]; len(h)+len(t) > 0 {
			entry = append(entry, nonNil(sorted(h)), nonNil(sorted(t)))
		}
		data, _ := json.Marshal(entry)
		out = append(out, termEntry{term, data})
	}
	return out
}

// offsets lists where each token of text lies, in UTF-16 code units as
// the script indexes strings: per token, the start's distance from the
// previous token's start and the length.
func offsets(text string, tokens []search.Token) []int {
	out := make([]int, 0, 2*len(tokens))
	units := utf16Offsets(text)
	prev := 0
	for _, t := range tokens {
		start, end := units[t.Start], units[t.End]
		out = append(out, start-prev, end-start)
		prev = start
	}
	return out
}

// utf16Offsets maps every byte offset of text that starts a character (and
// the end) to its offset in UTF-16 code units.
func utf16Offsets(text string) []int {
	out := make([]int, len(text)+1)
	u := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		for j := i; j < i+size; j++ {
			out[j] = u // inside a character: the character's start
		}
		u++
		if r >= 0x10000 {
			u++
		}
		i += size
	}
	out[len(text)] = u
	return out
}

// digits are the 64 digits of numbers: the low 32 end a number, the high
// 32 carry five bits and say that more follow.
const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// numbers encodes a list of non-negative integers as text: each number in
// base 32, least significant digit first, a digit below 32 ending it (the
// variable-length quantities of source maps, without sign). Most numbers
// of the index are small, so most take one character, against two to
// four as JSON numbers with commas.
func numbers(list []int) string {
	var b strings.Builder
	for _, n := range list {
		if n < 0 {
			panic("staticsearch: negative number")
		}
		for n >= 32 {
			b.WriteByte(digits[32|n&31])
			n >>= 5
		}
		b.WriteByte(digits[n])
	}
	return b.String()
}

// Hash is the term hash that picks a term's chunk: FNV-1a over the
// term's code points. The script computes the same.
func Hash(term string) uint32 {
	h := uint32(2166136261)
	for _, r := range term {
		h ^= uint32(r)
		h *= 16777619
	}
	return h
}

func facetPosition(list []search.Facet, id string) int {
	return slices.IndexFunc(list, func(f search.Facet) bool { return f.ID == id })
}

func levelText(level int) string {
	if level == 0 {
		return ""
	}
	return fmt.Sprint(level)
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
