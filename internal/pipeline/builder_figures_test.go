package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuilderFigureReferences edits a figure's caption and then its
// number, and checks that kb serve's incremental build re-renders the page
// that refers to it, as a full build would.
func TestBuilderFigureReferences(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "site")
	copyTree(t, basicSite, src)
	out := filepath.Join(root, "serve")
	r := NewBuilder(BuilderOptions{Root: src, Formats: []Format{HTML{}}, Open: Dir(out)})
	write := func(rel, text string) {
		if err := os.WriteFile(filepath.Join(src, filepath.FromSlash(rel)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	check := func(step string, changed []string) {
		t.Helper()
		buildAndCompare(t, r, step, changed, src, out, filepath.Join(root, "full"))
		got := readTree(t, out)
		if ref := string(got["02-measures/figure-ref/index.html"]); !strings.Contains(ref, ">図 ") {
			t.Fatalf("%s: the referring page shows no figure label", step)
		}
	}
	write("content/01-intro/figures.md", "# 図の頁\n\n本文。\n\n## 節\n\n![構成](diagram.svg \"最初の題\"){#fig-x}\n")
	write("content/02-measures/figure-ref.md", "# 参照する頁\n\n本文。\n\n## 節\n\n[](../01-intro/figures.md#fig-x)を見る。\n")
	check("first build", nil)

	write("content/01-intro/figures.md", "# 図の頁\n\n本文。\n\n## 節\n\n![構成](diagram.svg \"新しい題\"){#fig-x}\n")
	check("caption edit shown in another page's link text", []string{"content/01-intro/figures.md"})

	write("content/01-intro/figures.md", "# 図の頁\n\n本文。\n\n## 節\n\n![前](diagram.svg \"前の図\")\n\n![構成](diagram.svg \"新しい題\"){#fig-x}\n")
	check("renumbered figure shown in another page's link text", []string{"content/01-intro/figures.md"})
}
