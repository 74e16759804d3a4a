package search

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// Page size limits.
const (
	DefaultSize = 10
	MaxSize     = 50
	// MaxFrom bounds paging, which costs more the deeper it goes.
	MaxFrom = 1000
)

// maxExpansion bounds the bigrams a lone character of a query stands for.
const maxExpansion = 256

// Index is an opened search index. It is safe for concurrent use.
type Index struct {
	shards   []*shard
	meta     Meta
	analyzer analysis.Analyzer
	// heads and tails list, for each Japanese character, the bigrams in the
	// index that begin or end with it, most frequent first.
	heads, tails map[rune][]string
	// synonyms maps the term key of a synonym to its group.
	synonyms map[string][]string
	// vocab is what "did you mean" suggests from.
	vocab Vocabulary
	// docs is the number of documents in all shards.
	docs int
	// dir is the index folder.
	dir string
}

// shard is one part of the index, opened with a reader kept for its lifetime.
type shard struct {
	idx    bleve.Index
	reader index.IndexReader
	// facets holds each document's facet values by document number.
	facets []facetRecord
	// present holds the documents of the shard; byRole, byChapter and
	// byLevel those with each facet value, in Meta's order.
	present                    bitset
	byRole, byChapter, byLevel []bitset
}

// Open opens the index in dir read-only.
func Open(dir string) (ix *Index, err error) {
	data, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	var meta Meta
	if err := json.Unmarshal(data, &meta); err != nil {
		return nil, fmt.Errorf("search index: %s: %w", metaFile, err)
	}
	if meta.Shards < 1 {
		return nil, fmt.Errorf("search index: %s lists no shards; rebuild the site with this version of kb", metaFile)
	}
	ix = &Index{meta: meta, heads: map[rune][]string{}, tails: map[rune][]string{}, dir: dir}
	opened := ix // ix is nil once an error is returned
	defer func() {
		if v := recover(); v != nil {
			// A damaged segment can make bleve index out of range.
			err = fmt.Errorf("damaged: %v", v)
		}
		if err != nil {
			_ = opened.Close()
			ix, err = nil, fmt.Errorf("search index: %w", err)
		}
	}()
	for k := range meta.Shards {
		sh, err := openShard(shardDir(dir, k))
		if sh != nil {
			ix.shards = append(ix.shards, sh)
		}
		if err != nil {
			return nil, err
		}
		if err := ix.loadFacets(sh); err != nil {
			return nil, err
		}
	}
	// The analyzer the index was built with: an index of an older kb
	// (the plain cjk analyzer) is answered as it was built.
	m := ix.shards[0].idx.Mapping()
	name := m.AnalyzerNameForPath(fieldBody)
	ix.analyzer = m.AnalyzerNamed(name)
	if ix.analyzer == nil {
		return nil, fmt.Errorf("no analyzer %q", name)
	}
	if ix.vocab, err = readVocabulary(dir); err != nil {
		return nil, err
	}
	ix.synonyms = map[string][]string{}
	for _, g := range meta.Synonyms {
		for _, term := range g {
			ix.synonyms[synonymKey(ix.analyzer, term)] = g
		}
	}
	return ix, ix.listBigrams()
}

// openShard opens one shard and its reader.
func openShard(dir string) (*shard, error) {
	idx, err := bleve.OpenUsing(dir, map[string]any{"read_only": true})
	if err != nil {
		return nil, err
	}
	sh := &shard{idx: idx}
	adv, err := idx.Advanced()
	if err == nil {
		sh.reader, err = adv.Reader()
	}
	return sh, err
}

// listBigrams fills heads and tails from the dictionaries of the text fields.
func (ix *Index) listBigrams() error {
	freq := map[string]uint64{}
	for _, sh := range ix.shards {
		for _, field := range textFields {
			dict, err := sh.reader.FieldDict(field)
			if err != nil {
				return err
			}
			for {
				e, err := dict.Next()
				if err != nil {
					_ = dict.Close()
					return err
				}
				if e == nil {
					break
				}
				if first, last, ok := bigram(e.Term); ok {
					if _, seen := freq[e.Term]; !seen {
						ix.heads[first] = append(ix.heads[first], e.Term)
						ix.tails[last] = append(ix.tails[last], e.Term)
					}
					freq[e.Term] += e.Count
				}
			}
			if err := dict.Close(); err != nil {
				return err
			}
		}
	}
	for _, m := range []map[rune][]string{ix.heads, ix.tails} {
		for r, list := range m {
			// Most frequent first; the term itself breaks ties, so the
			// list is the same however the index is split.
			slices.SortFunc(list, func(a, b string) int { return cmp.Or(cmp.Compare(freq[b], freq[a]), strings.Compare(a, b)) })
			m[r] = list[:min(len(list), maxExpansion)]
		}
	}
	return nil
}

// bigram reports whether term is a bigram of two Japanese characters.
func bigram(term string) (first, last rune, ok bool) {
	first, n := utf8.DecodeRuneInString(term)
	last, m := utf8.DecodeRuneInString(term[n:])
	return first, last, n+m == len(term) && first >= 0x3000 && last >= 0x3000
}

// Dir returns the index folder, which also holds the search page's
// templates (PageFile).
func (ix *Index) Dir() string { return ix.dir }

// Close releases the index.
func (ix *Index) Close() error {
	var errs []error
	for _, sh := range ix.shards {
		if sh.reader != nil {
			errs = append(errs, sh.reader.Close())
		}
		if sh.idx != nil {
			errs = append(errs, sh.idx.Close())
		}
	}
	return errors.Join(errs...)
}

// Request is a search as a reader asks it.
type Request struct {
	// Query is the text typed, in the syntax of ParseQuery.
	Query string
	// Role, Chapter and Level narrow the results as the facet controls do;
	// "" means any.
	Role, Chapter, Level string
	// From is the number of hits to skip; Size the number to return
	// (DefaultSize when 0).
	From, Size int
}

// Result is the answer to a Request.
type Result struct {
	Total  uint64        `json:"total"`
	Took   time.Duration `json:"-"`
	TookMS float64       `json:"took_ms"`
	From   int           `json:"from"`
	Size   int           `json:"size"`
	Hits   []Hit         `json:"hits"`
	Facets Facets        `json:"facets"`
	// Kinds lists the facets, for a client to lay out Facets.
	Kinds []FacetKind `json:"facet_kinds"`
	// Suggestions are queries to try instead ("did you mean"), when
	// this one found nothing and the index has words close to its own.
	Suggestions []string `json:"suggestions,omitempty"`
}

// Hit is one matching section.
type Hit struct {
	// URL is the site-relative address of the section, as in Document.
	URL string `json:"url"`
	// Title is the numbered section title; TitleHTML is the same, escaped,
	// with the matches in <mark>.
	Title     string `json:"title"`
	TitleHTML string `json:"title_html"`
	// Path holds the numbered titles of the enclosing chapter, pages and headings.
	Path []string `json:"path"`
	// Snippet is an excerpt of the section, HTML-escaped, with the
	// matches in <mark>.
	Snippet string   `json:"snippet"`
	Chapter string   `json:"chapter,omitempty"`
	Roles   []string `json:"roles,omitempty"`
	Level   string   `json:"level,omitempty"`
	Score   float64  `json:"score"`
}

// Facets counts the hits by chapter, role and level.
type Facets struct {
	Chapters []FacetCount `json:"chapters"`
	Roles    []FacetCount `json:"roles"`
	Levels   []FacetCount `json:"levels"`
}

// FacetCount is a facet value with the number of hits that have it.
type FacetCount struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Search runs a request. Problems with what was asked are *QueryError;
// the search stops with an error when ctx ends.
func (ix *Index) Search(ctx context.Context, r Request) (*Result, error) {
	if r.Size == 0 {
		r.Size = DefaultSize
	}
	if r.Size < 1 || r.Size > MaxSize {
		return nil, queryError("query.size_range", "max", strconv.Itoa(MaxSize))
	}
	if r.From < 0 || r.From > MaxFrom {
		return nil, queryError("query.from_range", "max", strconv.Itoa(MaxFrom))
	}
	pq, err := ParseQuery(r.Query)
	if err != nil {
		return nil, err
	}
	for _, k := range FacetKinds {
		if v := *k.Of(&r); v != "" {
			values := k.In(&pq)
			*values = append(*values, v)
		}
	}
	q, err := ix.compile(pq)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	best, total, counts, err := ix.collect(ctx, q, r.From+r.Size)
	if err != nil {
		return nil, err
	}
	out := &Result{Total: total, From: r.From, Size: r.Size, Hits: []Hit{}, Facets: counts.facets(ix.meta), Kinds: FacetKinds}
	if total == 0 {
		typed, _ := ParseQuery(r.Query) // parsed above; here without the request's filters
		if out.Suggestions, err = ix.suggest(ctx, typed); err != nil {
			return nil, err
		}
	}
	if r.From < len(best) {
		if out.Hits, err = ix.hits(ctx, q, best[r.From:]); err != nil {
			return nil, err
		}
	}
	out.Took = time.Since(start)
	out.TookMS = float64(out.Took.Microseconds()) / 1000
	return out, nil
}

// hits loads the stored fields of the chosen documents and finds where
// the words match in them, for the marks of titles and snippets.
func (ix *Index) hits(ctx context.Context, q compiled, chosen []scored) ([]Hit, error) {
	out := make([]Hit, len(chosen))
	byShard := map[int][]int{}
	for i, c := range chosen {
		byShard[c.shard] = append(byShard[c.shard], i)
	}
	for k, list := range byShard {
		sh := ix.shards[k]
		// Matchers move forward only.
		slices.SortFunc(list, func(a, b int) int { return cmp.Compare(chosen[a].num, chosen[b].num) })
		locations := make([]bsearch.FieldTermLocationMap, len(list))
		for j := range locations {
			locations[j] = bsearch.FieldTermLocationMap{}
		}
		for _, w := range q.words {
			if w.exclude {
				continue
			}
			for _, field := range textFields {
				m, err := sh.newMatcher(ctx, w, field, true)
				if err != nil {
					return nil, err
				}
				for j, i := range list {
					if err := m.locate(chosen[i].num, locations[j]); err != nil {
						m.close()
						return nil, err
					}
				}
				m.close()
			}
		}
		for j, i := range list {
			doc, err := sh.reader.Document(strconv.Itoa(chosen[i].order))
			if err != nil {
				return nil, err
			}
			dm := &bsearch.DocumentMatch{Locations: locations[j]}
			if doc != nil {
				doc.VisitFields(func(f index.Field) {
					if text, ok := f.(index.TextField); ok {
						dm.AddFieldValue(f.Name(), text.Text())
					}
				})
			}
			out[i] = newHit(dm, q.narrow)
			out[i].Score = chosen[i].score
		}
	}
	return out, nil
}

// facetIndex finds a facet value by its ID, or a chapter by its number;
// -1 when there is none.
func facetIndex(known []Facet, v string) int {
	return slices.IndexFunc(known, func(f Facet) bool { return f.ID == v || (f.Number != "" && f.Number == v) })
}

// newHit turns a bleve hit into a Hit with its snippet.
func newHit(h *bsearch.DocumentMatch, narrow narrowing) Hit {
	str := func(name string) string {
		s, _ := h.Fields[name].(string)
		return s
	}
	list := func(name string) []string {
		switch v := h.Fields[name].(type) {
		case string:
			return []string{v}
		case []any:
			out := []string{}
			for _, x := range v {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
			return out
		}
		return []string{}
	}
	title, number, body := str(fieldTitle), str(fieldNumber), str(fieldBody)
	hit := Hit{
		URL:       str(fieldURL),
		Title:     title,
		TitleHTML: markAll(title, narrow.spans(h.Locations[fieldTitle])),
		Path:      list(fieldPath),
		Snippet:   snippet(body, narrow.spans(h.Locations[fieldBody])),
		Chapter:   str(fieldChapter),
		Roles:     list(fieldRoles),
		Level:     str(fieldLevel),
	}
	if number != "" {
		hit.Title = number + " " + title
		hit.TitleHTML = markAll(number, nil) + " " + hit.TitleHTML
	}
	return hit
}
