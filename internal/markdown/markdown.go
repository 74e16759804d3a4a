// Package markdown is kb's only goldmark importer. It parses each page once
// into a Doc (AST plus the headings, links and text the later stages need)
// and renders a Doc to HTML or XHTML with links resolved by the caller.
package markdown

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/kb-handbook/kb/internal/diag"
)

// Options configure a Parser.
type Options struct {
	// Glossary terms to mark up where they first appear on each page.
	Glossary []Term
	// UnsafeHTML passes raw HTML through instead of escaping it.
	UnsafeHTML bool
	// NoXHTML skips the XHTML fragment, for builds without an EPUB.
	NoXHTML bool
	// SlugRule is how heading IDs are made from their text: SlugGitHub
	// (the default) or SlugVitePress, for books written for VitePress.
	SlugRule string
	// LeadOnly keeps only the first plain-text section, the page lead
	// (see PlainSections), for builds without a search index.
	LeadOnly bool
	// Callouts are the kinds of callout pages may use; nil means DefaultCallouts.
	Callouts []CalloutKind
	// Labels are the words kb writes into pages; empty ones are Japanese.
	Labels Labels
}

// Labels are the words kb itself writes into a page, in the site's
// language (the theme's message catalogue).
type Labels struct {
	// Figure comes before a figure's number: "図 7.5.1".
	Figure string
	// Details titles a "::: details" container written without a title.
	Details string
}

// DefaultLabels are the labels of a Japanese site.
var DefaultLabels = Labels{Figure: "図", Details: "詳細"}

// Parser parses Markdown pages. It is safe for concurrent use.
type Parser struct {
	md       goldmark.Markdown
	callouts callouts
	labels   Labels
	slugRule string
	unsafe   bool
	noXHTML  bool
	leadOnly bool
}

// New returns a Parser with kb's Markdown dialect: CommonMark, GFM,
// footnotes, definition lists, CJK line joining and CJK-friendly emphasis,
// {#id} attributes, callouts and "::: tip" containers, and numbered figures.
func New(opts Options) *Parser {
	kinds := opts.Callouts
	if kinds == nil {
		kinds = DefaultCallouts()
	}
	table := newCallouts(kinds)
	transformers := []util.PrioritizedValue{
		util.Prioritized(calloutTransformer{kinds: table}, 100),
		util.Prioritized(figureTransformer{}, 105),
		util.Prioritized(termIDTransformer{}, 110),
	}
	if len(opts.Glossary) > 0 {
		transformers = append(transformers, util.Prioritized(newGlossaryTransformer(opts.Glossary), 120))
	}
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.DefinitionList, extension.CJK),
		goldmark.WithParserOptions(
			parser.WithAttribute(),
			parser.WithAutoHeadingID(),
			parser.WithBlockParsers(containerBlockParser(table)),
			// Before goldmark's own emphasis parser (500), which it replaces.
			parser.WithInlineParsers(util.Prioritized(cjkEmphasisParser{}, 499)),
			parser.WithASTTransformers(transformers...),
		),
	)
	labels := opts.Labels
	labels.Figure = cmp.Or(labels.Figure, DefaultLabels.Figure)
	labels.Details = cmp.Or(labels.Details, DefaultLabels.Details)
	return &Parser{md: md, callouts: table, labels: labels, slugRule: opts.SlugRule, unsafe: opts.UnsafeHTML, noXHTML: opts.NoXHTML, leadOnly: opts.LeadOnly}
}

// Doc is a parsed page. Its body is kept as HTML and XHTML fragments in
// which link targets, section numbers and glossary links are placeholders,
// filled in by Render once the site is resolved; the syntax tree itself is
// dropped after parsing, so a book's memory does not grow with its ASTs.
type Doc struct {
	html, xhtml []byte
	refs        []string // placeholder arguments: link destinations, heading and term IDs
	refIndex    map[string]int
	terms       []Term
	// Title is the text of a leading "# heading", which is not rendered in the body.
	Title string
	// FigureLabel is the word before the numbers of the page's figures.
	FigureLabel string
	// TitleID is the ID of that heading, which links may point at.
	TitleID  string
	Headings []Heading
	Links    []Link
	// Figures lists the page's figures in page order, the order of their numbers.
	Figures []Figure
	// sections holds the plain text of the page split at ##–#### headings,
	// with placeholders for the text of empty links; see PlainSections.
	sections []Section
	termIDs  []string
	// Problems lists what the page uses that kb does not understand, located
	// in the page's file; File is left empty for the caller to fill in.
	Problems []diag.Diagnostic
	// anchors holds every ID a link may point at, made on first use.
	anchors     map[string]bool
	anchorsOnce sync.Once
}

// TermIDs returns the anchors of the definition-list terms on the page.
func (doc *Doc) TermIDs() []string { return doc.termIDs }

// HasAnchor reports whether a link may point at id on the page: its title,
// a heading, a figure or a glossary term. Every anchored link of a book is
// checked, and a kept Doc serves every build of kb serve, so the IDs are
// gathered once per parse.
func (doc *Doc) HasAnchor(id string) bool {
	doc.anchorsOnce.Do(func() {
		doc.anchors = make(map[string]bool, 1+len(doc.Headings)+len(doc.Figures)+len(doc.termIDs))
		if doc.TitleID != "" {
			doc.anchors[doc.TitleID] = true
		}
		for _, h := range doc.Headings {
			doc.anchors[h.ID] = true
		}
		for _, f := range doc.Figures {
			if f.ID != "" {
				doc.anchors[f.ID] = true
			}
		}
		for _, id := range doc.termIDs {
			doc.anchors[id] = true
		}
	})
	return doc.anchors[id]
}

// Heading is a heading of level 2 or deeper (a leading level-1 heading is the Title).
type Heading struct {
	Level     int
	ID        string
	Text      string
	Line, Col int
}

// Link is a link or image destination found in the page.
type Link struct {
	Dest      string
	Line, Col int
	Image     bool
	Empty     bool // the link has no text; the renderer fills in the target's title
}

// Section is the plain text of one part of a page, for search.
type Section struct {
	HeadingID string
	Level     int
	Title     string
	Text      string
	Callouts  []string
}

// Parse parses body, the Markdown of a page whose first line is line
// firstLine of its file. Positions in the Doc are file positions.
func (p *Parser) Parse(body []byte, firstLine int) *Doc {
	return p.ParseLines(body, firstLine, nil)
}

// ParseLines is Parse for a body in which text was put in from elsewhere
// (an included file): origin gives the file line of each line of body, so
// that positions still point into the page's file. A nil origin is Parse's.
func (p *Parser) ParseLines(body []byte, firstLine int, origin []int) *Doc {
	// goldmark's CJK line joining assumes valid UTF-8 (it panics otherwise);
	// the loader rejects such files, and this keeps the parser safe on its own.
	if !utf8.Valid(body) {
		body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	// NUL marks placeholders in the rendered fragments; CommonMark replaces it anyway.
	if bytes.IndexByte(body, 0) >= 0 {
		body = bytes.ReplaceAll(body, []byte{0}, []byte("\uFFFD"))
	}
	ctx := parser.NewContext(parser.WithIDs(newHeadingIDs(p.slugRule)))
	root := p.md.Parser().Parse(text.NewReader(body), parser.WithContext(ctx))
	doc := &Doc{refIndex: map[string]int{}, FigureLabel: p.labels.Figure}
	first := root.FirstChild()
	for first != nil && isComment(first, body) {
		first = first.NextSibling()
	}
	if h, ok := first.(*ast.Heading); ok && h.Level == 1 {
		doc.Title = plainText(h, body, nil)
		doc.TitleID = explicitID(h, body)
		root.RemoveChild(root, h)
	}
	problems, _ := ctx.Get(problemsKey).([]problem)
	doc.collect(root, body, firstLine, origin, problems, p.leadOnly)
	doc.terms = collectTerms(root, body)
	code := map[ast.Node][]byte{}
	doc.html = p.renderFragment(doc, root, body, false, code)
	if !p.noXHTML {
		resetCellStyles(root)
		stackWideTables(root, body)
		doc.xhtml = p.renderFragment(doc, root, body, true, code)
	}
	doc.refIndex = nil
	return doc
}

func (doc *Doc) collect(root ast.Node, src []byte, firstLine int, origin []int, problems []problem, leadOnly bool) {
	// Offsets of the line starts, for positions by binary search.
	var lineStarts []int
	pos := func(offset int) (int, int) {
		if lineStarts == nil {
			lineStarts = []int{0}
			for i, c := range src {
				if c == '\n' {
					lineStarts = append(lineStarts, i+1)
				}
			}
		}
		line, found := slices.BinarySearch(lineStarts, offset)
		if !found {
			line--
		}
		col := 1 + utf8.RuneCount(src[lineStarts[line]:offset])
		if origin != nil && line < len(origin) {
			if origin[line] != origin[max(line-1, 0)] || line == 0 {
				return origin[line], col
			}
			return origin[line], 1 // a line put in from elsewhere: the line that put it there
		}
		return line + firstLine, col
	}
	for _, pr := range problems {
		line, col := pos(pr.offset)
		doc.Problems = append(doc.Problems, diag.Diagnostic{Line: line, Col: col, Severity: pr.severity, Msg: pr.msg, Hint: pr.hint})
	}
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			keepOnlyIDAndClass(n)
			id, _ := n.AttributeString("id")
			idStr, _ := id.([]byte)
			h := Heading{Level: n.Level, ID: string(idStr), Text: plainText(n, src, nil)}
			if n.Lines().Len() > 0 {
				start := n.Lines().At(0).Start
				lineStart := bytes.LastIndexByte(src[:start], '\n') + 1
				h.Line, h.Col = pos(lineStart)
			}
			doc.Headings = append(doc.Headings, h)
		case *east.DefinitionTerm:
			if id, ok := n.AttributeString("id"); ok {
				doc.termIDs = append(doc.termIDs, string(id.([]byte)))
			}
		case *FigureNode:
			n.Index = len(doc.Figures)
			f := figureInfo(n, src)
			f.Line, f.Col = pos(n.Lines().At(0).Start)
			doc.Figures = append(doc.Figures, f)
		case *ast.Link:
			doc.Links = append(doc.Links, locateLink(n, src, string(n.Destination), false, pos))
		case *ast.Image:
			doc.Links = append(doc.Links, locateLink(n, src, string(n.Destination), true, pos))
		}
		return ast.WalkContinue, nil
	})
	doc.sections = splitSections(root, src, doc.ref, leadOnly)
}

// keepOnlyIDAndClass drops the attributes of a heading's {…} other than
// its ID and classes: a style attribute could draw the heading over the
// rest of the page.
func keepOnlyIDAndClass(n ast.Node) {
	attrs := n.Attributes()
	if len(attrs) == 0 {
		return
	}
	n.RemoveAttributes()
	for _, a := range attrs {
		if name := string(a.Name); name == "id" || name == "class" {
			n.SetAttribute(a.Name, a.Value)
		}
	}
}

// ref returns the placeholder index of a reference, adding it when new.
func (doc *Doc) ref(s string) int {
	i, ok := doc.refIndex[s]
	if !ok {
		i = len(doc.refs)
		doc.refs = append(doc.refs, s)
		doc.refIndex[s] = i
	}
	return i
}

// PlainSections returns the plain text of the page split at ##–####
// headings; the first section (HeadingID "") is the text before the first
// heading. Empty links read as res fills them in, like on the page.
func (doc *Doc) PlainSections(res Resolver) []Section {
	out := make([]Section, len(doc.sections))
	for i, sec := range doc.sections {
		sec.Text = doc.resolveText(sec.Text, res)
		out[i] = sec
	}
	return out
}

// resolveText replaces the placeholders of empty links in plain text.
func (doc *Doc) resolveText(text string, res Resolver) string {
	if strings.IndexByte(text, 0) < 0 {
		return text
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(text, 0)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		end := strings.IndexByte(text[i+1:], 0)
		if end < 1 {
			return b.String()
		}
		if n, err := strconv.Atoi(text[i+2 : i+1+end]); err == nil && n >= 0 && n < len(doc.refs) {
			b.WriteString(res.Link(doc.refs[n]).Fill)
		}
		text = text[i+2+end:]
	}
}

// locateLink finds the opening bracket of a link in the source.
func locateLink(n ast.Node, src []byte, dest string, image bool, pos func(int) (int, int)) Link {
	l := Link{Dest: dest, Image: image, Empty: n.FirstChild() == nil}
	offset := -1
	if t := firstText(n); t != nil {
		offset = bytes.LastIndexByte(src[:t.Segment.Start], '[')
	} else if b := blockOf(n); b != nil && b.Lines().Len() > 0 {
		from := b.Lines().At(0).Start
		if i := bytes.Index(src[from:], []byte("]("+dest)); i >= 0 {
			offset = bytes.LastIndexByte(src[:from+i], '[')
		}
	}
	if image && offset > 0 && src[offset-1] == '!' {
		offset--
	}
	if offset >= 0 {
		l.Line, l.Col = pos(offset)
	}
	return l
}

func firstText(n ast.Node) *ast.Text {
	var found *ast.Text
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			found = t
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}

func blockOf(n ast.Node) ast.Node {
	for ; n != nil; n = n.Parent() {
		if n.Type() == ast.TypeBlock {
			return n
		}
	}
	return nil
}

// splitSections gathers the plain text of the page between headings of
// level 2–4; ref numbers the destinations of empty links, whose text is only
// known once the site is resolved. With leadOnly, it stops at the first heading.
func splitSections(root ast.Node, src []byte, ref func(string) int, leadOnly bool) []Section {
	sections := []Section{{}}
	// The text of the current section is gathered in one builder, so that
	// a long section costs time in proportion to its length.
	var text strings.Builder
	flush := func() {
		sections[len(sections)-1].Text = text.String()
		text.Reset()
	}
	for c := root.FirstChild(); c != nil; c = c.NextSibling() {
		if h, ok := c.(*ast.Heading); ok && h.Level >= 2 && h.Level <= 4 {
			if leadOnly {
				break
			}
			flush()
			id, _ := h.AttributeString("id")
			idStr, _ := id.([]byte)
			sections = append(sections, Section{HeadingID: string(idStr), Level: h.Level, Title: plainText(h, src, nil)})
			continue
		}
		cur := &sections[len(sections)-1]
		if co, ok := c.(*Callout); ok && !slices.Contains(cur.Callouts, co.CalloutKind) {
			cur.Callouts = append(cur.Callouts, co.CalloutKind)
		}
		t := plainText(c, src, ref)
		if t == "" {
			continue
		}
		if text.Len() > 0 {
			text.WriteByte('\n')
		}
		text.WriteString(t)
	}
	flush()
	return sections
}

// plainText returns the text content of n without markup. Lines broken
// between Japanese characters are joined without a space. With ref, an empty
// link becomes a placeholder for its fill text; without, it reads as nothing.
func plainText(n ast.Node, src []byte, ref func(string) int) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			switch {
			case c.Type() != ast.TypeBlock || c == n || b.Len() == 0:
			case isTableCell(c) && c.NextSibling() != nil:
				b.WriteString("｜") // cells of a row, as in the table
			case isTableRow(c) && c.NextSibling() != nil:
				b.WriteString(" ／ ") // rows, so that a snippet reads row by row
			default:
				b.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				last, _ := utf8.DecodeLastRuneInString(b.String())
				if last < utf8.RuneSelf {
					b.WriteByte(' ')
				}
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.Link:
			if c.FirstChild() == nil && ref != nil {
				fmt.Fprintf(&b, "\x00%c%d\x00", phFill, ref(string(c.Destination)))
			}
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			lines := c.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(seg.Value(src))
			}
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock, *ast.RawHTML, *east.FootnoteLink, *east.FootnoteBacklink:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(strings.Join(strings.Fields(b.String()), " "))
}

func isTableCell(n ast.Node) bool {
	_, ok := n.(*east.TableCell)
	return ok
}

func isTableRow(n ast.Node) bool {
	switch n.(type) {
	case *east.TableRow, *east.TableHeader:
		return true
	}
	return false
}

// Lead returns the text before the first heading, with empty links filled in by res.
func (doc *Doc) Lead(res Resolver) string {
	if len(doc.sections) == 0 {
		return ""
	}
	return doc.resolveText(doc.sections[0].Text, res)
}

// resetCellStyles removes the alignment styles that goldmark's table renderer
// stores on the cells while rendering, so that a second render of the same
// tree does not repeat them. Cells have no attributes of their own.
func resetCellStyles(root ast.Node) {
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if c, ok := n.(*east.TableCell); ok && entering {
			c.RemoveAttributes()
		}
		return ast.WalkContinue, nil
	})
}

// isComment reports whether n is an HTML block holding only a comment.
func isComment(n ast.Node, src []byte) bool {
	b, ok := n.(*ast.HTMLBlock)
	return ok && b.HTMLBlockType == ast.HTMLBlockType2
}

// explicitID returns the ID an author gave heading h with {#id}, or "".
func explicitID(h *ast.Heading, src []byte) string {
	id, ok := h.AttributeString("id")
	b, isBytes := id.([]byte)
	if !ok || !isBytes || h.Lines().Len() == 0 {
		return ""
	}
	start := h.Lines().At(0).Start
	end := bytes.IndexByte(src[start:], '\n')
	if end < 0 {
		end = len(src) - start
	}
	if !bytes.Contains(src[start:start+end], append([]byte("{#"), b...)) {
		return ""
	}
	return string(b)
}
