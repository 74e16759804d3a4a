package server

import (
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kb-handbook/kb/internal/browsertest"
)

// resultsJS reads what a reader gets from the results part of the search
// page: each part's text (and the links' targets), in page order. The help
// list is left out: only the server's page has it.
const resultsJS = `(() => {
  const live = document.querySelector("[data-kb-search]");
  const params = s => [...new URLSearchParams(s)].map(p => p.join("=")).sort().join("&");
  const parts = [
    ["#search-status", e => e.textContent],
    [".search-error", e => e.textContent],
    ["details.search-facets > summary", e => e.textContent],
    [".search-facet-name", e => e.textContent],
    ["a.tag", e => e.textContent + " " + e.dataset.param + "=" + e.dataset.value + (e.getAttribute("aria-current") ? " current" : "")],
    [".search-results", e => "start " + e.getAttribute("start")],
    [".search-results > li > a", e => e.textContent + " " + e.getAttribute("href")],
    [".search-results .path", e => e.textContent],
    [".search-pager", e => e.getAttribute("aria-label")],
    [".search-pager a", e => e.rel + " " + e.textContent + " " + params(e.search)],
  ];
  const out = [];
  parts.forEach(([sel, f]) => live.querySelectorAll(sel).forEach(e => out.push(sel + ": " + f(e))));
  // The markup itself, but for whitespace between elements and the order
  // of a query's parameters.
  const copy = live.cloneNode(true);
  copy.querySelectorAll(".search-help").forEach(e => e.remove());
  copy.querySelectorAll('a[href^="?"]').forEach(a => a.setAttribute("href", "?" + params(a.getAttribute("href"))));
  const walk = n => [...n.childNodes].forEach(c => c.nodeType === 3 && c.textContent.trim() === "" ? c.remove() : walk(c));
  walk(copy);
  out.push("markup: " + copy.innerHTML);
  return JSON.stringify(out);
})()`

// TestBrowserSearchTextsMatch renders the same searches three ways: by the
// server (kb host's page), by search.js over the server's API, and by
// search.js over the static index from file://, in Japanese and in
// English. All three must show the same status line, filters, results,
// pager and errors, in the site's language, in the same markup.
func TestBrowserSearchTextsMatch(t *testing.T) {
	browsertest.Require(t)
	for _, c := range []struct {
		lang    string
		dir     string
		queries []string
	}{
		{"ja", fixture(t), []string{"q=" + "%E3%83%90%E3%83%83%E3%82%AF%E3%82%A2%E3%83%83%E3%83%97", // バックアップ: a count
			"role=admin", "role=admin&from=10", // only a filter, over two pages
			"q=%E5%AD%98%E5%9C%A8%E3%81%97%E3%81%AA%E3%81%84%E8%AA%9E", // 存在しない語: none
			"q=role%3Aceo", "q=-x", "q=level%3A"}}, // errors
		{"en", buildSite(t, englishSite(t)), []string{"q=backup", "q=backup&from=10", "q=backup&role=admin", "role=staff",
			"q=zebra", "q=role%3Aceo", "q=-backup", "q=level%3A"}},
	} {
		t.Run(c.lang, func(t *testing.T) {
			srv := httptest.NewServer(newHandler(t, c.dir))
			defer srv.Close()
			ctx := browsertest.New(t, 1100, 800)
			read := func() []string {
				var out []string
				if err := json.Unmarshal([]byte(browsertest.Eval[string](t, ctx, resultsJS)), &out); err != nil {
					t.Fatal(err)
				}
				return out
			}
			for _, q := range c.queries {
				// The server's page.
				if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/search/index.html?"+q)); err != nil {
					t.Fatal(err)
				}
				served := read()
				if len(served) == 0 || !strings.HasPrefix(served[0], "#search-status: ") || served[0] == "#search-status: " {
					t.Fatalf("%s: the server's page has no status: %v", q, served)
				}
				if c.lang == "en" {
					for _, part := range served {
						if ja := japanese.FindString(part); ja != "" {
							t.Errorf("%s: the English page shows %q in %q", q, ja, part)
						}
					}
				}
				// search.js over the API, from the same page, when it
				// starts from the first result.
				if !strings.Contains(q, "from=") {
					browsertest.Eval[any](t, ctx, `document.getElementById("search-status").textContent = ""; document.querySelector("form.search-form").requestSubmit()`)
					browsertest.WaitTrue(t, ctx, `document.getElementById("search-status").textContent !== ""`)
					if got := read(); !slices.Equal(got, served) {
						t.Errorf("%s: search.js over the API shows\n%s\nthe server's page\n%s", q, strings.Join(got, "\n"), strings.Join(served, "\n"))
					}
				}
				// search.js over the static index, from disk.
				file := "file://" + filepath.ToSlash(filepath.Join(c.dir, "search", "index.html")) + "?" + q
				if _, err := chromedp.Run(ctx, chromedp.Navigate(file)); err != nil {
					t.Fatal(err)
				}
				browsertest.WaitTrue(t, ctx, `document.getElementById("search-status").textContent !== ""`)
				if got := read(); !slices.Equal(got, served) {
					t.Errorf("%s: search.js over the static index shows\n%s\nthe server's page\n%s", q, strings.Join(got, "\n"), strings.Join(served, "\n"))
				}
			}
		})
	}
}

// The page scripts of an English site speak English: the copy button, the
// label of a table that scrolls sideways, the glossary popover and the
// header box's link to all results.
func TestBrowserEnglishScripts(t *testing.T) {
	browsertest.Require(t)
	dir := buildSite(t, englishSite(t))
	srv := httptest.NewServer(newHandler(t, dir))
	defer srv.Close()
	ctx := browsertest.New(t, 1100, 800)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/01-basics/topic-1/index.html")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `document.querySelector("button.copy-code") !== null`)
	for expr, want := range map[string]string{
		`document.querySelector("button.copy-code").textContent`:                "Copy",
		`document.querySelector("button.copy-code").getAttribute("aria-label")`: "Copy the code",
		`document.querySelector(".content table").getAttribute("aria-label")`:   "Table (scrolls sideways)",
	} {
		if got := browsertest.Eval[string](t, ctx, expr); got != want {
			t.Errorf("%s = %q, want %q", expr, got, want)
		}
	}
	browsertest.Eval[any](t, ctx, `document.querySelector("a.term").dispatchEvent(new MouseEvent("mouseenter"))`)
	browsertest.WaitTrue(t, ctx, `document.querySelector(".term-popover a") !== null`)
	if got := browsertest.Eval[string](t, ctx, `document.querySelector(".term-popover a").textContent`); got != "See in the glossary" {
		t.Errorf("the glossary popover's link says %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys("#search-q", "backup")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `!document.getElementById("search-popup").hidden`)
	for expr, want := range map[string]string{
		`document.getElementById("search-popup-status").textContent`: "Sections matching “backup”: 17 (showing 1–5).",
		`document.querySelector("a.search-more").textContent`:        "See all results",
	} {
		if got := browsertest.Eval[string](t, ctx, expr); got != want {
			t.Errorf("%s = %q, want %q", expr, got, want)
		}
	}
	if ja := japanese.FindString(browsertest.Eval[string](t, ctx, `document.body.innerText`)); ja != "" {
		t.Errorf("the English page shows %q", ja)
	}
}
