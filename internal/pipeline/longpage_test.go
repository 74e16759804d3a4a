package pipeline

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kb-handbook/kb/internal/testsite"
)

// A page of 2 MB without headings builds in a few seconds (gathering its
// text was quadratic: 3.2 s at 2 MB, 55 s at 8 MB), and its lead becomes a
// meta description and a summary in its parent's list of about 160
// characters, not 2 MB.
func TestLongLeadIsClipped(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 2 MB page")
	}
	lead := strings.Repeat("情報セキュリティ対策の基本は、パスワードの管理と更新です。\n\n", (2<<20)/90)
	root := testsite.Write(t, map[string]string{
		"content/_index.md":   "# top\n",
		"content/a/_index.md": "# A\n",
		"content/a/long.md":   "# 長い\n\n" + lead,
	})
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Run(Options{Source: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(out, "a", "long", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<meta name="description" content="([^"]*)"`).FindSubmatch(page)
	if m == nil {
		t.Fatal("no meta description")
	}
	if n := utf8.RuneCount(m[1]); n > 200 {
		t.Errorf("meta description of %d characters", n)
	}
	parent, err := os.ReadFile(filepath.Join(out, "a", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if len(parent) > 64<<10 {
		t.Errorf("parent page of %d bytes", len(parent))
	}
}
