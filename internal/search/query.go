package search

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a reader may ask, so that no query is expensive.
const (
	// MaxQueryLength is the longest query, in characters.
	MaxQueryLength = 200
	// MaxItems is the most words, phrases, exclusions and filters in a query.
	MaxItems = 10
)

// QueryError is a problem with what the reader asked. The reader sees the
// text of Key in the site's catalogue (query.* of layouts/i18n), its
// {name} slots filled from Args; the static search script raises the same
// keys with the same arguments (assets/search-engine.js).
type QueryError struct {
	Key string
	// Args are pairs of a slot's name and its value. The slot "facet"
	// holds a facet's key, shown as the facet's name (search.facet.<key>).
	Args []string
}

// Error returns the key and its arguments, for logs and tests.
func (e *QueryError) Error() string {
	if len(e.Args) == 0 {
		return e.Key
	}
	return e.Key + " " + strings.Join(e.Args, " ")
}

func queryError(key string, args ...string) error { return &QueryError{Key: key, Args: args} }

// Query is a parsed search query.
type Query struct {
	Terms []Term
	// Filters by facet (see FacetKinds), in the order written.
	Roles, Chapters, Levels []string
}

// Term is a word or a quoted phrase of a query.
type Term struct {
	Text    string
	Quoted  bool // written in quotes: may hold spaces
	Exclude bool // written with a leading "-": sections containing it are dropped
}

// ParseQuery parses the text a reader typed. The grammar, where a space is
// any Unicode white space (so the full-width space separates words too) and
// letters in filter keys may be upper case or full-width:
//
//	query  = { space } [ item { space { space } item } ] { space }
//	item   = filter | [ "-" ] ( phrase | word )
//	filter = ( "role" | "chapter" | "level" ) ( ":" | "：" ) word
//	phrase = quote { any character but a quote } [ quote ]
//	quote  = '"' | '＂' | '“' | '”'
//	word   = a run of characters that are not spaces
//
// Every word and phrase must occur in a section for it to match, each as a
// contiguous run of its tokens; a term with "-" must not occur. An
// unclosed quote runs to the end of the query. Filters must name a value.
func ParseQuery(s string) (Query, error) {
	var q Query
	if !utf8.ValidString(s) {
		return q, queryError("query.invalid_text")
	}
	if utf8.RuneCountInString(s) > MaxQueryLength {
		return q, queryError("query.too_long", "max", strconv.Itoa(MaxQueryLength))
	}
	items := 0
	for rest := strings.TrimLeftFunc(s, unicode.IsSpace); rest != ""; rest = strings.TrimLeftFunc(rest, unicode.IsSpace) {
		items++
		if items > MaxItems {
			return q, queryError("query.too_many", "max", strconv.Itoa(MaxItems))
		}
		var t Term
		if r, size := utf8.DecodeRuneInString(rest); r == '-' && len(rest) > size && !isSpaceAt(rest[size:]) {
			t.Exclude = true
			rest = rest[size:]
		}
		if r, size := utf8.DecodeRuneInString(rest); isQuote(r) {
			body := rest[size:]
			end := strings.IndexFunc(body, isQuote)
			if end < 0 {
				end = len(body)
				rest = ""
			} else {
				_, qsize := utf8.DecodeRuneInString(body[end:])
				rest = body[end+qsize:]
			}
			t.Text = strings.TrimSpace(body[:end])
			t.Quoted = true
			if t.Text != "" {
				q.Terms = append(q.Terms, t)
			}
			continue
		}
		end := strings.IndexFunc(rest, unicode.IsSpace)
		if end < 0 {
			end = len(rest)
		}
		word := rest[:end]
		rest = rest[end:]
		if kind, value, ok := filter(word); ok {
			if t.Exclude {
				return q, queryError("query.excluded_filter", "key", kind.Key)
			}
			if value == "" {
				return q, queryError("query.empty_filter", "key", kind.Key, "example", kind.Example)
			}
			values := kind.In(&q)
			*values = append(*values, value)
			continue
		}
		t.Text = word
		q.Terms = append(q.Terms, t)
	}
	return q, nil
}

// String returns the query in canonical form; parsing it gives q again.
func (q Query) String() string {
	var parts []string
	for _, t := range q.Terms {
		s := t.Text
		if t.Quoted {
			s = `"` + s + `"`
		}
		if t.Exclude {
			s = "-" + s
		}
		parts = append(parts, s)
	}
	for _, k := range FacetKinds {
		for _, v := range *k.In(&q) {
			parts = append(parts, k.Key+":"+v)
		}
	}
	return strings.Join(parts, " ")
}

// filter splits a word like "role:admin" into its facet and value.
func filter(word string) (kind FacetKind, value string, ok bool) {
	i := strings.IndexAny(word, ":：")
	if i < 0 {
		return kind, "", false
	}
	kind, ok = FacetKindOf(strings.ToLower(foldWidth(word[:i])))
	if !ok {
		return kind, "", false
	}
	_, size := utf8.DecodeRuneInString(word[i:])
	return kind, foldWidth(word[i+size:]), true
}

// foldWidth turns full-width ASCII variants into ASCII.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E {
			return r - 0xFEE0
		}
		return r
	}, s)
}

func isQuote(r rune) bool { return r == '"' || r == '＂' || r == '“' || r == '”' }

func isSpaceAt(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}
