package web

import (
	"encoding/json"
	"html/template"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kb-handbook/kb/assets"
	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/srcfs"
	"github.com/kb-handbook/kb/layouts"
)

func TestGetFillsSlotsOnce(t *testing.T) {
	m := Messages{"a": "「{q}」は{n}件（{from}〜{to}）", "b": "{x}{y}", "c": "{{q}} {unknown} {q"}
	for _, c := range []struct {
		key   string
		pairs []string
		want  string
	}{
		{"a", []string{"q", "鍵", "n", "3", "from", "1", "to", "3"}, "「鍵」は3件（1〜3）"},
		// A value holding a slot's name is not filled again.
		{"a", []string{"q", "{n}", "n", "3"}, "「{n}」は3件（{from}〜{to}）"},
		{"b", []string{"x", "{y}", "y", "!"}, "{y}!"},
		{"c", []string{"q", "v"}, "{v} {unknown} {q"},
		{"missing", []string{"q", "v"}, "missing"},
		{"a", nil, "「{q}」は{n}件（{from}〜{to}）"},
	} {
		if got := m.Get(c.key, c.pairs...); got != c.want {
			t.Errorf("Get(%q, %q) = %q, want %q", c.key, c.pairs, got, c.want)
		}
	}
}

func TestSearchStatus(t *testing.T) {
	ja, en := BuiltinMessages("ja"), BuiltinMessages("en")
	for _, c := range []struct {
		m           Messages
		q           string
		total       uint64
		from, shown int
		want        string
	}{
		{ja, " 鍵 ", 25, 10, 10, "「鍵」に一致する節は25件です（11〜20件目）。"},
		{ja, "", 3, 0, 3, "条件に合う節は3件です（1〜3件目）。"},
		{ja, "鍵", 0, 0, 0, "「鍵」に一致する節は見つかりませんでした。"},
		{ja, "", 0, 0, 0, "条件に合う節は見つかりませんでした。"},
		{ja, "鍵", 5, 10, 0, "「鍵」に一致する節は5件です。"},
		{en, "key", 25, 10, 10, "Sections matching “key”: 25 (showing 11–20)."},
		{en, "", 5, 10, 0, "Sections matching the filters: 5."},
		{en, "{n}", 0, 0, 0, "No section matches “{n}”."},
	} {
		if got := c.m.SearchStatus(c.q, c.total, c.from, c.shown); got != c.want {
			t.Errorf("SearchStatus(%q, %d, %d, %d) = %q, want %q", c.q, c.total, c.from, c.shown, got, c.want)
		}
	}
}

// Every built-in catalogue holds the same keys, and every key the code,
// the scripts and the templates name is in them.
func TestCataloguesAreComplete(t *testing.T) {
	catalogues, err := loadMessages(layouts.FS)
	if err != nil {
		t.Fatal(err)
	}
	ja := slices.Sorted(maps.Keys(catalogues[defaultLanguage]))
	for lang, m := range catalogues {
		if keys := slices.Sorted(maps.Keys(m)); !slices.Equal(keys, ja) {
			t.Errorf("%s.yaml and %s.yaml hold different keys:\n%v\n%v", lang, defaultLanguage, keys, ja)
		}
	}
	named := regexp.MustCompile(`["'](?:search|search_help|query|server|ui|print)\.[a-z_.]*[a-z_]["']`)
	fileName := regexp.MustCompile(`\.(css|js|html|json|bleve)$`)
	used := 0
	for _, dir := range []string{"../../internal", "../../assets", "../../layouts"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") || !slices.Contains([]string{".go", ".js", ".html"}, filepath.Ext(p)) {
				return err
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, lit := range named.FindAllString(string(src), -1) {
				key := lit[1 : len(lit)-1]
				if strings.HasSuffix(key, ".") || fileName.MatchString(key) {
					continue // a prefix the code adds to, or a file
				}
				used++
				if _, ok := catalogues[defaultLanguage][key]; !ok {
					t.Errorf("%s names %q, which the catalogue lacks", p, key)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if used < 50 {
		t.Errorf("only %d keys found in the sources", used)
	}
}

// The texts the scripts read are written into the page as JSON that a
// site's own text cannot break out of, and read back as written; the
// servers' texts are saved beside the pages.
func TestScriptMessagesInThePage(t *testing.T) {
	hostile := `</script><script>alert("x")</script> & <!--`
	siteLayouts := fstest.MapFS{"i18n/en.yaml": {Data: []byte("ui.copy: '" + hostile + "'\n")}}
	theme, err := LoadTheme(Overlay(siteLayouts, layouts.FS), assets.FS)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Language = "en"
	root := &site.Page{}
	s := &site.Site{Config: cfg, Root: root}
	w := &memoryWriter{files: map[string][]byte{}}
	if err := EmitSiteWide(s, theme, nil, w); err != nil {
		t.Fatal(err)
	}
	page := string(w.files["toc/index.html"])
	start := strings.Index(page, `<script type="application/json" id="kb-messages">`)
	if start < 0 {
		t.Fatalf("no messages in the page:\n%s", page)
	}
	rest := page[start+len(`<script type="application/json" id="kb-messages">`):]
	end := strings.Index(rest, "</script>")
	var texts map[string]string
	if err := json.Unmarshal([]byte(rest[:end]), &texts); err != nil {
		t.Fatalf("the messages are not JSON: %v\n%s", err, rest[:end])
	}
	if texts["ui.copy"] != hostile || texts["search.failed"] != "The search failed." || texts["toc"] != "" {
		t.Errorf("the page's messages: %v", texts)
	}
	if strings.Contains(rest[:end], "<") {
		t.Errorf("the messages hold a raw <: %s", rest[:end])
	}
	server, err := LoadMessages(w.files[MessagesFile])
	if err != nil {
		t.Fatal(err)
	}
	if server["server.not_found"] != "Page not found." || server["ui.copy"] != "" {
		t.Errorf("the servers' texts: %v", server)
	}
}

// The theme writes the scripts' texts into every page as JSON it encodes
// once; the bytes must be those html/template writes for the map itself in
// the element, whatever the texts hold.
func TestScriptJSONIsTheTemplates(t *testing.T) {
	tmpl := template.Must(template.New("page").Parse(`<script type="application/json" id="kb-messages">{{.}}</script>`))
	for _, m := range []Messages{
		{},
		BuiltinMessages("ja").Areas(ScriptAreas...),
		BuiltinMessages("en").Areas(ScriptAreas...),
		{"ui.copy": `</script><script>alert("x")</script> & <!-- -->`, "ui.x": "<![CDATA[ ]]>", "a b": "\u2028 \"quoted\" \\ \t\n"},
		{"search.sep": "\u2028\u2029", "bad": "\xff\xfe text", "nul": "\x00", "emoji": "🔍 検索"},
	} {
		var want, got strings.Builder
		if err := tmpl.Execute(&want, m); err != nil {
			t.Fatal(err)
		}
		if err := tmpl.Execute(&got, scriptJSON(m)); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("encoded once:\n%s\nhtml/template writes\n%s", got.String(), want.String())
		}
	}
}

// kb's catalogues are parsed once and shared between the themes of every
// site: one site's texts must not reach another's, nor kb's own, however
// the themes are loaded and their texts used.
func TestSiteCataloguesDoNotLeak(t *testing.T) {
	load := func(site fs.FS) *Theme {
		t.Helper()
		theme, err := LoadTheme(Overlay(site, layouts.FS), assets.FS)
		if err != nil {
			t.Fatal(err)
		}
		return theme
	}
	a := load(fstest.MapFS{
		"i18n/ja.yaml": {Data: []byte("toc: 目次A\n")},
		"i18n/fr.yaml": {Data: []byte("toc: Sommaire\n")},
	})
	b := load(fstest.MapFS{
		"i18n/ja.yaml": {Data: []byte("home: ホームB\n")},
		"i18n/en.yaml": {Data: []byte("toc: Contents B\n")},
	})
	// A site with layouts of its own but no i18n folder, read as kb reads a site.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "search.html"), []byte(`{{define "main"}}{{end}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := srcfs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	c := load(root.FS("."))
	// Texts asked for and changed by a careless caller, before the others are read.
	for _, theme := range []*Theme{a, b} {
		for _, lang := range []string{"ja", "en", "fr"} {
			m := theme.Messages(lang)
			m["toc"], m["home"] = "changed", "changed"
		}
	}
	cases := []struct {
		name     string
		messages Messages
		toc      string
		home     string
	}{
		{"a ja", load(fstest.MapFS{"i18n/ja.yaml": {Data: []byte("toc: 目次A\n")}}).Messages("ja"), "目次A", "ホーム"},
		{"a fr", a.catalogues["fr"], "Sommaire", ""},
		{"a en", a.catalogues["en"], "Contents", "Home"},
		{"b ja", b.catalogues["ja"], "目次", "ホームB"},
		{"b en", b.catalogues["en"], "Contents B", "Home"},
		{"b fr", load(fstest.MapFS{"i18n/en.yaml": {Data: []byte("toc: Contents B\n")}}).Messages("fr"), "目次", "ホーム"},
		{"c ja", c.Messages("ja"), "目次", "ホーム"},
		{"c en", c.Messages("en"), "Contents", "Home"},
		{"kb ja", BuiltinMessages("ja"), "目次", "ホーム"},
		{"kb en", BuiltinMessages("en"), "Contents", "Home"},
		{"no site", load(nil).Messages("ja"), "目次", "ホーム"},
	}
	for _, c := range cases {
		if c.messages["toc"] != c.toc || c.messages["home"] != c.home {
			t.Errorf("%s: toc %q, home %q; want %q, %q", c.name, c.messages["toc"], c.messages["home"], c.toc, c.home)
		}
	}
	if len(c.catalogues) != 2 || len(c.Messages("ja")) < 100 {
		t.Errorf("a site without texts of its own has %d catalogues, %d texts in Japanese", len(c.catalogues), len(c.Messages("ja")))
	}
}
