package site

import (
	"path"
)

// LinkResolver adapts a page to markdown.Resolver for one output format;
// Href turns a resolved target into that format's href from the page.
type LinkResolver struct {
	Site *Site
	Page *Page
	Href func(from *Page, t Target) string
}

// Link implements markdown.Resolver.
func (r LinkResolver) Link(dest string) (href, fill string) {
	t, ok := r.Page.Target(dest)
	if !ok {
		return dest, dest
	}
	if t.External != "" {
		return t.External, t.FillText()
	}
	return r.Href(r.Page, t), t.FillText()
}

// HeadingNumber implements markdown.Resolver.
func (r LinkResolver) HeadingNumber(id string) string {
	return r.Page.HeadingNumber(id)
}

// FigureNumber implements markdown.Resolver.
func (r LinkResolver) FigureNumber(index int) string {
	return r.Page.FigureNumber(index)
}

// TermHref implements markdown.Resolver.
func (r LinkResolver) TermHref(id string) string {
	if r.Site.Glossary == nil {
		return ""
	}
	return r.Href(r.Page, Target{Page: r.Site.Glossary, Anchor: id})
}

// HTMLHref is the href of t from the HTML page of from: a relative URL that
// works under any base path and from file://.
func HTMLHref(from *Page, t Target) string {
	switch {
	case t.External != "":
		return t.External
	case t.File != "":
		return withAnchor(RelURL(from.URL, t.File), t.Anchor)
	case t.Page == from && t.Anchor != "":
		return "#" + t.Anchor
	default:
		return withAnchor(RelURL(from.URL, t.Page.OutFile()), t.Anchor)
	}
}

func withAnchor(href, anchor string) string {
	if anchor == "" {
		return href
	}
	return href + "#" + anchor
}

// FileName returns the base name of a linked file.
func (t Target) FileName() string { return path.Base(t.File) }
