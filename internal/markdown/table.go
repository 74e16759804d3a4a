package markdown

import (
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// StackedTableColumns is the number of columns from which a table is laid
// out as stacked records in the XHTML fragment (the EPUB): at a phone's
// width, thirteen columns leave each cell a character or two wide.
const StackedTableColumns = 5

// stackWideTables marks tables of StackedTableColumns columns or more with
// the class "stacked" and gives each body cell its column's header text as
// data-label, so that a stylesheet can show every row as a record of
// "header: value" lines. It runs after the HTML fragment is rendered, so
// web pages keep their tables as they are.
func stackWideTables(root ast.Node, src []byte) {
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		table, ok := n.(*east.Table)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		if len(table.Alignments) < StackedTableColumns {
			return ast.WalkSkipChildren, nil
		}
		table.SetAttributeString("class", []byte("stacked"))
		var labels []string
		for row := table.FirstChild(); row != nil; row = row.NextSibling() {
			if row.Kind() == east.KindTableHeader {
				for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
					labels = append(labels, plainText(cell, src, nil))
				}
				continue
			}
			i := 0
			for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
				if i < len(labels) && labels[i] != "" {
					cell.SetAttributeString("data-label", []byte(labels[i]))
				}
				i++
			}
		}
		return ast.WalkSkipChildren, nil
	})
}
