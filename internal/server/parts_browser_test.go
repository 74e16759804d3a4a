package server

import (
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kb-handbook/kb/internal/browsertest"
	"github.com/kb-handbook/kb/layouts"
)

// TestBrowserResultsFromSiteLayout builds a site whose own
// layouts/search-results.html marks the parts of a result with classes of
// its own, and requires every way of showing results to carry them: the
// server's page, search.js over the API and over the static index, on the
// search page and in the header box. So search.js renders only from the
// theme's parts and has no markup of its own.
func TestBrowserResultsFromSiteLayout(t *testing.T) {
	browsertest.Require(t)
	src := englishSite(t)
	layout, err := fs.ReadFile(layouts.FS, "search-results.html")
	if err != nil {
		t.Fatal(err)
	}
	custom := string(layout)
	for _, r := range [][2]string{
		{`{{define "search-hit"}}<li>`, `{{define "search-hit"}}<li class="site-hit">`},
		{`<a class="tag{{if .Active}} active{{end}}"`, `<a class="tag site-value{{if .Active}} active{{end}}"`},
		{`<p class="search-facet-name"`, `<p class="search-facet-name site-facet"`},
		{`<a rel="{{.Rel}}"`, `<a class="site-pager" rel="{{.Rel}}"`},
		{`<p class="search-error"`, `<p class="search-error site-error"`},
		{`<a href="{{.Href}}" data-slot="link">{{.Query}}</a>`, `<a class="site-suggestion" href="{{.Href}}" data-slot="link">{{.Query}}</a>`},
	} {
		if strings.Count(custom, r[0]) != 1 {
			t.Fatalf("the default layout has %d of %q", strings.Count(custom, r[0]), r[0])
		}
		custom = strings.Replace(custom, r[0], r[1], 1)
	}
	if err := os.MkdirAll(filepath.Join(src, "layouts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "layouts", "search-results.html"), []byte(custom), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := buildSite(t, src)
	srv := httptest.NewServer(newHandler(t, dir))
	defer srv.Close()
	ctx := browsertest.New(t, 1100, 800)

	// count returns how many elements match sel, and how many of those
	// carry the site's class.
	count := func(sel, class string) (all, marked int) {
		all = browsertest.Eval[int](t, ctx, `document.querySelectorAll(`+quote(sel)+`).length`)
		marked = browsertest.Eval[int](t, ctx, `document.querySelectorAll(`+quote(sel+"."+class)+`).length`)
		return all, marked
	}
	checkPage := func(how, q string) {
		t.Helper()
		for _, c := range []struct{ sel, class string }{
			{"[data-kb-search] .search-results > li", "site-hit"},
			{"[data-kb-search] a.tag", "site-value"},
			{"[data-kb-search] .search-facet-name", "site-facet"},
			{"[data-kb-search] .search-pager a", "site-pager"},
		} {
			all, marked := count(c.sel, c.class)
			if all == 0 || marked != all {
				t.Errorf("%s, %s: %d of %d %s carry the site's class %s", how, q, marked, all, c.sel, c.class)
			}
		}
	}
	waitStatus := `document.getElementById("search-status").textContent !== ""`
	file := "file://" + filepath.ToSlash(filepath.Join(dir, "search", "index.html"))
	for _, page := range []struct{ how, url string }{
		{"the server's page", srv.URL + "/search/index.html"},
		{"the static index", file},
	} {
		if _, err := chromedp.Run(ctx, chromedp.Navigate(page.url+"?q=backup")); err != nil {
			t.Fatal(err)
		}
		browsertest.WaitTrue(t, ctx, waitStatus+` && document.querySelector(".search-results > li") !== null`)
		checkPage(page.how, "backup")
		if page.how == "the server's page" {
			// search.js over the API, from the same page.
			browsertest.Eval[any](t, ctx, `document.getElementById("search-status").textContent = ""; document.querySelector("form.search-form").requestSubmit()`)
			browsertest.WaitTrue(t, ctx, waitStatus)
			checkPage("search.js over the API", "backup")
		}
		for q, sel := range map[string]string{"role%3Aceo": ".search-error.site-error", "bakup": ".search-suggest a.site-suggestion"} {
			if _, err := chromedp.Run(ctx, chromedp.Navigate(page.url+"?q="+q)); err != nil {
				t.Fatal(err)
			}
			browsertest.WaitTrue(t, ctx, waitStatus)
			if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll(`+quote(sel)+`).length`); n == 0 {
				t.Errorf("%s, %s: no %s", page.how, q, sel)
			}
			if page.how == "the server's page" {
				browsertest.Eval[any](t, ctx, `document.getElementById("search-status").textContent = ""; document.querySelector("form.search-form").requestSubmit()`)
				browsertest.WaitTrue(t, ctx, waitStatus)
				if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll(`+quote(sel)+`).length`); n == 0 {
					t.Errorf("search.js over the API, %s: no %s", q, sel)
				}
			}
		}
	}

	// The header box of an ordinary page, from disk.
	if _, err := chromedp.Run(ctx, chromedp.Navigate("file://"+filepath.ToSlash(filepath.Join(dir, "01-basics", "topic-1", "index.html")))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.SendKeys("#search-q", "backup")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `!document.getElementById("search-popup").hidden`)
	if all, marked := count("#search-popup .search-results > li", "site-hit"); all == 0 || marked != all {
		t.Errorf("header box: %d of %d results carry the site's class", marked, all)
	}
}

// quote writes s as a JavaScript string.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
