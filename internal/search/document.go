package search

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kb-handbook/kb/internal/site"
)

// Document is the search record of one section of a page: the page lead
// (the text before the first heading) or a ##–#### heading with its text up
// to the next such heading. Glossary entries get a record each as well.
type Document struct {
	// URL is the site-relative address of the section: the page folder
	// with the heading's anchor ("07-procedures/05-technical/#backup"),
	// "./" standing for the top page's folder.
	URL string
	// Number is the section number ("7.5.2"), or "" when unnumbered.
	Number string
	// Title is the section title without its number.
	Title string
	// Path holds the numbered titles from the chapter down to the
	// section's parent (the breadcrumbs).
	Path []string
	// Body is the plain text of the section.
	Body string
	// Chapter is the chapter's ID (its folder name), "" on the top page.
	Chapter string
	// Roles and Level come from the page's front matter; Level 0 is none.
	Roles []string
	Level int
	// Callouts lists the callout kinds in the section (NOTE, 補足, …).
	Callouts []string
}

// NumberedTitle is the title prefixed with the number, as in the page.
func (d Document) NumberedTitle() string {
	if d.Number == "" {
		return d.Title
	}
	return d.Number + " " + d.Title
}

// record is a Document as bleve indexes it, with its position in the book.
// Nil pointers and empty lists are left out. The names are the field names.
type record struct {
	URL      string   `json:"url"`
	Number   *string  `json:"number"`
	Title    string   `json:"title"`
	Path     []string `json:"path"`
	Body     string   `json:"body"`
	Chapter  *string  `json:"chapter"`
	Roles    []string `json:"roles"`
	Level    *string  `json:"level"`
	Callouts []string `json:"callouts"`
}

// record returns the document as bleve sees it.
func (d Document) record() record {
	some := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	r := record{URL: d.URL, Number: some(d.Number), Title: d.Title, Path: d.Path, Body: d.Body,
		Chapter: some(d.Chapter), Roles: d.Roles, Callouts: d.Callouts}
	if d.Level != 0 {
		r.Level = some(strconv.Itoa(d.Level))
	}
	return r
}

// Documents returns the search records of the site in book order.
func Documents(s *site.Site) []Document {
	var docs []Document
	for _, p := range s.Pages {
		docs = append(docs, pageDocuments(p)...)
	}
	if g := s.Glossary; g != nil && g.Doc != nil {
		ids := g.Doc.TermIDs()
		base := pageDocument(g)
		crumbs := append(slices.Clone(base.Path), g.NumberedTitle())
		for _, t := range s.Terms {
			if !slices.Contains(ids, t.ID) {
				continue
			}
			d := base
			d.URL, d.Number, d.Title, d.Path, d.Body, d.Callouts = sectionURL(g, t.ID), "", t.Text, crumbs, t.Title, nil
			docs = append(docs, d)
		}
	}
	// A glossary term may share its anchor with a heading; the heading wins.
	seen := map[string]bool{}
	return slices.DeleteFunc(docs, func(d Document) bool {
		dup := seen[d.URL]
		seen[d.URL] = true
		return dup
	})
}

// pageDocument is the record of a page's lead, without its text.
func pageDocument(p *site.Page) Document {
	d := Document{URL: sectionURL(p, ""), Number: p.Number, Title: p.Title, Roles: p.Roles(), Level: p.Level()}
	for _, a := range p.Ancestors() {
		if a.Parent != nil { // the top page is home, not a crumb
			d.Path = append(d.Path, a.NumberedTitle())
		}
	}
	if c := p.Chapter(); c != nil {
		d.Chapter = ChapterID(c)
	}
	return d
}

// pageDocuments splits a page into its lead and its sections.
func pageDocuments(p *site.Page) []Document {
	if p.Doc == nil {
		return nil
	}
	lead := pageDocument(p)
	crumbs := append(slices.Clone(lead.Path), p.NumberedTitle())
	var docs []Document
	// open holds the headings enclosing the current one, outermost first.
	type heading struct {
		level int
		title string
	}
	var open []heading
	for i, sec := range p.PlainSections() {
		if i == 0 {
			d := lead
			d.Body = sec.Text
			if sum := p.Source.Front.Summary; sum != "" && !strings.Contains(d.Body, sum) {
				d.Body = joinText(sum, d.Body)
			}
			d.Callouts = sec.Callouts
			docs = append(docs, d)
			continue
		}
		for len(open) > 0 && open[len(open)-1].level >= sec.Level {
			open = open[:len(open)-1]
		}
		d := lead
		d.URL = sectionURL(p, sec.HeadingID)
		d.Number = p.HeadingNumber(sec.HeadingID)
		d.Title = sec.Title
		d.Body = sec.Text
		d.Callouts = sec.Callouts
		d.Path = slices.Clone(crumbs)
		for _, o := range open {
			d.Path = append(d.Path, o.title)
		}
		docs = append(docs, d)
		open = append(open, heading{sec.Level, d.NumberedTitle()})
	}
	return docs
}

func joinText(a, b string) string {
	if b == "" {
		return a
	}
	return a + "\n" + b
}

// sectionURL is the site-relative address of a page or one of its headings.
func sectionURL(p *site.Page, anchor string) string {
	u := p.URL
	if u == "" {
		u = "./"
	}
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

// ChapterID is the ID by which a chapter is filtered and faceted: the name
// of its folder ("07-procedures").
func ChapterID(chapter *site.Page) string {
	return path.Base(strings.TrimSuffix(chapter.URL, "/"))
}
