package web

import (
	"html/template"
	"slices"
	"strings"
	"testing"

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
	for _, g := range generatedPages(s) {
		written = append(written, g.dir)
	}
	got := GeneratedFolders(s)
	slices.Sort(written)
	slices.Sort(got)
	if !slices.Equal(got, written) {
		t.Errorf("GeneratedFolders = %v, but the theme writes %v", got, written)
	}
}
