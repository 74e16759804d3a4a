package server

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "write the golden files of the search page")

// TestSearchPageGolden compares the results part of the server's search
// page for the Japanese fixture with golden files, so that a change of the
// page's texts or markup is seen in review. The files under
// testdata/golden were written before the texts moved into the catalogue.
func TestSearchPageGolden(t *testing.T) {
	h := newHandler(t, fixture(t))
	for name, target := range map[string]string{
		"empty":    "/search/index.html",
		"count":    "/search/index.html?q=%E3%83%90%E3%83%83%E3%82%AF%E3%82%A2%E3%83%83%E3%83%97", // バックアップ
		"filtered": "/search/index.html?role=admin",
		"page2":    "/search/index.html?role=admin&from=10",
		"none":     "/search/index.html?q=%E5%AD%98%E5%9C%A8%E3%81%97%E3%81%AA%E3%81%84%E8%AA%9E", // 存在しない語
		"error":    "/search/index.html?q=role%3Aceo",
		"excluded": "/search/index.html?q=-x",
	} {
		w := get(h, "GET", target)
		got := resultsPart(t, w.Body.Bytes())
		file := filepath.Join("testdata", "golden", "search-"+name+".html")
		if *update {
			if err := os.WriteFile(file, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the results part differs from %s:\n%s", target, file, got)
		}
	}
}

// resultsPart returns the results part of a search page (the element with
// data-kb-search), as html.Render writes it.
func resultsPart(t *testing.T, page []byte) []byte {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var found *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for _, a := range n.Attr {
			if a.Key == "data-kb-search" {
				found = n
			}
		}
		for c := n.FirstChild; c != nil && found == nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if found == nil {
		t.Fatalf("no results part in %.300s", page)
	}
	var b strings.Builder
	if err := html.Render(&b, found); err != nil {
		t.Fatal(err)
	}
	return []byte(b.String() + "\n")
}
