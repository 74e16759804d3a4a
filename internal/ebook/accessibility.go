package ebook

import "strings"

// accessibilityMeta returns the EPUB Accessibility 1.1 metadata of the
// book, stated from what it holds: text always, images only when it
// embeds some, and their alternative text only when every image has one.
// The conformance claim rests on kb's own checks: the same content passes
// axe-core's WCAG 2 A/AA rules on the web edition, and epubcheck here.
// The summary is in the book's language, from the theme's catalogue.
func (b *book) accessibilityMeta() []opfMeta {
	m := b.theme.messages
	images, described := b.imagesDescribed()
	modes := []string{"textual"}
	features := []string{"structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"}
	sufficient := "textual"
	summary := m.Get("epub.a11y_summary")
	if images {
		modes = append(modes, "visual")
		if described {
			features = append(features, "alternativeText")
			summary += m.Get("epub.a11y_alt_all")
		} else {
			sufficient = "textual,visual"
			summary += m.Get("epub.a11y_alt_some")
		}
	}
	var meta []opfMeta
	for _, mode := range modes {
		meta = append(meta, opfMeta{Property: "schema:accessMode", Value: mode})
	}
	meta = append(meta, opfMeta{Property: "schema:accessModeSufficient", Value: sufficient})
	for _, f := range features {
		meta = append(meta, opfMeta{Property: "schema:accessibilityFeature", Value: f})
	}
	meta = append(meta,
		opfMeta{Property: "schema:accessibilityHazard", Value: "none"},
		opfMeta{Property: "schema:accessibilitySummary", Value: strings.TrimSpace(summary)},
		opfMeta{Property: "dcterms:conformsTo", Value: "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"})
	if certifier := b.site.Config.Publisher; certifier != "" {
		meta = append(meta, opfMeta{Property: "a11y:certifiedBy", Value: certifier})
	}
	return meta
}

// imagesDescribed reports whether the book embeds images, and whether
// every one of them is shown with alternative text.
func (b *book) imagesDescribed() (images, described bool) {
	described = true
	for _, p := range b.sel.Pages {
		for _, l := range p.Doc.Links {
			t, ok := p.Target(l.Dest)
			if !l.Image || !ok {
				continue
			}
			if _, embedded := b.images[t.File]; !embedded {
				continue
			}
			images = true
			if l.Empty {
				described = false
			}
		}
	}
	return images, described
}
