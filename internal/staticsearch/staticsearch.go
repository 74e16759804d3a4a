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
//	t-NNN.js     entries whose key's hash falls in chunk NNN: a term's
//	             sections and counts per field (and, for a Japanese
//	             character, the bigrams that begin or end with it), the
//	             term's positions apart (PositionsKey, in the same chunk),
//	             and whole words' sections and counts (WordKey); past the
//	             hashed chunks, one entry each (meta's OwnFiles)
//	d-NNN.js     sections DocsPerChunk×NNN onwards: their stored fields
//	vocab.js     the words "did you mean" suggests from (search.Vocabulary),
//	             loaded only for a query that finds nothing
//
// Each file calls kbSearchData(name, data) when loaded, data being the
// file's JSON compressed with DEFLATE (RFC 1951) and written seven bits a
// character (pack): the script unpacks it and inflates it with the
// browser's DecompressionStream. Text compresses to about a third, which
// more than pays for the fifth more that packing costs. Where each token of a title or body lies is not stored: the
// script finds it by analysing the text again, as it analyses queries.
package staticsearch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/klauspost/compress/flate"

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
// results loads at most as many of those files as it has hits. Sixteen
// sections compress to about what four took uncompressed.
const DocsPerChunk = 16

// termChunkBytes is about the size of a t-NNN.js file's JSON. A query
// loads one file per term or word, so smaller chunks mean less to
// download per query and more files. At 1,000 generated pages, 8 KiB
// with ownFileBytes at 2 KiB made the largest later query 69 KiB against
// 98 KiB with 12 and 4 KiB, for the same total size.
const termChunkBytes = 8 << 10

// ownFileBytes is the size of an entry (its JSON) above which it gets a
// file of its own: a term's counts and its positions are apart, so a
// term's positions in its own file cost nothing to a query for the term
// alone.
const ownFileBytes = 2 << 10

// compression is the DEFLATE level of the files, with
// github.com/klauspost/compress: on the index's thousands of small files it
// takes about three quarters of the time of the standard library's level 4
// (which clears its tables for every file) for 1% more bytes.
const compression = 6

// Format is the static search index as an output of the build.
type Format struct{}

// Name implements pipeline.Format.
func (Format) Name() string { return "static-search" }

// Needs implements pipeline.Format: every section's text is indexed.
func (Format) Needs() pipeline.Needs { return pipeline.Needs{SectionText: true} }

// Check implements pipeline.Format; the index takes any site.
func (Format) Check(*site.Site, *diag.List) {}

// After implements pipeline.Follower: the static index is written from
// the bleve index, so that the two hold the same terms at the same
// positions and cannot disagree.
func (Format) After() []string { return []string{search.Format{}.Name()} }

// Emit implements pipeline.Format. A build that writes no bleve index
// builds one aside to read.
func (Format) Emit(job pipeline.Job) (err error) {
	docs, sm := search.Documents(job.Site), search.NewMeta(job.Site)
	dir, err := job.Out.Local(search.IndexDir)
	if errors.Is(err, fs.ErrNotExist) {
		scratch, merr := os.MkdirTemp("", "kb-static-search-")
		if merr != nil {
			return merr
		}
		defer func() {
			if rerr := os.RemoveAll(scratch); err == nil {
				err = rerr
			}
		}()
		dir = filepath.Join(scratch, search.IndexDir)
		if err := search.BuildDocuments(docs, sm, dir, 0); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	ix, err := search.Open(dir)
	if err != nil {
		return err
	}
	defer ix.Close()
	m := job.Theme.Messages(job.Site.Config.Language)
	files, err := build(ix, docs, sm, search.NamedKinds(m.FacetName))
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

// postingList is a term's postings in one field, as numbers, in two
// lists: counts, the sections and how often the term occurs in each (see
// countList), and apart from them the positions: per section in turn,
// each position's distance from the one before (from 0 for the first). A
// query needs positions only to match a phrase of several terms.
type postingList struct {
	counts    countList
	positions []int32
}

// add appends section doc, which follows those added before, with the
// term's positions there in ascending order.
func (p *postingList) add(doc int, positions []int32) {
	p.counts.add(doc, len(positions))
	last := int32(0)
	for _, pos := range positions {
		p.positions = append(p.positions, pos-last)
		last = pos
	}
}

// PositionsKey is the key of the entry that holds a term's positions: an
// exclamation mark, which no term holds, before the term.
func PositionsKey(term string) string { return "!" + term }

// ChunkKey is what the hash of an entry's key is taken of: the term
// itself for its positions, so that a term and its positions share a
// chunk (a phrase loads one file per term, not two), unless either has a
// file of its own.
func ChunkKey(key string) string { return strings.TrimPrefix(key, "!") }

// meta is the content of meta.js.
type meta struct {
	// Version changes with the index; the script asks for chunks with it,
	// so that a browser never mixes chunks of two builds.
	Version    string `json:"version"`
	Docs       int    `json:"docs"`
	TermChunks int    `json:"termChunks"`
	// OwnFiles lists, in order, the terms whose entries are large enough
	// for a file of their own, t-NNN.js from TermChunks on: a query then
	// downloads no other term's large entry with them.
	OwnFiles     []string      `json:"ownFiles"`
	DocsPerChunk int           `json:"docsPerChunk"`
	Params       search.Params `json:"params"`
	// Kinds are the facets (search.FacetKinds); Facets their values.
	Kinds  []search.FacetKind `json:"facetKinds"`
	Facets search.Meta        `json:"facets"`
	// Lengths holds, per text field, every section's number of tokens
	// (as numbers, see numbers).
	Lengths [search.TextFields]string `json:"lengths"`
	// Values holds, by facet key, every section's values as positions in
	// Facets, in runs of sections with the same values (the sections of a
	// page share theirs): per run, its number of sections, the number of
	// values, then the positions (as numbers).
	Values map[string]string `json:"values"`
	// Variants is the table of spelling variants that queries are folded
	// with, as the index's analyzer folds text.
	Variants search.Variants `json:"variants"`
	// Synonyms are the groups of terms a query word stands for all of
	// (search.Meta.Synonyms).
	Synonyms [][]string `json:"synonyms"`
}

// Build returns the files of the static index of docs, by name, from
// ix, their bleve index.
func Build(ix *search.Index, docs []search.Document, m search.Meta) (map[string][]byte, error) {
	return build(ix, docs, m, search.FacetKinds)
}

// build is Build with the facets named as kinds names them.
func build(ix *search.Index, docs []search.Document, m search.Meta, kinds []search.FacetKind) (map[string][]byte, error) {
	md := meta{Docs: len(docs), DocsPerChunk: DocsPerChunk, Params: search.QueryParams(), Kinds: kinds,
		Values: map[string]string{}, OwnFiles: []string{}, Variants: search.VariantTable(), Synonyms: m.Synonyms}
	if md.Synonyms == nil {
		md.Synonyms = [][]string{}
	}
	m.Synonyms = nil
	md.Facets = m
	values := map[string]*valueRuns{}
	for _, k := range search.FacetKinds {
		values[k.Key] = &valueRuns{}
	}
	docChunks := make([][]any, (len(docs)+DocsPerChunk-1)/DocsPerChunk)
	entries, lengths, err := termEntries(ix, len(docs))
	if err != nil {
		return nil, err
	}
	for i, d := range docs {
		record := []any{d.URL, d.Number, d.Title, nonNil(d.Path), d.Body, d.Chapter, nonNil(d.Roles), levelText(d.Level)}
		docChunks[i/DocsPerChunk] = append(docChunks[i/DocsPerChunk], record)
		for _, k := range search.FacetKinds {
			var positions []int
			for _, v := range d.FacetValues(k) {
				if i := facetPosition(k.Values(m), v); i >= 0 {
					positions = append(positions, i)
				}
			}
			values[k.Key].add(positions)
		}
	}
	for f := range lengths {
		md.Lengths[f] = numbers(lengths[f])
	}
	for k, v := range values {
		md.Values[k] = numbers(v.flat())
	}
	size := 0
	for _, e := range entries {
		if len(e.data) > ownFileBytes {
			md.OwnFiles = append(md.OwnFiles, e.term)
		} else {
			size += len(e.term) + len(e.data) + 4
		}
	}
	md.TermChunks = max(1, (size+termChunkBytes-1)/termChunkBytes)
	// A term chunk is a JSON object of its terms' entries, written as
	// they come, in term order.
	termChunks := make([][]byte, md.TermChunks+len(md.OwnFiles))
	own := 0
	for _, e := range entries {
		k := Hash(ChunkKey(e.term)) % uint32(md.TermChunks)
		if own < len(md.OwnFiles) && md.OwnFiles[own] == e.term {
			k = uint32(md.TermChunks + own)
			own++
		}
		if termChunks[k] == nil {
			termChunks[k] = append(termChunks[k], '{')
		} else {
			termChunks[k] = append(termChunks[k], ',')
		}
		term, _ := json.Marshal(e.term)
		termChunks[k] = append(append(append(termChunks[k], term...), ':'), e.data...)
	}
	for k := range termChunks {
		if termChunks[k] == nil {
			termChunks[k] = append(termChunks[k], '{')
		}
		termChunks[k] = append(termChunks[k], '}')
	}

	// Marshalling and compressing take as long as analysing: each file on
	// its own core.
	type file struct {
		name string
		data any
		body []byte
	}
	var list []file
	for i, c := range termChunks {
		list = append(list, file{name: fmt.Sprintf("t-%03d.js", i), body: c})
	}
	for i, c := range docChunks {
		list = append(list, file{name: fmt.Sprintf("d-%03d.js", i), data: c})
	}
	list = append(list, file{name: "vocab.js", data: ix.Vocabulary()})
	encode := func(f *file) error {
		if f.body != nil {
			return nil
		}
		body, err := json.Marshal(f.data)
		if err != nil {
			return fmt.Errorf("static search index: %s: %w", f.name, err)
		}
		f.body = body
		return nil
	}
	scripts := make([][]byte, len(list)+1)
	err = parallel.Do(len(list), func(i int) error {
		if err := encode(&list[i]); err != nil {
			return err
		}
		scripts[i] = script(strings.TrimSuffix(list[i].name, ".js"), list[i].body)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The version is a hash of the chunks as written, which are smaller
	// than their JSON.
	version := sha256.New()
	for _, s := range scripts {
		version.Write(s)
	}
	md.Version = hex.EncodeToString(version.Sum(nil)[:6])
	list = append(list, file{name: "meta.js", data: md})
	if err := encode(&list[len(list)-1]); err != nil {
		return nil, err
	}
	scripts[len(list)-1] = script("meta", list[len(list)-1].body)
	files := make(map[string][]byte, len(list))
	for i, f := range list {
		files[f.name] = scripts[i]
	}
	return files, nil
}

// deflaters keeps compressors for reuse: each holds about a megabyte of
// tables that a new one would clear.
var deflaters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, compression)
	return w
}}

// script wraps data as a script that hands it to the page: compressed
// with DEFLATE and written as a string of seven bits a character (pack).
func script(name string, data []byte) []byte {
	var packed bytes.Buffer
	w := deflaters.Get().(*flate.Writer)
	w.Reset(&packed)
	w.Write(data)
	w.Close()
	deflaters.Put(w)
	var b bytes.Buffer
	b.Grow(len(name) + packed.Len()*8/7 + packed.Len()/8 + 24)
	b.WriteString(`kbSearchData("`)
	b.WriteString(name) // names are t-NNN, d-NNN and meta: nothing to escape
	b.WriteString(`","`)
	pack(&b, packed.Bytes())
	b.WriteString("\");\n")
	return b.Bytes()
}

// unsafe are the seven-bit values that cannot stand for themselves in a
// JavaScript string between double quotes: NUL, the line feed, the
// carriage return, the quote and the backslash.
var unsafe = [...]byte{0, '\n', '\r', '"', '\\'}

// unsafeIndex is a value's place in unsafe plus one, or 0.
var unsafeIndex = func() (ix [128]byte) {
	for i, c := range unsafe {
		ix[c] = byte(i + 1)
	}
	return ix
}()

// pack writes data as text in the manner of base-122: its bits, most
// significant first, in groups of seven (the last one padded with zeros),
// each group one ASCII character. An unsafe group is written together with
// the group after it as one code point, U+0100 + 128×(its index in
// unsafe) + the next group, or, when it is the last group, as U+0380 + its
// index: two bytes of UTF-8 for fourteen bits. Compressed data has every
// value about equally often, so a byte costs 8/7 × (1 + 5/128) ≈ 1.19
// bytes against base64's 1.33.
func pack(b *bytes.Buffer, data []byte) {
	var acc uint32 // bits not written yet, in its low n bits
	n := 0
	next := func() (byte, bool) {
		if n < 7 {
			if len(data) == 0 {
				if n == 0 {
					return 0, false
				}
				v := byte(acc<<(7-n)) & 127
				n = 0
				return v, true
			}
			acc = acc<<8 | uint32(data[0])
			data = data[1:]
			n += 8
		}
		n -= 7
		return byte(acc>>n) & 127, true
	}
	for {
		v, ok := next()
		if !ok {
			return
		}
		if u := unsafeIndex[v]; u > 0 {
			if w, ok := next(); ok {
				b.WriteRune(0x100 + rune(u-1)<<7 + rune(w))
			} else {
				b.WriteRune(0x380 + rune(u-1))
			}
			continue
		}
		b.WriteByte(v)
	}
}

// unpack reads what pack wrote.
func unpack(text string) ([]byte, error) {
	out := make([]byte, 0, len(text)*7/8)
	var acc uint32
	n := 0
	put := func(v rune) {
		acc = acc<<7 | uint32(v)
		n += 7
		if n >= 8 {
			n -= 8
			out = append(out, byte(acc>>n))
		}
	}
	for _, r := range text {
		switch {
		case r < 128 && unsafeIndex[r] == 0:
			put(r)
		case r >= 0x100 && r < 0x100+rune(len(unsafe))<<7:
			put(rune(unsafe[(r-0x100)>>7]))
			put((r - 0x100) & 127)
		case r >= 0x380 && r < 0x380+rune(len(unsafe)):
			put(rune(unsafe[r-0x380]))
		default:
			return nil, fmt.Errorf("static search index: %U is not a packed character", r)
		}
	}
	return out, nil
}

// valueRuns collects the facet values of sections in runs of equal ones.
type valueRuns struct {
	runs []int   // sections per run
	list [][]int // the values of each run
}

// add appends the next section's values.
func (r *valueRuns) add(values []int) {
	if n := len(r.runs); n > 0 && slices.Equal(r.list[n-1], values) {
		r.runs[n-1]++
		return
	}
	r.runs = append(r.runs, 1)
	r.list = append(r.list, values)
}

// flat lists the runs as meta.Values writes them.
func (r *valueRuns) flat() []int {
	var out []int
	for i, n := range r.runs {
		out = append(append(out, n, len(r.list[i])), r.list[i]...)
	}
	return out
}

// termEntry is a term with its entry in a term chunk, as JSON.
type termEntry struct {
	term string
	data json.RawMessage
}

// termEntries encodes the postings of every term of ix and the entries of
// words (wordPhrases), in order of their keys, and returns them with the
// length of each text field of every section. A term's entry is an array
// with, per text field, its counts as postingList holds them (as
// numbers); then, for a Japanese character, the bigrams of the index that
// begin with it and those that end with it, most frequent first
// (search.Index.Expansions). Its positions are an entry apart
// (PositionsKey): per field, postingList's positions (as numbers).
func termEntries(ix *search.Index, docs int) ([]termEntry, [search.TextFields][]int, error) {
	var lengths [search.TextFields][]int
	ex, err := ix.Export()
	if err != nil {
		return nil, lengths, err
	}
	terms := slices.Clone(ex.Terms())
	for _, t := range ex.Terms() {
		if first, last, ok := search.IsBigram(t); ok {
			terms = append(terms, string(first), string(last))
		}
	}
	slices.Sort(terms)
	terms = slices.Compact(terms)
	words := wordPhrases(ix, terms)
	// kept holds the postings of the terms the words need, by term.
	kept := map[string]*[search.TextFields]search.Postings{}
	for _, w := range words {
		for _, alts := range w.positions {
			for _, t := range alts {
				if t != "" {
					kept[t] = nil
				}
			}
		}
	}
	keptAt := make([]*[search.TextFields]search.Postings, len(terms))
	// Per term, its entry then its positions' entry.
	out := make([]termEntry, 2*len(terms), 2*len(terms)+len(words))
	// Terms are read and encoded on all cores, in runs of terms that each
	// note the lengths of the fields they meet in their own table.
	runs := 4 * runtime.GOMAXPROCS(0)
	runLengths := make([][search.TextFields][]int, runs)
	err = parallel.Do(runs, func(r int) error {
		seen := &runLengths[r]
		for f := range seen {
			seen[f] = make([]int, docs)
		}
		for i := r * len(terms) / runs; i < (r+1)*len(terms)/runs; i++ {
			term := terms[i]
			postings, err := ex.Term(term)
			if err != nil {
				return err
			}
			if _, ok := kept[term]; ok {
				keptAt[i] = &postings
			}
			entry, positions := []any{}, []any{}
			for f, p := range postings {
				var list postingList
				for j, doc := range p.Docs {
					list.add(int(doc), p.Positions(j))
					seen[f][doc] = int(p.Lengths[j])
				}
				entry = append(entry, numbers(list.counts.flat))
				positions = append(positions, numbers(list.positions))
			}
			if c := []rune(term); len(c) == 1 {
				if h, t := ix.Expansions(c[0]); len(h)+len(t) > 0 {
					entry = append(entry, nonNil(h), nonNil(t))
				}
			}
			data, err := json.Marshal(entry)
			if err != nil {
				return err
			}
			out[2*i] = termEntry{term, data}
			if data, err = json.Marshal(positions); err != nil {
				return err
			}
			out[2*i+1] = termEntry{PositionsKey(term), data}
		}
		return nil
	})
	if err != nil {
		return nil, lengths, err
	}
	for i, p := range keptAt {
		if p != nil {
			kept[terms[i]] = p
		}
	}
	wordOut := make([]termEntry, len(words))
	err = parallel.Do(runs, func(r int) error {
		counts := make([]int32, docs)
		for i := r * len(words) / runs; i < (r+1)*len(words)/runs; i++ {
			data, err := json.Marshal(words[i].entry(kept, counts))
			if err != nil {
				return err
			}
			wordOut[i] = termEntry{words[i].key, data}
		}
		return nil
	})
	if err != nil {
		return nil, lengths, err
	}
	out = append(out, wordOut...)
	slices.SortFunc(out, func(a, b termEntry) int { return strings.Compare(a.term, b.term) })
	for f := range lengths {
		lengths[f] = make([]int, docs)
		for _, seen := range runLengths {
			for d, n := range seen[f] {
				lengths[f][d] = max(lengths[f][d], n)
			}
		}
	}
	return out, lengths, nil
}

// wordPhrase is a word that gets an entry of its own: where its phrase
// occurs, so that a query for it needs none of its terms' postings.
type wordPhrase struct {
	// key is WordKey of the word's phrase.
	key string
	// positions is the phrase as search.Index.Phrase gives it.
	positions [][]string
}

// WordKey is the key of the entry of a word looked for as the phrase of
// positions (search.Index.Phrase): per position, a space (which no term
// holds), then its first term, and a star when it holds more (the
// bigrams a lone character stands for, which the character and its place
// in the phrase tell).
func WordKey(positions [][]string) string {
	var b strings.Builder
	for _, alts := range positions {
		b.WriteByte(' ')
		b.WriteString(alts[0])
		if len(alts) > 1 {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// wordPhrases returns the words with entries of their own, in no
// particular order: the words of the vocabulary (search.Vocabulary) that
// are phrases of several terms, and every kanji of the index as a lone
// character (itself and the bigrams it stands for). Both otherwise load
// the whole postings of several terms, positions and all.
func wordPhrases(ix *search.Index, terms []string) []wordPhrase {
	seen := map[string]bool{}
	var out []wordPhrase
	add := func(text string, single bool) {
		positions := ix.Phrase(text)
		slots := 0
		for _, alts := range positions {
			if len(alts) > 1 || alts[0] != "" {
				slots++
			}
		}
		if single && (len(positions) != 1 || len(positions[0]) < 2) || !single && slots < 2 {
			return
		}
		key := WordKey(positions)
		if !seen[key] {
			seen[key] = true
			out = append(out, wordPhrase{key, positions})
		}
	}
	for _, w := range ix.Vocabulary().Words {
		add(w, false)
	}
	for _, t := range terms {
		if r := []rune(t); len(r) == 1 && unicode.Is(unicode.Han, r[0]) {
			add(t, true)
		}
	}
	return out
}

// entry returns the word's entry, from the postings of its terms: per
// text field, the sections where the phrase occurs with how often, as
// countList holds them (as numbers); then per field the number of
// sections that hold a term of the phrase's rarest position, which the
// score's inverse document frequency counts. Both are what the server's
// executor finds (search.Index.Search): a section's count is the number
// of places where every position of the phrase holds one of its terms,
// counted once for each term of the first position that starts one; a
// lone character's, the occurrences of all its terms. counts is scratch
// space of one number per section, left zero.
func (w wordPhrase) entry(kept map[string]*[search.TextFields]search.Postings, counts []int32) []any {
	var slots []slot
	for i, alts := range w.positions {
		if len(alts) > 1 || alts[0] != "" {
			s := slot{offset: i}
			for _, t := range alts {
				if p := kept[t]; p != nil {
					s.terms = append(s.terms, p)
				}
			}
			slots = append(slots, s)
		}
	}
	entry := make([]any, 2*search.TextFields)
	for f := range search.TextFields {
		var list countList
		var df int
		if len(slots) == 1 {
			// A lone character: its terms' occurrences added up.
			var touched []int32
			for _, p := range slots[0].terms {
				for j, doc := range p[f].Docs {
					if counts[doc] == 0 {
						touched = append(touched, doc)
					}
					counts[doc] += p[f].Start[j+1] - p[f].Start[j]
				}
			}
			slices.Sort(touched)
			list.flat = make([]int32, 0, len(touched)+len(touched)/4)
			for _, doc := range touched {
				list.add(int(doc), int(counts[doc]))
				counts[doc] = 0
			}
			df = len(touched)
		} else {
			rarest, least := -1, 0
			for k, s := range slots {
				n := 0
				for _, p := range s.terms {
					n += len(p[f].Docs)
				}
				if rarest < 0 || n < least {
					rarest, least = k, n
				}
			}
			// The sections that hold a term of the rarest position.
			var touched []int32
			for _, p := range slots[rarest].terms {
				touched = append(touched, p[f].Docs...)
			}
			if len(slots[rarest].terms) > 1 {
				slices.Sort(touched)
				touched = slices.Compact(touched)
			}
			cur := make([]cursor, 0, 8)
			single := true // every slot holds one term, as in a vocabulary word
			for _, s := range slots {
				single = single && len(s.terms) == 1
				for _, p := range s.terms {
					cur = append(cur, cursor{p: &p[f]})
				}
			}
			list.flat = make([]int32, 0, len(touched)+len(touched)/4)
			for _, doc := range touched {
				if single {
					list.add(int(doc), singlePhraseCount(slots, cur, doc))
				} else {
					list.add(int(doc), phraseCount(slots, cur, doc))
				}
			}
			df = len(touched)
		}
		entry[f] = numbers(list.flat)
		entry[search.TextFields+f] = df
	}
	return entry
}

// slot is a position of a phrase that holds terms: its offset in the
// phrase and the postings of the terms it may hold.
type slot struct {
	offset int
	terms  []*[search.TextFields]search.Postings
}

// cursor walks a term's postings in one field in ascending order of
// sections.
type cursor struct {
	p *search.Postings
	i int
}

// at returns the term's positions in section doc, which is not before
// the last one asked for, or nil. It steps, then gallops: sections far
// ahead cost a few steps, not a search of the rest.
func (c *cursor) at(doc int32) []int32 {
	docs := c.p.Docs
	for k := 0; k < 4 && c.i < len(docs) && docs[c.i] < doc; k++ {
		c.i++
	}
	if c.i < len(docs) && docs[c.i] < doc {
		step := 1
		for c.i+step < len(docs) && docs[c.i+step] < doc {
			step *= 2
		}
		j, _ := slices.BinarySearch(docs[c.i+step/2:min(c.i+step, len(docs))], doc)
		c.i += step/2 + j
	}
	if c.i < len(docs) && docs[c.i] == doc {
		return c.p.Pos[c.p.Start[c.i]:c.p.Start[c.i+1]]
	}
	return nil
}

// singlePhraseCount is phraseCount for slots of one term each: the
// places where each slot's term is at its distance from the first's.
func singlePhraseCount(slots []slot, cur []cursor, doc int32) int {
	var buf [16][]int32
	here := buf[:0]
	for k := range slots {
		p := cur[k].at(doc)
		if p == nil {
			return 0
		}
		here = append(here, p)
	}
	n := 0
	first := int32(slots[0].offset)
	for _, pos := range here[0] {
		if pos < first {
			continue
		}
		all := true
		for k := 1; k < len(slots) && all; k++ {
			want := pos - first + int32(slots[k].offset)
			all = false
			for _, q := range here[k] {
				if q >= want {
					all = q == want
					break
				}
			}
		}
		if all {
			n++
		}
	}
	return n
}

// phraseCount counts the places in section doc where the phrase of slots
// starts, as the script's phraseStarts finds them: for each term of the
// first slot and each of its positions, whether every other slot holds
// one of its terms at the same distance. cur holds a cursor per term of
// the slots, in order.
func phraseCount(slots []slot, cur []cursor, doc int32) int {
	var buf [64][]int32
	here := buf[:0] // per cursor, its positions in doc
	for _, s := range slots {
		found := false
		for range s.terms {
			p := cur[len(here)].at(doc)
			found = found || p != nil
			here = append(here, p)
		}
		if !found {
			return 0
		}
	}
	n := 0
	for _, positions := range here[:len(slots[0].terms)] {
		for _, pos := range positions {
			if int(pos) < slots[0].offset {
				continue
			}
			start := int(pos) - slots[0].offset
			all := true
			c := len(slots[0].terms)
			for k := 1; k < len(slots) && all; k++ {
				want := int32(start + slots[k].offset)
				any := false
				for _, p := range here[c : c+len(slots[k].terms)] {
					if _, ok := slices.BinarySearch(p, want); ok {
						any = true
						break
					}
				}
				c += len(slots[k].terms)
				all = any
			}
			if all {
				n++
			}
		}
	}
	return n
}

// countList is how often a word occurs in each section that holds it, as
// numbers: per section, twice its distance from the previous one (from 0
// for the first), plus one when the count is more than one; then, in that
// case, the count less two.
type countList struct {
	flat []int32
	last int
}

// add appends section doc, which follows those added before, when n > 0.
func (c *countList) add(doc, n int) {
	switch {
	case n == 1:
		c.flat = append(c.flat, int32(2*(doc-c.last)))
	case n > 1:
		c.flat = append(c.flat, int32(2*(doc-c.last)+1), int32(n-2))
	default:
		return
	}
	c.last = doc
}

// digits are the 64 digits of numbers: the low 32 end a number, the high
// 32 carry five bits and say that more follow.
const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// numbers encodes a list of non-negative integers as text: each number in
// base 32, least significant digit first, a digit below 32 ending it (the
// variable-length quantities of source maps, without sign). Most numbers
// of the index are small, so most take one character, against two to
// four as JSON numbers with commas.
func numbers[T int | int32](list []T) string {
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
