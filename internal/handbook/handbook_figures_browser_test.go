package handbook_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/kb-handbook/kb/internal/browsertest"
	"github.com/kb-handbook/kb/internal/pipeline"
)

// figureProblems lists, for the page in the browser, the figures whose image
// did not load, is wider than the page, or whose caption lacks its number.
const figureProblems = `(() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  for (const fig of document.querySelectorAll("figure")) {
    const img = fig.querySelector("img"), cap = fig.querySelector("figcaption");
    const name = "#" + fig.id;
    if (!img || !img.complete || img.naturalWidth === 0) problems.push(name + ": the image did not load");
    else if (img.getBoundingClientRect().right > width + 0.5) problems.push(name + ": the image is wider than the page");
    else if (img.getBoundingClientRect().width < 0.8 * Math.min(width - 40, img.naturalWidth)) problems.push(name + ": the image does not use the column width");
    if (!cap || !/^図 [0-9A-Z.]+ \S/.test(cap.textContent)) problems.push(name + ": caption " + (cap ? cap.textContent : "missing"));
  }
  return problems;
})()`

// figureColours returns the relative luminance (WCAG, 0–1) of an SVG
// document's own background (its rect.bg) and the median luminance of its
// <text> fills, as rendered: most of a figure's text stands on that
// background, a few labels on coloured shapes.
const figureColours = `(() => {
  const lum = el => {
    const c = getComputedStyle(el).fill.match(/[0-9.]+/g).slice(0, 3).map(Number).map(v => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const bg = document.querySelector("rect.bg");
  const texts = [...document.querySelectorAll("text")].map(lum).sort((a, b) => a - b);
  return [bg ? lum(bg) : -1, texts[Math.floor(texts.length / 2)]];
})()`

// TestHandbookFiguresInBrowser opens the built handbook in headless Chromium
// at a phone's width: every figure loads, fits the column and is numbered;
// each SVG has its own background, which follows the colour scheme, and
// text that contrasts with it in both schemes.
func TestHandbookFiguresInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("runs headless Chromium")
	}
	out := filepath.Join(t.TempDir(), "public")
	res, err := pipeline.Run(pipeline.Options{Source: "../..", Out: out})
	if err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.New(t, 390, 844)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	figures := 0
	for _, p := range res.Site.Pages {
		if len(p.Figures) == 0 {
			continue
		}
		figures += len(p.Figures)
		t.Run(p.OutFile(), func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.Navigate("file://"+filepath.Join(out, p.OutFile()))); err != nil {
				t.Fatal(err)
			}
			browsertest.WaitTrue(t, ctx, `[...document.images].every(i => i.complete)`)
			if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll("figure").length`); n != len(p.Figures) {
				t.Errorf("%d figures on the page, want %d", n, len(p.Figures))
			}
			if problems := browsertest.Eval[[]string](t, ctx, figureProblems); len(problems) > 0 {
				t.Error(strings.Join(problems, "\n"))
			}
		})
	}
	if figures < 8 {
		t.Errorf("%d figures in the handbook, want at least 8", figures)
	}

	svgs, err := filepath.Glob(filepath.Join(out, "figures", "*.svg"))
	if err != nil || len(svgs) == 0 {
		t.Fatalf("no SVG figures in the output (%v)", err)
	}
	for _, svg := range svgs {
		t.Run(filepath.Base(svg), func(t *testing.T) {
			for _, scheme := range []string{"light", "dark"} {
				setScheme := chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
					_, err := cdp.Call(ctx, target, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
						Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
					return err
				})
				if err := chromedp.Do(ctx, setScheme, chromedp.Navigate("file://"+svg)); err != nil {
					t.Fatal(err)
				}
				c := browsertest.Eval[[]float64](t, ctx, figureColours)
				bg, text := c[0], c[1]
				if bg < 0 {
					t.Fatal("no rect.bg: the figure needs its own background, as a book page may stay white in dark mode")
				}
				if scheme == "light" && bg < 0.8 || scheme == "dark" && bg > 0.05 {
					t.Errorf("%s scheme: background luminance %.2f does not follow the scheme", scheme, bg)
				}
				if ratio := (max(bg, text) + 0.05) / (min(bg, text) + 0.05); ratio < 7 {
					t.Errorf("%s scheme: text contrast %.1f:1 on the figure's background, want at least 7:1", scheme, ratio)
				}
			}
		})
	}
}
