package markdown

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// fakeResolver resolves every link to "resolved:" + dest and numbers nothing
// but the headings it is told about.
type fakeResolver struct {
	numbers map[string]string
}

func (f fakeResolver) Link(dest string) LinkDecision {
	return LinkDecision{Href: "resolved:" + dest, Fill: "filled " + dest}
}
func (f fakeResolver) Image(dest string) LinkDecision { return LinkDecision{Href: "resolved:" + dest} }
func (f fakeResolver) HeadingNumber(id string) string { return f.numbers[id] }
func (f fakeResolver) TermHref(id string) string      { return "glossary.html#" + id }
func (f fakeResolver) FigureNumber(i int) string      { return "9." + strconv.Itoa(i+1) }

func render(t *testing.T, p *Parser, src string, opts RenderOptions) string {
	t.Helper()
	doc := p.Parse([]byte(src), 1)
	var b bytes.Buffer
	if err := Render(&b, doc, fakeResolver{}, opts); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"多要素認証 (MFA)", "多要素認証-mfa"},
		{"Hello, World!", "hello-world"},
		{"バックアップの取得・復元", "バックアップの取得復元"},
		{"snake_case and-dash", "snake_case-and-dash"},
		{"ＥＤＲの導入", "ｅｄｒの導入"},
		{"3-2-1 ルール", "3-2-1-ルール"},
	}
	for _, tt := range tests {
		if got := Slug(tt.in); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHeadingIDs(t *testing.T) {
	src := "## 多要素認証 (MFA)\n\n## 概要\n\n## 概要\n\n## 明示 {#explicit}\n\n### [リンク](x.md) 付き\n"
	doc := New(Options{}).Parse([]byte(src), 1)
	var ids []string
	for _, h := range doc.Headings {
		ids = append(ids, h.ID)
	}
	want := "多要素認証-mfa 概要 概要-1 explicit リンク-付き"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("ids = %q, want %q", got, want)
	}
}

func TestLeadingH1IsTitle(t *testing.T) {
	doc := New(Options{}).Parse([]byte("# ページの題\n\n本文です。\n"), 5)
	if doc.Title != "ページの題" {
		t.Errorf("Title = %q", doc.Title)
	}
	if doc.Lead(fakeResolver{}) != "本文です。" {
		t.Errorf("Lead = %q", doc.Lead(fakeResolver{}))
	}
}

func TestCJKLinesJoinWithoutSpace(t *testing.T) {
	got := render(t, New(Options{}), "日本語の文章は\n改行しても続きます。\nEnglish words\nkeep a space.\n", RenderOptions{})
	if !strings.Contains(got, "日本語の文章は改行しても続きます。") {
		t.Errorf("Japanese lines not joined: %q", got)
	}
	if !strings.Contains(got, "English words\nkeep") {
		t.Errorf("English line break lost: %q", got)
	}
}

func TestCallouts(t *testing.T) {
	tests := []struct{ src, want string }{
		{"> [!NOTE]\n> 本文\n", `<aside class="callout callout-note" role="note" aria-label="注記"><p class="callout-label">注記</p>` + "\n<p>本文</p>\n</aside>"},
		{"> [!参照資料]\n> IPA のガイドライン\n", `callout-references`},
		{"> [!要約資料]\n> - 一つ目\n", `callout-summary`},
		{"> [!補足]\n>\n> 段落\n", `<p class="callout-label">補足</p>` + "\n<p>段落</p>"},
		{"> [!UNKNOWN]\n> 普通の引用\n", `<blockquote>`},
		{"> 普通の引用\n", `<blockquote>`},
	}
	p := New(Options{})
	for _, tt := range tests {
		if got := render(t, p, tt.src, RenderOptions{}); !strings.Contains(got, tt.want) {
			t.Errorf("%q rendered as\n%s\nwant it to contain %q", tt.src, got, tt.want)
		}
	}
}

func TestLinksAreResolvedAndLocated(t *testing.T) {
	src := "前置き\n\n本文 [バックアップ](../07/x.md#backup) と [](y.md) と ![図](img.png)\n"
	p := New(Options{})
	doc := p.Parse([]byte(src), 10)
	if len(doc.Links) != 3 {
		t.Fatalf("links = %+v", doc.Links)
	}
	want := []Link{
		{Dest: "../07/x.md#backup", Line: 12, Col: 4},
		{Dest: "y.md", Line: 12, Col: 34, Empty: true},
		{Dest: "img.png", Line: 12, Col: 45, Image: true},
	}
	for i, w := range want {
		if doc.Links[i] != w {
			t.Errorf("link %d = %+v, want %+v", i, doc.Links[i], w)
		}
	}
	got := render(t, p, src, RenderOptions{})
	for _, w := range []string{`<a href="resolved:../07/x.md#backup">バックアップ</a>`, `<a href="resolved:y.md">filled y.md</a>`, `<img src="resolved:img.png" alt="図">`} {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %s:\n%s", w, got)
		}
	}
}

func TestRawHTMLEscapedUnlessUnsafe(t *testing.T) {
	src := "<script>alert(1)</script>\n\n段落に <b>太字</b>。\n"
	p := New(Options{})
	safe := render(t, p, src, RenderOptions{})
	if strings.Contains(safe, "<script>") || strings.Contains(safe, "<b>") {
		t.Errorf("raw HTML leaked: %s", safe)
	}
	if !strings.Contains(safe, "&lt;script&gt;") || !strings.Contains(safe, "&lt;b&gt;") {
		t.Errorf("raw HTML not shown as text: %s", safe)
	}
	unsafe := render(t, New(Options{UnsafeHTML: true}), src, RenderOptions{})
	if !strings.Contains(unsafe, "<b>太字</b>") {
		t.Errorf("unsafe_html did not pass HTML through: %s", unsafe)
	}
}

func TestCodeHighlighting(t *testing.T) {
	p := New(Options{})
	got := render(t, p, "```powershell\nGet-BitLockerVolume -MountPoint \"C:\"\n```\n", RenderOptions{})
	if !strings.Contains(got, `<pre class="code chroma"><code class="language-powershell">`) || !strings.Contains(got, `<span class="`) {
		t.Errorf("not highlighted: %s", got)
	}
	plain := render(t, p, "```nosuchlang\n<x> & y\n```\n", RenderOptions{})
	if !strings.Contains(plain, `<pre class="code"><code class="language-nosuchlang">&lt;x&gt; &amp; y`) {
		t.Errorf("unknown language not rendered plain: %s", plain)
	}
}

func TestGlossaryMarksFirstOccurrenceLongestFirst(t *testing.T) {
	terms := []Term{{Text: "WAN", Title: "広域網", ID: "term-wan"}, {Text: "SD-WAN", Title: "ソフトウェア定義WAN", ID: "term-sd-wan"},
		{Text: "IPS", Title: "侵入防止", ID: "term-ips"}}
	p := New(Options{Glossary: terms})
	src := "## SD-WAN の見出し\n\nSD-WAN は WAN を束ねます。SD-WAN と WAN の違い。IPSec は IPS ではない。`WAN` [WAN](x.md)\n"
	got := render(t, p, src, RenderOptions{})
	if strings.Count(got, "<abbr") != 3 {
		t.Errorf("want 3 marked terms (SD-WAN, WAN, IPS once each):\n%s", got)
	}
	if !strings.Contains(got, `<a class="term" href="glossary.html#term-sd-wan"><abbr title="ソフトウェア定義WAN">SD-WAN</abbr></a> は <a class="term" href="glossary.html#term-wan"><abbr title="広域網">WAN</abbr></a>`) {
		t.Errorf("terms not marked where they first appear:\n%s", got)
	}
	if strings.Contains(got, "<h2") && strings.Contains(strings.Split(got, "</h2>")[0], "abbr") {
		t.Errorf("term marked inside a heading:\n%s", got)
	}
	if !strings.Contains(got, "IPSec は <a") {
		t.Errorf("IPS matched inside IPSec:\n%s", got)
	}
}

func TestExtractTerms(t *testing.T) {
	src := "EDR\n: Endpoint Detection and Response（イーディーアール）。端末の挙動を監視する仕組み。さらに説明。\n\nゼロトラスト\n: 何も信頼しない前提で都度確認する考え方。\n"
	doc := New(Options{}).Parse([]byte(src), 1)
	terms := ExtractTerms(doc)
	if len(terms) != 2 || terms[0].Text != "EDR" || terms[1].Text != "ゼロトラスト" {
		t.Fatalf("terms = %+v", terms)
	}
	if terms[0].Title != "Endpoint Detection and Response（イーディーアール）。" {
		t.Errorf("title = %q", terms[0].Title)
	}
	if ids := doc.TermIDs(); len(ids) != 2 || ids[0] != "term-edr" {
		t.Errorf("term ids = %v", ids)
	}
}

func TestFootnotePrefix(t *testing.T) {
	got := render(t, New(Options{}), "本文[^1]\n\n[^1]: 注記\n", RenderOptions{FootnotePrefix: "p7-"})
	if !strings.Contains(got, `id="p7-fn:1"`) {
		t.Errorf("footnote ids not prefixed: %s", got)
	}
}

func TestEmptyLinksReadAsTheirFillTextInPlainText(t *testing.T) {
	doc := New(Options{}).Parse([]byte("詳しくは[](a.md#x)（[](b.md)）を参照。\n"), 1)
	if got := doc.Lead(fakeResolver{}); got != "詳しくはfilled a.md#x（filled b.md）を参照。" {
		t.Errorf("lead = %q", got)
	}
}

func TestSectionsForSearch(t *testing.T) {
	src := "リード文。\n\n## 鍵の管理 {#keys}\n\n> [!補足]\n> 金庫に保管\n\n### 手順\n\n```bash\necho hi\n```\n"
	doc := New(Options{}).Parse([]byte(src), 1)
	sections := doc.PlainSections(fakeResolver{})
	if len(sections) != 3 {
		t.Fatalf("sections = %+v", sections)
	}
	s := sections[1]
	if s.HeadingID != "keys" || s.Title != "鍵の管理" || s.Text != "補足 金庫に保管" && s.Text != "金庫に保管" || len(s.Callouts) != 1 {
		t.Errorf("section = %+v", s)
	}
	if !strings.Contains(sections[2].Text, "echo hi") {
		t.Errorf("code text missing: %+v", sections[2])
	}
}

func TestLeadOnlyKeepsTheLead(t *testing.T) {
	src := "リード文。\n\n## 鍵の管理 {#keys}\n\n本文\n"
	doc := New(Options{LeadOnly: true}).Parse([]byte(src), 1)
	if got := doc.Lead(fakeResolver{}); got != "リード文。" {
		t.Errorf("lead = %q", got)
	}
	if got := doc.PlainSections(fakeResolver{}); len(got) != 1 {
		t.Errorf("sections = %+v, want the lead alone", got)
	}
	if len(doc.Headings) != 1 {
		t.Errorf("headings = %+v; they are still collected for the page", doc.Headings)
	}
}

func TestTableAlignmentAndRawHTMLInXHTML(t *testing.T) {
	p := New(Options{UnsafeHTML: true})
	src := "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n<b>太字</b>\n"
	for _, xhtml := range []bool{false, true} {
		got := render(t, p, src, RenderOptions{XHTML: xhtml})
		if strings.Contains(got, "align=") || !strings.Contains(got, `style="text-align:right"`) {
			t.Errorf("xhtml=%v: table alignment not a style attribute: %s", xhtml, got)
		}
		if xhtml == strings.Contains(got, "<b>太字</b>") {
			t.Errorf("xhtml=%v: raw HTML should pass only into HTML: %s", xhtml, got)
		}
	}
}

func TestGlossaryTitleGoesPastTheReading(t *testing.T) {
	doc := New(Options{}).Parse([]byte("脆弱性\n: （ぜいじゃくせい）。ソフトウェアの設計や実装の欠陥で、攻撃に悪用されうるもの。\n"), 1)
	terms := ExtractTerms(doc)
	if len(terms) != 1 || !strings.Contains(terms[0].Title, "欠陥") {
		t.Errorf("terms = %+v", terms)
	}
}

func TestNoXHTMLIsAnErrorNotAnEmptyPage(t *testing.T) {
	doc := New(Options{NoXHTML: true}).Parse([]byte("本文\n"), 1)
	var b bytes.Buffer
	if err := Render(&b, doc, fakeResolver{}, RenderOptions{}); err != nil || !strings.Contains(b.String(), "本文") {
		t.Errorf("HTML: %v %q", err, b.String())
	}
	if err := Render(&b, doc, fakeResolver{}, RenderOptions{XHTML: true}); err == nil {
		t.Error("rendering XHTML of a page parsed without it did not fail")
	}
}

// A fragment kb's parser never writes must fail Render without leaving a
// partial page in the caller's buffer.
func TestRenderWritesNothingOnError(t *testing.T) {
	for _, frag := range []string{"<p>a\x00", "<p>a\x00L\x00", "<p>a\x00L7\x00</p>"} {
		b := bytes.NewBufferString("before|")
		doc := &Doc{html: []byte(frag)}
		if err := Render(b, doc, fakeResolver{}, RenderOptions{}); err == nil {
			t.Errorf("%q: no error", frag)
		}
		if b.String() != "before|" {
			t.Errorf("%q: buffer holds %q after the error", frag, b.String())
		}
	}
}

// A table reads row by row in plain text, so that a search snippet taken
// from the middle of it still shows which cells belong together.
func TestTablesReadRowByRowInPlainText(t *testing.T) {
	src := "| 数字 | 意味 |\n|---|---|\n| 3 | データを**3つ**持つ |\n| 1 | 一つは社外 |\n\n後の段落。\n"
	doc := New(Options{}).Parse([]byte(src), 1)
	want := "数字｜意味 ／ 3｜データを3つ持つ ／ 1｜一つは社外\n後の段落。"
	if got := doc.Lead(fakeResolver{}); got != want {
		t.Errorf("lead = %q, want %q", got, want)
	}
}

// TestGlossaryAliases: several terms before one definition are one entry,
// each term with the definition and the entry's first term, each with its
// own anchor.
func TestGlossaryAliases(t *testing.T) {
	src := "多要素認証\n2段階認証\n2要素認証\n: 異なる二つ以上の要素を組み合わせる認証。\n\nEDR\n: 端末を監視する仕組み。\n"
	doc := New(Options{}).Parse([]byte(src), 1)
	terms := ExtractTerms(doc)
	if len(terms) != 4 {
		t.Fatalf("terms = %+v", terms)
	}
	for i, want := range [][2]string{{"多要素認証", "多要素認証"}, {"2段階認証", "多要素認証"}, {"2要素認証", "多要素認証"}, {"EDR", "EDR"}} {
		if terms[i].Text != want[0] || terms[i].Entry != want[1] {
			t.Errorf("term %d = %+v, want %s of the entry %s", i, terms[i], want[0], want[1])
		}
	}
	for _, term := range terms[:3] {
		if term.Title != "異なる二つ以上の要素を組み合わせる認証。" {
			t.Errorf("%s: title %q", term.Text, term.Title)
		}
	}
	if ids := doc.TermIDs(); !slices.Equal(ids, []string{"term-多要素認証", "term-2段階認証", "term-2要素認証", "term-edr"}) {
		t.Errorf("term ids = %v", ids)
	}
	html := render(t, New(Options{}), src, RenderOptions{})
	if strings.Count(html, "<dt") != 4 || strings.Count(html, "<dd") != 2 {
		t.Errorf("the entry is not three terms and one definition:\n%s", html)
	}
}
