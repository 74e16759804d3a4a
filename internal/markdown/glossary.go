package markdown

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Term is a glossary entry.
type Term struct {
	Text  string // the term as it appears in prose, e.g. "SD-WAN"
	Title string // a short definition, shown as the abbr title
	ID    string // the anchor of the entry on the glossary page
	// Entry is the first term of the entry: several terms written one
	// per line before one definition name the same thing, and a search
	// for any of them finds the others. It is Text for an entry of one
	// term.
	Entry string
}

// TermID returns the anchor of a glossary entry for a term.
func TermID(term string) string {
	return "term-" + Slug(term)
}

// KindTermRef is the node kind of a marked-up glossary term.
var KindTermRef = ast.NewNodeKind("TermRef")

// TermRef marks the first occurrence of a glossary term on a page.
type TermRef struct {
	ast.BaseInline
	Term *Term
}

// Kind implements ast.Node.
func (*TermRef) Kind() ast.NodeKind { return KindTermRef }

// Dump implements ast.Node.
func (n *TermRef) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Term": n.Term.Text}, nil)
}

// glossaryTransformer marks the first occurrence of each term on a page,
// longest term first, never inside headings, links or code.
type glossaryTransformer struct {
	terms []*Term // sorted longest first
}

func newGlossaryTransformer(terms []Term) *glossaryTransformer {
	t := &glossaryTransformer{}
	for i := range terms {
		t.terms = append(t.terms, &terms[i])
	}
	slices.SortStableFunc(t.terms, func(a, b *Term) int { return len(b.Text) - len(a.Text) })
	return t
}

func (g *glossaryTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	if len(g.terms) == 0 {
		return
	}
	src := reader.Source()
	seen := map[*Term]bool{}
	var texts []*ast.Text
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindHeading, ast.KindLink, ast.KindAutoLink, ast.KindImage, ast.KindCodeSpan,
			ast.KindCodeBlock, ast.KindFencedCodeBlock, ast.KindHTMLBlock, ast.KindRawHTML, east.KindDefinitionTerm:
			return ast.WalkSkipChildren, nil
		case ast.KindText:
			texts = append(texts, n.(*ast.Text))
		}
		return ast.WalkContinue, nil
	})
	for _, t := range texts {
		g.markText(t, src, seen)
	}
}

// markText splits t around the first unseen term occurrences it holds.
func (g *glossaryTransformer) markText(t *ast.Text, src []byte, seen map[*Term]bool) {
	for {
		seg := t.Segment
		value := string(seg.Value(src))
		term, at := g.find(value, seen)
		if term == nil {
			return
		}
		seen[term] = true
		parent := t.Parent()
		end := at + len(term.Text)
		// before | term | after
		if at > 0 {
			before := ast.NewTextSegment(text.NewSegment(seg.Start, seg.Start+at))
			parent.InsertBefore(parent, t, before)
		}
		ref := &TermRef{Term: term}
		ref.AppendChild(ref, ast.NewTextSegment(text.NewSegment(seg.Start+at, seg.Start+end)))
		parent.InsertBefore(parent, t, ref)
		if end == len(value) {
			if t.SoftLineBreak() || t.HardLineBreak() {
				last := ref.FirstChild().(*ast.Text)
				last.SetSoftLineBreak(t.SoftLineBreak())
				last.SetHardLineBreak(t.HardLineBreak())
			}
			parent.RemoveChild(parent, t)
			return
		}
		t.Segment = text.NewSegment(seg.Start+end, seg.Stop)
	}
}

// find returns the earliest unseen term in s and its byte offset. At each
// position the longest term wins, so "SD-WAN" hides the "WAN" inside it even
// when SD-WAN itself was already marked.
func (g *glossaryTransformer) find(s string, seen map[*Term]bool) (*Term, int) {
	pos := 0
	for pos < len(s) {
		var best *Term
		bestAt := -1
		for _, term := range g.terms {
			i := indexWord(s[pos:], term.Text)
			if i >= 0 && (bestAt < 0 || pos+i < bestAt) {
				best, bestAt = term, pos+i
			}
		}
		if best == nil {
			return nil, -1
		}
		if !seen[best] {
			return best, bestAt
		}
		pos = bestAt + len(best.Text)
	}
	return nil, -1
}

// indexWord finds term in s; a term that starts or ends with an ASCII letter
// or digit must not touch another one (so "IPS" is not found in "IPSec").
func indexWord(s, term string) int {
	from := 0
	for {
		i := strings.Index(s[from:], term)
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(term)
		okLeft := i == 0 || !isASCIIWord(term[0]) || !isASCIIWord(s[i-1])
		okRight := end == len(s) || !isASCIIWord(term[len(term)-1]) || !isASCIIWord(s[end])
		if okLeft && okRight {
			return i
		}
		from = i + 1
	}
}

func isASCIIWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// termIDTransformer gives every definition-list term an anchor, so that
// marked-up terms can link to their entry.
type termIDTransformer struct{}

func (termIDTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if dt, ok := n.(*east.DefinitionTerm); ok && entering {
			dt.SetAttributeString("id", []byte(TermID(plainText(dt, src, nil))))
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

// ExtractTerms returns the glossary entries defined on a parsed page: each
// definition-list term with the start of its description as the title.
func ExtractTerms(doc *Doc) []Term {
	return doc.terms
}

// collectTerms reads the definition-list entries of a document. An entry
// is a run of terms (one per line) and the definition after them; each
// term of the run gets the definition, and the first term as its Entry.
func collectTerms(root ast.Node, src []byte) []Term {
	var terms []Term
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		dt, ok := n.(*east.DefinitionTerm)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		if _, ok := dt.PreviousSibling().(*east.DefinitionTerm); ok {
			return ast.WalkSkipChildren, nil // read with the first term of its entry
		}
		var run []string
		var next ast.Node = dt
		for ; next != nil; next = next.NextSibling() {
			t, ok := next.(*east.DefinitionTerm)
			if !ok {
				break
			}
			if text := strings.TrimSpace(plainText(t, src, nil)); text != "" && !slices.Contains(run, text) {
				run = append(run, text)
			}
		}
		title := ""
		if dd, ok := next.(*east.DefinitionDescription); ok {
			title = shortDefinition(plainText(dd, src, nil))
		}
		for _, term := range run {
			terms = append(terms, Term{Text: term, Title: title, ID: TermID(term), Entry: run[0]})
		}
		return ast.WalkSkipChildren, nil
	})
	return terms
}

// shortDefinition keeps whole sentences of a definition until they say
// something beyond a name and its reading (20 characters outside brackets),
// and at most 160 characters.
func shortDefinition(s string) string {
	s = strings.TrimSpace(s)
	var out strings.Builder
	for sentence := range strings.SplitAfterSeq(s, "。") {
		if out.Len() > 0 && utf8.RuneCountInString(out.String()+sentence) > 160 {
			break
		}
		out.WriteString(sentence)
		if utf8.RuneCountInString(bracketed.ReplaceAllString(out.String(), "")) >= 20 {
			break
		}
	}
	return strings.TrimSpace(out.String())
}

// bracketed matches readings and expansions in brackets: （ぜいじゃくせい）, (Zero Trust).
var bracketed = regexp.MustCompile(`（[^）]*）|\([^)]*\)`)

func (r *nodeRenderer) renderTermRef(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*TermRef)
	if entering {
		r.placeholder(w, phTermOpen, n.Term.ID)
		_, _ = w.WriteString(`<abbr title="`)
		_, _ = w.Write(util.EscapeHTML([]byte(n.Term.Title)))
		_, _ = w.WriteString(`">`)
	} else {
		_, _ = w.WriteString("</abbr>")
		r.placeholder(w, phTermClose, n.Term.ID)
	}
	return ast.WalkContinue, nil
}
