package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/formats"
	"github.com/kb-handbook/kb/internal/pipeline"
)

// BenchmarkLongPage builds a site whose one page is 1 to 16 MB of
// paragraphs without a single ## heading — one section of search text, one
// lead — into HTML, search index and EPUB. The time per MB stays level
// when every stage is linear in the page's length.
func BenchmarkLongPage(b *testing.B) {
	for _, mb := range []int{1, 2, 4, 8, 16} {
		b.Run(fmt.Sprintf("MB=%d", mb), func(b *testing.B) {
			src := longPageSite(b, mb)
			out := filepath.Join(b.TempDir(), "public")
			for b.Loop() {
				if _, err := pipeline.Run(pipeline.Options{Source: src, Out: out, Outputs: formats.All()}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/float64(mb), "s/MB")
		})
	}
}

// longPageSite writes a site with a top page and one page of mb megabytes.
func longPageSite(b *testing.B, mb int) string {
	b.Helper()
	dir := b.TempDir()
	para := "情報セキュリティ対策の基本は、パスワードの管理とソフトウェアの更新、そしてバックアップです。" +
		"Employees should report phishing mails to the IT desk at once.\n\n"
	var page strings.Builder
	page.WriteString("# 長いページ\n\n")
	for page.Len() < mb<<20 {
		page.WriteString(para)
	}
	files := map[string]string{
		"kb.yaml":           fmt.Sprintf("title: 長いページ\nmax_page_size: %d\n", 32<<20),
		"content/_index.md": "# トップ\n",
		"content/long.md":   page.String(),
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}
