package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kb-handbook/kb/internal/browsertest"
)

// The bundled handbook is built once for the theme's browser tests.
var (
	handbookOnce sync.Once
	handbookDir  string
	handbookErr  string
)

// builtHandbook builds the handbook in this repository (HTML and search).
func builtHandbook(t *testing.T) string {
	t.Helper()
	handbookOnce.Do(func() {
		// Beside the test binary, removed with it by TestMain.
		handbookDir = filepath.Join(filepath.Dir(kbBinary), "handbook")
		if code, _, stderr := runKB(t, "build", "--source", "../..", "--out", handbookDir, "--outputs", "html,search,print"); code != 0 {
			handbookErr = stderr
		}
	})
	if handbookErr != "" {
		t.Fatal(handbookErr)
	}
	return handbookDir
}

// builtFixture builds testdata/sites/basic.
func builtFixture(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	if code, _, stderr := runKB(t, "build", "--source", "../../testdata/sites/basic", "--out", out, "--outputs", "html,search,print"); code != 0 {
		t.Fatal(stderr)
	}
	return out
}

// hostSite serves dir with kb host on a free port and returns its URL.
func hostSite(t *testing.T, dir string) string {
	t.Helper()
	cmd := exec.Command(kbBinary, "host", dir, "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("kb host said nothing: %v", err)
	}
	m := regexp.MustCompile(`http://\S+/`).FindString(line)
	if m == "" {
		t.Fatalf("no address in %q", line)
	}
	return strings.TrimSuffix(m, "/")
}

func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("headless Chromium test; skipped with -short")
	}
}

func navigate(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
}

// tap clicks the middle of the first box (line) of the first element matching sel where it is on
// the screen, without scrolling first as chromedp.Click does.
func tap(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	xy := eval[[]float64](t, ctx, fmt.Sprintf(`(() => { const r = document.querySelector(%q).getClientRects()[0]; return [r.left + r.width / 2, r.top + r.height / 2]; })()`, sel))
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(xy[0], xy[1])); err != nil {
		t.Fatal(err)
	}
}

// touch taps the middle of the first element matching sel with a finger.
func touch(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	xy := eval[[]float64](t, ctx, fmt.Sprintf(`(() => { const r = document.querySelector(%q).getClientRects()[0]; return [r.left + r.width / 2, r.top + r.height / 2]; })()`, sel))
	for _, ev := range []input.DispatchTouchEventParams{
		{Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: []*input.TouchPoint{{X: xy[0], Y: xy[1]}}},
		{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}},
	} {
		if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, ev); err != nil {
			t.Fatal(err)
		}
	}
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return browsertest.Eval[T](t, ctx, expr)
}

// longPage is a long chapter page of the handbook; codePage one with
// highlighted code, glossary terms and tables.
const (
	longPage = "07-procedures/04-people/index.html"
	codePage = "08-incident-bcp/first-response/index.html"
)

// headingVisibleJS is true when the element at the middle of the heading's
// first line is the heading itself, not something fixed over it.
const headingVisibleJS = `(() => {
  const h = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  const r = h.getBoundingClientRect();
  const e = document.elementFromPoint(r.left + 4, r.top + Math.min(r.height, 24) / 2);
  return r.top >= 0 && r.top < innerHeight / 2 && h.contains(e);
})()`

// TestAnchorsLandBelowTheHeader opens pages at a heading, from disk, on a
// phone and a desktop, in the handbook and the fixture site.
func TestAnchorsLandBelowTheHeader(t *testing.T) {
	skipShort(t)
	sites := map[string]string{
		"handbook": filepath.Join(builtHandbook(t), longPage),
		"fixture":  filepath.Join(builtFixture(t), "02-measures", "backup", "index.html"),
	}
	for _, size := range [][2]int{{390, 844}, {1280, 900}} {
		ctx := browsertest.New(t, size[0], size[1])
		for name, page := range sites {
			navigate(t, ctx, "file://"+page)
			// The last heading of the page's table of contents, and one in the middle.
			ids := eval[[]string](t, ctx, `[...document.querySelectorAll(".page-toc a")].map(a => a.getAttribute("href").slice(1))`)
			if len(ids) < 2 {
				t.Fatalf("%s: page has %d headings in its table of contents", name, len(ids))
			}
			for _, id := range []string{ids[len(ids)/2], ids[len(ids)-1]} {
				navigate(t, ctx, "about:blank")
				navigate(t, ctx, "file://"+page+"#"+id)
				browsertest.WaitTrue(t, ctx, `document.readyState === "complete"`)
				if !eval[bool](t, ctx, headingVisibleJS) {
					t.Errorf("%s at %dpx: #%s is hidden: heading top %v, header height %v", name, size[0], id,
						eval[float64](t, ctx, `document.getElementById(decodeURIComponent(location.hash.slice(1))).getBoundingClientRect().top`),
						eval[float64](t, ctx, `document.querySelector(".site-header").offsetHeight`))
				}
				if h := eval[float64](t, ctx, `document.querySelector(".site-header").offsetHeight`); h > 56 {
					t.Errorf("%s at %dpx: header is %vpx tall, more than 56", name, size[0], h)
				}
			}
		}
	}
}

// TestMenuDrawerOpensWhereTheReaderIs scrolls deep into a long page on a
// phone, opens the menu and checks that it shows there, keeps the focus
// inside and closes with Escape.
func TestMenuDrawerOpensWhereTheReaderIs(t *testing.T) {
	skipShort(t)
	ctx := browsertest.New(t, 390, 844)
	navigate(t, ctx, "file://"+filepath.Join(builtHandbook(t), longPage))
	eval[bool](t, ctx, `window.scrollTo(0, 8000), true`)
	scrolled := eval[float64](t, ctx, `scrollY`)
	if scrolled < 7000 {
		t.Fatalf("page scrolled only to %v", scrolled)
	}
	tap(t, ctx, ".nav-toggle")
	browsertest.WaitTrue(t, ctx, `document.getElementById("sidebar").getBoundingClientRect().left === 0`)
	if got := eval[float64](t, ctx, `scrollY`); got != scrolled {
		t.Errorf("opening the menu moved the page from %v to %v", scrolled, got)
	}
	inView := `(() => { const r = document.querySelector('#sidebar [aria-current="page"]').getBoundingClientRect();
	  return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; })()`
	if !eval[bool](t, ctx, inView) {
		t.Error("the current page's link is not in the viewport")
	}
	if n := eval[int](t, ctx, `[...document.querySelectorAll("#sidebar a")].filter(a => { const r = a.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }).length`); n < 10 {
		t.Errorf("only %d menu links are in view", n)
	}
	inside := `document.getElementById("sidebar").contains(document.activeElement)`
	if !eval[bool](t, ctx, inside) {
		t.Error("the focus did not move into the menu")
	}
	links := eval[int](t, ctx, `document.querySelectorAll("#sidebar a, #sidebar button").length`)
	for i := 0; i < links+3; i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		if !eval[bool](t, ctx, inside) {
			t.Fatalf("Tab %d left the open menu for %s", i+1, eval[string](t, ctx, `document.activeElement.outerHTML.slice(0, 80)`))
		}
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `!document.getElementById("sidebar").classList.contains("open") && document.activeElement === document.querySelector(".nav-toggle")`)
	if got := eval[float64](t, ctx, `scrollY`); got != scrolled {
		t.Errorf("closing the menu moved the page from %v to %v", scrolled, got)
	}
	if eval[bool](t, ctx, `getComputedStyle(document.getElementById("sidebar")).visibility !== "hidden"`) {
		browsertest.WaitTrue(t, ctx, `getComputedStyle(document.getElementById("sidebar")).visibility === "hidden"`)
	}
}

// contrastJS returns every highlighted token (and plain code block) whose
// colour has a WCAG contrast below 4.5 against its block's background.
const contrastJS = `(() => {
  const parse = c => c.match(/[\d.]+/g).slice(0, 3).map(Number);
  const lum = rgb => { const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const bad = [];
  document.querySelectorAll("pre.code").forEach(pre => {
    const bg = parse(getComputedStyle(pre).backgroundColor);
    [pre.querySelector("code"), ...pre.querySelectorAll("span")].forEach(e => {
      if (!e.textContent.trim()) return;
      const own = getComputedStyle(e).backgroundColor;
      const back = own.startsWith("rgba(0, 0, 0, 0") ? bg : parse(own);
      const r = ratio(parse(getComputedStyle(e).color), back);
      if (r < 4.5) bad.push(e.className + " " + JSON.stringify(e.textContent.slice(0, 20)) + " " + r.toFixed(2));
    });
  });
  return bad;
})()`

// TestCodeReadsInBothSchemes checks the computed contrast of every code
// token in light and dark, and that the reader's choice of scheme is
// remembered across pages.
func TestCodeReadsInBothSchemes(t *testing.T) {
	skipShort(t)
	ctx := browsertest.New(t, 1280, 900)
	dir := builtHandbook(t)
	navigate(t, ctx, "file://"+filepath.Join(dir, codePage))
	if n := eval[int](t, ctx, `document.querySelectorAll("pre.chroma span").length`); n < 50 {
		t.Fatalf("only %d highlighted tokens on the page", n)
	}
	for _, scheme := range []string{"light", "dark"} {
		eval[bool](t, ctx, `document.documentElement.setAttribute("data-scheme", "`+scheme+`"), true`)
		if bad := eval[[]string](t, ctx, contrastJS); len(bad) > 0 {
			t.Errorf("%s: %d code tokens below 4.5:1, e.g. %v", scheme, len(bad), bad[:min(len(bad), 5)])
		}
	}
	eval[bool](t, ctx, `document.documentElement.removeAttribute("data-scheme"), localStorage.clear(), true`)

	// auto → light → dark, remembered on the next page.
	toggle := chromedp.Click(chromedp.CSS(".scheme-toggle"))
	for _, want := range []string{"light", "dark"} {
		if err := chromedp.Do(ctx, toggle); err != nil {
			t.Fatal(err)
		}
		if got := eval[string](t, ctx, `document.documentElement.getAttribute("data-scheme")`); got != want {
			t.Errorf("scheme after a click = %q, want %q", got, want)
		}
	}
	navigate(t, ctx, "file://"+filepath.Join(dir, "index.html"))
	if got := eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`); got != "rgb(13, 17, 23)" {
		t.Errorf("the next page's background is %s, not the dark one", got)
	}
	if got := eval[string](t, ctx, `document.querySelector(".scheme-toggle").textContent`); got != "配色: ダーク" {
		t.Errorf("the toggle says %q", got)
	}
	if err := chromedp.Do(ctx, toggle); err != nil {
		t.Fatal(err)
	}
	if eval[bool](t, ctx, `document.documentElement.hasAttribute("data-scheme") || localStorage.getItem("kb-scheme") !== null`) {
		t.Error("the third click did not go back to the system's scheme")
	}
}

// TestConveniences covers the permalinks, copy buttons, glossary popovers,
// tables and images that fit, 最終更新 and the keyboard shortcuts.
func TestConveniences(t *testing.T) {
	skipShort(t)
	dir := builtHandbook(t)
	ctx := browsertest.New(t, 390, 844)
	navigate(t, ctx, "file://"+filepath.Join(dir, codePage))

	if got := eval[string](t, ctx, `[...document.querySelectorAll(".page-body h2, .page-body h3, .page-body h4")].filter(h => { const a = h.querySelector("a.heading-link"); return !a || a.getAttribute("href") !== "#" + encodeURIComponent(h.id); }).map(h => h.id).join(" ")`); got != "" {
		t.Errorf("headings without a permalink to themselves: %s", got)
	}
	if got := eval[string](t, ctx, `document.querySelector(".page-updated time").textContent`); !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(got) {
		t.Errorf("最終更新 shows %q", got)
	}
	if c, p := eval[int](t, ctx, `document.querySelectorAll(".code-block > button.copy-code").length`), eval[int](t, ctx, `document.querySelectorAll("pre.code").length`); c != p || p == 0 {
		t.Errorf("%d copy buttons for %d code blocks", c, p)
	}
	if got := eval[string](t, ctx, `[...document.querySelectorAll(".content img, .content table, .content pre")].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.tagName).join(" ")`); got != "" {
		t.Errorf("wider than the phone's column: %s", got)
	}
	if got := eval[string](t, ctx, `[...document.querySelectorAll(".content table")].filter(e => e.scrollWidth > e.clientWidth && e.tabIndex !== 0).length + ""`); got != "0" {
		t.Errorf("%s tables scroll sideways but cannot take the focus", got)
	}

	// A first tap on a glossary term shows its definition in the viewport,
	// with a link to the glossary; the page stays.
	before := eval[string](t, ctx, `location.href`)
	eval[bool](t, ctx, `document.querySelector("a.term").scrollIntoView({block: "center"}), true`)
	touch(t, ctx, "a.term")
	browsertest.WaitTrue(t, ctx, `document.querySelector(".term-popover") !== null`)
	if eval[string](t, ctx, `location.href`) != before {
		t.Error("tapping a term left the page")
	}
	if !eval[bool](t, ctx, `(() => { const p = document.querySelector(".term-popover"), r = p.getBoundingClientRect();
	  return r.left >= 0 && r.right <= innerWidth && p.textContent.length > 10 && p.querySelector("a").getAttribute("href") === document.querySelector("a.term").getAttribute("href"); })()`) {
		t.Errorf("popover: %s", eval[string](t, ctx, `document.querySelector(".term-popover").outerHTML`))
	}

	// "/" goes to the search box; arrows typed there stay there; outside, → turns the page.
	// One keyDown carrying its text, as a keyboard sends it: the shortcut
	// must keep the "/" out of the box.
	for _, ev := range []input.DispatchKeyEventParams{
		{Type: input.DispatchKeyEventTypeKeyDown, Key: "/", Code: "Slash", Text: "/", WindowsVirtualKeyCode: 191},
		{Type: input.DispatchKeyEventTypeKeyUp, Key: "/", Code: "Slash", WindowsVirtualKeyCode: 191},
	} {
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, ev); err != nil {
			t.Fatal(err)
		}
	}
	if got := eval[string](t, ctx, `document.activeElement.id`); got != "search-q" {
		t.Errorf(`"/" focused %q, not the search box`, got)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("ab"+kb.ArrowRight+kb.ArrowLeft)); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `location.href`); got != before {
		t.Errorf("arrows typed in the search box turned the page to %s", got)
	}
	if got := eval[string](t, ctx, `document.getElementById("search-q").value`); got != "ab" {
		t.Errorf("the search box holds %q", got)
	}
	next := eval[string](t, ctx, `document.querySelector('.prev-next a[rel="next"]').href`)
	eval[bool](t, ctx, `document.activeElement.blur(), true`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowRight)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, fmt.Sprintf(`location.href === %q`, next))
}

// TestSearchResultsComeFirstOnPhones checks that the search filters are
// folded on a phone and open on a desktop.
func TestSearchResultsComeFirstOnPhones(t *testing.T) {
	skipShort(t)
	base := hostSite(t, builtHandbook(t))
	for _, c := range []struct {
		width int
		open  bool
	}{{390, false}, {1280, true}} {
		ctx := browsertest.New(t, c.width, 844)
		navigate(t, ctx, base+"/search/index.html?q=%E3%83%90%E3%83%83%E3%82%AF%E3%82%A2%E3%83%83%E3%83%97")
		browsertest.WaitTrue(t, ctx, `document.querySelector(".search-results li") !== null && document.querySelector("details.search-facets") !== null`)
		if got := eval[bool](t, ctx, `document.querySelector("details.search-facets").open`); got != c.open {
			t.Errorf("%dpx: filters open = %v, want %v", c.width, got, c.open)
		}
		if !eval[bool](t, ctx, `document.querySelector(".search-results li").getBoundingClientRect().bottom <= innerHeight`) {
			t.Errorf("%dpx: the first result is below the fold", c.width)
		}
	}
}

// TestNotFoundPageWorksFromAnyDepth opens a mistyped deep URL and follows
// every link of the 404 page.
func TestNotFoundPageWorksFromAnyDepth(t *testing.T) {
	skipShort(t)
	base := hostSite(t, builtHandbook(t))
	ctx := browsertest.New(t, 390, 844)
	navigate(t, ctx, base+"/07-procedures/no-such-folder/zero-trust/backup-plan.html")
	if got := eval[string](t, ctx, `document.querySelector("h1").textContent`); got != "ページが見つかりません" {
		t.Fatalf("h1 %q", got)
	}
	if got := eval[string](t, ctx, `getComputedStyle(document.querySelector(".site-header")).position`); got != "sticky" {
		t.Errorf("the stylesheet did not load (header position %q)", got)
	}
	if got := eval[string](t, ctx, `document.getElementById("notfound-q").value`); got != "procedures no such folder zero trust backup plan" {
		t.Errorf("the search box offers %q", got)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Promise.all([...document.querySelectorAll("a[href]:not([href^='#'])"), ...document.querySelectorAll("form[action]")].map(a => {
	  const u = a.href || a.action; return fetch(u).then(r => r.ok ? "" : u + " " + r.status); })).then(l => l.filter(Boolean))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 0 {
		t.Errorf("links of the 404 page that lead nowhere: %v", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#sidebar a").length`); n < 8 {
		t.Errorf("the 404 page's menu has %d links", n)
	}
	if err := chromedp.Do(ctx, chromedp.Submit(chromedp.CSS("#notfound-q"))); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `location.pathname === "/search/index.html" && document.getElementById("search-q").value.includes("zero")`)
}

// TestNoSeriousAccessibilityViolations runs axe-core on the top page, a
// long chapter page, the search page and the glossary, on a phone and a
// desktop, in light and dark.
func TestNoSeriousAccessibilityViolations(t *testing.T) {
	skipShort(t)
	base := hostSite(t, builtHandbook(t))
	pages := []string{"/index.html", "/" + longPage, "/search/index.html?q=%E3%83%91%E3%82%B9%E3%83%AF%E3%83%BC%E3%83%89", "/annex/glossary/index.html"}
	for _, size := range [][2]int{{390, 844}, {1280, 900}} {
		ctx := browsertest.New(t, size[0], size[1])
		for _, page := range pages {
			navigate(t, ctx, base+page)
			browsertest.WaitTrue(t, ctx, `document.readyState === "complete"`)
			for _, scheme := range []string{"light", "dark"} {
				eval[bool](t, ctx, `document.documentElement.setAttribute("data-scheme", "`+scheme+`"), true`)
				for _, v := range browsertest.Axe(t, ctx) {
					t.Errorf("%s at %dpx, %s: %s (%s, %s): %s", page, size[0], scheme, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "; "))
				}
			}
		}
	}
}

// TestPrintEditionGivesAnA4PDF prints the fixture site's print edition from
// Chromium: A4 pages, the cover and the table of contents on pages of their
// own and each chapter starting a page, and in-document links that work.
func TestPrintEditionGivesAnA4PDF(t *testing.T) {
	skipShort(t)
	dir := builtFixture(t)
	ctx := browsertest.New(t, 1280, 900)
	navigate(t, ctx, "file://"+filepath.Join(dir, "print", "index.html"))
	chapters := eval[int](t, ctx, `document.querySelectorAll(".print-page.chapter").length`)
	if chapters < 2 {
		t.Fatalf("%d chapters in the print edition", chapters)
	}
	if broken := eval[[]string](t, ctx, `[...document.querySelectorAll("a[href^='#']")].map(a => decodeURIComponent(a.getAttribute("href").slice(1))).filter(id => !document.getElementById(id))`); len(broken) > 0 {
		t.Errorf("in-document links without a target: %v", broken)
	}
	prefer := true
	res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &prefer})
	if err != nil {
		t.Fatal(err)
	}
	pages := regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(res.Data, -1)
	if len(pages) < chapters+2 {
		t.Errorf("the PDF has %d pages for a cover, a table of contents and %d chapters", len(pages), chapters)
	}
	// A4 is 595.28 × 841.89 points; Chromium rounds to its own units.
	box := regexp.MustCompile(`/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]`).FindSubmatch(res.Data)
	if box == nil {
		t.Fatal("no MediaBox in the PDF")
	}
	w, _ := strconv.ParseFloat(string(box[1]), 64)
	h, _ := strconv.ParseFloat(string(box[2]), 64)
	if math.Abs(w-595.28) > 1 || math.Abs(h-841.89) > 1 {
		t.Errorf("the PDF's pages are %.2f × %.2f points, not A4", w, h)
	}
}
