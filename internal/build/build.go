// Package build runs kb's pipeline — load, parse, resolve, emit — for the
// command line and the servers.
package build

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/kb-handbook/kb/assets"
	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/expand"
	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/parallel"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
	"github.com/kb-handbook/kb/layouts"
)

// Load reads and parses the site at root and resolves it into a book.
// It returns the site even when diagnostics were found, for reporting.
func Load(root string, progress func(done, total int)) (*site.Site, []diag.Diagnostic) {
	return load(root, progress, markdown.Options{})
}

// load is Load; skip says what the parser may leave out (NoXHTML,
// LeadOnly) because no emitter of this build needs it.
func load(root string, progress func(done, total int), skip markdown.Options) (*site.Site, []diag.Diagnostic) {
	var diags diag.List
	cfg := config.Load(root, &diags)
	tree := content.Load(root, cfg, &diags)
	var pages []*content.Page
	content.Walk(tree.Root, func(p *content.Page) { pages = append(pages, p) })

	// The glossary is parsed first: its terms are marked up on every other page.
	docs := make(map[string]*markdown.Doc, len(pages))
	var terms []markdown.Term
	if g := glossaryPage(pages, cfg.Glossary); g != nil {
		doc := parsePage(markdown.New(markdown.Options{UnsafeHTML: cfg.UnsafeHTML, NoXHTML: skip.NoXHTML, LeadOnly: skip.LeadOnly}), bookOf(root, cfg), g)
		docs[g.Path] = doc
		terms = markdown.ExtractTerms(doc)
	}
	parser := markdown.New(markdown.Options{Glossary: terms, UnsafeHTML: cfg.UnsafeHTML, NoXHTML: skip.NoXHTML, LeadOnly: skip.LeadOnly})
	parseAll(parser, bookOf(root, cfg), pages, docs, progress, &diags)
	s := site.Resolve(cfg, tree, docs, terms, &diags)
	checkGenerated(s, &diags)
	return s, diags.Sorted()
}

// glossaryPage returns the page at file, the glossary kb.yaml names, or
// nil when the site has none.
func glossaryPage(pages []*content.Page, file string) *content.Page {
	for _, p := range pages {
		if p.Path == file {
			return p
		}
	}
	return nil
}

// checkGenerated moves aside the pages whose folder the theme writes a
// generated page into (search/, toc/ …), which would overwrite the one or
// the other: the page gets the folder name with "-page" added, and a warning.
func checkGenerated(s *site.Site, diags *diag.List) {
	taken := map[string]bool{}
	for _, dir := range web.GeneratedFolders(s) {
		taken[strings.ToLower(dir)] = true
	}
	used := map[string]bool{}
	for _, p := range s.Pages {
		used[strings.ToLower(p.URL)] = true
	}
	for _, p := range s.Pages {
		if !taken[strings.ToLower(p.URL)] {
			continue
		}
		file, line := p.Source.File, 1
		if p.Source.Synthesized {
			file, line = path.Dir(file), 0 // a folder without an _index.md
		}
		was := p.OutFile()
		moved := strings.TrimSuffix(p.URL, "/") + "-page/"
		for n := 2; taken[strings.ToLower(moved)] || used[strings.ToLower(moved)]; n++ {
			moved = strings.TrimSuffix(p.URL, "/") + "-page-" + strconv.Itoa(n) + "/"
		}
		p.URL = moved
		used[strings.ToLower(moved)] = true
		diags.Warnf(file, line, line, "rename the file or its folder to choose its address",
			"page would be written to %s, where kb writes a page of its own (目次, role and level lists, 改版履歴, search); it is written to %s instead", was, p.OutFile())
	}
}

// parseAll parses every page not yet in docs, on all cores.
func parseAll(parser *markdown.Parser, book expand.Book, pages []*content.Page, docs map[string]*markdown.Doc, progress func(done, total int), diags *diag.List) {
	var todo []*content.Page
	for _, p := range pages {
		if _, ok := docs[p.Path]; !ok {
			todo = append(todo, p)
		}
	}
	out := make([]*markdown.Doc, len(todo))
	var mu sync.Mutex
	done := len(pages) - len(todo)
	// Parsing cannot fail; a panic would be a bug, which parallel turns into an error.
	if err := parallel.Do(len(todo), func(i int) error {
		out[i] = parsePage(parser, book, todo[i])
		if progress != nil {
			mu.Lock()
			done++
			progress(done, len(pages))
			mu.Unlock()
		}
		return nil
	}); err != nil {
		diags.Addf("kb", 0, 0, "please report this bug with the page that triggers it", "%v", err)
	}
	for i, p := range todo {
		docs[p.Path] = out[i]
	}
}

// Theme loads the default theme with the site's own layouts/ and assets/ laid over it.
func Theme(root string) (*web.Theme, error) {
	return web.LoadTheme(overlayDir(root, "layouts", layouts.FS), overlayDir(root, "assets", assets.FS))
}

func overlayDir(root, name string, fallback fs.FS) fs.FS {
	dir := filepath.Join(root, name)
	if info, err := os.Stat(dir); err == nil && info.IsDir() {
		return web.Overlay(os.DirFS(dir), fallback)
	}
	return web.Overlay(nil, fallback)
}
