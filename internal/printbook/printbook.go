// Package printbook writes the print edition: the whole book, and each
// edition of kb.yaml, as one HTML page with every page in book order, a
// table of contents and links between pages turned into links inside the
// document, styled for A4 paper. Printing it from a browser gives the PDF.
package printbook

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// Dir is the folder of the print edition in the output.
const Dir = "print/"

//go:embed print.html
var layout string

//go:embed print.css
var stylesheet []byte

var printTemplate = template.Must(template.New("print").Parse(layout))

// Format is the print edition as an output of the build.
type Format struct{}

// Name implements pipeline.Format.
func (Format) Name() string { return "print" }

// Needs implements pipeline.Format: the pages' HTML is enough.
func (Format) Needs() pipeline.Needs { return pipeline.Needs{} }

// Check implements pipeline.Format; the EPUB format checks the editions.
func (Format) Check(*site.Site, *diag.List) {}

// Writes implements pipeline.OnDemand: the files under Dir.
func (Format) Writes(_ *site.Site, name string) bool { return strings.HasPrefix(name, Dir) }

// Emit implements pipeline.Format, in the texts of the job's theme.
func (Format) Emit(job pipeline.Job) error {
	return Emit(job.Site, job.Theme.Messages(job.Site.Config.Language), web.Outputs(job.Published), job.Out)
}

// Writer receives output files by path relative to the output folder.
type Writer interface {
	WriteFile(name string, data []byte) error
}

// edition is one printed book: its pages and where it is written.
type edition struct {
	ID, Title string // ID is "" for the whole book
	Pages     []*site.Page
}

// dir is the edition's folder in the output.
func (e edition) dir() string {
	if e.ID == "" {
		return Dir
	}
	return Dir + e.ID + "/"
}

// editions lists the whole book, then each edition of kb.yaml: the pages
// for any of its roles, and the glossary. m names the whole book, and an
// edition without a title of its own after its roles.
func editions(s *site.Site, m web.Messages) []edition {
	out := []edition{{Title: m.Get("print.whole"), Pages: s.Pages}}
	for _, e := range s.Config.Editions {
		ed := edition{ID: e.ID, Title: e.Title}
		if ed.Title == "" {
			var names []string
			for _, r := range e.Roles {
				names = append(names, s.Config.RoleLabel(r))
			}
			ed.Title = m.Get("print.for_roles", "roles", strings.Join(names, m.Get("print.role_separator")))
		}
		for _, p := range s.Pages {
			if p == s.Glossary || slices.ContainsFunc(p.Roles(), func(r string) bool { return slices.Contains(e.Roles, r) }) {
				ed.Pages = append(ed.Pages, p)
			}
		}
		out = append(out, ed)
	}
	return out
}

// Emit writes the print edition of every book to out, with the interface
// text m (print.* of the theme's catalogue); outs names the formats the site
// offers, whose files the edition may link to.
func Emit(s *site.Site, m web.Messages, outs web.Outputs, out Writer) error {
	all := editions(s, m)
	if err := out.WriteFile(Dir+"print.css", stylesheet); err != nil {
		return err
	}
	for _, e := range all {
		data, err := render(s, m, e, all, outs)
		if err != nil {
			return fmt.Errorf("print edition %q: %w", e.Title, err)
		}
		if err := out.WriteFile(e.dir()+"index.html", data); err != nil {
			return err
		}
	}
	return nil
}

// printPage is a page of the book as the template shows it.
type printPage struct {
	ID, Title string
	Chapter   bool // starts a chapter: a new sheet of paper
	Body      template.HTML
	Sections  []tocEntry
}

type tocEntry struct {
	ID, Title string
	Level     int
}

type editionLink struct {
	Title, Href string
	Current     bool
}

type printData struct {
	Lang, BookTitle, Edition, Version, Publisher string
	Root, CSS                                    string
	Editions                                     []editionLink
	Pages                                        []printPage
	Messages                                     web.Messages
}

// T returns the interface text of key, its {name} slots filled from pairs.
func (d *printData) T(key string, pairs ...string) string { return d.Messages.Get(key, pairs...) }

// render writes one printed book.
func render(s *site.Site, m web.Messages, e edition, all []edition, outs web.Outputs) ([]byte, error) {
	dir := e.dir()
	doc := newDocument(e.Pages)
	d := &printData{Lang: s.Config.Language, BookTitle: s.Config.Title, Version: s.Config.Version, Publisher: s.Config.Publisher,
		Root: site.RelURL(dir, ""), CSS: site.RelURL(dir, Dir+"print.css"), Messages: m}
	if e.ID != "" {
		d.Edition = e.Title
	}
	for _, o := range all {
		d.Editions = append(d.Editions, editionLink{Title: o.Title, Href: site.RelURL(dir, o.dir()+"index.html"), Current: o.ID == e.ID})
	}
	for _, p := range e.Pages {
		var body bytes.Buffer
		res := site.LinkResolver{Site: s, Page: p, Decide: doc.links(dir, outs, m)}
		if err := markdown.Render(&body, p.Doc, res, markdown.RenderOptions{FootnotePrefix: doc.prefix(p), IDPrefix: doc.prefix(p),
			HeadingLinkLabel: m.Get("heading_link")}); err != nil {
			return nil, fmt.Errorf("%s: %w", p.Source.File, err)
		}
		pp := printPage{ID: doc.ids[p], Title: p.NumberedTitle(), Chapter: p.Parent == nil || p.Parent.Parent == nil,
			Body: template.HTML(body.String())} // rendered by goldmark, raw HTML escaped unless unsafe_html
		for _, h := range p.Headings {
			if h.Level == 2 {
				title := h.Text
				if h.Number != "" {
					title = h.Number + " " + h.Text
				}
				pp.Sections = append(pp.Sections, tocEntry{ID: doc.anchor(p, h.ID), Title: title, Level: h.Level})
			}
		}
		d.Pages = append(d.Pages, pp)
	}
	var out bytes.Buffer
	if err := printTemplate.Execute(&out, d); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
