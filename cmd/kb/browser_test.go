package main

import (
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kb-handbook/kb/internal/browsertest"
)

// TestCrossLinkLandsOnHeading opens a built page from disk (file://), follows
// a cross-link to an anchor on another page, and checks that the target
// heading is in view.
func TestCrossLinkLandsOnHeading(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if code, _, stderr := runKB(t, "build", "--source", "../../testdata/sites/basic", "--out", out); code != 0 {
		t.Fatal(stderr)
	}
	ctx := browsertest.New(t, 1024, 600)
	link := chromedp.CSS(`a[href$="backup/index.html#restore-test"]`)
	err := chromedp.Do(ctx,
		chromedp.Navigate("file://"+filepath.Join(out, "01-intro", "overview", "index.html")),
		chromedp.WaitVisible(link),
		chromedp.Click(link),
		chromedp.WaitVisible(chromedp.CSS(`#restore-test`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	url, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#restore-test`)))
	if err != nil {
		t.Fatal(err)
	}
	top, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.getElementById("restore-test").getBoundingClientRect().top`))
	if err != nil {
		t.Fatal(err)
	}
	viewport, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.innerHeight`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "file://" + filepath.Join(out, "02-measures", "backup", "index.html") + "#restore-test"; url != want {
		t.Errorf("landed on %s, want %s", url, want)
	}
	if heading != "2.1.2 復元テスト" {
		t.Errorf("heading text %q", heading)
	}
	if top < 0 || top > viewport/2 {
		t.Errorf("target heading at y=%.0f is not in view (viewport %.0f)", top, viewport)
	}
}
