package ebook

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kb-handbook/kb/internal/browsertest"
)

// overflowScript lists what sticks out sideways at the current width: the
// document itself, and any element whose box crosses either edge.
const overflowScript = `(() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width) {
    problems.push("document scrollWidth " + document.documentElement.scrollWidth + " > " + width);
  }
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > width + 0.5 || r.left < -0.5)) {
      problems.push("<" + el.localName + (el.className ? " class=" + el.className : "") + "> spans " +
        Math.round(r.left) + "–" + Math.round(r.right) + " px: " + el.textContent.slice(0, 40));
    }
  }
  return problems;
})()`

// narrowCellScript lists the table cells, with text, narrower than two
// characters of their own font.
const narrowCellScript = `[...document.querySelectorAll("th, td")].filter(c => c.textContent.trim() && c.getClientRects().length &&
  c.getBoundingClientRect().width < 2 * parseFloat(getComputedStyle(c).fontSize)).slice(0, 5).map(c =>
  Math.round(c.getBoundingClientRect().width) + " px: " + c.textContent.slice(0, 30))`

// TestPhoneWidth renders content documents from the unpacked EPUB with the
// book's stylesheet in headless Chromium at 375 px and checks that nothing
// overflows horizontally: the fixture's pages with a long code line, a long
// URL, images and a table, and every page of the bundled knowledge base.
// No table cell may be narrower than 2em: tables of many columns are
// stacked records in the EPUB.
func TestPhoneWidth(t *testing.T) {
	browsertest.Require(t)
	dir := t.TempDir()
	fixture := loadSite(t, fixtureRoot)
	unpackTo(t, buildBook(t, fixture, Whole(fixture), fixtureRoot), filepath.Join(dir, "fixture"))
	bundled := loadSite(t, bundledRoot)
	bundledBook := buildBook(t, bundled, Whole(bundled), bundledRoot)
	unpackTo(t, bundledBook, filepath.Join(dir, "bundled"))
	docs := []string{
		filepath.Join(dir, "fixture/EPUB/xhtml/p-01-basics_overview.xhtml"),
		filepath.Join(dir, "fixture/EPUB/xhtml/p-top.xhtml"),
	}
	for name := range unpack(t, bundledBook).files {
		if strings.HasPrefix(name, "EPUB/xhtml/") {
			docs = append(docs, filepath.Join(dir, "bundled", filepath.FromSlash(name)))
		}
	}
	slices.Sort(docs[2:])

	ctx := browsertest.New(t, 375, 812)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 812)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}

	for _, doc := range docs {
		t.Run(filepath.Base(doc), func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.Navigate("file://"+doc)); err != nil {
				t.Fatal(err)
			}
			styled, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.styleSheets.length === 1 &&
				document.styleSheets[0].cssRules.length > 10 && getComputedStyle(document.body).lineBreak === "strict"`))
			if err != nil || !styled {
				t.Fatalf("the EPUB stylesheet did not load (%v)", err)
			}
			problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](overflowScript))
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) > 0 {
				t.Errorf("overflows at 375 px:\n%s", strings.Join(problems, "\n"))
			}
			narrow, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](narrowCellScript))
			if err != nil {
				t.Fatal(err)
			}
			if len(narrow) > 0 {
				t.Errorf("table cells narrower than 2em at 375 px:\n%s", strings.Join(narrow, "\n"))
			}
			if !strings.Contains(doc, "overview") {
				return
			}
			// Without the stylesheet this page overflows, or the test would
			// prove nothing about the CSS.
			unstyled, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`document.styleSheets[0].disabled = true; `+overflowScript))
			if err != nil {
				t.Fatal(err)
			}
			if len(unstyled) == 0 {
				t.Errorf("the page does not overflow even without the stylesheet; the test cannot fail")
			}
		})
	}
}

// unpackTo writes the files of an EPUB under dir.
func unpackTo(t *testing.T, data []byte, dir string) {
	t.Helper()
	for name, b := range unpack(t, data).files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
