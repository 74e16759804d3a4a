package ebook

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"
	epub "github.com/go-shiori/go-epub"

	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/parallel"
	"github.com/kb-handbook/kb/internal/site"
)

// Names of the files kb adds besides the pages.
const (
	coverFile = "cover.xhtml"
	cssFile   = "epub.css"
	// xhtmlDir is where go-epub puts sections, relative to the package document.
	xhtmlDir = "xhtml/"
)

// coreImageTypes are the image media types every EPUB 3 reading system
// supports; other images are left out of the book.
var coreImageTypes = map[string]string{
	"image/png":     ".png",
	"image/jpeg":    ".jpg",
	"image/gif":     ".gif",
	"image/svg+xml": ".svg",
}

// book is one EPUB being assembled.
type book struct {
	site     *site.Site
	sel      Selection
	epub     *epub.Epub
	css      string                // the stylesheet's path from a section
	files    map[*site.Page]string // page → section file name
	images   map[string]string     // content path → path from a section
	modified time.Time
	lang     string
	navDepth int // levels of the table of contents
	// coverImage is the generated cover's path from a section.
	coverImage string
}

func newBook(s *site.Site, sel Selection, read ReadFunc) (*book, error) {
	modified, err := time.Parse(time.RFC3339, s.Config.Modified)
	if err != nil {
		return nil, fmt.Errorf("kb.yaml modified: %q is not an RFC 3339 date such as 2026-04-01T00:00:00Z", s.Config.Modified)
	}
	e, err := epub.NewEpub(sel.Title)
	if err != nil {
		return nil, err
	}
	b := &book{site: s, sel: sel, epub: e, files: map[*site.Page]string{}, images: map[string]string{},
		modified: modified.UTC(), lang: s.Config.Language}
	if b.lang == "" {
		b.lang = "ja"
	}
	e.SetIdentifier(Identifier(sel.Title, s.Config.Version))
	e.SetLang(b.lang)
	if s.Config.Author != "" {
		e.SetAuthor(s.Config.Author)
	}
	e.SetDescription(s.Config.Description)
	e.SetPpd("ltr")

	var css bytes.Buffer
	css.Write(stylesheet)
	if err := markdown.WriteStyles(&css, markdown.LightCodeStyle, ""); err != nil {
		return nil, err
	}
	if b.css, err = e.AddCSS(dataURL("text/css", css.Bytes()), cssFile); err != nil {
		return nil, err
	}
	cover := coverSVG(s.Config.Title, sel.Edition, s.Config.Version, s.Config.Publisher)
	if b.coverImage, err = e.AddImage(dataURL("image/svg+xml", cover), coverImageFile); err != nil {
		return nil, err
	}
	used := map[string]bool{coverFile: true}
	for _, p := range sel.Pages {
		b.files[p] = uniqueName(pageFileBase(p), used)
	}
	return b, b.addImages(read)
}

// Identifier is the book's dc:identifier: a UUID (version 5, URL namespace)
// derived from the title and the version, so each release has its own.
func Identifier(title, version string) string {
	namespaceURL := []byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(namespaceURL)
	h.Write([]byte(title + " " + version))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func dataURL(mediaType string, data []byte) string {
	return "data:" + mediaType + ";base64," + base64.StdEncoding.EncodeToString(data)
}

// pageFileBase derives a readable, ASCII file name from the page's URL:
// "07-procedures/05-technical/" → "p-07-procedures_05-technical".
func pageFileBase(p *site.Page) string {
	dir := strings.Trim(p.URL, "/")
	if dir == "" {
		return "p-top"
	}
	var b strings.Builder
	b.WriteString("p-")
	for _, r := range dir {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		case r == '/':
			b.WriteByte('_')
		default:
			b.WriteByte('x')
		}
	}
	return b.String()
}

// uniqueName returns base.xhtml, or base-2.xhtml … when that is taken.
func uniqueName(base string, used map[string]bool) string {
	name := base + ".xhtml"
	for n := 2; used[name]; n++ {
		name = fmt.Sprintf("%s-%d.xhtml", base, n)
	}
	used[name] = true
	return name
}

// addImages embeds the images shown on the selected pages. Images of a type
// reading systems need not support stay out and are described in the text.
func (b *book) addImages(read ReadFunc) error {
	for _, p := range b.sel.Pages {
		for _, l := range p.Doc.Links {
			t, ok := p.Target(l.Dest)
			if !l.Image || !ok || t.File == "" || t.Generated {
				continue
			}
			if _, done := b.images[t.File]; done {
				continue
			}
			data, err := read(t.File)
			if err != nil {
				return fmt.Errorf("%s: image %s: %w", p.Source.File, l.Dest, err)
			}
			mediaType := mimetype.Detect(data).String()
			mediaType, _, _ = strings.Cut(mediaType, ";")
			ext, core := coreImageTypes[mediaType]
			if !core {
				continue
			}
			name := fmt.Sprintf("img-%03d%s", len(b.images)+1, ext)
			href, err := b.epub.AddImage(dataURL(mediaType, data), name)
			if err != nil {
				return err
			}
			b.images[t.File] = href
		}
	}
	return nil
}

// renderPages renders the body of every page, on all cores.
func (b *book) renderPages() ([]string, error) {
	bodies := make([]string, len(b.sel.Pages))
	err := parallel.Do(len(bodies), func(i int) error {
		p := b.sel.Pages[i]
		var err error
		if bodies[i], err = b.pageBody(p); err != nil {
			return fmt.Errorf("%s: %w", p.Source.File, err)
		}
		return nil
	})
	return bodies, err
}

// addPages adds the cover and every page as a section, nested as in the
// site's 目次: each page under its nearest ancestor in the book, chapters
// at the top.
func (b *book) addPages(bodies []string) error {
	if _, err := b.epub.AddSection(b.coverBody(), "表紙", coverFile, b.css); err != nil {
		return err
	}
	depth := map[*site.Page]int{}
	for i, p := range b.sel.Pages {
		var err error
		title := p.NumberedTitle()
		if parent := b.navParent(p); parent != nil {
			_, err = b.epub.AddSubSection(b.files[parent], bodies[i], title, b.files[p], b.css)
		} else {
			_, err = b.epub.AddSection(bodies[i], title, b.files[p], b.css)
		}
		if err != nil {
			return err
		}
		depth[p] = depth[b.navParent(p)] + 1
		b.navDepth = max(b.navDepth, depth[p])
	}
	return nil
}

// navParent is the page's nearest ancestor in the book, not counting the
// top page, whose children are the chapters; nil for a top-level entry.
func (b *book) navParent(p *site.Page) *site.Page {
	for a := p.Parent; a != nil && a.Parent != nil; a = a.Parent {
		if _, ok := b.files[a]; ok {
			return a
		}
	}
	return nil
}

func (b *book) coverBody() string {
	cfg := b.site.Config
	var w strings.Builder
	w.WriteString(`<section class="cover" epub:type="titlepage">` + "\n")
	fmt.Fprintf(&w, "<p class=\"cover-image\"><img src=\"%s\" alt=\"表紙\" /></p>\n", html.EscapeString(b.coverImage))
	fmt.Fprintf(&w, "<h1>%s</h1>\n", html.EscapeString(cfg.Title))
	if b.sel.Edition != "" {
		fmt.Fprintf(&w, "<p class=\"edition\">%s</p>\n", html.EscapeString(b.sel.Edition))
	}
	fmt.Fprintf(&w, "<p class=\"version\">第 %s 版（%s）</p>\n", html.EscapeString(cfg.Version), b.modified.Format("2006年1月2日"))
	if cfg.Author != "" && cfg.Author != cfg.Publisher {
		fmt.Fprintf(&w, "<p class=\"author\">%s 著</p>\n", html.EscapeString(cfg.Author))
	}
	if cfg.Publisher != "" {
		fmt.Fprintf(&w, "<p class=\"publisher\">発行：%s</p>\n", html.EscapeString(cfg.Publisher))
	}
	if cfg.Description != "" {
		fmt.Fprintf(&w, "<p class=\"description\">%s</p>\n", html.EscapeString(cfg.Description))
	}
	w.WriteString("</section>")
	return w.String()
}
