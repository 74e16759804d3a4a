// Package site resolves the loaded and parsed pages into a book: order,
// section numbers, URLs, prev/next, cross-links and role and level views.
// The Site it returns is read-only, so the emitters can share it.
package site

import (
	"strings"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/markdown"
)

// Site is the resolved book.
type Site struct {
	Config config.Config
	Root   *Page
	// Pages lists every page in book order, the top page first.
	Pages []*Page
	// Files lists the content-relative paths of linked non-Markdown files.
	Files []string
	// Glossary is the glossary page, or nil.
	Glossary *Page
	Terms    []markdown.Term
	byPath   map[string]*Page
	// unreadable are the content files the loader could not read.
	unreadable map[string]bool
	// sources and fileSet are the tree's files other than pages, as
	// loaded and as a set, which links are resolved against.
	sources []string
	fileSet map[string]bool
	// resolved counts the pages whose links were resolved, not taken over.
	resolved int
}

// Page is a page of the resolved book.
type Page struct {
	Source   *content.Page
	Doc      *markdown.Doc
	Title    string
	Number   string // "7.1", "A", or "" when unnumbered
	URL      string // output folder relative to the site root: "07-procedures/05-technical/", "" for the top page
	Parent   *Page
	Children []*Page
	Prev     *Page
	Next     *Page
	Headings []Heading
	// Figures lists the page's figures in page order, with their numbers.
	Figures []Figure
	// Index is the page's position in Site.Pages.
	Index   int
	numbers map[string]string
	site    *Site
	// What resolving the page's links and checking it found, which a
	// page of a later Site may share (see ResolveAfter): its links by
	// destination, the files they link to, the pages they link to with
	// an anchor, and whether any problem was reported.
	links    map[string]link
	files    []string
	anchored []string
	clean    bool
}

// link is a resolved link destination. The target page is kept by its
// content path, so that a later Site's page can share the table and find
// its own page of that path.
type link struct {
	target Target // with Page nil
	page   string // the target page's content path, or ""
}

// Heading is a heading with its section number.
type Heading struct {
	markdown.Heading
	Number string
}

// Target is where a link points.
type Target struct {
	Page   *Page  // the linked page, for .md links and same-page anchors
	Anchor string // the fragment without '#'
	File   string // content-relative path of a linked non-Markdown file
	// Generated is set when File is an output of kb itself, such as the EPUB.
	Generated bool
	External  string // the destination as written, for links kb leaves alone
}

// OutFile is the HTML file of the page relative to the output folder.
func (p *Page) OutFile() string {
	return p.URL + "index.html"
}

// Chapter returns the top-level ancestor of the page (itself for a chapter), or nil for the top page.
func (p *Page) Chapter() *Page {
	if p.Parent == nil {
		return nil
	}
	for p.Parent.Parent != nil {
		p = p.Parent
	}
	return p
}

// Ancestors returns the pages from the top page down to the parent of p.
func (p *Page) Ancestors() []*Page {
	var list []*Page
	for a := p.Parent; a != nil; a = a.Parent {
		list = append([]*Page{a}, list...)
	}
	return list
}

// NumberedTitle is the title prefixed with the number, as shown in navigation.
func (p *Page) NumberedTitle() string {
	if p.Number == "" {
		return p.Title
	}
	return p.Number + " " + p.Title
}

// HeadingNumber returns the number of the heading with the given ID.
func (p *Page) HeadingNumber(id string) string {
	return p.numbers[id]
}

// Heading returns the heading with the given ID.
func (p *Page) Heading(id string) (Heading, bool) {
	for _, h := range p.Headings {
		if h.ID == id {
			return h, true
		}
	}
	return Heading{}, false
}

// Target returns the resolved target of a link destination written on the page.
func (p *Page) Target(dest string) (Target, bool) {
	l, ok := p.links[dest]
	if !ok {
		return Target{}, false
	}
	t := l.target
	if l.page != "" {
		t.Page = p.site.byPath[l.page]
	}
	return t, true
}

// Roles returns the page's roles from its front matter.
func (p *Page) Roles() []string { return p.Source.Front.Roles }

// Level returns the page's level (1–3), or 0.
func (p *Page) Level() int { return p.Source.Front.Level }

// SummaryLength is how many characters of a summary are shown in lists of
// pages and meta descriptions; a longer one is clipped.
const SummaryLength = 160

// Summary returns the front-matter summary, or else the lead paragraph,
// clipped to SummaryLength characters.
func (p *Page) Summary() string {
	if s := p.Source.Front.Summary; s != "" {
		return Clip(s, SummaryLength)
	}
	if p.Doc != nil {
		return Clip(p.Doc.Lead(plainResolver{p}), SummaryLength)
	}
	return ""
}

// Clip shortens s to at most n characters, cutting on a character boundary
// and marking the cut with "…".
func Clip(s string, n int) string {
	count := 0
	for i := range s {
		if count == n {
			return strings.TrimRight(s[:i], " \n") + "…"
		}
		count++
	}
	return s
}

// PlainSections returns the page's text split at ##–#### headings, with
// empty links read as their targets' numbers and titles, for search.
func (p *Page) PlainSections() []markdown.Section {
	return p.Doc.PlainSections(plainResolver{p})
}

// plainResolver fills in empty links for plain text, which has no hrefs.
type plainResolver struct{ page *Page }

func (r plainResolver) Link(dest string) markdown.LinkDecision {
	if t, ok := r.page.Target(dest); ok {
		return markdown.LinkDecision{Fill: t.FillText()}
	}
	return markdown.LinkDecision{}
}

func (r plainResolver) Image(string) markdown.LinkDecision { return markdown.LinkDecision{} }

func (r plainResolver) HeadingNumber(string) string { return "" }

func (r plainResolver) TermHref(string) string  { return "" }
func (r plainResolver) FigureNumber(int) string { return "" }

// Params returns the front-matter keys kb does not use itself, for templates.
func (p *Page) Params() map[string]any { return p.Source.Params }

// Revisions returns the revision history of the page.
func (p *Page) Revisions() []content.Revision { return p.Source.Front.Revisions }

// Resolved reports how many pages had their links resolved and their
// problems checked by this Site's resolve; ResolveAfter takes the others'
// from the Site before.
func (s *Site) Resolved() int { return s.resolved }

// PageByPath returns the page for a content-relative Markdown path.
func (s *Site) PageByPath(p string) *Page {
	return s.byPath[p]
}

// FillText is the text of an empty link to t: the number and title of the
// target heading or page, or the label, number and caption of a figure.
func (t Target) FillText() string {
	switch {
	case t.Page == nil && t.File != "":
		return t.FileName()
	case t.Page == nil:
		return t.External
	case t.Anchor != "":
		if f, ok := t.Page.Figure(t.Anchor); ok {
			return f.FillText()
		}
		if h, ok := t.Page.Heading(t.Anchor); ok {
			if h.Number != "" {
				return h.Number + " " + h.Text
			}
			return h.Text
		}
	}
	return t.Page.NumberedTitle()
}

// RelURL returns the relative URL from the folder fromDir (ending in "/" or
// empty) to the site-relative file target.
func RelURL(fromDir, target string) string {
	depth := strings.Count(fromDir, "/")
	prefix := strings.Repeat("../", depth)
	if prefix == "" && target == "" {
		return "./"
	}
	return prefix + target
}
