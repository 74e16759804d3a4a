package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/testsite"
)

// Problems that used to pass silently, or were reported wrongly: a
// glossary term twice (two entries, one anchor), a heading taking an ID of
// the page layout, and links to a page that could not be read, which read
// as links to a missing page with a "did you mean".
func TestHardeningDiagnostics(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"content/_index.md":         "# top\n\n[壊れた](bad.md) [外](out.md)\n",
		"content/page.md":           "# page\n\n## 本文 {#main}\n\n## search-q\n",
		"content/annex/_index.md":   "# 付録\n",
		"content/annex/glossary.md": "# 用語集\n\nEDR\n: Endpoint Detection and Response。\n\nWAN\n: 広域網。\n\nedr\n: 同じ語。\n\nWAN\n: 二度目。\n",
		"content/bad.md":            "# bad\n\n\xff\n",
	})
	if err := os.Symlink("/etc/passwd", filepath.Join(root, "content", "out.md")); err != nil {
		t.Fatal(err)
	}
	_, diags := Load(root, nil)
	got := join(diags)
	for _, want := range []string{
		"content/annex/glossary.md:9:1: glossary term edr has the same anchor (#term-edr) as EDR",
		"content/annex/glossary.md:12:1: glossary term WAN is defined twice",
		"content/page.md:3:1: heading ID #main is taken by the page layout",
		"content/_index.md:3:1: link to bad.md, which could not be read (see the problem reported for content/bad.md)",
		"content/_index.md:3:15: link to out.md, which could not be read",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, got)
		}
	}
	for _, bad := range []string{"missing page", "search-q is taken", "root:"} {
		if strings.Contains(got, bad) {
			t.Errorf("diagnostics hold %q:\n%s", bad, got)
		}
	}
}
