package web

import (
	"html/template"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kb-handbook/kb/assets"
	"github.com/kb-handbook/kb/layouts"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/site"
)

// The table of contents is written in Go for speed; it must read exactly as
// the template it replaced would have written it.
func TestTOCHTMLMatchesTheTemplate(t *testing.T) {
	toc := []site.Heading{
		{Heading: markdown.Heading{Level: 2, ID: "多要素認証-mfa", Text: "多要素認証 (MFA)"}, Number: "1.1.1"},
		{Heading: markdown.Heading{Level: 3, ID: "a&b", Text: `<script>"x" & 'y'</script>`}},
		{Heading: markdown.Heading{Level: 4, ID: "c++/d?e=f#g", Text: "C++ と C#"}, Number: "2"},
		{Heading: markdown.Heading{Level: 2, ID: "sp ace~._-", Text: "\x00"}},
	}
	tmpl := template.Must(template.New("toc").Parse(`{{range .}}<li class="toc-level-{{.Level}}"><a href="#{{.ID}}">{{if .Number}}<span class="secno">{{.Number}}</span> {{end}}{{.Text}}</a></li>
{{end}}`))
	var want strings.Builder
	if err := tmpl.Execute(&want, toc); err != nil {
		t.Fatal(err)
	}
	if got := string(tocHTML(toc)); got != want.String() {
		t.Errorf("tocHTML =\n%s\nthe template wrote\n%s", got, want.String())
	}
}

func TestWriteOrderDealsPagesAcrossFolders(t *testing.T) {
	var pages []*site.Page
	for _, url := range []string{"", "a/", "a/1/", "a/2/", "a/3/", "b/", "b/1/", "b/2/", "c/1/"} {
		pages = append(pages, &site.Page{URL: url})
	}
	var got []string
	for _, p := range writeOrder(pages) {
		got = append(got, p.URL)
	}
	want := []string{"", "a/1/", "b/1/", "c/1/", "a/", "a/2/", "b/2/", "b/", "a/3/"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("order = %v, want %v", got, want)
	}
}

func TestGeneratedFoldersAreThoseWritten(t *testing.T) {
	cfg := config.Default()
	cfg.Roles = map[string]string{"admin": "管理者", "employee": "従業員"}
	s := &site.Site{Config: cfg, Root: &site.Page{}}
	var written []string
	for _, g := range generatedPages(s, Messages{}) {
		written = append(written, g.dir)
	}
	got := GeneratedFolders(cfg)
	slices.Sort(written)
	slices.Sort(got)
	if !slices.Equal(got, written) {
		t.Errorf("GeneratedFolders = %v, but the theme writes %v", got, written)
	}
}

func TestSitePath(t *testing.T) {
	for _, c := range []struct{ base, want string }{
		{"/", "/"},
		{"", "/"},
		{"https://kb.example.jp/", "/"},
		{"https://example.org/kb", "/kb/"},
		{"https://example.org/ナレッジ/", "/%E3%83%8A%E3%83%AC%E3%83%83%E3%82%B8/"},
		{"/docs/handbook/", "/docs/handbook/"},
	} {
		if got := SitePath(c.base); got != c.want {
			t.Errorf("SitePath(%q) = %q, want %q", c.base, got, c.want)
		}
	}
}

// memoryWriter collects written files.
type memoryWriter struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memoryWriter) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[name] = data
	return nil
}

// TestNotFoundLinksFromSiteRoot checks that every link and asset of the
// 404 page starts at the site's root path, whatever the URL it is served at.
func TestNotFoundLinksFromSiteRoot(t *testing.T) {
	theme, err := LoadTheme(layouts.FS, assets.FS)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.BaseURL = "https://example.org/kb/"
	chapter := &site.Page{URL: "01-intro/", Title: "はじめに", Number: "1"}
	root := &site.Page{Children: []*site.Page{chapter}}
	chapter.Parent = root
	s := &site.Site{Config: cfg, Root: root}
	w := &memoryWriter{files: map[string][]byte{}}
	if err := Emit(s, theme, nil, w); err != nil {
		t.Fatal(err)
	}
	page := string(w.files["404.html"])
	refs := regexp.MustCompile(`(?:href|src|action)="([^"]*)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 8 {
		t.Fatalf("only %d links in the 404 page:\n%s", len(refs), page)
	}
	for _, m := range refs {
		if !strings.HasPrefix(m[1], "/kb/") && !strings.HasPrefix(m[1], "#") {
			t.Errorf("404 page link %q does not start at /kb/", m[1])
		}
	}
	if !strings.Contains(page, `href="/kb/01-intro/index.html"`) {
		t.Error("the 404 page's menu does not link the chapter from the site root")
	}
}
