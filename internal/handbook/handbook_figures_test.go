package handbook_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/pipeline"
)

// svgFigure is what TestHandbookFigures reads of an SVG file.
type svgFigure struct {
	XMLName xml.Name `xml:"svg"`
	ViewBox string   `xml:"viewBox,attr"`
	Width   string   `xml:"width,attr"`
	Height  string   `xml:"height,attr"`
	Title   string   `xml:"title"`
	Desc    string   `xml:"desc"`
	Style   string   `xml:"style"`
}

// TestHandbookFigures checks the figures of the bundled handbook: each is
// numbered, captioned, described and linkable, and each SVG under
// content/figures is used, scales (viewBox), has an accessible title and
// description, real text, its own background and colours for dark mode.
func TestHandbookFigures(t *testing.T) {
	s, diags := pipeline.Load("../..", nil)
	if len(diags) > 0 {
		t.Fatalf("the bundled knowledge base has %d problems:\n%s", len(diags), join(diags))
	}
	used := map[string]bool{}
	for _, p := range s.Pages {
		for _, f := range p.Figures {
			where := p.Source.File + ": " + f.Label()
			if f.ID == "" || !strings.HasPrefix(f.ID, "fig-") {
				t.Errorf("%s: ID %q, want {#fig-…} so that the text can refer to it", where, f.ID)
			}
			if f.Caption == "" || f.Alt == "" {
				t.Errorf("%s: caption %q, alt text %q: both are needed", where, f.Caption, f.Alt)
			}
			if tgt, ok := p.Target(f.Src); ok && tgt.File != "" {
				used[tgt.File] = true
			}
		}
	}
	files, err := filepath.Glob("../../content/figures/*.svg")
	if err != nil || len(files) < 8 {
		t.Fatalf("content/figures holds %d SVG files, want at least 8 (%v)", len(files), err)
	}
	for _, file := range files {
		name := path.Join("figures", filepath.Base(file))
		t.Run(name, func(t *testing.T) {
			if !used[name] {
				t.Errorf("no page shows %s as a figure", name)
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var svg svgFigure
			if err := xml.Unmarshal(data, &svg); err != nil {
				t.Fatalf("not well-formed SVG: %v", err)
			}
			if svg.ViewBox == "" || svg.Width == "" || svg.Height == "" {
				t.Errorf("viewBox %q, width %q, height %q: all three are needed to scale sharply", svg.ViewBox, svg.Width, svg.Height)
			}
			if strings.TrimSpace(svg.Title) == "" || strings.TrimSpace(svg.Desc) == "" {
				t.Error("a <title> and a <desc> are needed for screen readers")
			}
			if !bytes.Contains(data, []byte(`<rect class="bg"`)) {
				t.Error(`no <rect class="bg">: the figure needs its own background, as a book page may stay white in dark mode`)
			}
			if !strings.Contains(svg.Style, "prefers-color-scheme: dark") {
				t.Error("no @media (prefers-color-scheme: dark) block: the figure would stay light in dark mode")
			}
			if bytes.Count(data, []byte("<text")) < 3 {
				t.Error("fewer than three <text> elements: write the words as text, not as paths")
			}
			if slices.ContainsFunc([]string{"<image", "href=\"http", "<script", "<foreignObject"}, func(s string) bool {
				return bytes.Contains(data, []byte(s))
			}) {
				t.Error("raster images, remote references, scripts and foreignObject are not allowed (EPUB)")
			}
		})
	}
}
