// Package web writes the HTML site from the resolved book: one page per
// Markdown file, the site-wide 目次, role and level pages, the revision
// history, sitemap.xml, 404.html and the fingerprinted theme assets.
package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/kb-handbook/kb/internal/markdown"
)

// Theme is the parsed templates and the fingerprinted assets.
type Theme struct {
	templates map[string]*template.Template // by page kind
	// Assets maps a logical asset name ("style.css") to its output path ("assets/style.1a2b3c4d5e.css").
	Assets map[string]string
	// Files holds the bytes of every asset by output path.
	Files map[string][]byte
	// sources holds the text of the search page's templates, which the
	// search index output saves for the servers (see SearchPage).
	sources map[string]string
	// catalogues holds the interface text by language (layouts/i18n);
	// merged, each language's over the default, once asked for.
	catalogues map[string]Messages
	merged     sync.Map
	scripts    sync.Map // language → the texts of ScriptAreas as JSON (template.JS)
	// Layouts is the theme's template files, the site's over the default
	// ones; other formats (the EPUB's layouts/epub/) read theirs from it.
	Layouts fs.FS
}

// scriptMessages returns the texts the page scripts read, in language, as
// the JSON every page holds: encoded once per language.
func (t *Theme) scriptMessages(language string) template.JS {
	if m, ok := t.scripts.Load(language); ok {
		return m.(template.JS)
	}
	m, _ := t.scripts.LoadOrStore(language, scriptJSON(t.Messages(language).Areas(ScriptAreas...)))
	return m.(template.JS)
}

// Overlay returns a file system that looks in primary first, then in fallback.
// A nil primary is skipped.
func Overlay(primary, fallback fs.FS) fs.FS {
	return overlayFS{primary, fallback}
}

type overlayFS struct{ primary, fallback fs.FS }

// builtinUnder returns kb's own layouts when layoutFS lays a site's over
// them, and nil otherwise.
func builtinUnder(layoutFS fs.FS) fs.FS {
	if o, ok := layoutFS.(overlayFS); ok && o.primary != nil {
		return o.fallback
	}
	return nil
}

// kbLayout prefixes the name of kb's copy of a search page layout that a
// site overrides, kept for the templates the site's copy leaves out.
const kbLayout = "kb/"

func (o overlayFS) Open(name string) (fs.File, error) {
	if o.primary != nil {
		f, err := o.primary.Open(name)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return o.fallback.Open(name)
}

// ReadDir merges the entries of both file systems.
func (o overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	var merged []fs.DirEntry
	seen := map[string]bool{}
	for _, fsys := range []fs.FS{o.primary, o.fallback} {
		if fsys == nil {
			continue
		}
		entries, err := fs.ReadDir(fsys, name)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		for _, e := range entries {
			if !seen[e.Name()] {
				seen[e.Name()] = true
				merged = append(merged, e)
			}
		}
	}
	slices.SortFunc(merged, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return merged, nil
}

// pageKinds are the templates that each combine with base.html.
var pageKinds = []string{"page", "list", "404", "search"}

// searchResultsLayout defines the results part of the search page, which
// the servers render too.
const searchResultsLayout = "search-results.html"

// LoadTheme parses the templates in layoutFS and fingerprints the assets in
// assetFS, adding the generated code-highlighting stylesheet.
func LoadTheme(layoutFS, assetFS fs.FS) (*Theme, error) {
	t := &Theme{templates: map[string]*template.Template{}, Assets: map[string]string{}, Files: map[string][]byte{},
		sources: map[string]string{}, Layouts: layoutFS}
	var err error
	if t.catalogues, err = siteCatalogues(layoutFS); err != nil {
		return nil, err
	}
	kb := builtinUnder(layoutFS)
	for _, name := range searchLayouts {
		src, err := fs.ReadFile(layoutFS, name)
		if err != nil {
			return nil, err
		}
		t.sources[name] = string(src)
		if kb != nil {
			if own, err := fs.ReadFile(kb, name); err == nil && string(own) != string(src) {
				t.sources[kbLayout+name] = string(own)
			}
		}
	}
	if err := t.loadAssets(assetFS); err != nil {
		return nil, err
	}
	for _, kind := range pageKinds {
		// Every page has the header's search box, whose parts are in
		// the results layout.
		files := []string{"base.html", kind + ".html", searchResultsLayout}
		tmpl := template.New(kind)
		// A site's copy of a layout may leave out templates that kb's
		// defines (a copy made before kb added them): those come from
		// kb's copy, parsed first, which the site's then overrides.
		if kb != nil {
			if _, err := tmpl.ParseFS(kb, files...); err != nil {
				return nil, err
			}
		}
		if _, err := tmpl.ParseFS(layoutFS, files...); err != nil {
			return nil, err
		}
		t.templates[kind] = tmpl
	}
	return t, nil
}

func (t *Theme) loadAssets(assetFS fs.FS) error {
	var code bytes.Buffer
	if err := markdown.WriteStyles(&code, markdown.LightCodeStyle, markdown.DarkCodeStyle); err != nil {
		return err
	}
	if err := t.addAsset("code.css", code.Bytes()); err != nil {
		return err
	}
	return fs.WalkDir(assetFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") || path.Ext(p) == ".go" {
			return nil
		}
		data, err := fs.ReadFile(assetFS, p)
		if err != nil {
			return err
		}
		return t.addAsset(p, data)
	})
}

// addAsset minifies an asset (minifyAsset) and fingerprints it:
// style.css → assets/style.<hash>.css.
func (t *Theme) addAsset(name string, data []byte) error {
	data, err := minifyAsset(name, data)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	ext := path.Ext(name)
	out := "assets/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
	t.Assets[name] = out
	t.Files[out] = data
	return nil
}
