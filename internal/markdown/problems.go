package markdown

import (
	"github.com/yuin/goldmark/parser"

	"github.com/kb-handbook/kb/internal/diag"
)

// problemsKey holds, in a parser context, what the parser's extensions
// found wrong with the page, until Parse turns them into Doc.Problems.
var problemsKey = parser.NewContextKey()

// problem is a diagnostic located by a byte offset in the parsed body.
type problem struct {
	offset   int
	severity diag.Severity
	msg      string
	hint     string
}

// addProblem records a problem at offset in the parse of pc.
func addProblem(pc parser.Context, offset int, severity diag.Severity, msg, hint string) {
	list, _ := pc.Get(problemsKey).([]problem)
	pc.Set(problemsKey, append(list, problem{offset, severity, msg, hint}))
}
