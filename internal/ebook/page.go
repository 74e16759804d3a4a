package ebook

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/site"
)

// Notes after the text of a link whose target is not in the book.
const (
	noteOutside = "この版には収録していません"
	noteWeb     = "ウェブ版から入手できます"
	noteImage   = "画像はウェブ版を参照してください"
)

// pageLinks decides the links and images of one page for the book: in-book
// hrefs where the book holds the target, and otherwise the link's text or
// the image's alt text with a note.
type pageLinks struct {
	book *book
}

// decide implements site.LinkResolver.Decide for the book.
func (l pageLinks) decide(from *site.Page, t site.Target, image bool) markdown.LinkDecision {
	switch {
	case t.External != "" && image:
		// EPUB allows no remote images.
		return markdown.LinkDecision{AsText: true, Note: noteImage, Fill: "画像"}
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
			return markdown.LinkDecision{AsText: true, Note: noteImage, Fill: "画像"}
		default:
			return markdown.LinkDecision{AsText: true, Note: noteWeb}
		}
	}
	file, in := l.book.files[t.Page]
	switch {
	case !in:
		// An empty link is filled with the target's number and title,
		// which the note would only repeat.
		return markdown.LinkDecision{AsText: true, Note: noteOutside + "。全体版の「" + t.FillText() + "」を参照してください",
			FilledNote: noteOutside + "。全体版を参照してください"}
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

// pageBody renders the XHTML body of a page: heading, roles and level, the
// Markdown, the pages below it and its revision history.
func (b *book) pageBody(p *site.Page) (string, error) {
	var w bytes.Buffer
	w.WriteString("<header class=\"page-head\">\n<h1>")
	if p.Number != "" {
		fmt.Fprintf(&w, `<span class="secno">%s</span> `, html.EscapeString(p.Number))
	}
	w.WriteString(html.EscapeString(p.Title))
	w.WriteString("</h1>\n")
	b.writeMeta(&w, p)
	w.WriteString("</header>\n")

	res := site.LinkResolver{Site: b.site, Page: p, Decide: pageLinks{book: b}.decide}
	prefix := strings.TrimSuffix(b.files[p], ".xhtml") + "-"
	if err := markdown.Render(&w, p.Doc, res, markdown.RenderOptions{XHTML: true, FootnotePrefix: prefix}); err != nil {
		return "", err
	}

	b.writeChildren(&w, p)
	writeRevisions(&w, p)
	return w.String(), nil
}

// writeMeta writes the page's roles and level as tags.
func (b *book) writeMeta(w *bytes.Buffer, p *site.Page) {
	roles, level := p.Roles(), p.Level()
	if len(roles) == 0 && level == 0 {
		return
	}
	w.WriteString(`<p class="page-meta">`)
	for _, r := range roles {
		fmt.Fprintf(w, `<span class="tag role">%s</span> `, html.EscapeString(b.site.Config.RoleLabel(r)))
	}
	if level != 0 {
		fmt.Fprintf(w, `<span class="tag level">%s</span>`, html.EscapeString(b.site.Config.LevelLabel(level)))
	}
	w.WriteString("</p>\n")
}

// writeChildren lists the pages below p that are in the book.
func (b *book) writeChildren(w *bytes.Buffer, p *site.Page) {
	var items []string
	for _, c := range p.Children {
		if f, ok := b.files[c]; ok {
			items = append(items, fmt.Sprintf(`<li><a href="%s">%s</a></li>`, html.EscapeString(f), html.EscapeString(c.NumberedTitle())))
		}
	}
	if len(items) == 0 {
		return
	}
	w.WriteString("<div class=\"children\">\n<p class=\"children-title\">このページの下にあるページ</p>\n<ul>\n")
	w.WriteString(strings.Join(items, "\n"))
	w.WriteString("\n</ul>\n</div>\n")
}

// writeRevisions writes the page's 改版履歴.
func writeRevisions(w *bytes.Buffer, p *site.Page) {
	revs := p.Revisions()
	if len(revs) == 0 {
		return
	}
	w.WriteString("<section class=\"revisions\">\n<h2>改版履歴</h2>\n<table>\n<thead><tr><th>日付</th><th>内容</th></tr></thead>\n<tbody>\n")
	for _, r := range revs {
		fmt.Fprintf(w, "<tr><td>%s</td><td>%s</td></tr>\n", html.EscapeString(r.Date), html.EscapeString(r.Note))
	}
	w.WriteString("</tbody>\n</table>\n</section>\n")
}
