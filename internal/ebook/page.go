package ebook

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/site"
)

// pageLinks decides the links and images of one page for the book: in-book
// hrefs where the book holds the target, and otherwise the link's text or
// the image's alt text with a note from the catalogue.
type pageLinks struct {
	book *book
}

// decide implements site.LinkResolver.Decide for the book.
func (l pageLinks) decide(from *site.Page, t site.Target, image bool) markdown.LinkDecision {
	m := l.book.theme.messages
	note := func(key string, pairs ...string) string { return m.Get("link_note", "note", m.Get(key, pairs...)) }
	imageAsText := markdown.LinkDecision{AsText: true, Note: note("epub.note_image"), Fill: m.Get("epub.image")}
	switch {
	case t.External != "" && image:
		// EPUB allows no remote images.
		return imageAsText
	case t.External != "":
		return markdown.LinkDecision{Href: t.External}
	case t.File != "":
		href := l.book.images[t.File]
		switch {
		case href != "" && image:
			return markdown.LinkDecision{Href: href}
		case href != "":
			// A hyperlink to an embedded image: the image is in the book,
			// but only as part of a page, and EPUB forbids linking to it.
			return markdown.LinkDecision{AsText: true}
		case image || isImageFile(t.File):
			return imageAsText
		default:
			return markdown.LinkDecision{AsText: true, Note: note("epub.note_web")}
		}
	}
	file, in := l.book.files[t.Page]
	switch {
	case !in:
		// An empty link is filled with the target's number and title,
		// which the note would only repeat.
		return markdown.LinkDecision{AsText: true, Note: note("epub.note_outside", "target", t.FillText()),
			FilledNote: note("epub.note_outside_filled")}
	case t.Page == from && t.Anchor != "":
		return markdown.LinkDecision{Href: "#" + t.Anchor}
	case t.Anchor != "":
		return markdown.LinkDecision{Href: file + "#" + t.Anchor}
	default:
		return markdown.LinkDecision{Href: file}
	}
}

func isImageFile(p string) bool {
	switch strings.ToLower(p[strings.LastIndexByte(p, '.')+1:]) {
	case "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp", "tif", "tiff":
		return true
	}
	return false
}

// page writes the content document of a page in the theme's page layout:
// heading, roles and level, the Markdown, the pages below it in the book
// and its revision history.
func (b *book) page(p *site.Page) ([]byte, error) {
	var body bytes.Buffer
	res := site.LinkResolver{Site: b.site, Page: p, Decide: pageLinks{book: b}.decide}
	prefix := strings.TrimSuffix(b.files[p], ".xhtml") + "-"
	if err := markdown.Render(&body, p.Doc, res, markdown.RenderOptions{XHTML: true, FootnotePrefix: prefix}); err != nil {
		return nil, err
	}
	cfg := b.site.Config
	d := &docData{Title: p.NumberedTitle(), CSS: "../" + cssFile,
		Page: p, Body: template.HTML(body.String())}
	for _, r := range p.Roles() {
		d.Roles = append(d.Roles, cfg.RoleLabel(r))
	}
	if level := p.Level(); level != 0 {
		d.Level = cfg.LevelLabel(level)
	}
	for _, c := range p.Children {
		if f, ok := b.files[c]; ok {
			d.Children = append(d.Children, link{Href: f, Title: c.NumberedTitle()})
		}
	}
	var w bytes.Buffer
	w.Grow(body.Len() + 1024)
	err := b.theme.execute(&w, "page", d)
	return w.Bytes(), err
}
