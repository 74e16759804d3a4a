// Package search is kb's only bleve importer. It turns the resolved site
// into one search document per section, builds a prebuilt index with
// bleve's offline builder at build time, and answers queries over it for
// kb host and kb serve with highlighted, escaped snippets and facet counts.
//
// Text is analysed with bleve's built-in "cjk" analyzer (width folding,
// lowercase, overlapping bigrams of Japanese characters) after folding
// spelling variants (variants.go), the same at index and query time, and every query word is matched as a contiguous phrase of
// its tokens. A character standing alone in a query (鍵) has no bigram; it
// is looked up through the bigrams that begin or end with it, which the
// index's dictionary lists, so no second analysis of the text is needed.
package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names in the index.
const (
	fieldURL      = "url"
	fieldNumber   = "number"
	fieldTitle    = "title"
	fieldPath     = "path"
	fieldBody     = "body"
	fieldChapter  = "chapter"
	fieldRoles    = "roles"
	fieldLevel    = "level"
	fieldCallouts = "callouts"
)

// textFields are the fields analysed with AnalyzerName and searched.
// The path (breadcrumbs) is only shown: indexed, it would repeat the page
// title in every section and make every section of a page match it.
var textFields = [...]string{fieldTitle, fieldBody}

// nText is the number of text fields; per-field statistics are arrays of it.
const nText = len(textFields)

// fieldBoosts weighs a word found in each text field: a section whose title
// has the word ranks above one that only mentions it.
var fieldBoosts = [nText]float64{4, 1}

// newMapping returns the explicit, static mapping of a section document.
func newMapping() *mapping.IndexMappingImpl {
	m := bleve.NewIndexMapping()
	doc := bleve.NewDocumentStaticMapping()
	stored := func(name string) {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.IncludeInAll = false
		f.DocValues = false
		doc.AddFieldMappingsAt(name, f)
	}
	stored(fieldURL)
	stored(fieldNumber)
	stored(fieldPath)
	stored(fieldCallouts)
	for _, name := range textFields {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = AnalyzerName
		f.Store = true
		f.IncludeTermVectors = true // positions, for phrases; offsets, for snippets
		f.IncludeInAll = false
		f.DocValues = false
		doc.AddFieldMappingsAt(name, f)
	}
	for _, name := range []string{fieldChapter, fieldRoles, fieldLevel} {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.IncludeInAll = false
		doc.AddFieldMappingsAt(name, f)
	}
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.DefaultMapping = doc
	m.DefaultAnalyzer = AnalyzerName
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}
