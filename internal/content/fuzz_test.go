package content

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/diag"
)

// lineCount counts lines as editors do: LF, CR LF and a lone CR end one.
func lineCount(src string) int {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	return strings.Count(src, "\n") + strings.Count(src, "\r") + 1
}

// FuzzParseFrontMatter feeds arbitrary page text to ParseFrontMatter. It
// must not panic, problems must point inside the file, and a page without
// problems keeps the text after its front matter, starting on BodyLine.
// Seeds live in testdata/fuzz/FuzzParseFrontMatter.
func FuzzParseFrontMatter(f *testing.F) {
	f.Add("---\ntitle: 手順\nweight: 2\nnumber: false\nroles: [admin]\nlevel: 1\nrevisions:\n  - {date: 2026-04-01, note: 初版}\n---\n# 本文\n")
	f.Add("\ufeff---\r\ntitle: x\r\n...\r\n本文\r\n")
	f.Add("---\ntitel: typo\n---\n")
	f.Add("---\ntitle: [unclosed\n")
	f.Add("本文だけ\n")
	f.Fuzz(func(t *testing.T, src string) {
		page := &Page{File: "content/p.md"}
		var diags diag.List
		ParseFrontMatter(page, []byte(src), &diags)
		problems := diags.Sorted()
		for _, d := range problems {
			if d.File != page.File || d.Msg == "" || d.Line < 0 || d.Line > lineCount(src) || d.Col < 0 {
				t.Errorf("diagnostic out of place: %+v", d)
			}
		}
		if len(problems) > 0 {
			return
		}
		// A lone CR is read as the LF it stands for.
		text := string(diag.UnifyLineEnds([]byte(strings.TrimPrefix(src, "\ufeff"))))
		if !strings.HasSuffix(text, string(page.Body)) {
			t.Fatalf("body %q is not the end of the page", page.Body)
		}
		before := text[:len(text)-len(page.Body)]
		if want := lineCount(before); page.BodyLine != want {
			t.Errorf("body starts on line %d, BodyLine = %d", want, page.BodyLine)
		}
	})
}

// FuzzSummary feeds arbitrary text as SUMMARY.md over a small content
// folder. It must not panic, problems must point inside the file, and each
// page may be placed in the book once at most. Seeds live in
// testdata/fuzz/FuzzSummary.
func FuzzSummary(f *testing.F) {
	siteRoot := f.TempDir()
	base := filepath.Join(siteRoot, Dir)
	files := map[string]string{
		"intro.md":     "# はじめに\n",
		"a/_index.md":  "---\ntitle: 第一章\n---\n",
		"a/page.md":    "# 頁\n",
		"a/draft.md":   "---\ndraft: true\n---\n",
		"b/_index.md":  "# 第二章\n",
		"b/deep/x.md":  "---\ntitle: [broken\n---\n",
		"faq.md":       "# よくある質問\n",
		"not-markdown": "x",
	}
	for name, text := range files {
		p := filepath.Join(base, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	f.Add("# 目次\n\n[はじめに](intro.md)\n\n- [第一章](a/_index.md)\n    - [頁](a/page.md)\n    - [下書き](a/draft.md)\n- [第二章](b/_index.md)\n\t- [深い](b/deep/x.md)\n- [未定]()\n\n---\n\n[FAQ](faq.md)\n")
	f.Add("- [a](../escape.md)\n- [b](a/page.md)\n- [b again](./a/page.md)\n- [gone](missing.md)\n* [x](not-markdown)\n")
	f.Add("  - [深い](a/page.md)\n- [浅い](intro.md)\n        - [x](faq.md)\r\n")
	sources, err := openSources(siteRoot, config.Default())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var diags diag.List
		root := &Page{IsSection: true}
		loadSummary(sources, Dir+"/"+SummaryName, diag.UnifyLineEnds([]byte(src)), root, &diags)
		lines := strings.Split(strings.ReplaceAll(string(diag.UnifyLineEnds([]byte(src))), "\r\n", "\n"), "\n")
		for _, d := range diags.Sorted() {
			if d.File != "content/"+SummaryName {
				continue // a listed page's own problem
			}
			if d.Msg == "" || d.Line < 1 || d.Line > len(lines) || d.Col < 1 || d.Col > utf8.RuneCountInString(lines[d.Line-1])+1 {
				t.Errorf("diagnostic out of place: %+v", d)
			}
		}
		seen := map[string]bool{}
		for _, c := range root.Children {
			Walk(c, func(p *Page) {
				if seen[p.Path] {
					t.Errorf("%s is in the book twice", p.Path)
				}
				seen[p.Path] = true
				if _, ok := files[p.Path]; !ok || !strings.HasSuffix(p.Path, ".md") {
					t.Errorf("%q is not a Markdown page of the folder", p.Path)
				}
			})
		}
	})
}

// FuzzLoadTree builds a content folder from ops — folders, pages, other
// files, links pointing inside, outside or at devices, FIFOs — and loads it
// in whichever layout the ops make. No byte of the sentinel file beside
// the site may reach a page or a copied file, and Load must return.
func FuzzLoadTree(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{0, 0, 3, 3, 9, 4, 1, 7, 2, 8, 5, 6})
	f.Add([]byte{9, 9, 9, 2, 0, 6, 3, 5, 1, 4})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 40 {
			ops = ops[:40]
		}
		dir := t.TempDir()
		root := filepath.Join(dir, "site")
		sentinel := filepath.Join(dir, "sentinel.md")
		if err := os.WriteFile(sentinel, []byte("# SENTINEL\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		folders := []string{filepath.Join(root, Dir)}
		_ = os.MkdirAll(folders[0], 0o755)
		targets := []string{sentinel, "../../sentinel.md", "../../../sentinel.md", dir, "..", ".", "/dev/zero", "_index.md", "p0.md"}
		for i, op := range ops {
			at := folders[int(op>>4)%len(folders)]
			name := fmt.Sprintf("%s%d", []string{"p", ".h", "_i", "f"}[int(op>>2)%4], i)
			switch op % 10 {
			case 0:
				p := filepath.Join(at, name)
				if os.Mkdir(p, 0o755) == nil {
					folders = append(folders, p)
				}
			case 1, 2:
				_ = os.WriteFile(filepath.Join(at, name+".md"), []byte("# page\n"), 0o644)
			case 3:
				_ = os.WriteFile(filepath.Join(at, name+".png"), []byte("png"), 0o644)
			case 4, 5, 6:
				_ = os.Symlink(targets[int(op>>3)%len(targets)], filepath.Join(at, name+".md"))
			case 7:
				_ = os.Symlink(targets[int(op>>3)%len(targets)], filepath.Join(at, name))
			case 8:
				_ = syscall.Mkfifo(filepath.Join(at, name+".md"), 0o644)
			case 9:
				_ = os.WriteFile(filepath.Join(at, "SUMMARY.md"), []byte("- [a](p0.md)\n- [b](.h1/p2.md)\n- [c](f3.md)\n"), 0o644)
			}
		}
		var diags diag.List
		done := make(chan *Tree, 1)
		go func() { done <- Load(root, config.Default(), &diags) }()
		var tree *Tree
		select {
		case tree = <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("Load hung")
		}
		Walk(tree.Root, func(p *Page) {
			if strings.Contains(string(p.Body), "SENTINEL") {
				t.Errorf("%s holds the sentinel", p.Path)
			}
		})
		for _, file := range tree.Files {
			if data, _ := ReadFile(root, "", file); strings.Contains(string(data), "SENTINEL") {
				t.Errorf("file %s holds the sentinel", file)
			}
		}
	})
}
