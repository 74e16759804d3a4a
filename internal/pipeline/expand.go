package pipeline

import (
	"cmp"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/expand"
	"github.com/kb-handbook/kb/internal/markdown"
)

// bookOf returns what expanding the pages of the site at root needs.
func bookOf(root string, cfg config.Config) expand.Book {
	return expand.Book{Root: root, Vars: cfg.Variables, ContentDir: cmp.Or(cfg.ContentDir, content.Dir)}
}

// parsedPage is a page as parsed: its document, and the files its includes read.
type parsedPage struct {
	doc   *markdown.Doc
	reads []string
}

// parsePage parses a page after putting in its includes and variables; what
// expansion reports travels with the Doc, so that a cached Doc reports it too.
func parsePage(parser *markdown.Parser, book expand.Book, p *content.Page) parsedPage {
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
	return parsedPage{doc, x.Read}
}

// SourceNames lists the entries of the site root that kb serve watches: the
// content folder (for a book whose pages are at the root, the root's
// entries), the theme, kb.yaml and the other tools' configuration files.
func SourceNames(root string) []string {
	var quiet diag.List
	cfg := config.Load(root, &quiet)
	top, _, _ := strings.Cut(cmp.Or(cfg.ContentDir, content.Dir), "/")
	names := []string{"layouts", "assets", config.FileName, "book.toml", "book.json", "mkdocs.yml", "mkdocs.yaml", ".vitepress"}
	if syn, _, _ := strings.Cut(cfg.Search.Synonyms, "/"); syn != "" && !slices.Contains(names, syn) {
		names = append(names, syn)
	}
	if top != "." {
		return append(names, top)
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		n := e.Name()
		if !strings.HasPrefix(n, ".") && !strings.HasPrefix(n, "_") && n != "node_modules" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// expandKey is the part of the configuration that changes what expansion
// puts into a page, for the Builder's cache of parsed pages.
func expandKey(cfg config.Config) string {
	return fmt.Sprintf(" %s %v", cfg.ContentDir, cfg.Variables)
}
