package markdown

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// Resolver supplies what only the resolved site knows at render time.
type Resolver interface {
	// Link decides how a link to dest, as written by the author, is rendered.
	Link(dest string) LinkDecision
	// Image decides how an image from dest is rendered.
	Image(dest string) LinkDecision
	// HeadingNumber returns the section number of a heading ID, or "".
	HeadingNumber(id string) string
	// TermHref returns the href of a glossary entry, or "" to mark the term without a link.
	TermHref(id string) string
	// FigureNumber returns the number of the page's figure at index (its
	// position among Doc.Figures), such as "7.5.1".
	FigureNumber(index int) string
}

// A LinkDecision says how a link or an image is rendered. An output decides
// it: the EPUB, for one, shows a link to a page it does not hold as text with
// a note.
type LinkDecision struct {
	Href string // where the link leads, or the image's source
	Fill string // the text of an empty link (the target's number and title); the text of an image shown as text without alt text
	// AsText renders the link as its text and the image as its alt text,
	// followed by Note when there is one. Note is the whole text shown,
	// brackets included, so that it can follow the book's language.
	AsText bool
	Note   string
	// FilledNote replaces Note for a link whose text was filled in, when
	// Note would only repeat it.
	FilledNote string
}

// note is the note shown after a link or image rendered as text.
func (d LinkDecision) note(filled bool) string {
	if filled && d.FilledNote != "" {
		return d.FilledNote
	}
	return d.Note
}

// RenderOptions select the output dialect.
type RenderOptions struct {
	XHTML          bool   // well-formed XHTML for EPUB
	FootnotePrefix string // makes footnote IDs unique when pages share a document
	// IDPrefix goes before the IDs of headings, figures and glossary terms
	// and before the page's own links to its headings, so that they are
	// unique when pages share a document (the print edition). Links from
	// elsewhere are the resolver's to prefix.
	IDPrefix string
	// HeadingLinkLabel is the accessible name of the permalink that ends
	// each ##–#### heading in HTML, in the site's language.
	HeadingLinkLabel string
}

// Placeholder kinds in the fragments: NUL, kind, decimal index into refs, NUL.
const (
	phLinkOpen   = 'A' // a link's start: refs[i] its destination, then its title or -1, then 1 when its text is filled in
	phLinkClose  = 'Z' // its end, with the same arguments
	phImage      = 'I' // an image: refs of its source, its alt text, and its title or -1
	phFill       = 'F' // the text of an empty link to refs[i]
	phNumber     = 'N' // the section number of heading refs[i]
	phTermOpen   = 'T' // <a> to glossary entry refs[i], when there is one
	phTermClose  = 'U' // its </a>
	phFootPrefix = 'P' // the footnote ID prefix
	phFigure     = 'G' // the label and number of figure i (an index into Doc.Figures, not refs)
	phIDPrefix   = 'H' // the prefix of an element's ID (RenderOptions.IDPrefix)
	phLinkLabel  = 'K' // the label of a heading's permalink (RenderOptions.HeadingLinkLabel)
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
		if kind == phLinkOpen || kind == phLinkClose || kind == phImage {
			args, err := linkArgs(doc, kind, arg)
			if err != nil {
				return fail(err)
			}
			writeLink(b, kind, args, res, opts.XHTML)
			continue
		}
		ref := ""
		if kind != phFootPrefix && kind != phFigure && kind != phIDPrefix && kind != phLinkLabel {
			n, err := strconv.Atoi(arg)
			if err != nil || n < 0 || n >= len(doc.refs) {
				return fail(fmt.Errorf("markdown: bad placeholder reference %q", arg))
			}
			ref = doc.refs[n]
		}
		switch kind {
		case phFill:
			b.Write(util.EscapeHTML([]byte(res.Link(ref).Fill)))
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
		case phIDPrefix:
			b.Write(util.EscapeHTML([]byte(opts.IDPrefix)))
		case phLinkLabel:
			b.Write(util.EscapeHTML([]byte(opts.HeadingLinkLabel)))
		case phFigure:
			n, err := strconv.Atoi(arg)
			if err != nil || n < 0 || n >= len(doc.Figures) {
				return fail(fmt.Errorf("markdown: bad figure placeholder %q", arg))
			}
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
		util.Prioritized(&nodeRenderer{doc: doc, xhtml: xhtml, unsafe: unsafe, code: code, callouts: p.callouts, details: p.labels.Details}, 1),
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
	details  string // the title of a details container without one
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
	reg.Register(east.KindDefinitionTerm, r.renderDefinitionTerm)
	reg.Register(ast.KindFencedCodeBlock, r.renderFencedCode)
	reg.Register(ast.KindCodeBlock, r.renderCodeBlock)
	reg.Register(ast.KindRawHTML, r.renderRawHTML)
	reg.Register(ast.KindHTMLBlock, r.renderHTMLBlock)
}

func (r *nodeRenderer) renderLink(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	args := []int{r.doc.ref(string(n.Destination)), r.optionalRef(n.Title), 0}
	if n.FirstChild() == nil {
		args[2] = 1
	}
	if !entering {
		r.placeholders(w, phLinkClose, args)
		return ast.WalkContinue, nil
	}
	r.placeholders(w, phLinkOpen, args)
	if args[2] == 1 {
		r.placeholder(w, phFill, string(n.Destination))
	}
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) renderImage(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	r.placeholders(w, phImage, []int{r.doc.ref(string(n.Destination)), r.doc.ref(plainText(n, src, nil)), r.optionalRef(n.Title)})
	return ast.WalkSkipChildren, nil
}

// optionalRef is the ref of s, or -1 when there is none.
func (r *nodeRenderer) optionalRef(s []byte) int {
	if len(s) == 0 {
		return -1
	}
	return r.doc.ref(string(s))
}

// placeholders writes a placeholder whose argument is a list of refs.
func (r *nodeRenderer) placeholders(w util.BufWriter, kind byte, refs []int) {
	_ = w.WriteByte(0)
	_ = w.WriteByte(kind)
	for i, n := range refs {
		if i > 0 {
			_ = w.WriteByte(',')
		}
		_, _ = w.WriteString(strconv.Itoa(n))
	}
	_ = w.WriteByte(0)
}

// linkArgs reads the arguments of a link or image placeholder: the
// strings its refs name ("" for -1) and, last for a link, "1" when its text
// was filled in.
func linkArgs(doc *Doc, kind byte, arg string) ([]string, error) {
	parts := strings.Split(arg, ",")
	if len(parts) != 3 {
		return nil, fmt.Errorf("markdown: bad link placeholder %q", arg)
	}
	out := make([]string, 3)
	for i, part := range parts {
		n, err := strconv.Atoi(part)
		switch {
		case err != nil:
			return nil, fmt.Errorf("markdown: bad link placeholder %q", arg)
		case i == 2 && kind != phImage:
			out[i] = part // the filled-in flag
		case n < -1 || n >= len(doc.refs):
			return nil, fmt.Errorf("markdown: bad placeholder reference %q", arg)
		case n >= 0:
			out[i] = doc.refs[n]
		}
	}
	return out, nil
}

// writeLink fills in a link's start or end, or an image, as the resolver
// decides.
func writeLink(b *bytes.Buffer, kind byte, args []string, res Resolver, xhtml bool) {
	esc := func(s string) { b.Write(util.EscapeHTML([]byte(s))) }
	href := func(h string) {
		if !html.IsDangerousURL([]byte(h)) {
			b.Write(util.EscapeHTML(util.URLEscape([]byte(h), true)))
		}
	}
	note := func(text string) {
		b.WriteString(`<span class="offbook-note">`)
		esc(text)
		b.WriteString(`</span>`)
	}
	switch kind {
	case phImage:
		d := res.Image(args[0])
		if d.AsText {
			b.WriteString(`<span class="offbook">`)
			esc(cmp.Or(args[1], d.Fill))
			b.WriteString(`</span>`)
			if n := d.note(false); n != "" {
				note(n)
			}
			return
		}
		b.WriteString(`<img src="`)
		href(d.Href)
		b.WriteString(`" alt="`)
		esc(args[1])
		b.WriteByte('"')
		if args[2] != "" {
			b.WriteString(` title="`)
			esc(args[2])
			b.WriteByte('"')
		}
		if xhtml {
			b.WriteString(" />")
		} else {
			b.WriteByte('>')
		}
	case phLinkOpen, phLinkClose:
		d := res.Link(args[0])
		filled := args[2] == "1"
		switch {
		case d.AsText && kind == phLinkOpen:
			if d.note(filled) != "" {
				b.WriteString(`<span class="offbook">`)
			}
		case d.AsText:
			if n := d.note(filled); n != "" {
				b.WriteString(`</span>`)
				note(n)
			}
		case kind == phLinkOpen:
			b.WriteString(`<a href="`)
			href(d.Href)
			b.WriteByte('"')
			if args[1] != "" {
				b.WriteString(` title="`)
				esc(args[1])
				b.WriteByte('"')
			}
			b.WriteByte('>')
		default:
			b.WriteString("</a>")
		}
	}
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
			writeIDPrefix(w)
			_, _ = w.Write(util.EscapeHTML(util.URLEscape(id.([]byte), true)))
			_, _ = w.WriteString(`" aria-label="`)
			_ = w.WriteByte(0)
			_ = w.WriteByte(phLinkLabel)
			_ = w.WriteByte(0)
			_, _ = w.WriteString(`"></a>`)
		}
		_, _ = w.WriteString("</")
		_, _ = w.Write(tag)
		_, _ = w.WriteString(">\n")
		return ast.WalkContinue, nil
	}
	_ = w.WriteByte('<')
	_, _ = w.Write(tag)
	renderAttributes(w, n, html.HeadingAttributeFilter)
	_ = w.WriteByte('>')
	if id, ok := n.AttributeString("id"); ok {
		r.placeholder(w, phNumber, string(id.([]byte)))
	}
	return ast.WalkContinue, nil
}

// renderDefinitionTerm writes a definition-list term as goldmark does, with
// the ID prefix before its ID (a glossary entry's anchor).
func (r *nodeRenderer) renderDefinitionTerm(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		_, _ = w.WriteString("</dt>\n")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString("<dt")
	renderAttributes(w, node, extension.DefinitionTermAttributeFilter)
	_ = w.WriteByte('>')
	return ast.WalkContinue, nil
}

// renderAttributes writes the attributes of n that filter allows, as
// goldmark's html.RenderAttributes does, with the ID prefix placeholder
// before the value of id.
func renderAttributes(w util.BufWriter, n ast.Node, filter util.BytesFilter) {
	for _, a := range n.Attributes() {
		if !filter.Contains(a.Name) && !bytes.HasPrefix(a.Name, []byte("data-")) {
			continue
		}
		_ = w.WriteByte(' ')
		_, _ = w.Write(a.Name)
		_, _ = w.WriteString(`="`)
		if string(a.Name) == "id" {
			writeIDPrefix(w)
		}
		switch v := a.Value.(type) {
		case []byte:
			_, _ = w.Write(util.EscapeHTML(v))
		case string:
			_, _ = w.Write(util.EscapeHTML([]byte(v)))
		}
		_ = w.WriteByte('"')
	}
}

// writeIDPrefix writes the placeholder of RenderOptions.IDPrefix.
func writeIDPrefix(w util.BufWriter) {
	_ = w.WriteByte(0)
	_ = w.WriteByte(phIDPrefix)
	_ = w.WriteByte(0)
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
