package search

import (
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Token is a term of a text field as the index holds it: its text after
// analysis, its position (from 1, one per token) and the byte range of
// the text it came from.
type Token struct {
	Term       string
	Position   int
	Start, End int
}

// textAnalyzer is the analyzer of the text fields, taken from the index
// mapping so that other outputs see exactly what bleve indexes.
var textAnalyzer = sync.OnceValue(func() analysis.Analyzer {
	a := newMapping().AnalyzerNamed(AnalyzerName)
	if a == nil {
		panic("search: the index mapping has no " + AnalyzerName + " analyzer")
	}
	return a
})

// Analyze returns the tokens the index holds for text in a text field
// (a section's title or body). Outputs that keep their own index of the
// site, such as the static search index, use it so that they hold the
// same terms at the same positions as the bleve index.
func Analyze(text string) []Token {
	stream := textAnalyzer().Analyze([]byte(text))
	out := make([]Token, len(stream))
	for i, t := range stream {
		out[i] = Token{Term: string(t.Term), Position: t.Position, Start: t.Start, End: t.End}
	}
	return out
}

// Params are the settings of query answering that another implementation
// of it (the static search script) must share to give the same answers.
type Params struct {
	// FieldBoosts weighs a word found in the title and in the body.
	FieldBoosts [nText]float64 `json:"boosts"`
	// MaxExpansion bounds the bigrams a lone character stands for.
	MaxExpansion int `json:"maxExpansion"`
	// SnippetRunes and SnippetLead shape snippets, in characters.
	SnippetRunes int `json:"snippetRunes"`
	SnippetLead  int `json:"snippetLead"`
	// Limits on requests and queries.
	DefaultSize    int `json:"defaultSize"`
	MaxSize        int `json:"maxSize"`
	MaxFrom        int `json:"maxFrom"`
	MaxQueryLength int `json:"maxQueryLength"`
	MaxItems       int `json:"maxItems"`
	// MaxSuggestions is the most queries a "did you mean" offers.
	MaxSuggestions int `json:"maxSuggestions"`
}

// QueryParams returns the settings of query answering.
func QueryParams() Params {
	return Params{FieldBoosts: fieldBoosts, MaxExpansion: maxExpansion, SnippetRunes: snippetRunes,
		SnippetLead: snippetLead, DefaultSize: DefaultSize, MaxSize: MaxSize, MaxFrom: MaxFrom,
		MaxQueryLength: MaxQueryLength, MaxItems: MaxItems, MaxSuggestions: maxSuggestions}
}

// IsBigram reports whether term is a bigram of two Japanese characters,
// and gives them: a lone character of a query stands for such bigrams.
func IsBigram(term string) (first, last rune, ok bool) { return bigram(term) }
