package ebook

import (
	"fmt"
	"html"
	"strings"
)

// accessibilityMeta returns the EPUB Accessibility 1.1 metadata of the
// book, stated from what it holds: text always, images only when it
// embeds some, and their alternative text only when every image has one.
// The conformance claim rests on kb's own checks: the same content passes
// axe-core's WCAG 2 A/AA rules on the web edition, and epubcheck here.
func (b *book) accessibilityMeta() string {
	images, described := b.imagesDescribed()
	modes := []string{"textual"}
	features := []string{"structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"}
	sufficient := "textual"
	summary := "見出しの階層と、各ページの節まで開ける目次で移動できます。文字の大きさと配色は読書アプリで変えられます。"
	if images {
		modes = append(modes, "visual")
		if described {
			features = append(features, "alternativeText")
			summary += "画像にはすべて代替テキストがあります。"
		} else {
			sufficient = "textual,visual"
			summary += "一部の画像には代替テキストがありません。"
		}
	}
	var w strings.Builder
	for _, m := range modes {
		fmt.Fprintf(&w, "\n    <meta property=\"schema:accessMode\">%s</meta>", m)
	}
	fmt.Fprintf(&w, "\n    <meta property=\"schema:accessModeSufficient\">%s</meta>", sufficient)
	for _, f := range features {
		fmt.Fprintf(&w, "\n    <meta property=\"schema:accessibilityFeature\">%s</meta>", f)
	}
	w.WriteString("\n    <meta property=\"schema:accessibilityHazard\">none</meta>")
	fmt.Fprintf(&w, "\n    <meta property=\"schema:accessibilitySummary\">%s</meta>", html.EscapeString(summary))
	w.WriteString("\n    <meta property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>")
	if certifier := b.site.Config.Publisher; certifier != "" {
		fmt.Fprintf(&w, "\n    <meta property=\"a11y:certifiedBy\">%s</meta>", html.EscapeString(certifier))
	}
	return w.String()
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
