package site

import (
	"path"

	"github.com/kb-handbook/kb/internal/markdown"
)

// LinkResolver adapts a page to markdown.Resolver for one output format;
// Decide says how that format renders a link (image false) or an image
// (image true) to a resolved target from the page.
type LinkResolver struct {
	Site   *Site
	Page   *Page
	Decide func(from *Page, t Target, image bool) markdown.LinkDecision
}

// Link implements markdown.Resolver.
func (r LinkResolver) Link(dest string) markdown.LinkDecision {
	return r.decide(dest, false)
}

// Image implements markdown.Resolver.
func (r LinkResolver) Image(dest string) markdown.LinkDecision {
	return r.decide(dest, true)
}

func (r LinkResolver) decide(dest string, image bool) markdown.LinkDecision {
	t, ok := r.Page.Target(dest)
	if !ok {
		return markdown.LinkDecision{Href: dest, Fill: dest}
	}
	d := r.Decide(r.Page, t, image)
	if d.Fill == "" {
		d.Fill = t.FillText()
	}
	return d
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
	return r.Decide(r.Page, Target{Page: r.Site.Glossary, Anchor: id}, false).Href
}

// HTMLLink decides links and images of the HTML site: each is a link to
// HTMLHref.
func HTMLLink(from *Page, t Target, _ bool) markdown.LinkDecision {
	return markdown.LinkDecision{Href: HTMLHref(from, t)}
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
