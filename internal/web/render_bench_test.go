package web_test

import (
	"testing"

	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/web"
	"github.com/kb-handbook/kb/layouts"
)

// handbook is the bundled handbook at the repository's root.
const handbook = "../.."

// BenchmarkRenderPages renders every page of the bundled handbook on one
// core, as EmitPages does on each of its workers; it reports the time a page.
func BenchmarkRenderPages(b *testing.B) {
	s, diags := pipeline.Load(handbook, nil)
	if s == nil {
		b.Fatal(diags)
	}
	theme, err := pipeline.Theme(handbook)
	if err != nil {
		b.Fatal(err)
	}
	outs := web.Outputs{web.EPUBOutput, web.PrintOutput}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range s.Pages {
			if _, err := web.RenderPage(s, theme, outs, p); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(s.Pages)), "ns/page")
}

// BenchmarkLoadTheme loads the bundled handbook's theme, kb's layouts and
// assets under the site's own, as each build does.
func BenchmarkLoadTheme(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pipeline.Theme(handbook); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkThemeMessages reads the interface text of kb's layouts, which
// the Markdown parser asks for on each build.
func BenchmarkThemeMessages(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := web.ThemeMessages(web.Overlay(nil, layouts.FS), "ja"); err != nil {
			b.Fatal(err)
		}
	}
}
