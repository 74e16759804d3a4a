package search

import (
	"html"
	"slices"
	"strings"
	"unicode/utf8"
)

// snippetRunes is the length of a snippet in characters.
const snippetRunes = 120

// snippetLead is how many characters of context precede the first match.
const snippetLead = 24

// lineBreaks turns line breaks into spaces of the same length, keeping the
// byte offsets of the spans.
var lineBreaks = strings.NewReplacer("\n", " ", "\r", " ", "\t", " ")

// span is a matched byte range of a text.
type span struct{ start, end int }

// normalize clamps the spans to text and to whole characters, sorts them
// and merges those that overlap or touch, or are separated by spaces only,
// so that a phrase gets one mark rather than one per bigram.
func normalize(text string, spans []span) []span {
	var out []span
	for _, s := range spans {
		s.start = max(0, min(s.start, len(text)))
		s.end = max(s.start, min(s.end, len(text)))
		for s.start > 0 && s.start < len(text) && !utf8.RuneStart(text[s.start]) {
			s.start--
		}
		for s.end < len(text) && !utf8.RuneStart(text[s.end]) {
			s.end++
		}
		if s.end > s.start {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b span) int { return a.start - b.start })
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && strings.TrimSpace(text[min(merged[n-1].end, s.start):s.start]) == "" {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// markAll returns text HTML-escaped with every span in <mark>.
func markAll(text string, spans []span) string {
	return mark(text, normalize(text, spans), 0, len(text))
}

// snippet returns an excerpt of text around the densest run of spans,
// HTML-escaped, with the spans in <mark> and "…" where text was cut.
func snippet(text string, spans []span) string {
	text = lineBreaks.Replace(text)
	spans = normalize(text, spans)
	start := 0
	if len(spans) > 0 {
		// Start a little before the span that has most others within reach.
		best, bestCount := 0, 0
		for i, s := range spans {
			limit := advance(text, s.start, snippetRunes-snippetLead)
			count := 0
			for _, t := range spans[i:] {
				if t.end <= limit {
					count++
				}
			}
			if count > bestCount {
				best, bestCount = i, count
			}
		}
		start = back(text, spans[best].start, snippetLead)
	}
	end := advance(text, start, snippetRunes)
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	b.WriteString(mark(text, spans, start, end))
	if end < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// mark escapes text[from:to] and wraps the parts of spans inside it in <mark>.
func mark(text string, spans []span, from, to int) string {
	var b strings.Builder
	pos := from
	for _, s := range spans {
		s.start, s.end = max(s.start, from), min(s.end, to)
		if s.start >= s.end || s.start < pos {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:s.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString("</mark>")
		pos = s.end
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	return b.String()
}

// advance returns the byte offset n characters after i in text.
func advance(text string, i, n int) int {
	for ; n > 0 && i < len(text); n-- {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return i
}

// back returns the byte offset n characters before i, or the start of the
// text when it is that close; a cut lands after the last sentence end or
// space before i, so that the excerpt starts cleanly.
func back(text string, i, n int) int {
	j := i
	for ; n > 0 && j > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(text[:j])
		j -= size
	}
	if j == 0 {
		return 0
	}
	if k := strings.LastIndexAny(text[j:i], "。．！？ "); k >= 0 {
		_, size := utf8.DecodeRuneInString(text[j+k:])
		return j + k + size
	}
	return j
}
