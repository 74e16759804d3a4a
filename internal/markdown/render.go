package markdown

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

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
	// FigureNumber returns the number of the page's figure at index (its
	// position among Doc.Figures), such as "7.5.1".
	FigureNumber(index int) string
}

// RenderOptions select the output dialect.
type RenderOptions struct {
	XHTML          bool   // well-formed XHTML for EPUB
	FootnotePrefix string // makes footnote IDs unique when pages share a document
}

// Placeholder kinds in the fragments: NUL, kind, decimal index into refs, NUL.
const (
	phHref       = 'L' // the href of link or image destination refs[i]
	phFill       = 'F' // the text of an empty link to refs[i]
	phNumber     = 'N' // the section number of heading refs[i]
	phTermOpen   = 'T' // <a> to glossary entry refs[i], when there is one
	phTermClose  = 'U' // its </a>
	phFootPrefix = 'P' // the footnote ID prefix
	phFigure     = 'G' // the label and number of figure i (an index into Doc.Figures, not refs)
)

// Render writes the body of doc to w, resolving links, numbers and glossary
// links with res. It does not parse again: it fills in the placeholders of
// the fragment rendered at parse time. On error, nothing is written to w.
func Render(w io.Writer, doc *Doc, res Resolver, opts RenderOptions) error {
	frag := doc.html
	if opts.XHTML {
		if doc.xhtml == nil && doc.html != nil {
			return fmt.Errorf("markdown: the page was parsed without its XHTML fragment (Options.NoXHTML)")
		}
		frag = doc.xhtml
	}
	// A bytes.Buffer is written to directly, saving a copy of the page.
	b, direct := w.(*bytes.Buffer)
	if !direct {
		b = new(bytes.Buffer)
	}
	// fail takes back what this call wrote into the caller's buffer.
	start := b.Len()
	fail := func(err error) error {
		b.Truncate(start)
		return err
	}
	// Filled-in placeholders make the page a little longer than its fragment.
	b.Grow(len(frag) + len(frag)/4)
	for {
		i := bytes.IndexByte(frag, 0)
		if i < 0 {
			b.Write(frag)
			break
		}
		b.Write(frag[:i])
		end := bytes.IndexByte(frag[i+1:], 0)
		if end < 1 {
			return fail(fmt.Errorf("markdown: malformed placeholder in rendered fragment"))
		}
		kind, arg := frag[i+1], string(frag[i+2:i+1+end])
		frag = frag[i+2+end:]
		ref := ""
		if kind != phFootPrefix && kind != phFigure {
			n, err := strconv.Atoi(arg)
			if err != nil || n < 0 || n >= len(doc.refs) {
				return fail(fmt.Errorf("markdown: bad placeholder reference %q", arg))
			}
			ref = doc.refs[n]
		}
		switch kind {
		case phHref:
			href, _ := res.Link(ref)
			if !html.IsDangerousURL([]byte(href)) {
				b.Write(util.EscapeHTML(util.URLEscape([]byte(href), true)))
			}
		case phFill:
			_, fill := res.Link(ref)
			b.Write(util.EscapeHTML([]byte(fill)))
		case phNumber:
			if num := res.HeadingNumber(ref); num != "" {
				b.WriteString(`<span class="secno">`)
				b.Write(util.EscapeHTML([]byte(num)))
				b.WriteString("</span> ")
			}
		case phTermOpen:
			if href := res.TermHref(ref); href != "" {
				b.WriteString(`<a class="term" href="`)
				b.Write(util.EscapeHTML(util.URLEscape([]byte(href), true)))
				b.WriteString(`">`)
			}
		case phTermClose:
			if res.TermHref(ref) != "" {
				b.WriteString("</a>")
			}
		case phFootPrefix:
			b.Write(util.EscapeHTML([]byte(opts.FootnotePrefix)))
		case phFigure:
			n, err := strconv.Atoi(arg)
			if err != nil || n < 0 || n >= len(doc.Figures) {
				return fail(fmt.Errorf("markdown: bad figure placeholder %q", arg))
			}
			b.WriteString(FigureLabel)
			if num := res.FigureNumber(n); num != "" {
				b.WriteByte(' ')
				b.Write(util.EscapeHTML([]byte(num)))
			}
		}
	}
	if direct {
		return nil
	}
	_, err := w.Write(b.Bytes())
	return err
}

// renderFragment renders the syntax tree with placeholders for everything
// that depends on the resolved site.
func (p *Parser) renderFragment(doc *Doc, root ast.Node, src []byte, xhtml bool, code map[ast.Node][]byte) []byte {
	htmlOpts := []html.Option{html.WithEastAsianLineBreaks(html.EastAsianLineBreaksSimple),
		html.WithWriter(html.NewWriter(html.WithEscapedSpace()))}
	if xhtml {
		htmlOpts = append(htmlOpts, html.WithXHTML())
	}
	// Raw HTML is passed through only to the HTML fragment: in the EPUB it
	// could break the XHTML, so there it is always shown as text.
	unsafe := p.unsafe && !xhtml
	if unsafe {
		htmlOpts = append(htmlOpts, html.WithUnsafe())
	}
	footnoteOpts := []extension.FootnoteOption{extension.WithFootnoteHTMLOptions(htmlOpts...),
		extension.WithFootnoteIDPrefix([]byte{0, phFootPrefix, 0})}
	r := renderer.NewRenderer(renderer.WithNodeRenderers(
		util.Prioritized(html.NewRenderer(htmlOpts...), 1000),
		util.Prioritized(extension.NewTableHTMLRenderer(extension.WithTableHTMLOptions(htmlOpts...),
			// A style attribute is valid in both HTML5 and XHTML, where align is not.
			extension.WithTableCellAlignMethod(extension.TableCellAlignStyle)), 500),
		util.Prioritized(extension.NewStrikethroughHTMLRenderer(htmlOpts...), 500),
		util.Prioritized(extension.NewTaskCheckBoxHTMLRenderer(htmlOpts...), 500),
		util.Prioritized(extension.NewDefinitionListHTMLRenderer(htmlOpts...), 500),
		util.Prioritized(extension.NewFootnoteHTMLRenderer(footnoteOpts...), 500),
		util.Prioritized(&nodeRenderer{doc: doc, xhtml: xhtml, unsafe: unsafe, code: code, callouts: p.callouts}, 1),
	))
	var b bytes.Buffer
	// HTML, with highlighted code, is about twice as long as its Markdown;
	// growing to that at once saves the buffer's doublings on the way.
	b.Grow(2 * len(src))
	// Rendering a tree goldmark parsed itself into memory cannot fail.
	_ = r.Render(&b, src, root)
	return b.Bytes()
}

// nodeRenderer renders kb's own nodes and overrides links, images,
// headings, code blocks and raw HTML.
type nodeRenderer struct {
	doc      *Doc
	xhtml    bool
	unsafe   bool
	callouts callouts
	// code holds highlighted code blocks, shared by the HTML and XHTML
	// renders of a page so that each block is highlighted once.
	code map[ast.Node][]byte
}

// placeholder writes a placeholder of the given kind for ref.
func (r *nodeRenderer) placeholder(w util.BufWriter, kind byte, ref string) {
	i := r.doc.ref(ref)
	_ = w.WriteByte(0)
	_ = w.WriteByte(kind)
	_, _ = w.WriteString(strconv.Itoa(i))
	_ = w.WriteByte(0)
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindCallout, r.renderCallout)
	reg.Register(KindFigure, r.renderFigure)
	reg.Register(KindTermRef, r.renderTermRef)
	reg.Register(ast.KindLink, r.renderLink)
	reg.Register(ast.KindImage, r.renderImage)
	reg.Register(ast.KindHeading, r.renderHeading)
	reg.Register(ast.KindFencedCodeBlock, r.renderFencedCode)
	reg.Register(ast.KindCodeBlock, r.renderCodeBlock)
	reg.Register(ast.KindRawHTML, r.renderRawHTML)
	reg.Register(ast.KindHTMLBlock, r.renderHTMLBlock)
}

func (r *nodeRenderer) renderLink(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="`)
	r.placeholder(w, phHref, string(n.Destination))
	_ = w.WriteByte('"')
	if n.Title != nil {
		_, _ = w.WriteString(` title="`)
		_, _ = w.Write(util.EscapeHTML(n.Title))
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
	if n.FirstChild() == nil {
		r.placeholder(w, phFill, string(n.Destination))
	}
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) renderImage(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	_, _ = w.WriteString(`<img src="`)
	r.placeholder(w, phHref, string(n.Destination))
	_, _ = w.WriteString(`" alt="`)
	_, _ = w.Write(util.EscapeHTML([]byte(plainText(n, src, nil))))
	_ = w.WriteByte('"')
	if n.Title != nil {
		_, _ = w.WriteString(` title="`)
		_, _ = w.Write(util.EscapeHTML(n.Title))
		_ = w.WriteByte('"')
	}
	if r.xhtml {
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
		// In HTML, ##–#### headings end with a permalink, shown on hover or
		// focus; its "#" comes from the stylesheet, so it is not part of the
		// heading's text.
		if id, ok := n.AttributeString("id"); ok && !r.xhtml && n.Level >= 2 && n.Level <= 4 {
			_, _ = w.WriteString(`<a class="heading-link" href="#`)
			_, _ = w.Write(util.EscapeHTML(util.URLEscape(id.([]byte), true)))
			_, _ = w.WriteString(`" aria-label="この見出しへのリンク"></a>`)
		}
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
		r.placeholder(w, phNumber, string(id.([]byte)))
	}
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) renderCodeBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		r.writeCached(w, node, "", src)
	}
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) renderFencedCode(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		r.writeCached(w, node, string(node.(*ast.FencedCodeBlock).Language(src)), src)
	}
	return ast.WalkSkipChildren, nil
}

// writeCached writes a code block, highlighting it only on the first render.
func (r *nodeRenderer) writeCached(w util.BufWriter, node ast.Node, lang string, src []byte) {
	out, ok := r.code[node]
	if !ok {
		var b bytes.Buffer
		writeCode(&b, lang, codeText(node, src))
		out = b.Bytes()
		r.code[node] = out
	}
	_, _ = w.Write(out)
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

// renderRawHTML drops comments, writes other inline HTML as it is when
// raw HTML is allowed, and as text when not.
func (r *nodeRenderer) renderRawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	if n.Segments.Len() > 0 {
		if first := n.Segments.At(0); bytes.HasPrefix(first.Value(src), []byte("<!--")) {
			return ast.WalkSkipChildren, nil
		}
	}
	for i := 0; i < n.Segments.Len(); i++ {
		at := n.Segments.At(i)
		seg := at.Value(src)
		if r.unsafe {
			_, _ = w.Write(seg)
		} else {
			_, _ = w.Write(util.EscapeHTML(seg))
		}
	}
	return ast.WalkSkipChildren, nil
}

// renderHTMLBlock drops comments, writes other HTML blocks as they are when
// raw HTML is allowed, and as a paragraph of text when not.
func (r *nodeRenderer) renderHTMLBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.HTMLBlock)
	if n.HTMLBlockType == ast.HTMLBlockType2 {
		return ast.WalkSkipChildren, nil
	}
	text := codeText(n, src)
	if r.unsafe {
		_, _ = w.Write(text)
		if n.HasClosure() {
			_, _ = w.Write(n.ClosureLine.Value(src))
		}
		return ast.WalkSkipChildren, nil
	}
	_, _ = w.WriteString(`<p class="raw-html">`)
	_, _ = w.Write(util.EscapeHTML(bytes.TrimRight(text, "\n")))
	if n.HasClosure() {
		_, _ = w.Write(util.EscapeHTML(bytes.TrimRight(n.ClosureLine.Value(src), "\n")))
	}
	_, _ = w.WriteString("</p>\n")
	return ast.WalkSkipChildren, nil
}
