package markdown

import (
	"bytes"
	"regexp"
	"strconv"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Figure is a numbered figure found on a page, in page order.
type Figure struct {
	// ID is the anchor given with {#id} after the image, or "" when there is none.
	ID string
	// Caption is the image title, the figure's caption without its number.
	Caption string
	// Alt is the image's text alternative.
	Alt string
	// Src is the image destination as written, a key of the page's links.
	Src       string
	Line, Col int
}

// KindFigure is the node kind of a figure.
var KindFigure = ast.NewNodeKind("Figure")

// FigureNode is an image alone in its paragraph with a title or an {#id}:
// Pandoc's implicit figure, with the title as the caption as in MkDocs.
// Its children are a FigureCaption and the Image, in that order, so that
// the page's plain text reads the caption before the alt text.
type FigureNode struct {
	ast.BaseBlock
	ID string
	// Index is the figure's position among the page's figures, from 0, in
	// the order of the finished tree (footnotes move to the end of the page);
	// set when the page's figures are collected.
	Index int
}

// Kind implements ast.Node.
func (*FigureNode) Kind() ast.NodeKind { return KindFigure }

// Dump implements ast.Node.
func (n *FigureNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"ID": n.ID, "Index": strconv.Itoa(n.Index)}, nil)
}

// KindFigureCaption is the node kind of a figure's caption.
var KindFigureCaption = ast.NewNodeKind("FigureCaption")

// FigureCaption holds the caption text of a FigureNode as an ast.String.
type FigureCaption struct {
	ast.BaseBlock
}

// Kind implements ast.Node.
func (*FigureCaption) Kind() ast.NodeKind { return KindFigureCaption }

// Dump implements ast.Node.
func (n *FigureCaption) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// figureID matches the {#id} written right after a figure's image.
var figureID = regexp.MustCompile(`^\{#([^\s{}#]+)\}$`)

// figureTransformer turns images alone in their paragraph into figures
// when they have a title (the caption) or an {#id}.
type figureTransformer struct{}

func (figureTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	var paras []*ast.Paragraph
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if p, ok := n.(*ast.Paragraph); ok && entering {
			paras = append(paras, p)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, para := range paras {
		img, id, ok := figureParts(para, src)
		if !ok {
			continue
		}
		fig := &FigureNode{ID: id}
		fig.SetLines(para.Lines())
		caption := &FigureCaption{}
		caption.AppendChild(caption, ast.NewString(img.Title))
		// The caption shows the title; a tooltip would repeat it.
		img.Title = nil
		fig.AppendChild(fig, caption)
		fig.AppendChild(fig, img)
		para.Parent().ReplaceChild(para.Parent(), para, fig)
	}
}

// figureParts reports whether para is a figure: an image followed by
// nothing but an optional {#id}, with a title or an ID. For a figure, it
// removes the {#id} text from para, leaving the image alone.
func figureParts(para *ast.Paragraph, src []byte) (img *ast.Image, id string, ok bool) {
	img, ok = para.FirstChild().(*ast.Image)
	if !ok {
		return nil, "", false
	}
	var rest []byte
	for c := img.NextSibling(); c != nil; c = c.NextSibling() {
		t, isText := c.(*ast.Text)
		if !isText {
			return nil, "", false
		}
		rest = append(rest, t.Segment.Value(src)...)
	}
	rest = bytes.TrimSpace(rest)
	if len(rest) > 0 {
		m := figureID.FindSubmatch(rest)
		if m == nil {
			return nil, "", false
		}
		id = string(m[1])
	}
	if len(bytes.TrimSpace(img.Title)) == 0 && id == "" {
		return nil, "", false
	}
	for c := img.NextSibling(); c != nil; {
		next := c.NextSibling()
		para.RemoveChild(para, c)
		c = next
	}
	return img, id, true
}

// figureInfo returns what the site needs to know of a figure.
func figureInfo(n *FigureNode, src []byte) Figure {
	f := Figure{ID: n.ID}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *FigureCaption:
			f.Caption = plainText(c, src, nil)
		case *ast.Image:
			f.Alt = plainText(c, src, nil)
			f.Src = string(c.Destination)
		}
	}
	return f
}

// renderFigure writes the figure, its image and its numbered caption. The
// number is a placeholder: it depends on the page's number in the book.
func (r *nodeRenderer) renderFigure(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*FigureNode)
	_, _ = w.WriteString("<figure")
	if n.ID != "" {
		_, _ = w.WriteString(` id="`)
		writeIDPrefix(w)
		_, _ = w.Write(util.EscapeHTML([]byte(n.ID)))
		_ = w.WriteByte('"')
	}
	_, _ = w.WriteString(">\n")
	var caption string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *FigureCaption:
			caption = plainText(c, src, nil)
		case *ast.Image:
			_, _ = r.renderImage(w, src, c, true)
			_ = w.WriteByte('\n')
		}
	}
	_, _ = w.WriteString(`<figcaption><span class="figno">`)
	_, _ = w.Write(util.EscapeHTML([]byte(r.doc.FigureLabel)))
	_ = w.WriteByte(0)
	_ = w.WriteByte(phFigure)
	_, _ = w.WriteString(strconv.Itoa(n.Index))
	_ = w.WriteByte(0)
	_, _ = w.WriteString("</span>")
	if caption != "" {
		_ = w.WriteByte(' ')
		_, _ = w.Write(util.EscapeHTML([]byte(caption)))
	}
	_, _ = w.WriteString("</figcaption>\n</figure>\n")
	return ast.WalkSkipChildren, nil
}
