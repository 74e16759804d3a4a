package ebook

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"

	epub "github.com/go-shiori/go-epub"

	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/site"
)

// Notes after the text of a link whose target is not in the book.
const (
	noteOutside = "この版には収録していません"
	noteWeb     = "ウェブ版から入手できます"
	noteImage   = "画像はウェブ版を参照してください"
)

// offbookPrefix marks, in rendered XHTML, a link or image whose target the
// book does not hold; the number indexes the page's notes. pageBody turns
// each one into plain text followed by its note.
const offbookPrefix = "kb-offbook-"

var (
	// offbookLink matches a link to a target outside the book, or to an
	// embedded image (a hyperlink to an image is not a spine item, which
	// EPUB forbids).
	offbookLink = regexp.MustCompile(`(?s)<a href="(` + offbookPrefix + `\d+|` + regexp.QuoteMeta("../"+epub.ImageFolderName+"/") + `[^"]*)"[^>]*>(.*?)</a>`)
	// offbookImage matches an image the book does not embed: a remote one
	// (EPUB allows no remote images) or a file of another type.
	offbookImage = regexp.MustCompile(`<img src="(` + offbookPrefix + `\d+|(?:https?:)?//[^"]*)" alt="([^"]*)"[^>]*/>`)
)

// pageLinks maps the link targets of one page to in-book hrefs and keeps the
// notes for the targets the book does not hold.
type pageLinks struct {
	book  *book
	notes []string
}

// href implements site.LinkResolver.Href for the book.
func (l *pageLinks) href(from *site.Page, t site.Target) string {
	switch {
	case t.External != "":
		return t.External
	case t.File != "":
		if href := l.book.images[t.File]; href != "" {
			return href
		}
		if isImageFile(t.File) {
			return l.offbook(noteImage)
		}
		return l.offbook(noteWeb)
	}
	file, in := l.book.files[t.Page]
	switch {
	case !in:
		return l.offbook(noteOutside + "。全体版の「" + t.FillText() + "」を参照してください")
	case t.Page == from && t.Anchor != "":
		return "#" + t.Anchor
	case t.Anchor != "":
		return file + "#" + t.Anchor
	default:
		return file
	}
}

func (l *pageLinks) offbook(note string) string {
	l.notes = append(l.notes, note)
	return offbookPrefix + strconv.Itoa(len(l.notes)-1)
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

	links := &pageLinks{book: b}
	res := site.LinkResolver{Site: b.site, Page: p, Href: links.href}
	var body bytes.Buffer
	prefix := strings.TrimSuffix(b.files[p], ".xhtml") + "-"
	if err := markdown.Render(&body, p.Doc, res, markdown.RenderOptions{XHTML: true, FootnotePrefix: prefix}); err != nil {
		return "", err
	}
	w.WriteString(links.rewrite(body.String()))

	b.writeChildren(&w, p)
	writeRevisions(&w, p)
	return w.String(), nil
}

// rewrite turns links and images the book cannot hold into plain text with
// a note.
func (l *pageLinks) rewrite(s string) string {
	s = offbookImage.ReplaceAllStringFunc(s, func(m string) string {
		sub := offbookImage.FindStringSubmatch(m)
		note := noteImage
		if n, ok := l.note(sub[1]); ok {
			note = n
		}
		alt := sub[2]
		if alt == "" {
			alt = "画像"
		}
		return offbookSpan(alt, html.EscapeString(note))
	})
	return offbookLink.ReplaceAllStringFunc(s, func(m string) string {
		sub := offbookLink.FindStringSubmatch(m)
		note, ok := l.note(sub[1])
		if !ok {
			// A hyperlink to an embedded image: the image is in the book,
			// but only as part of a page.
			return sub[2]
		}
		// An empty link was filled with the target's number and title,
		// which the note would only repeat.
		if strings.HasPrefix(note, noteOutside) && strings.Contains(note, "「"+html.UnescapeString(sub[2])+"」") {
			note = noteOutside + "。全体版を参照してください"
		}
		return offbookSpan(sub[2], html.EscapeString(note))
	})
}

// note returns the note of an off-book href.
func (l *pageLinks) note(href string) (string, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(href, offbookPrefix))
	if !strings.HasPrefix(href, offbookPrefix) || err != nil || n >= len(l.notes) {
		return "", false
	}
	return l.notes[n], true
}

func offbookSpan(text, note string) string {
	return `<span class="offbook">` + text + `</span><span class="offbook-note">（` + note + `）</span>`
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
