package ebook

import (
	"html"
	"net/url"
	"regexp"
	"strings"

	"github.com/kb-handbook/kb/internal/site"
)

// tocNav matches the table of contents go-epub writes, which lists pages only.
var tocNav = regexp.MustCompile(`(?s)<nav epub:type="toc">.*?</nav>`)

// tocNavHTML writes the book's table of contents: the pages nested as in
// the site's 目次, and under each page its ## sections, so that a reader
// can jump to 7.5.7 as well as to 7.5.
func (b *book) tocNavHTML() string {
	children := map[*site.Page][]*site.Page{}
	var top []*site.Page
	for _, p := range b.sel.Pages {
		if parent := b.navParent(p); parent != nil {
			children[parent] = append(children[parent], p)
		} else {
			top = append(top, p)
		}
	}
	var w strings.Builder
	w.WriteString("<nav epub:type=\"toc\" id=\"toc\">\n      <h1>目次</h1>\n")
	b.writeNavList(&w, top, children, "      ")
	w.WriteString("    </nav>")
	return w.String()
}

func (b *book) writeNavList(w *strings.Builder, pages []*site.Page, children map[*site.Page][]*site.Page, indent string) {
	w.WriteString(indent + "<ol>\n")
	b.writeNavItems(w, pages, children, indent+"  ")
	w.WriteString(indent + "</ol>\n")
}

// writeNavItems writes one item per page; an item's list holds the page's
// sections, then its sub-pages, in reading order (a nav item has at most
// one list).
func (b *book) writeNavItems(w *strings.Builder, pages []*site.Page, children map[*site.Page][]*site.Page, indent string) {
	for _, p := range pages {
		file := xhtmlDir + b.files[p]
		w.WriteString(indent + "<li><a href=\"" + html.EscapeString(file) + "\">" + html.EscapeString(p.NumberedTitle()) + "</a>")
		var sections []site.Heading
		for _, h := range p.Headings {
			if h.Level == 2 && h.ID != "" {
				sections = append(sections, h)
			}
		}
		if len(sections) > 0 || len(children[p]) > 0 {
			w.WriteString("\n" + indent + "  <ol>\n")
			for _, h := range sections {
				title := h.Text
				if h.Number != "" {
					title = h.Number + " " + title
				}
				href := file + "#" + (&url.URL{Fragment: h.ID}).EscapedFragment()
				w.WriteString(indent + "    <li><a href=\"" + html.EscapeString(href) + "\">" + html.EscapeString(title) + "</a></li>\n")
			}
			b.writeNavItems(w, children[p], children, indent+"    ")
			w.WriteString(indent + "  </ol>\n" + indent)
		}
		w.WriteString("</li>\n")
	}
}
