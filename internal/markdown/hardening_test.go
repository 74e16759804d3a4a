package markdown

import (
	"strings"
	"testing"
)

// Headings never take the IDs the theme uses on every page: a generated
// ID moves aside (main-1), and an explicit one is reported by the build.
func TestHeadingIDsAvoidTheTheme(t *testing.T) {
	doc := New(Options{}).Parse([]byte("## Main\n\n## search-q\n\n## top\n\n## sidebar\n"), 1)
	var ids []string
	for _, h := range doc.Headings {
		ids = append(ids, h.ID)
	}
	if got, want := strings.Join(ids, " "), "main-1 search-q-1 top-1 sidebar-1"; got != want {
		t.Errorf("ids = %q, want %q", got, want)
	}
}

// A heading keeps its ID and classes from {…}, and nothing else: a style
// could cover the page, an event handler would run script.
func TestHeadingAttributesFiltered(t *testing.T) {
	html := render(t, New(Options{}), "## 見出し {#h .note style=\"position:fixed;inset:0\" onclick=\"alert(1)\" title=x}\n", RenderOptions{})
	if !strings.Contains(html, `id="h"`) || !strings.Contains(html, `class="note"`) {
		t.Errorf("ID or class lost: %s", html)
	}
	for _, bad := range []string{"style=", "onclick", "title="} {
		if strings.Contains(html, bad) {
			t.Errorf("%s kept: %s", bad, html)
		}
	}
}
