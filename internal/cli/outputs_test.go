package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/testsite"
)

// outputsSite links to the EPUB and to an edition's EPUB from its pages,
// as the bundled handbook does.
var outputsSite = map[string]string{
	"kb.yaml": `title: 出力の試験
language: ja
base_url: https://kb.example.jp/docs/
epub_file: book.epub
roles:
  staff: 従業員
editions:
  - id: staff
    roles: [staff]
`,
	"content/_index.md": "# 出力の試験\n\n本文。\n\n## EPUB版 {#epub}\n\n[EPUB版をダウンロード](book.epub)\n",
	"content/guide.md": "---\nroles: [staff]\n---\n# 従業員向け\n\n- [抜粋版（EPUB）](book-staff.epub)\n" +
		"- [全体版](book.epub)\n- [トップ](_index.md#epub)\n",
}

// TestOutputsDecideLinks builds one site with every output and with the
// HTML site alone: the print link and the links to the EPUBs lead to
// files that exist, or are not links at all, and no link of the built
// site is broken either way.
func TestOutputsDecideLinks(t *testing.T) {
	src := testsite.Write(t, outputsSite)
	for _, tc := range []struct {
		outputs     string
		print, epub bool
	}{
		{"html,search,static-search,epub,print", true, true},
		{"html", false, false},
		{"html,print", true, false},
		{"html,epub", false, true},
	} {
		t.Run(tc.outputs, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "public")
			var stderr bytes.Buffer
			if code := Main([]string{"build", "--source", src, "--out", out, "--outputs", tc.outputs}, io.Discard, &stderr); code != ExitOK {
				t.Fatalf("build: exit %d: %s", code, stderr.String())
			}
			top := read(t, out, "index.html")
			guide := read(t, out, "guide/index.html")
			if got := strings.Contains(top, `href="./print/index.html"`); got != tc.print {
				t.Errorf("print link on the top page: %v, want %v", got, tc.print)
			}
			for _, c := range []struct{ page, href, text string }{
				{top, "book.epub", "EPUB版をダウンロード"},
				{guide, "../book-staff.epub", "抜粋版（EPUB）"},
				{guide, "../book.epub", "全体版"},
			} {
				linked := strings.Contains(c.page, `<a href="`+c.href+`">`+c.text+`</a>`)
				if linked != tc.epub {
					t.Errorf("link to %s: %v, want %v", c.href, linked, tc.epub)
				}
				note := strings.Contains(c.page, c.text+`</span><span class="offbook-note">（このサイトでは EPUB 版を配布していません）</span>`)
				if note == tc.epub {
					t.Errorf("%s shown as text with a note: %v, want %v", c.text, note, !tc.epub)
				}
			}
			broken, err := testsite.BrokenLinks(out, "/docs/")
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range broken {
				t.Error("broken link: " + b)
			}
		})
	}
}

// TestBrokenLinksFindsMissingFilesAndIDs makes sure the check above can fail.
func TestBrokenLinksFindsMissingFilesAndIDs(t *testing.T) {
	dir := testsite.Write(t, map[string]string{
		"index.html":   `<a href="a/index.html#x">a</a> <a href="a/">a</a> <a href="gone.epub">e</a> <a href="https://example.org/x">ext</a> <img src="i.png"> <a href="#top">t</a> <p id="top">`,
		"a/index.html": `<a href="../index.html#nope">b</a> <a href="/docs/a/index.html#x">c</a> <a href="/elsewhere/">d</a> <link href="../../up.css"><p id="x">`,
	})
	broken, err := testsite.BrokenLinks(dir, "/docs/")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"a/index.html: ../../up.css (leaves the site)",
		`a/index.html: ../index.html#nope (no id "nope" in index.html)`,
		"a/index.html: /elsewhere/ (outside the site path /docs/)",
		"index.html: gone.epub (no file gone.epub)",
		"index.html: i.png (no file i.png)",
	}
	if strings.Join(broken, "\n") != strings.Join(want, "\n") {
		t.Errorf("BrokenLinks =\n%s\nwant\n%s", strings.Join(broken, "\n"), strings.Join(want, "\n"))
	}
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestHandbookHasNoBrokenLinks builds the bundled handbook with every
// output and with the HTML site alone and follows every link of each.
func TestHandbookHasNoBrokenLinks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bundled handbook twice")
	}
	for _, outputs := range []string{"html,search,static-search,epub,print", "html"} {
		out := filepath.Join(t.TempDir(), "public")
		var stderr bytes.Buffer
		if code := Main([]string{"build", "--source", "../..", "--out", out, "--outputs", outputs}, io.Discard, &stderr); code != ExitOK {
			t.Fatalf("build --outputs %s: exit %d: %s", outputs, code, stderr.String())
		}
		broken, err := testsite.BrokenLinks(out, "/")
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range broken {
			t.Errorf("--outputs %s: broken link: %s", outputs, b)
		}
	}
}
