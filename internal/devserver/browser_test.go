package devserver

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kb-handbook/kb/internal/browsertest"
)

// clients is how many browsers listen to the server's events.
func (h *harness) clients() int {
	h.srv.hub.mu.Lock()
	defer h.srv.hub.mu.Unlock()
	return len(h.srv.hub.clients)
}

func TestBrowserLiveReload(t *testing.T) {
	browsertest.Require(t)
	h := start(t, nil)
	// A long page, so that keeping the scroll position can be seen.
	long := strings.Repeat("長い段落です。スクロール位置を確かめるための文章です。\n\n", 150)
	h.edit("content/01-guide/edit-me.md", "最初の本文です。\n", "最初の本文です。\n\n"+long)
	eventually(t, func() error {
		if _, body := h.get(editPage); !strings.Contains(body, "長い段落です。") {
			return errNotYet
		}
		return nil
	})
	ctx := browsertest.New(t, 1000, 700)
	if err := chromedp.Do(ctx, chromedp.Navigate(h.ts.URL+editPage)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `document.readyState === "complete"`)
	eventually(t, func() error {
		if h.clients() == 0 {
			return errNotYet
		}
		return nil
	})
	browsertest.Eval[any](t, ctx, `window.scrollTo(0, 2000), window.kbMarker = 1`)

	// An edit on disk shows in the page without any action in the browser,
	// swapped in place (no reload: the page's own state survives) at the
	// same scroll position.
	h.edit("content/01-guide/edit-me.md", "最初の本文です。", "書き換えた本文です。")
	browsertest.WaitTrue(t, ctx, `document.body.innerText.includes("書き換えた本文です。")`)
	if !browsertest.Eval[bool](t, ctx, `window.kbMarker === 1`) {
		t.Error("the page reloaded instead of swapping the new text in place")
	}
	browsertest.WaitTrue(t, ctx, `Math.abs(window.scrollY - 2000) < 5`)

	// A mistake shows an overlay with its position and source line.
	h.edit("content/01-guide/edit-me.md", "[別のページ](other.md)", "[別のページ](othre.md)")
	browsertest.WaitTrue(t, ctx, `document.getElementById("kb-overlay") !== null`)
	overlay := browsertest.Eval[string](t, ctx, `document.getElementById("kb-overlay").innerText`)
	line := 10 + strings.Count(long, "\n") + 1
	for _, want := range []string{fmt.Sprintf("content/01-guide/edit-me.md:%d:1", line), "link to missing page othre.md", "[別のページ](othre.md)を見てください。"} {
		if !strings.Contains(overlay, want) {
			t.Errorf("the overlay lacks %q:\n%s", want, overlay)
		}
	}
	if !browsertest.Eval[bool](t, ctx, `document.body.innerText.includes("書き換えた本文です。")`) {
		t.Error("the last good page is gone behind the overlay")
	}

	// Fixing it removes the overlay by itself.
	h.edit("content/01-guide/edit-me.md", "(othre.md)", "(other.md)")
	browsertest.WaitTrue(t, ctx, `document.getElementById("kb-overlay") === null`)

	// A stylesheet edit applies without a reload.
	browsertest.Eval[any](t, ctx, `window.kbMarker = 2`)
	h.write("assets/style.css", "body { color: rgb(200, 0, 0); }\n")
	browsertest.WaitTrue(t, ctx, `getComputedStyle(document.body).color === "rgb(200, 0, 0)"`)
	if !browsertest.Eval[bool](t, ctx, `window.kbMarker === 2`) {
		t.Error("the stylesheet edit reloaded the page")
	}

	// A page with a Japanese file name, whose URL the browser shows encoded.
	// The open page would reload for its navigation: leave it first.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	h.write("content/01-guide/日本語.md", "# 日本語の名前\n\n一版目。\n")
	eventually(t, func() error {
		if status, _ := h.get("/01-guide/日本語/"); status != 200 {
			return errNotYet
		}
		return nil
	})
	if err := chromedp.Do(ctx, chromedp.Navigate(h.ts.URL+"/01-guide/%E6%97%A5%E6%9C%AC%E8%AA%9E/")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `document.readyState === "complete"`)
	eventually(t, func() error {
		if h.clients() == 0 {
			return errNotYet
		}
		return nil
	})
	h.write("content/01-guide/日本語.md", "# 日本語の名前\n\n二版目。\n")
	browsertest.WaitTrue(t, ctx, `document.body.innerText.includes("二版目。")`)
}
