package printbook

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/testsite"
	"github.com/kb-handbook/kb/internal/web"
)

// memory collects written files.
type memory struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memory) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[name] = bytes.Clone(data)
	return nil
}

func emit(t *testing.T, root string) (*site.Site, map[string][]byte) {
	t.Helper()
	s, diags := pipeline.Load(root, nil)
	if len(diags) > 0 {
		t.Fatalf("%s: %v", root, diags)
	}
	out := &memory{files: map[string][]byte{}}
	if err := Emit(s, web.BuiltinMessages(s.Config.Language), web.Outputs{web.EPUBOutput, web.PrintOutput}, out); err != nil {
		t.Fatal(err)
	}
	return s, out.files
}

// parsed is what the tests read from a printed book.
type parsed struct {
	ids       map[string]int
	fragments []string            // the targets of links inside the document
	sections  []string            // the page sections' IDs in document order
	sectionOf map[string]string   // ID → the ID of the page section holding it
	linksIn   map[string][]string // page section ID → the targets of links inside the document from it
	title     string
	text      string
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	root, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p := parsed{ids: map[string]int{}, sectionOf: map[string]string{}, linksIn: map[string][]string{}}
	var text strings.Builder
	var walk func(n *html.Node, section string)
	walk = func(n *html.Node, section string) {
		if n.Type == html.TextNode {
			text.WriteString(n.Data)
			if n.Parent.Data == "title" {
				p.title = n.Data
			}
		}
		for _, a := range n.Attr {
			switch {
			case a.Key == "id":
				p.ids[a.Val]++
				if n.Data == "section" {
					p.sections = append(p.sections, a.Val)
					section = a.Val
				}
				p.sectionOf[a.Val] = section
			case a.Key == "href" && strings.HasPrefix(a.Val, "#"):
				f, err := url.PathUnescape(a.Val[1:])
				if err != nil {
					t.Errorf("href %q: %v", a.Val, err)
				}
				p.fragments = append(p.fragments, f)
				p.linksIn[section] = append(p.linksIn[section], f)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, section)
		}
	}
	walk(root, "")
	p.text = text.String()
	return p
}

// TestFixturePrintEdition prints the fixture site: every page in book
// order, the cross-page link inside the document, the stylesheet for paper.
func TestFixturePrintEdition(t *testing.T) {
	s, files := emit(t, "../../testdata/sites/basic")
	doc := parse(t, files["print/index.html"])
	var want []string
	for _, p := range s.Pages {
		want = append(want, pageID(p))
	}
	if strings.Join(doc.sections, " ") != strings.Join(want, " ") {
		t.Errorf("sections %v, want the pages in book order %v", doc.sections, want)
	}
	for _, f := range doc.fragments {
		if doc.ids[f] == 0 {
			t.Errorf("link to #%s leads nowhere in the document", f)
		}
	}
	for id, n := range doc.ids {
		if n > 1 {
			t.Errorf("%d elements have the ID %q", n, id)
		}
	}
	overview := files["print/index.html"]
	if !bytes.Contains(overview, []byte(`href="#page-02-measures_backup-restore-test"`)) {
		t.Error("the overview's link to 2.1.2 復元テスト is not a link inside the document")
	}
	if bytes.Contains(overview, []byte(`backup/index.html#restore-test`)) {
		t.Error("a link between pages still leads to the web page")
	}
	for _, title := range []string{"2.1.2 復元テスト", "目次", "テスト用ナレッジベース"} {
		if !strings.Contains(doc.text, strings.ReplaceAll(title, " ", "")) && !strings.Contains(doc.text, title) {
			t.Errorf("the document lacks %q", title)
		}
	}
	css := string(files["print/print.css"])
	for _, rule := range []string{"@page { size: A4;", ".print-page.chapter { break-before: page; }", `a[href^="http"]::after`, ".screen-only { display: none; }"} {
		if !strings.Contains(css, rule) {
			t.Errorf("print.css lacks %q", rule)
		}
	}
}

// TestBundledPrintEditions prints the handbook and its editions: each is
// written, holds only its pages, and every link inside it has a target.
func TestBundledPrintEditions(t *testing.T) {
	s, files := emit(t, "../..")
	eds := editions(s, web.BuiltinMessages(s.Config.Language))
	if len(eds) != 1+len(s.Config.Editions) || len(s.Config.Editions) == 0 {
		t.Fatalf("%d print editions for %d editions in kb.yaml", len(eds), len(s.Config.Editions))
	}
	for _, e := range eds {
		data, ok := files[e.dir()+"index.html"]
		if !ok {
			t.Errorf("%s: not written", e.dir())
			continue
		}
		doc := parse(t, data)
		if len(doc.sections) != len(e.Pages) {
			t.Errorf("%s: %d sections for %d pages", e.dir(), len(doc.sections), len(e.Pages))
		}
		for _, f := range doc.fragments {
			if doc.ids[f] == 0 {
				t.Errorf("%s: link to #%s leads nowhere in the document", e.dir(), f)
			}
		}
		for id, n := range doc.ids {
			if n > 1 {
				t.Errorf("%s: %d elements have the ID %q", e.dir(), n, id)
			}
		}
	}
}

// Two pages with a heading of the same ID each keep theirs in the printed
// document: the links to it, from the other page and from its own, and
// its permalink lead into the page they name.
func TestSameHeadingIDOnTwoPages(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"kb.yaml":           "title: 同じ見出し\n",
		"content/_index.md": "# 同じ見出し\n\n[](a.md#概要) と [](b.md#概要)。\n",
		"content/a.md":      "# A\n\n[](#概要)、[](b.md#概要)、[](b.md#fig-x)、[脚注][^1]\n\n## 概要\n\nA の概要。\n\n[^1]: A の脚注。\n",
		"content/b.md":      "# B\n\n[](#概要)、[](a.md#概要)\n\n## 概要\n\nB の概要。\n\n![図](x.svg \"図の題\"){#fig-x}\n\n[^1]: 使われない脚注。\n",
		"content/x.svg":     `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1" width="1" height="1"><title>x</title></svg>`,
	})
	s, files := emit(t, root)
	doc := parse(t, files["print/index.html"])
	for id, n := range doc.ids {
		if n > 1 {
			t.Errorf("%d elements have the ID %q", n, id)
		}
	}
	var a, b string
	for _, p := range s.Pages {
		switch p.Source.File {
		case "content/a.md":
			a = pageID(p)
		case "content/b.md":
			b = pageID(p)
		}
	}
	// Each page's links, in the order written, and the page each leads into.
	want := map[string][]string{
		// 概要 here, 概要 and the figure on B, the footnote; the permalink; the footnote's way back
		a:          {a, b, b, a, a, a},
		b:          {b, a, b}, // 概要 here and on A, the permalink
		"page-top": {a, b},
	}
	for section, targets := range want {
		var got []string
		for _, f := range doc.linksIn[section] {
			if doc.ids[f] == 0 {
				t.Errorf("in %q: link to #%s leads nowhere", section, f)
			}
			got = append(got, doc.sectionOf[f])
		}
		if strings.Join(got, " ") != strings.Join(targets, " ") {
			t.Errorf("the links of %q lead into %v, want %v (targets %v)", section, got, targets, doc.linksIn[section])
		}
	}
}

// An English site's print edition has no Japanese chrome.
func TestEnglishPrintEdition(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"kb.yaml":           "title: Handbook\nlanguage: en\nversion: 2\nroles:\n  admin: Administrators\n  staff: Staff\neditions:\n  - id: admins\n    roles: [admin, staff]\n",
		"content/_index.md": "# Handbook\n\nWelcome.\n",
		"content/a.md":      "---\nroles: [admin]\n---\n# Page\n\n## Part\n\nText.\n",
	})
	_, files := emit(t, root)
	for name, want := range map[string][]string{
		"print/index.html":        {"Handbook (print)", "Print / PDF", "Edition 2", "Whole book", "For Administrators, Staff", "Back to the web edition", "Contents"},
		"print/admins/index.html": {"Handbook: For Administrators, Staff (print)"},
	} {
		data, ok := files[name]
		if !ok {
			t.Fatalf("%s not written", name)
		}
		doc := parse(t, data)
		for _, w := range want {
			if !strings.Contains(doc.text, w) {
				t.Errorf("%s lacks %q", name, w)
			}
		}
		if ja := japanese.FindString(doc.text); ja != "" {
			t.Errorf("%s shows Japanese: %q in %q", name, ja, doc.text)
		}
	}
}

// japanese matches kana and kanji.
var japanese = regexp.MustCompile(`[\p{Hiragana}\p{Katakana}\p{Han}]+`)
