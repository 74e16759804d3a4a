package printbook

import (
	"strings"

	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// document knows which pages share the printed document and how to link
// into it. Every page becomes a section with an ID of its own, and the IDs
// inside a page (headings, figures, glossary terms, footnotes) start with
// the section's ID and "-" (prefix), so that two pages with a heading of the
// same ID each keep theirs, and links lead to the page they name.
type document struct {
	ids map[*site.Page]string // page → its section's ID
}

func newDocument(pages []*site.Page) *document {
	d := &document{ids: map[*site.Page]string{}}
	for _, p := range pages {
		d.ids[p] = pageID(p)
	}
	return d
}

// prefix goes before the IDs inside page p's section.
func (d *document) prefix(p *site.Page) string { return d.ids[p] + "-" }

// pageID is a page's section ID: "page-" and its URL's folders joined by "_".
func pageID(p *site.Page) string {
	dir := strings.Trim(p.URL, "/")
	if dir == "" {
		return "page-top"
	}
	return "page-" + strings.ReplaceAll(dir, "/", "_")
}

// anchor is the fragment of a link to the ID id inside page p, or to the
// page itself when id is "".
func (d *document) anchor(p *site.Page, id string) string {
	if id == "" {
		return d.ids[p]
	}
	return d.prefix(p) + id
}

// links returns the link decisions for a document written in dir: inside
// the document for its own pages, to the web site for pages of other
// editions and for linked files.
func (d *document) links(dir string, outs web.Outputs, m web.Messages) func(from *site.Page, t site.Target, image bool) markdown.LinkDecision {
	return func(from *site.Page, t site.Target, _ bool) markdown.LinkDecision {
		switch {
		case t.External != "":
			return markdown.LinkDecision{Href: t.External}
		case !outs.Offers(t):
			return markdown.LinkDecision{AsText: true, Note: m.Get("link_note", "note", m.Get("epub_not_published"))}
		case t.File != "":
			return markdown.LinkDecision{Href: withAnchor(site.RelURL(dir, t.File), t.Anchor)}
		}
		if _, in := d.ids[t.Page]; in {
			return markdown.LinkDecision{Href: "#" + d.anchor(t.Page, t.Anchor)}
		}
		return markdown.LinkDecision{Href: withAnchor(site.RelURL(dir, t.Page.OutFile()), t.Anchor)}
	}
}

func withAnchor(href, anchor string) string {
	if anchor == "" {
		return href
	}
	return href + "#" + anchor
}
