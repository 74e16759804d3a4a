package server

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/kb-handbook/kb/internal/browsertest"
)

// TestBrowserSearchFromInputMethod types as Japanese is typed, through an
// input method, into the search page's box and into the header box of
// another page: nothing is searched for text still being composed, and
// one search runs when the text is committed, without waiting for a pause
// in typing.
func TestBrowserSearchFromInputMethod(t *testing.T) {
	browsertest.Require(t)
	srv := httptest.NewServer(newHandler(t, fixture(t)))
	defer srv.Close()
	ctx := browsertest.New(t, 1100, 800)
	for _, page := range []string{"/search/index.html", "/01-basics/passwords/index.html"} {
		if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+page)); err != nil {
			t.Fatal(err)
		}
		browsertest.WaitTrue(t, ctx, `document.readyState === "complete"`)
		// Count the questions to the API.
		browsertest.Eval[any](t, ctx, `window.asked = []; { const f = window.fetch; window.fetch = function (u) {
			if (String(u).includes("/api/search")) {
				window.asked.push(new URL(u, location.href).searchParams.get("q"));
				window.askedAt = window.askedAt || performance.now();
			}
			return f.apply(this, arguments); } }
			document.getElementById("search-q").addEventListener("compositionend", () => window.committedAt = performance.now())`)
		if err := chromedp.Do(ctx, chromedp.Focus("#search-q")); err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"ば", "ばっく", "ばっくあっぷ", "バックアップ"} {
			n := int64(len([]rune(text)))
			if _, err := chromedp.Call(ctx, input.ImeSetComposition, input.ImeSetCompositionParams{Text: text, SelectionStart: n, SelectionEnd: n}); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
		}
		// Well past both boxes' pause in typing.
		time.Sleep(400 * time.Millisecond)
		if asked := browsertest.Eval[[]string](t, ctx, `window.asked`); len(asked) > 0 {
			t.Errorf("%s: searched for text still being composed: %q", page, asked)
		}
		if _, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: "バックアップ"}); err != nil {
			t.Fatal(err)
		}
		browsertest.WaitTrue(t, ctx, `window.asked.length > 0`)
		// The boxes wait 120 and 150 ms for a pause in typing.
		if wait := browsertest.Eval[float64](t, ctx, `window.askedAt - window.committedAt`); wait >= 100 {
			t.Errorf("%s: the search was asked %.0f ms after the commit, as after a pause in typing", page, wait)
		}
		time.Sleep(400 * time.Millisecond)
		if asked := browsertest.Eval[[]string](t, ctx, `window.asked`); len(asked) != 1 || asked[0] != "バックアップ" {
			t.Errorf("%s: after the commit, asked %q, want one search for バックアップ", page, asked)
		}
	}
}
