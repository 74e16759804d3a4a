package content

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/diag"
)

// hostileSite writes a site whose content folder links out of the site in
// every way, holds a FIFO and a hidden folder, and links inside the site
// (which must keep working). It returns the site root; a sentinel file
// beside it must never be read.
func hostileSite(t *testing.T, summary bool) string {
	t.Helper()
	dir := t.TempDir()
	root := filepath.Join(dir, "site")
	outside := filepath.Join(dir, "outside")
	write := func(p, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, p string) {
		t.Helper()
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	c := filepath.Join(root, Dir)
	write(filepath.Join(outside, "secret.md"), "# SENTINEL\n")
	write(filepath.Join(outside, "secret.png"), "SENTINEL")
	write(filepath.Join(c, "_index.md"), "# top\n")
	write(filepath.Join(c, "a", "_index.md"), "# A\n")
	write(filepath.Join(c, "a", "page.md"), "# page\n")
	write(filepath.Join(c, "a", "img.png"), "png")
	write(filepath.Join(c, ".hidden", "h.md"), "# hidden SENTINEL\n")
	write(filepath.Join(c, ".hidden", "h.png"), "SENTINEL")
	write(filepath.Join(root, "shared", "s.md"), "# shared\n")
	link(filepath.Join(outside, "secret.md"), filepath.Join(c, "abs.md"))
	link("../../outside/secret.md", filepath.Join(c, "rel.md"))
	link("../../outside/secret.png", filepath.Join(c, "rel.png"))
	link("/dev/zero", filepath.Join(c, "zero.md"))
	link("/proc/self/environ", filepath.Join(c, "env.md"))
	link(outside, filepath.Join(c, "outdir"))
	link("page.md", filepath.Join(c, "a", "same.md")) // inside: works
	link("../shared", filepath.Join(c, "linked"))     // inside: works
	link("..", filepath.Join(c, "a", "loop"))         // a loop
	if err := syscall.Mkfifo(filepath.Join(c, "fifo.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(c, "fifo.png"), 0o644); err != nil {
		t.Fatal(err)
	}
	if summary {
		write(filepath.Join(c, SummaryName), "- [A](a/_index.md)\n  - [page](a/page.md)\n  - [same](a/same.md)\n"+
			"- [shared](linked/s.md)\n- [abs](abs.md)\n- [rel](rel.md)\n- [zero](zero.md)\n- [env](env.md)\n"+
			"- [fifo](fifo.md)\n- [hidden](.hidden/h.md)\n- [out](outdir/secret.md)\n")
	}
	return root
}

// TestHostileTree loads the hostile site in both layouts: no byte of a
// file outside the site is read, special files are refused without
// hanging, each refusal is a diagnostic, and links inside still work.
func TestHostileTree(t *testing.T) {
	for _, summary := range []bool{false, true} {
		t.Run(map[bool]string{false: "folders", true: "SUMMARY.md"}[summary], func(t *testing.T) {
			root := hostileSite(t, summary)
			var diags diag.List
			var tree *Tree
			done := make(chan struct{})
			go func() { tree = Load(root, config.Default(), &diags); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Load hung")
			}
			var pages []string
			Walk(tree.Root, func(p *Page) {
				if strings.Contains(string(p.Body), "SENTINEL") || strings.Contains(string(p.Body), "PATH=") {
					t.Errorf("%s holds a file from outside the site: %q", p.Path, p.Body)
				}
				if !p.Synthesized {
					pages = append(pages, p.Path)
				}
			})
			for _, want := range []string{"a/page.md", "a/same.md", "linked/s.md"} {
				if !slices.Contains(pages, want) {
					t.Errorf("page %s (inside the site) is missing: %v", want, pages)
				}
			}
			for _, f := range tree.Files {
				if f != "a/img.png" {
					t.Errorf("file %s would be published", f)
				}
			}
			got := ""
			for _, d := range diags.Sorted() {
				got += d.String() + "\n"
			}
			for _, want := range []string{
				"content/abs.md: link leads outside the site folder",
				"content/rel.md: link leads outside the site folder",
				"content/zero.md: link leads outside the site folder",
				"content/env.md: link leads outside the site folder",
				"content/fifo.md: ",
			} {
				if !strings.Contains(got, want) {
					t.Errorf("diagnostics lack %q:\n%s", want, got)
				}
			}
			if !summary && !strings.Contains(got, "content/a/loop: link to a folder that holds it") {
				t.Errorf("no diagnostic for the loop:\n%s", got)
			}
			if summary && !strings.Contains(got, "hidden folder") {
				t.Errorf("no diagnostic for the hidden page listed:\n%s", got)
			}
			if strings.Contains(got, "SENTINEL") {
				t.Errorf("a diagnostic quotes a file from outside:\n%s", got)
			}
		})
	}
}

func TestPageLimits(t *testing.T) {
	root := t.TempDir()
	c := filepath.Join(root, Dir)
	if err := os.MkdirAll(c, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"big.md":    "# big\n\n" + strings.Repeat("あ", 120_000),
		"deep.md":   "# deep\n\ntext\n\n" + strings.Repeat("- ", 100_000) + "x\n",
		"quotes.md": "# quotes\n\n" + strings.Repeat(">", 30) + " x\n",
		"nested.md": "# nested\n\n" + nestedList(12),
		"ok.md":     "# ok\n\n- a\n  - b\n    1. c\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(c, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := config.Default()
	cfg.MaxPageSize = 256 << 10
	cfg.MaxNesting = 10
	var diags diag.List
	start := time.Now()
	Load(root, cfg, &diags)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Load took %s", d)
	}
	got := ""
	for _, d := range diags.Sorted() {
		got += d.String() + "\n"
	}
	for _, want := range []string{
		"content/big.md:1:1: page is too large: 351 KB, more than the limit of 256 KB (split the page into several, or raise max_page_size in kb.yaml)",
		"content/deep.md:5:21: lists and quotes nest more than 10 deep here",
		"content/quotes.md:3:11: lists and quotes nest more than 10 deep here",
		"content/nested.md:13:21: lists and quotes nest more than 10 deep here",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "ok.md") {
		t.Errorf("a shallow page is refused:\n%s", got)
	}
}

// nestedList is a list nested n deep over n lines, two spaces a level.
func nestedList(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat("  ", i) + "- item\n")
	}
	return b.String()
}
