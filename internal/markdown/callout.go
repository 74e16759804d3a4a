package markdown

import (
	"bytes"
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/kb-handbook/kb/internal/diag"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// A CalloutKind is a kind of callout: "> [!NAME]", or "::: name" for the
// kinds containers name.
type CalloutKind struct {
	Name  string // as written after "[!"; ASCII letters in any case
	Label string // shown to readers when the author gives no title
	Class string // the stylesheet's class: callout-<Class>
}

// DefaultCallouts are the kinds every site knows: GitHub's five alerts and
// the handbook's references, summaries and supplements. kb.yaml's callouts
// add kinds or relabel these.
func DefaultCallouts() []CalloutKind {
	return []CalloutKind{
		{"NOTE", "注記", "note"}, {"TIP", "ヒント", "tip"}, {"IMPORTANT", "重要", "important"},
		{"WARNING", "警告", "warning"}, {"CAUTION", "注意", "caution"},
		{"参照資料", "参照資料", "references"}, {"要約資料", "要約資料", "summary"}, {"補足", "補足", "supplement"},
	}
}

// callouts is a table of callout kinds by upper-case name.
type callouts map[string]CalloutKind

// newCallouts makes the table of kinds; later kinds of the same name win.
func newCallouts(kinds []CalloutKind) callouts {
	c := callouts{}
	for _, k := range kinds {
		k.Name = strings.ToUpper(k.Name)
		c[k.Name] = k
	}
	return c
}

// lookup returns the kind a marker names, ignoring the case of ASCII
// letters as GitHub does, and whether it is known.
func (c callouts) lookup(name string) (string, bool) {
	kind := strings.ToUpper(name)
	_, ok := c[kind]
	return kind, ok
}

// names lists the known kinds, for suggestions.
func (c callouts) names() []string {
	names := make([]string, 0, len(c))
	for k := range c {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// KindCallout is the node kind of a callout.
var KindCallout = ast.NewNodeKind("Callout")

// Callout is a GitHub-style alert blockquote such as "> [!NOTE]", or a
// "::: tip" container. CalloutKind is "" for a container kb does not know,
// whose content is shown in a plain box; DetailsKind makes a collapsible block.
type Callout struct {
	ast.BaseBlock
	CalloutKind string
	// Title replaces the kind's label when the author gave one.
	Title string
	// fence is the number of colons that opened a container; 0 for a blockquote.
	fence int
}

// DetailsKind is the kind of a "::: details" container, shown collapsed.
const DetailsKind = "DETAILS"

// Kind implements ast.Node.
func (*Callout) Kind() ast.NodeKind { return KindCallout }

// Dump implements ast.Node.
func (n *Callout) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Kind": n.CalloutKind}, nil)
}

var calloutMarker = regexp.MustCompile(`^\[!([^\]\s]+)\][ \t]*(.*)$`)

// calloutTransformer turns blockquotes that open with [!KIND] into Callouts.
type calloutTransformer struct{ kinds callouts }

func (t calloutTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	var quotes []*ast.Blockquote
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if q, ok := n.(*ast.Blockquote); ok && entering {
			quotes = append(quotes, q)
		}
		return ast.WalkContinue, nil
	})
	for _, q := range quotes {
		para, ok := q.FirstChild().(*ast.Paragraph)
		if !ok || para.Lines().Len() == 0 {
			continue
		}
		first := para.Lines().At(0)
		m := calloutMarker.FindSubmatch(bytes.TrimSpace(first.Value(src)))
		if m == nil {
			continue
		}
		kind, known := t.kinds.lookup(string(m[1]))
		if !known {
			hint := "known kinds: " + strings.Join(t.kinds.names(), ", ") + " (kb.yaml's callouts can add one)"
			if sug := diag.Suggest(kind, t.kinds.names()); sug != "" {
				hint = "did you mean [!" + sug + "]?"
			}
			addProblem(pc, first.Start, diag.SeverityWarning, "unknown callout [!"+string(m[1])+"], shown as a quote", hint)
			continue
		}
		// Drop the inline nodes of the marker line.
		for c := para.FirstChild(); c != nil && startsBefore(c, first.Stop); {
			next := c.NextSibling()
			para.RemoveChild(para, c)
			c = next
		}
		callout := &Callout{CalloutKind: kind, Title: strings.TrimSpace(string(m[2]))}
		callout.SetLines(q.Lines())
		if para.ChildCount() == 0 {
			q.RemoveChild(q, para)
		}
		for c := q.FirstChild(); c != nil; {
			next := c.NextSibling()
			callout.AppendChild(callout, c)
			c = next
		}
		q.Parent().ReplaceChild(q.Parent(), q, callout)
	}
}

// startsBefore reports whether the first text inside n begins before offset.
func startsBefore(n ast.Node, offset int) bool {
	for c := n; c != nil; c = c.FirstChild() {
		if t, ok := c.(*ast.Text); ok {
			return t.Segment.Start < offset
		}
	}
	return false
}

func (r *nodeRenderer) renderCallout(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*Callout)
	switch n.CalloutKind {
	case "":
		if entering {
			_, _ = w.WriteString(`<div class="container">` + "\n")
		} else {
			_, _ = w.WriteString("</div>\n")
		}
		return ast.WalkContinue, nil
	case DetailsKind:
		if entering {
			title := cmp.Or(n.Title, r.details)
			_, _ = w.WriteString(`<details class="callout callout-details"><summary class="callout-label">`)
			_, _ = w.Write(util.EscapeHTML([]byte(title)))
			_, _ = w.WriteString("</summary>\n")
		} else {
			_, _ = w.WriteString("</details>\n")
		}
		return ast.WalkContinue, nil
	}
	if entering {
		k := r.callouts[n.CalloutKind]
		label := cmp.Or(n.Title, k.Label)
		_, _ = w.WriteString(`<aside class="callout callout-` + k.Class + `" role="note" aria-label="`)
		_, _ = w.Write(util.EscapeHTML([]byte(label)))
		_, _ = w.WriteString(`"><p class="callout-label">`)
		_, _ = w.Write(util.EscapeHTML([]byte(label)))
		_, _ = w.WriteString("</p>\n")
	} else {
		_, _ = w.WriteString("</aside>\n")
	}
	return ast.WalkContinue, nil
}

var _ renderer.NodeRenderer = (*nodeRenderer)(nil)
