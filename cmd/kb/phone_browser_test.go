package main

import (
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/browsertest"
)

// phonePages are the pages a reader opens most on a phone: the top page, a
// chapter, a page with a two-column table (7.5.2), the glossary, search
// results and the 404 page.
var phonePages = []string{
	"/index.html",
	"/07-procedures/index.html",
	"/07-procedures/05-technical/02-backup-logging/index.html",
	"/annex/glossary/index.html",
	"/search/index.html?q=%E3%83%90%E3%83%83%E3%82%AF%E3%82%A2%E3%83%83%E3%83%97",
	"/no/such/page/",
}

// phoneProblemsJS lists what is wrong with the page on a phone: a page
// wider than the screen, a word of a table's first header broken over two
// lines, a control or a link of the theme standing on its own (not inside
// running text) smaller than 44×44 CSS pixels, the size WCAG 2.5.5 asks for.
const phoneProblemsJS = `(() => {
  const out = [];
  const root = document.documentElement;
  if (root.scrollWidth > innerWidth) out.push("page is " + root.scrollWidth + "px wide");
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden"; };
  const name = e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).trim().split(/\s+/).join(".") : "") + " " + JSON.stringify((e.textContent || e.getAttribute("aria-label") || e.value || "").trim().slice(0, 20));
  for (const table of document.querySelectorAll("main table")) {
    const th = table.querySelector("tr > :first-child");
    const text = th && th.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE) continue;
    // Each word of the header must stay on one line.
    const re = /[^\s、。（）()・／/]+/g;
    for (let m; (m = re.exec(text.data)); ) {
      const range = document.createRange();
      range.setStart(text, m.index); range.setEnd(text, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (tops.size > 1) out.push("the first column of the table headed " + JSON.stringify(text.data) + " breaks " + JSON.stringify(m[0]) + " over " + tops.size + " lines");
    }
  }
  // Running text: a link whose block holds other text too.
  const inText = e => {
    for (let b = e.parentElement; b; b = b.parentElement) {
      const d = getComputedStyle(b).display;
      if (d !== "inline" && d !== "contents") return b.textContent.trim() !== e.textContent.trim() && !b.matches("nav *, nav, .site-footer p, .page-meta, .search-pager, .sidebar-links");
    }
    return false;
  };
  for (const e of document.querySelectorAll("a[href], button, input:not([type=hidden]), summary, select")) {
    // The author's text (links in sentences, in table cells, glossary
    // terms) is exempt, as WCAG exempts links in running text; the theme's
    // own links and controls are not.
    if (!visible(e) || e.closest(".visually-hidden, .skip-link") || e.closest(".page-body") || inText(e)) continue;
    const r = e.getBoundingClientRect();
    if (r.width < 44 || r.height < 44) out.push(name(e) + " is " + Math.round(r.width) + "×" + Math.round(r.height));
  }
  return [...new Set(out)];
})()`

// TestPhonePagesFit opens the reader's most common pages at 390 px, in
// light and dark, and checks that nothing spills over the screen, that the
// first columns of tables keep their headers' words whole, and that every
// control and stand-alone link is big enough to tap.
func TestPhonePagesFit(t *testing.T) {
	skipShort(t)
	base := hostSite(t, builtHandbook(t))
	ctx := browsertest.New(t, 390, 844)
	for _, page := range phonePages {
		navigate(t, ctx, base+page)
		browsertest.WaitTrue(t, ctx, `document.readyState === "complete"`)
		for _, scheme := range []string{"light", "dark"} {
			eval[bool](t, ctx, `document.documentElement.setAttribute("data-scheme", "`+scheme+`"), true`)
			if problems := eval[[]string](t, ctx, phoneProblemsJS); len(problems) > 0 {
				t.Errorf("%s, %s:\n  %s", page, scheme, strings.Join(problems, "\n  "))
			}
		}
	}
	// The menu drawer, open, over a chapter page.
	navigate(t, ctx, base+phonePages[2])
	browsertest.WaitTrue(t, ctx, `document.documentElement.classList.contains("js")`)
	tap(t, ctx, ".nav-toggle")
	browsertest.WaitTrue(t, ctx, `document.getElementById("sidebar").classList.contains("open") && getComputedStyle(document.getElementById("sidebar")).transform === "none"`)
	if problems := eval[[]string](t, ctx, phoneProblemsJS); len(problems) > 0 {
		t.Errorf("%s with the menu open:\n  %s", phonePages[2], strings.Join(problems, "\n  "))
	}
}
