// Package ebook writes the resolved book as EPUB 3 reflowable e-books: the
// whole knowledge base and one book per configured edition. It is kb's only
// go-epub importer.
//
// go-epub assembles the package (sections, nested nav document and NCX,
// stylesheet, images); ebook then normalises the archive so that it is
// byte-identical across builds (fixed entry order and times, the modified
// date from the configuration, a UUID v5 identifier) and carries what go-epub
// has no setting for (xml:lang on every document, publisher and version,
// a Japanese nav heading and landmarks).
package ebook

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	epub "github.com/go-shiori/go-epub"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// stylesheet is the reflowable CSS of every book; the highlighting styles
// for code are appended to it.
//
//go:embed epub.css
var stylesheet []byte

// ReadFunc reads a linked file by its content-relative path.
type ReadFunc func(rel string) ([]byte, error)

// Emit is the build emitter: it writes the whole book to s.Config.EPUBFile
// and each edition to its edition.File at the output root. It reads linked
// images from dir, where the build has copied them before the emitters run.
func Emit(s *site.Site, out web.Writer, dir string) error {
	return Write(s, out, func(rel string) ([]byte, error) {
		return os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	})
}

// Write writes the book and its editions to out, reading linked images with read.
func Write(s *site.Site, out web.Writer, read ReadFunc) error {
	books := []Selection{Whole(s)}
	for _, e := range s.Config.Editions {
		books = append(books, EditionOf(s, e))
	}
	for _, sel := range books {
		data, err := Build(s, sel, read)
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
// and the glossary.
func EditionOf(s *site.Site, e config.Edition) Selection {
	label := e.Title
	if label == "" {
		var names []string
		for _, r := range e.Roles {
			names = append(names, s.Config.RoleLabel(r))
		}
		label = strings.Join(names, "・") + "向け"
	}
	sel := Selection{Title: s.Config.Title + "（" + label + "）", Edition: label, File: e.File(s.Config)}
	for _, p := range s.Pages {
		if p == s.Glossary || slices.ContainsFunc(p.Roles(), func(r string) bool { return slices.Contains(e.Roles, r) }) {
			sel.Pages = append(sel.Pages, p)
		}
	}
	return sel
}

// Build returns the EPUB file of one selection of the site.
func Build(s *site.Site, sel Selection, read ReadFunc) ([]byte, error) {
	if len(sel.Pages) == 0 {
		return nil, fmt.Errorf("no pages for %q", sel.Title)
	}
	b, err := newBook(s, sel, read)
	if err != nil {
		return nil, err
	}
	bodies, err := b.renderPages()
	if err != nil {
		return nil, err
	}
	if err := b.addPages(bodies); err != nil {
		return nil, err
	}
	raw, err := b.archive()
	if err != nil {
		return nil, err
	}
	return b.normalize(raw)
}

// goEPUB guards go-epub's package-level scratch file system, which kb
// switches to memory (writing a thousand temporary files to disk costs more
// than building the book). The memory file system is not safe for
// concurrent use, so books are archived one at a time.
var goEPUB struct {
	sync.Mutex
	inMemory bool
}

// archive has go-epub write the package as a zip.
func (b *book) archive() ([]byte, error) {
	goEPUB.Lock()
	defer goEPUB.Unlock()
	if !goEPUB.inMemory {
		if err := epub.Use(epub.MemoryFS); err != nil {
			return nil, err
		}
		goEPUB.inMemory = true
	}
	var raw bytes.Buffer
	if _, err := b.epub.WriteTo(&raw); err != nil {
		return nil, err
	}
	return raw.Bytes(), nil
}
