package markdown

import (
	"strings"
	"testing"
)

// The emphasis cases come from the CommonMark CJK-friendly amendment
// (github.com/tats-u/markdown-cjk-friendly): delimiter runs between
// punctuation and CJK text open and close emphasis.
func TestCJKFriendlyEmphasis(t *testing.T) {
	tests := []struct{ in, want string }{
		{"**被演算子（オペランド）**と呼ぶ。", "<p><strong>被演算子（オペランド）</strong>と呼ぶ。</p>\n"},
		{"これは*強調。*です", "<p>これは<em>強調。</em>です</p>\n"},
		{"これは**「鍵」**です", "<p>これは<strong>「鍵」</strong>です</p>\n"},
		{"**〔注〕**本文", "<p><strong>〔注〕</strong>本文</p>\n"},
		{"〔**注**〕", "<p>〔<strong>注</strong>〕</p>\n"},
		// Plain CommonMark is unchanged.
		{"**foo**bar and *a*", "<p><strong>foo</strong>bar and <em>a</em></p>\n"},
		{"a**\"foo\"**b", "<p>a**&quot;foo&quot;**b</p>\n"},
		{"snake_case_name", "<p>snake_case_name</p>\n"},
		{"2 * 3 * 4", "<p>2 * 3 * 4</p>\n"},
	}
	p := New(Options{})
	for _, tt := range tests {
		if got := render(t, p, tt.in, RenderOptions{}); got != tt.want {
			t.Errorf("%s\n got  %q\n want %q", tt.in, got, tt.want)
		}
	}
}

func TestContainersAsCallouts(t *testing.T) {
	src := "::: tip 覚え方\n三つ覚える。\n:::\n\n::: danger\n危険。\n:::\n\n:::: details 詳しく\n::: warning\n中。\n:::\n::::\n"
	got := render(t, New(Options{}), src, RenderOptions{})
	for _, want := range []string{
		`<aside class="callout callout-tip" role="note" aria-label="覚え方"><p class="callout-label">覚え方</p>` + "\n<p>三つ覚える。</p>\n</aside>",
		`<aside class="callout callout-caution" role="note" aria-label="注意"><p class="callout-label">注意</p>` + "\n<p>危険。</p>\n</aside>",
		`<details class="callout callout-details"><summary class="callout-label">詳しく</summary>` + "\n" + `<aside class="callout callout-warning"`,
		"</aside>\n</details>\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, ":::") {
		t.Errorf("colons left in the page:\n%s", got)
	}
}

func TestUnknownContainerAndCalloutAreWarnings(t *testing.T) {
	src := "# T\n\n::: code-group\n```sh\nls\n```\n:::\n\n> [!WARNIG]\n> 本文\n\n> [!note] 題\n> 小文字も可\n"
	doc := New(Options{}).Parse([]byte(src), 3)
	var got []string
	for _, d := range doc.Problems {
		got = append(got, d.String())
	}
	want := []string{
		":5:1: warning: unknown container ::: code-group (kb knows ::: tip, info, note, important, warning, danger, caution, details and the callout kinds by name; the content is shown in a plain box)",
		":11:3: warning: unknown callout [!WARNIG], shown as a quote (did you mean [!WARNING]?)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var b strings.Builder
	if err := Render(&b, doc, fakeResolver{}, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if html := b.String(); !strings.Contains(html, `<div class="container">`) || !strings.Contains(html, `aria-label="題"`) {
		t.Errorf("page:\n%s", html)
	}
}

func TestHTMLCommentsDropped(t *testing.T) {
	src := "<!-- 冒頭のメモ -->\n\n# 題 {#top}\n\n本文<!-- 行内 -->です。\n\n<!--\n複数行\n-->\n\n<b>太字</b>\n"
	for _, unsafe := range []bool{false, true} {
		doc := New(Options{UnsafeHTML: unsafe}).Parse([]byte(src), 1)
		if doc.Title != "題" || doc.TitleID != "top" {
			t.Errorf("unsafe=%v: title %q #%s, want 題 #top", unsafe, doc.Title, doc.TitleID)
		}
		var b strings.Builder
		if err := Render(&b, doc, fakeResolver{}, RenderOptions{}); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		if strings.Contains(html, "<!--") || strings.Contains(html, "&lt;!--") || strings.Contains(html, "メモ") {
			t.Errorf("unsafe=%v: comment shown:\n%s", unsafe, html)
		}
		wantBold := "&lt;b&gt;太字&lt;/b&gt;"
		if unsafe {
			wantBold = "<b>太字</b>"
		}
		if !strings.Contains(html, wantBold) {
			t.Errorf("unsafe=%v: raw HTML not %s:\n%s", unsafe, wantBold, html)
		}
	}
}
