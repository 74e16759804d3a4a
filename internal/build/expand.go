package build

import (
	"path"
	"path/filepath"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/expand"
	"github.com/kb-handbook/kb/internal/markdown"
)

// bookOf returns what expanding the pages of the site at root needs.
func bookOf(root string, cfg config.Config) expand.Book {
	return expand.Book{Root: root, Vars: cfg.Variables}
}

// parsePage parses a page after putting in its includes and variables; what
// expansion reports travels with the Doc, so that a cached Doc reports it too.
func parsePage(parser *markdown.Parser, book expand.Book, p *content.Page) *markdown.Doc {
	dir := filepath.Join(book.Root, filepath.FromSlash(path.Dir(p.File)))
	x := book.Expand(p.File, dir, p.Body, p.BodyLine)
	var doc *markdown.Doc
	if x.Origin == nil {
		doc = parser.Parse(p.Body, p.BodyLine)
	} else {
		doc = parser.ParseLines(x.Body, p.BodyLine, x.Origin)
	}
	if len(x.Problems) > 0 {
		doc.Problems = append(x.Problems, doc.Problems...)
	}
	if x.Title != "" {
		doc.Title = x.Title
	}
	return doc
}
