package server

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kb-handbook/kb/internal/browsertest"
)

// TestBrowserSearch types into the header search box of a page served by
// the handler, as kb host serves it, and follows a result to its section.
func TestBrowserSearch(t *testing.T) {
	browsertest.Require(t)
	srv := httptest.NewServer(newHandler(t, fixture(t)))
	defer srv.Close()
	ctx := browsertest.New(t, 1100, 800)

	// Any error in the page — a script error or a blocked resource under
	// the CSP — fails the test.
	var mu sync.Mutex
	var problems []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			// Browsers ask for /favicon.ico on their own; the theme has none.
			if ev.Entry.Level == log.EntryLevelError && !strings.HasSuffix(ev.Entry.URL, "/favicon.ico") {
				problems = append(problems, ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}

	// From an ordinary page, the header box leads to the search page.
	if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/01-basics/passwords/index.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.SendKeys("#search-q", "情報資産台帳"+kb.Enter)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `location.pathname === "/search/index.html" && document.querySelectorAll(".search-results li").length === 1`)
	if got := browsertest.Eval[string](t, ctx, `document.querySelector(".search-results li a").textContent`); got != "1.1.1 情報資産台帳" {
		t.Errorf("first result %q", got)
	}
	if got := browsertest.Eval[string](t, ctx, `document.getElementById("search-q").value`); got != "情報資産台帳" {
		t.Errorf("the box lost the query: %q", got)
	}

	// Results follow what is typed, without leaving the page, and the live
	// region says how many there are.
	browsertest.Eval[any](t, ctx, `window.samePage = true`)
	browsertest.Eval[any](t, ctx, `document.getElementById("search-q").value = ""`)
	if err := chromedp.Do(ctx, chromedp.SendKeys("#search-q", "バックアップ")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `document.getElementById("search-status").textContent.startsWith("「バックアップ」に一致する節は")`)
	if !browsertest.Eval[bool](t, ctx, `window.samePage === true && location.search.includes("q=")`) {
		t.Error("typing reloaded the page or did not update its address")
	}
	if browsertest.Eval[string](t, ctx, `document.getElementById("search-status").getAttribute("aria-live")`) != "polite" {
		t.Error("the result count is not in a live region")
	}

	// A facet narrows the results in place.
	before := browsertest.Eval[int](t, ctx, `document.querySelectorAll(".search-results li").length`)
	if _, err := chromedp.Run(ctx, chromedp.Click(`a[data-param="role"][data-value="admin"]`, chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `location.search.includes("role=admin") && document.querySelector('a[data-param="role"][aria-current="true"]') !== null`)
	if window := browsertest.Eval[bool](t, ctx, `window.samePage === true`); !window {
		t.Error("the facet reloaded the page")
	}
	after := browsertest.Eval[int](t, ctx, `document.querySelectorAll(".search-results li").length`)
	if after == 0 || after > before {
		t.Errorf("role filter: %d results before, %d after", before, after)
	}

	// The arrow keys go from the box through the results; Enter opens one
	// and lands on its section.
	browsertest.Eval[any](t, ctx, `document.getElementById("search-q").value = ""`)
	if err := chromedp.Do(ctx, chromedp.SendKeys("#search-q", "SASE")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `document.getElementById("search-status").textContent.startsWith("「SASE」")`)
	if _, err := chromedp.Run(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `document.activeElement.matches(".search-results li:first-child > a")`)
	if _, err := chromedp.Run(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `location.pathname === "/02-measures/endpoint/index.html" && location.hash === "#sase"`)
	browsertest.WaitTrue(t, ctx, `document.readyState === "complete"`)
	// The heading lands below the sticky header, in the upper half of the
	// window (lower only when the page ends: the fixture page is short).
	top := browsertest.Eval[float64](t, ctx, `document.getElementById("sase").getBoundingClientRect().top`)
	header := browsertest.Eval[float64](t, ctx, `document.querySelector(".site-header").getBoundingClientRect().bottom`)
	atEnd := browsertest.Eval[bool](t, ctx, `Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight`)
	if top < header || (!atEnd && top > 200) || top > 500 {
		t.Errorf("the section heading is at %.0fpx (header ends at %.0fpx), not at the top of the window", top, header)
	}

	// Opened from disk, the search page answers from the static index.
	file := "file://" + filepath.Join(fixture(t), "search", "index.html") + "?q=EDR"
	if _, err := chromedp.Run(ctx, chromedp.Navigate(file)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `document.querySelectorAll(".search-results li").length > 0`)
	if text := browsertest.Eval[string](t, ctx, `document.getElementById("search-status").textContent`); !strings.HasPrefix(text, "「EDR」に一致する節は") {
		t.Errorf("the page from disk says %q", text)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("errors in the page:\n%s", strings.Join(problems, "\n"))
	}
}
