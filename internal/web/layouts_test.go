package web

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kb-handbook/kb/assets"
	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/layouts"
)

// A site's copy of search-results.html made before kb added templates to
// it (here: only the results part and a hit of its own) still builds:
// the templates it leaves out come from kb's copy, on every page and on
// the servers' search page, and the ones it has are its own.
func TestOlderLayoutCopyKeepsKBsParts(t *testing.T) {
	old := `{{define "search-results"}}<div class="site-results" data-kb-search>{{range .Hits}}{{template "search-hit" .}}{{end}}</div>{{end}}
{{define "search-hit"}}<li class="site-hit"><a href="{{.Href}}" data-slot="link">{{.TitleHTML}}</a><p class="snippet" data-slot="snippet">{{.Snippet}}</p></li>{{end}}
`
	theme, err := LoadTheme(Overlay(fstest.MapFS{"search-results.html": {Data: []byte(old)}}, layouts.FS), assets.FS)
	if err != nil {
		t.Fatalf("a site with an older copy of search-results.html: %v", err)
	}
	cfg := config.Default()
	s := &site.Site{Config: cfg, Root: &site.Page{}}
	w := &memoryWriter{files: map[string][]byte{}}
	if err := EmitSiteWide(s, theme, nil, w); err != nil {
		t.Fatal(err)
	}
	page := string(w.files["toc/index.html"])
	if !strings.Contains(page, `<template id="kb-search-parts">`) || !strings.Contains(page, `class="search-popup"`) {
		t.Error("a page lacks kb's search parts")
	}
	if !strings.Contains(page, `<li class="site-hit">`) {
		t.Error("the parts do not use the site's own hit")
	}

	sp, err := theme.SearchPage(s)
	if err != nil {
		t.Fatal(err)
	}
	data, err := sp.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	saved, err := LoadSearchPage(data)
	if err != nil {
		t.Fatalf("the saved search page: %v", err)
	}
	var out bytes.Buffer
	results := &SearchResults{Rendered: true, Hits: []SearchHit{{Href: "a/", TitleHTML: "鍵", Snippet: "<mark>鍵</mark>"}}}
	if err := saved.Render(&out, "鍵", results); err != nil {
		t.Fatal(err)
	}
	if html := out.String(); !strings.Contains(html, `<div class="site-results" data-kb-search><li class="site-hit">`) ||
		!strings.Contains(html, `<template id="kb-search-parts">`) {
		t.Errorf("the server's search page:\n%s", html)
	}
}
