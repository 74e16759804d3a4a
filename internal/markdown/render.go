package markdown

import (
	"bytes"
	"io"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// Resolver supplies what only the resolved site knows at render time.
type Resolver interface {
	// Link returns the href for a link destination as written by the author,
	// and the text to show when the link has none (the target's number and title).
	Link(dest string) (href, fill string)
	// HeadingNumber returns the section number of a heading ID, or "".
	HeadingNumber(id string) string
	// TermHref returns the href of a glossary entry, or "" to mark the term without a link.
	TermHref(id string) string
}

// RenderOptions select the output dialect.
type RenderOptions struct {
	XHTML          bool   // well-formed XHTML for EPUB
	UnsafeHTML     bool   // pass raw HTML through instead of escaping it
	FootnotePrefix string // makes footnote IDs unique when pages share a document
}

// Render writes the HTML of doc to w.
func Render(w io.Writer, doc *Doc, res Resolver, opts RenderOptions) error {
	htmlOpts := []html.Option{html.WithEastAsianLineBreaks(html.EastAsianLineBreaksSimple),
		html.WithWriter(html.NewWriter(html.WithEscapedSpace()))}
	if opts.XHTML {
		htmlOpts = append(htmlOpts, html.WithXHTML())
	}
	if opts.UnsafeHTML {
		htmlOpts = append(htmlOpts, html.WithUnsafe())
	}
	footnoteOpts := []extension.FootnoteOption{extension.WithFootnoteHTMLOptions(htmlOpts...)}
	if opts.FootnotePrefix != "" {
		footnoteOpts = append(footnoteOpts, extension.WithFootnoteIDPrefix(opts.FootnotePrefix))
	}
	r := renderer.NewRenderer(renderer.WithNodeRenderers(
		util.Prioritized(html.NewRenderer(htmlOpts...), 1000),
		util.Prioritized(extension.NewTableHTMLRenderer(extension.WithTableHTMLOptions(htmlOpts...)), 500),
		util.Prioritized(extension.NewStrikethroughHTMLRenderer(htmlOpts...), 500),
		util.Prioritized(extension.NewTaskCheckBoxHTMLRenderer(htmlOpts...), 500),
		util.Prioritized(extension.NewDefinitionListHTMLRenderer(htmlOpts...), 500),
		util.Prioritized(extension.NewFootnoteHTMLRenderer(footnoteOpts...), 500),
		util.Prioritized(&nodeRenderer{resolver: res, opts: opts}, 1),
	))
	return r.Render(w, doc.src, doc.root)
}

// nodeRenderer renders kb's own nodes and overrides links, images,
// headings, code blocks and raw HTML.
type nodeRenderer struct {
	resolver Resolver
	opts     RenderOptions
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindCallout, r.renderCallout)
	reg.Register(KindTermRef, r.renderTermRef)
	reg.Register(ast.KindLink, r.renderLink)
	reg.Register(ast.KindImage, r.renderImage)
	reg.Register(ast.KindHeading, r.renderHeading)
	reg.Register(ast.KindFencedCodeBlock, r.renderFencedCode)
	reg.Register(ast.KindCodeBlock, r.renderCodeBlock)
	if !r.opts.UnsafeHTML {
		reg.Register(ast.KindRawHTML, r.renderRawHTML)
		reg.Register(ast.KindHTMLBlock, r.renderHTMLBlock)
	}
}

func (r *nodeRenderer) renderLink(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	href, fill := r.resolver.Link(string(n.Destination))
	_, _ = w.WriteString(`<a href="`)
	if html.IsDangerousURL([]byte(href)) {
		href = ""
	}
	_, _ = w.Write(util.EscapeHTML(util.URLEscape([]byte(href), true)))
	_ = w.WriteByte('"')
	if n.Title != nil {
		_, _ = w.WriteString(` title="`)
		_, _ = w.Write(util.EscapeHTML(n.Title))
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
	if n.FirstChild() == nil {
		_, _ = w.Write(util.EscapeHTML([]byte(fill)))
	}
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) renderImage(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	href, _ := r.resolver.Link(string(n.Destination))
	_, _ = w.WriteString(`<img src="`)
	if !html.IsDangerousURL([]byte(href)) {
		_, _ = w.Write(util.EscapeHTML(util.URLEscape([]byte(href), true)))
	}
	_, _ = w.WriteString(`" alt="`)
	_, _ = w.Write(util.EscapeHTML([]byte(plainText(n, src))))
	_ = w.WriteByte('"')
	if n.Title != nil {
		_, _ = w.WriteString(` title="`)
		_, _ = w.Write(util.EscapeHTML(n.Title))
		_ = w.WriteByte('"')
	}
	if r.opts.XHTML {
		_, _ = w.WriteString(" />")
	} else {
		_ = w.WriteByte('>')
	}
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) renderHeading(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	tag := []byte{'h', byte('0' + n.Level)}
	if !entering {
		_, _ = w.WriteString("</")
		_, _ = w.Write(tag)
		_, _ = w.WriteString(">\n")
		return ast.WalkContinue, nil
	}
	_ = w.WriteByte('<')
	_, _ = w.Write(tag)
	if n.Attributes() != nil {
		html.RenderAttributes(w, n, html.HeadingAttributeFilter)
	}
	_ = w.WriteByte('>')
	if id, ok := n.AttributeString("id"); ok {
		if num := r.resolver.HeadingNumber(string(id.([]byte))); num != "" {
			_, _ = w.WriteString(`<span class="secno">`)
			_, _ = w.Write(util.EscapeHTML([]byte(num)))
			_, _ = w.WriteString("</span> ")
		}
	}
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) renderCodeBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		writeCode(w, "", codeText(node, src))
	}
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) renderFencedCode(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*ast.FencedCodeBlock)
		writeCode(w, string(n.Language(src)), codeText(node, src))
	}
	return ast.WalkSkipChildren, nil
}

func codeText(n ast.Node, src []byte) []byte {
	var b bytes.Buffer
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b.Write(seg.Value(src))
	}
	return b.Bytes()
}

func (r *nodeRenderer) renderRawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*ast.RawHTML)
		for i := 0; i < n.Segments.Len(); i++ {
			seg := n.Segments.At(i)
			_, _ = w.Write(util.EscapeHTML(seg.Value(src)))
		}
	}
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) renderHTMLBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*ast.HTMLBlock)
		_, _ = w.WriteString(`<p class="raw-html">`)
		_, _ = w.Write(util.EscapeHTML(bytes.TrimRight(codeText(n, src), "\n")))
		if n.HasClosure() {
			_, _ = w.Write(util.EscapeHTML(bytes.TrimRight(n.ClosureLine.Value(src), "\n")))
		}
		_, _ = w.WriteString("</p>\n")
	}
	return ast.WalkSkipChildren, nil
}
