package pipeline

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/markdown"
)

// checkGlossary reports glossary terms whose anchors coincide (the same
// term twice, or two that differ only in case or punctuation): links to
// the second would land on the first.
func checkGlossary(g *content.Page, terms []markdown.Term, diags *diag.List) {
	first := map[string]string{}
	for _, t := range terms {
		prev, dup := first[t.ID]
		if !dup {
			first[t.ID] = t.Text
			continue
		}
		line, col := termLine(g, t.Text, prev)
		what := "is defined twice"
		if prev != t.Text {
			what = "has the same anchor (#" + t.ID + ") as " + prev
		}
		diags.Addf(g.File, line, col, "merge the two entries, or tell the terms apart", "glossary term %s %s", t.Text, what)
	}
}

// termLine finds the line of the glossary where term is defined after the
// definition of prev, counting lines of the file.
func termLine(g *content.Page, term, prev string) (int, int) {
	seen := 0
	line := g.BodyLine
	for l := range bytes.Lines(g.Body) {
		text := strings.TrimSpace(string(l))
		if text == term || text == prev {
			seen++
			if seen > 1 && text == term {
				return line, 1 + utf8.RuneCount(l[:len(l)-len(bytes.TrimLeft(l, " \t"))])
			}
		}
		line++
	}
	return 0, 0
}
