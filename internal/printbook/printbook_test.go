package printbook

import (
	"bytes"
	"net/url"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/site"
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
	if err := Emit(s, web.Outputs{web.EPUBOutput, web.PrintOutput}, out); err != nil {
		t.Fatal(err)
	}
	return s, out.files
}

// parsed is what the tests read from a printed book.
type parsed struct {
	ids       map[string]int
	fragments []string // the targets of links inside the document
	sections  []string // the page sections' IDs in document order
	text      string
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	root, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p := parsed{ids: map[string]int{}}
	var text strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			text.WriteString(n.Data)
		}
		for _, a := range n.Attr {
			switch {
			case a.Key == "id":
				p.ids[a.Val]++
				if n.Data == "section" {
					p.sections = append(p.sections, a.Val)
				}
			case a.Key == "href" && strings.HasPrefix(a.Val, "#"):
				f, err := url.PathUnescape(a.Val[1:])
				if err != nil {
					t.Errorf("href %q: %v", a.Val, err)
				}
				p.fragments = append(p.fragments, f)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
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
	overview := files["print/index.html"]
	if !bytes.Contains(overview, []byte(`href="#restore-test"`)) {
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
	eds := editions(s)
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
	}
}
