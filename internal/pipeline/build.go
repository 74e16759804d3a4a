// Package pipeline runs kb's pipeline — load, parse, resolve, check, write — for the
// command line and the servers.
package pipeline

import (
	"io/fs"

	"github.com/kb-handbook/kb/assets"
	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/srcfs"
	"github.com/kb-handbook/kb/internal/web"
	"github.com/kb-handbook/kb/layouts"
)

// Load reads and parses the site at root and resolves it into a book, with
// every part of the pages that any format reads. It returns the site even
// when diagnostics were found, for reporting.
func Load(root string, progress func(done, total int)) (*site.Site, []diag.Diagnostic) {
	return check(root, nil, progress)
}

// Check is Load followed by the checks of formats, for kb check.
func Check(root string, formats []Format) (*site.Site, []diag.Diagnostic) {
	return check(root, formats, nil)
}

func check(root string, formats []Format, progress func(done, total int)) (*site.Site, []diag.Diagnostic) {
	b := NewBuilder(BuilderOptions{Root: root, Formats: formats, Needs: Needs{XHTML: true, SectionText: true}, Progress: progress})
	s, diags, err := b.Load(nil)
	if err != nil {
		diags = append(diags, diag.Diagnostic{File: "kb", Msg: err.Error(), Hint: "please report this bug with the page that triggers it"})
	}
	return s, diags
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

// Theme loads the default theme with the site's own layouts/ and assets/ laid over it.
func Theme(root string) (*web.Theme, error) {
	return web.LoadTheme(overlayDir(root, "layouts", layouts.FS), overlayDir(root, "assets", assets.FS))
}

// overlayDir lays the site's folder name over fallback. The site's files
// are read through its root: regular files inside the site only.
func overlayDir(root, name string, fallback fs.FS) fs.FS {
	src, err := srcfs.Open(root)
	if err != nil {
		return web.Overlay(nil, fallback)
	}
	if info, err := src.Stat(name); err == nil && info.IsDir() {
		return web.Overlay(src.FS(name), fallback)
	}
	_ = src.Close()
	return web.Overlay(nil, fallback)
}
