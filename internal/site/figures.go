package site

import (
	"strconv"
	"strings"

	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/markdown"
)

// Figure is a figure of a page with its number in the book.
type Figure struct {
	markdown.Figure
	// Number is the page's number and the figure's position on the page
	// ("7.5.1"), or only the position on an unnumbered page.
	Number string
	// Word comes before the number (markdown.Labels.Figure).
	Word string
}

// Label is the figure's label and number, as in its caption: "図 7.5.1".
func (f Figure) Label() string {
	return f.Word + " " + f.Number
}

// FillText is the text of an empty link to the figure: label, number and caption.
func (f Figure) FillText() string {
	if f.Caption == "" {
		return f.Label()
	}
	return f.Label() + " " + f.Caption
}

// numberFigures numbers the page's figures by position after the page's
// own number, so that a reader finds 図 7.5.2 on page 7.5.
func (p *Page) numberFigures() {
	p.Figures = make([]Figure, len(p.Doc.Figures))
	for i, f := range p.Doc.Figures {
		n := strconv.Itoa(i + 1)
		if p.Number != "" {
			n = p.Number + "." + n
		}
		p.Figures[i] = Figure{Figure: f, Number: n, Word: p.Doc.FigureLabel}
	}
}

// Figure returns the figure with the given ID.
func (p *Page) Figure(id string) (Figure, bool) {
	for _, f := range p.Figures {
		if f.ID != "" && f.ID == id {
			return f, true
		}
	}
	return Figure{}, false
}

// FigureNumber returns the number of the page's figure at index, or "".
func (p *Page) FigureNumber(index int) string {
	if index < 0 || index >= len(p.Figures) {
		return ""
	}
	return p.Figures[index].Number
}

// checkFigureIDs reports figure IDs that another figure, a heading or a
// glossary entry of the page already uses: a link could reach only one.
func checkFigureIDs(p *Page, diags *diag.List) {
	used := map[string]string{}
	for _, h := range p.Doc.Headings {
		used[h.ID] = "a heading at line " + strconv.Itoa(h.Line)
	}
	for _, id := range p.Doc.TermIDs() {
		used[id] = "a glossary entry"
	}
	for _, f := range p.Figures {
		if f.ID == "" {
			continue
		}
		if other, ok := used[f.ID]; ok {
			diags.Add(diag.Diagnostic{File: p.Source.File, Line: f.Line, Col: f.Col,
				Msg:    "figure ID #" + f.ID + " is already used by " + other,
				Hint:   "give the figure an ID of its own, such as {#" + freshFigureID(f.ID, used) + "}",
				Source: diag.LineText(p.Source.Body, f.Line-p.Source.BodyLine+1)})
			continue
		}
		used[f.ID] = "the figure at line " + strconv.Itoa(f.Line)
	}
}

// freshFigureID proposes an unused ID for a figure whose ID is taken:
// fig-id, or id-2, id-3 … when id already starts with fig-.
func freshFigureID(id string, used map[string]string) string {
	if !strings.HasPrefix(id, "fig-") {
		if _, taken := used["fig-"+id]; !taken {
			return "fig-" + id
		}
	}
	for n := 2; ; n++ {
		if _, taken := used[id+"-"+strconv.Itoa(n)]; !taken {
			return id + "-" + strconv.Itoa(n)
		}
	}
}
