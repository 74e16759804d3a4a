// Package ebook writes the resolved book as EPUB 3 reflowable e-books: the
// whole knowledge base and one book per configured edition.
//
// kb writes the content documents (pages, cover, navigation) from the
// theme's layouts/epub/ templates, the package document and the NCX with
// encoding/xml, and the zip archive, so that the same input always gives
// the same bytes; go-epub writes the mimetype, the container and the
// stored stylesheet and images (library.go). DESIGN.md says why each file
// comes from where.
package ebook

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// ReadFunc reads a linked file by its content-relative path.
type ReadFunc func(rel string) ([]byte, error)

// Write writes the book and its editions to out in the theme's EPUB
// layouts, reading linked images with read.
func Write(s *site.Site, theme *web.Theme, out web.Writer, read ReadFunc) error {
	th, err := loadTheme(theme, language(s))
	if err != nil {
		return err
	}
	books := []Selection{Whole(s)}
	for _, e := range s.Config.Editions {
		books = append(books, EditionOf(s, e, th.messages))
	}
	for _, sel := range books {
		data, err := build(s, sel, th, read)
		if err != nil {
			return fmt.Errorf("epub %s: %w", sel.File, err)
		}
		if err := out.WriteFile(sel.File, data); err != nil {
			return err
		}
	}
	return nil
}

// Selection is the content of one book: which pages, under which title and
// file name.
type Selection struct {
	// Title is the book's dc:title.
	Title string
	// Edition is the edition's own title, shown on the cover, or "" for the whole book.
	Edition string
	// File is the book's path in the output.
	File string
	// Pages lists the pages of the book in book order.
	Pages []*site.Page
}

// Whole selects every page of the site.
func Whole(s *site.Site) Selection {
	return Selection{Title: s.Config.Title, File: s.Config.EPUBFile, Pages: s.Pages}
}

// EditionOf selects the pages of an edition: those for any of its roles,
// and the glossary. An edition without a title of its own is named after
// its roles, in the words of the theme's catalogue m.
func EditionOf(s *site.Site, e config.Edition, m web.Messages) Selection {
	label := e.Title
	if label == "" {
		var names []string
		for _, r := range e.Roles {
			names = append(names, s.Config.RoleLabel(r))
		}
		label = m.Get("epub.edition_for", "roles", strings.Join(names, m.Get("epub.role_separator")))
	}
	return Selection{Title: m.Get("epub.edition_title", "title", s.Config.Title, "edition", label),
		Edition: label, File: e.File(s.Config), Pages: editionPages(s, e)}
}

// editionPages lists the pages of an edition in book order.
func editionPages(s *site.Site, e config.Edition) []*site.Page {
	var pages []*site.Page
	for _, p := range s.Pages {
		if p == s.Glossary || slices.ContainsFunc(p.Roles(), func(r string) bool { return slices.Contains(e.Roles, r) }) {
			pages = append(pages, p)
		}
	}
	return pages
}

// Build returns the EPUB file of one selection of the site in the theme's
// EPUB layouts.
func Build(s *site.Site, theme *web.Theme, sel Selection, read ReadFunc) ([]byte, error) {
	th, err := loadTheme(theme, language(s))
	if err != nil {
		return nil, err
	}
	return build(s, sel, th, read)
}

func build(s *site.Site, sel Selection, th *bookTheme, read ReadFunc) ([]byte, error) {
	if len(sel.Pages) == 0 {
		return nil, fmt.Errorf("no pages for %q", sel.Title)
	}
	b, err := newBook(s, sel, th, read)
	if err != nil {
		return nil, err
	}
	return b.pack()
}

// language is the book's language: kb.yaml's, Japanese by default.
func language(s *site.Site) string {
	if s.Config.Language != "" {
		return s.Config.Language
	}
	return "ja"
}
