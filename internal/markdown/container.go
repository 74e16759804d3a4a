package markdown

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/kb-handbook/kb/internal/diag"
)

// containerKinds maps the names of VitePress and markdown-it containers
// ("::: tip 見出し") to callout kinds.
var containerKinds = map[string]string{
	"tip": "TIP", "info": "NOTE", "note": "NOTE", "important": "IMPORTANT",
	"warning": "WARNING", "danger": "CAUTION", "caution": "CAUTION", "details": DetailsKind,
}

// containerParser reads fenced containers: a line of three or more colons
// with a name and an optional title opens one, a line of at least as many
// colons alone closes it. An outer container takes more colons than the
// ones inside it, as in VitePress.
type containerParser struct{ kinds callouts }

// containerOpening splits an opening line into its colons, name and title.
func containerOpening(line []byte) (fence int, name, title string, ok bool) {
	trimmed := bytes.TrimLeft(line, " ")
	if len(line)-len(trimmed) > 3 {
		return 0, "", "", false
	}
	for fence < len(trimmed) && trimmed[fence] == ':' {
		fence++
	}
	if fence < 3 {
		return 0, "", "", false
	}
	rest := strings.TrimSpace(string(trimmed[fence:]))
	name, title, _ = strings.Cut(rest, " ")
	name = strings.TrimSuffix(name, "{")
	return fence, name, strings.TrimSpace(title), name != ""
}

func (containerParser) Trigger() []byte { return []byte{':'} }

func (c containerParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	fence, name, title, ok := containerOpening(line)
	if !ok {
		return nil, parser.NoChildren
	}
	n := &Callout{Title: title, fence: fence}
	if kind, known := containerKinds[strings.ToLower(name)]; known {
		n.CalloutKind = kind
	} else if kind, known := c.kinds.lookup(name); known {
		n.CalloutKind = kind // a callout kind by its own name, as kb.yaml declares it
	} else {
		names := make([]string, 0, len(containerKinds)+len(c.kinds))
		for k := range containerKinds {
			names = append(names, k)
		}
		for _, k := range c.kinds.names() {
			names = append(names, strings.ToLower(k))
		}
		hint := "kb knows ::: tip, info, note, important, warning, danger, caution, details and the callout kinds by name; the content is shown in a plain box"
		if sug := diag.Suggest(strings.ToLower(name), names); sug != "" {
			hint = "did you mean ::: " + sug + "?"
		}
		addProblem(pc, seg.Start, diag.SeverityWarning, "unknown container ::: "+name, hint)
	}
	reader.Advance(seg.Len() - 1)
	return n, parser.HasChildren
}

func (containerParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	n := node.(*Callout)
	line, seg := reader.PeekLine()
	trimmed := bytes.TrimSpace(line)
	if len(trimmed) >= n.fence && len(bytes.Trim(trimmed, ":")) == 0 && len(line)-len(bytes.TrimLeft(line, " ")) < 4 {
		reader.Advance(seg.Len() - 1)
		return parser.Close
	}
	return parser.Continue | parser.HasChildren
}

func (containerParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {}

func (containerParser) CanInterruptParagraph() bool { return true }

func (containerParser) CanAcceptIndentedLine() bool { return false }

var _ parser.BlockParser = containerParser{}

// containerBlockParser is the parser in goldmark's registry form.
func containerBlockParser(kinds callouts) util.PrioritizedValue {
	return util.Prioritized(containerParser{kinds: kinds}, 150)
}
