package ebook

import (
	"bytes"
	"net/url"

	"github.com/kb-handbook/kb/internal/site"
)

// pageTree is the book's pages nested as in the site's 目次: each page
// under its nearest ancestor in the book, chapters at the top.
type pageTree struct {
	top      []*site.Page
	children map[*site.Page][]*site.Page
}

func (b *book) pageTree() pageTree {
	t := pageTree{children: map[*site.Page][]*site.Page{}}
	for _, p := range b.sel.Pages {
		if parent := b.navParent(p); parent != nil {
			t.children[parent] = append(t.children[parent], p)
		} else {
			t.top = append(t.top, p)
		}
	}
	return t
}

// navItems lists pages for the table of contents: under each page its ##
// sections, so that a reader can jump to 7.5.7 as well as to 7.5, then
// the pages below it. Paths are from the package document's folder.
func (b *book) navItems(t pageTree, pages []*site.Page, sections bool) []*navItem {
	var items []*navItem
	for _, p := range pages {
		file := xhtmlDir + b.files[p]
		item := &navItem{Href: file, Title: p.NumberedTitle()}
		for _, h := range p.Headings {
			if sections && h.Level == 2 && h.ID != "" {
				title := h.Text
				if h.Number != "" {
					title = h.Number + " " + title
				}
				item.Children = append(item.Children, &navItem{Href: file + "#" + (&url.URL{Fragment: h.ID}).EscapedFragment(), Title: title})
			}
		}
		item.Children = append(item.Children, b.navItems(t, t.children[p], sections)...)
		items = append(items, item)
	}
	return items
}

// navDocument writes the navigation document: the table of contents and
// landmarks for the cover and the start of the text. (A landmark for the
// table of contents itself would point outside the spine, which epubcheck
// rejects.)
func (b *book) navDocument(t pageTree) ([]byte, error) {
	d := &docData{Title: b.sel.Title, CSS: cssFile, Nav: b.navItems(t, t.top, true),
		Landmarks: landmarks{Cover: xhtmlDir + coverFile, Body: xhtmlDir + b.files[b.sel.Pages[0]]}}
	var w bytes.Buffer
	err := b.theme.execute(&w, "nav", d)
	return w.Bytes(), err
}
