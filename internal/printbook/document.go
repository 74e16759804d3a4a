package printbook

import (
	"strings"

	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// noteNoEPUB follows the text of a link to an EPUB that the site does not offer.
const noteNoEPUB = "このサイトでは EPUB 版を配布していません"

// document knows which pages share the printed document and how to link
// into it. Every page becomes a section with an ID of its own; a heading's
// ID is used as it is when no other page of the document has it, and
// otherwise a link to it leads to its page's section.
type document struct {
	ids      map[*site.Page]string // page → its section's ID
	headings map[string]int        // heading ID → how many pages have it
}

func newDocument(pages []*site.Page) *document {
	d := &document{ids: map[*site.Page]string{}, headings: map[string]int{}}
	for _, p := range pages {
		d.ids[p] = pageID(p)
		seen := map[string]bool{}
		for _, h := range p.Headings {
			if !seen[h.ID] {
				seen[h.ID] = true
				d.headings[h.ID]++
			}
		}
	}
	return d
}

// pageID is a page's section ID: "page-" and its URL's folders joined by "_".
func pageID(p *site.Page) string {
	dir := strings.Trim(p.URL, "/")
	if dir == "" {
		return "page-top"
	}
	return "page-" + strings.ReplaceAll(dir, "/", "_")
}

// anchor is the fragment a link to the heading id of page p uses.
func (d *document) anchor(p *site.Page, id string) string {
	if id == "" || d.headings[id] > 1 {
		return d.ids[p]
	}
	return id
}

// links returns the link decisions for a document written in dir: inside
// the document for its own pages, to the web site for pages of other
// editions and for linked files.
func (d *document) links(dir string, outs web.Outputs) func(from *site.Page, t site.Target, image bool) markdown.LinkDecision {
	return func(from *site.Page, t site.Target, _ bool) markdown.LinkDecision {
		switch {
		case t.External != "":
			return markdown.LinkDecision{Href: t.External}
		case !outs.Offers(t):
			return markdown.LinkDecision{AsText: true, Note: noteNoEPUB}
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
