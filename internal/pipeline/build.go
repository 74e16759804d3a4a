// Package pipeline runs kb's pipeline — load, parse, resolve, check, write — for the
// command line and the servers.
package pipeline

import (
	"io/fs"
	"path"
	"strconv"
	"strings"

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
