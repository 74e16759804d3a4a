package ebook

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/layouts"
)

func TestIdentifier(t *testing.T) {
	// Values from Python's uuid.uuid5(uuid.NAMESPACE_URL, name).
	tests := []struct{ title, version, want string }{
		{"http://example.com/", "1", "urn:uuid:66b6634f-e34c-570e-b4cd-fa43e152bf38"},
		{"電子書籍テスト用ハンドブック", "2.1.0", "urn:uuid:c73eee5b-8617-5a76-a1a9-0892d6b42ce8"},
	}
	for _, tt := range tests {
		if got := Identifier(tt.title, tt.version); got != tt.want {
			t.Errorf("Identifier(%q, %q) = %s, want %s", tt.title, tt.version, got, tt.want)
		}
	}
}

// wantContains fails for each snippet the named document of u lacks.
func wantContains(t *testing.T, u *unpacked, name string, snippets ...string) {
	t.Helper()
	doc, ok := u.files[name]
	if !ok {
		t.Errorf("no %s in the book", name)
		return
	}
	for _, s := range snippets {
		if !bytes.Contains(doc, []byte(s)) {
			t.Errorf("%s lacks %s", name, s)
		}
	}
}

func TestFixtureBook(t *testing.T) {
	s := loadSite(t, fixtureRoot)
	sel := Whole(s)
	data := buildBook(t, s, sel, fixtureRoot)
	checkBook(t, data, s, sel)
	u := unpack(t, data)

	const x = "EPUB/xhtml/"
	wantContains(t, u, x+coverFile, "<h1>電子書籍テスト用ハンドブック</h1>", "第 2.1.0 版（2026年3月4日）",
		"テスト編集委員会 著", "発行：テスト出版株式会社")
	wantContains(t, u, navName, "<h1>目次</h1>", `epub:type="landmarks"`, `epub:type="cover" href="xhtml/cover.xhtml"`)
	wantContains(t, u, x+"p-top.xhtml",
		`<a href="p-01-basics.xhtml">1 基本</a>`, // an empty link filled with number and title
		`<a href="p-02-measures_01-accounts_passwords.xhtml#%E5%A4%9A%E8%A6%81%E7%B4%A0%E8%AA%8D%E8%A8%BC">アカウント管理</a>`,
		`<span class="offbook">EPUB版をダウンロード</span><span class="offbook-note">（ウェブ版から入手できます）</span>`,
		`<th style="text-align:center">内容</th>`, `<h2 id="structure">構成</h2>`, "<h2>改版履歴</h2>", "<td>2026-03-04</td><td>初版</td>")
	wantContains(t, u, x+"p-01-basics.xhtml",
		`<p class="children-title">`, `<li><a href="p-01-basics_overview.xhtml">1.1 概要と図</a></li>`)
	wantContains(t, u, x+"p-01-basics_overview.xhtml",
		`<h1><span class="secno">1.1</span> 概要と図</h1>`,
		`<span class="tag role">一般従業員</span>`, `<span class="tag level">LV.1 クイックアプローチ</span>`,
		`<img src="../images/img-001.svg" alt="全体の構成図" />`, `<img src="../images/img-002.png" alt="写真" />`,
		// a figure: the SVG embedded once, numbered after the page
		`<figure id="fig-overview">`+"\n"+`<img src="../images/img-001.svg" alt="守る対象と仕組みの関係" />`+"\n"+
			`<figcaption><span class="figno">図 1.1.1</span> 情報資産の全体像</figcaption>`+"\n</figure>",
		`<span class="offbook">外部の画像</span><span class="offbook-note">（画像はウェブ版を参照してください）</span>`,
		"<p>構成図の原本と", // a link to an embedded image is text: images are not spine items
		`<span class="offbook">配布資料（PDF）</span><span class="offbook-note">（ウェブ版から入手できます）</span>`,
		`<a href="https://www.ipa.go.jp/security/guide/sme/about.html">外部のガイド</a>`,
		`<h2 id="守るべきもの"><span class="secno">1.1.1</span> 守るべきもの</h2>`,
		`<aside class="callout callout-warning"`, `<aside class="callout callout-references"`,
		`<pre class="code chroma"><code class="language-go">`,
		`<a class="term" href="p-annex_glossary.xhtml#term-sd-wan"><abbr title=`,
		`id="p-01-basics_overview-fn:1"`)
	wantContains(t, u, x+"p-02-measures_01-accounts_passwords.xhtml",
		`<a href="#%E3%83%91%E3%82%B9%E3%83%95%E3%83%AC%E3%83%BC%E3%82%BA">2.1.1.2 パスフレーズ</a>`,
		// an empty link to a figure on another page: its label, number and caption
		`<a href="p-01-basics_overview.xhtml#fig-overview">図 1.1.1 情報資産の全体像</a>`,
		`id="p-02-measures_01-accounts_passwords-fn:2"`, `<input checked="" disabled="" type="checkbox" />`)
	css, err := fs.ReadFile(layouts.FS, "epub/epub.css")
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, u, "EPUB/css/epub.css", string(css), ".chroma")
	for _, img := range []struct{ book, source string }{
		{"EPUB/images/img-001.svg", "01-basics/diagram.svg"},
		{"EPUB/images/img-002.png", "01-basics/photo.png"},
	} {
		src, err := readFrom(fixtureRoot)(img.source)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(u.files[img.book], src) {
			t.Errorf("%s does not hold %s", img.book, img.source)
		}
	}
	for name, b := range u.files {
		if bytes.Contains(b, []byte(` align="`)) {
			t.Errorf("%s: align attribute (not HTML5)", name)
		}
	}
}

func TestEditions(t *testing.T) {
	s := loadSite(t, fixtureRoot)
	paths := func(sel Selection) []string {
		var list []string
		for _, p := range sel.Pages {
			list = append(list, p.Source.Path)
		}
		return list
	}
	const x = "EPUB/xhtml/"
	tests := []struct {
		id, title, file string
		pages           []string
		docs            map[string][]string // document → snippets
	}{
		{
			id: "employee", title: "電子書籍テスト用ハンドブック（一般従業員版）", file: "handbook-employee.epub",
			pages: []string{"_index.md", "01-basics/_index.md", "01-basics/overview.md", "02-measures/01-accounts/passwords.md",
				"annex/_index.md", "annex/glossary.md", "guides/_index.md", "guides/employee.md"},
			docs: map[string][]string{
				x + coverFile: {`<p class="edition">一般従業員版</p>`},
				x + "p-guides_employee.xhtml": {
					`<a href="p-01-basics_overview.xhtml">1.1 概要と図</a>`,
					`<span class="offbook">2 対策</span><span class="offbook-note">（この版には収録していません。全体版を参照してください）</span>`,
					`<span class="offbook">管理者の対策</span><span class="offbook-note">（この版には収録していません。全体版の「2.1 アカウント」を参照してください）</span>`,
				},
				x + "p-02-measures_01-accounts_passwords.xhtml": {
					`<span class="offbook">2 対策</span><span class="offbook-note">（この版には収録していません。全体版を参照してください）</span>`,
				},
			},
		},
		{
			id: "admin", title: "電子書籍テスト用ハンドブック（システム管理者・担当者向け）", file: "handbook-admin.epub",
			pages: []string{"_index.md", "01-basics/_index.md", "02-measures/_index.md", "02-measures/01-accounts/_index.md",
				"02-measures/01-accounts/passwords.md", "annex/_index.md", "annex/glossary.md", "guides/_index.md"},
			docs: map[string][]string{
				x + "p-02-measures.xhtml": {
					`<span class="offbook">1.1.1 守るべきもの</span><span class="offbook-note">（この版には収録していません。全体版を参照してください）</span>`,
				},
				x + "p-01-basics.xhtml": {
					`<span class="offbook">1.1 概要と図</span>`,
				},
			},
		},
	}
	if len(s.Config.Editions) != len(tests) {
		t.Fatalf("fixture declares %d editions, test expects %d", len(s.Config.Editions), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			sel := EditionOf(s, s.Config.Editions[i], themeOf(t, fixtureRoot).Messages("ja"))
			if sel.Title != tt.title || sel.File != tt.file {
				t.Errorf("title, file = %q, %q; want %q, %q", sel.Title, sel.File, tt.title, tt.file)
			}
			if got := paths(sel); !slices.Equal(got, tt.pages) {
				t.Errorf("pages:\n got %v\nwant %v", got, tt.pages)
			}
			data := buildBook(t, s, sel, fixtureRoot)
			checkBook(t, data, s, sel)
			u := unpack(t, data)
			for doc, snippets := range tt.docs {
				wantContains(t, u, doc, snippets...)
			}
		})
	}
}

// TestEmitReproducible runs the real build twice: the EPUBs are written
// where kb.yaml says, with the images the build copied, byte for byte the same.
func TestEmitReproducible(t *testing.T) {
	s := loadSite(t, fixtureRoot)
	var outs [2]string
	for i := range outs {
		outs[i] = filepath.Join(t.TempDir(), "public")
		if _, err := pipeline.Run(pipeline.Options{Source: fixtureRoot, Out: outs[i], Outputs: []pipeline.Format{pipeline.HTML{}, Format{}}}); err != nil {
			t.Fatalf("build %d: %v", i+1, err)
		}
	}
	files := s.Config.GeneratedFiles()
	if len(files) != 3 {
		t.Fatalf("generated files %v: want the book and two editions", files)
	}
	for _, f := range files {
		a, err := os.ReadFile(filepath.Join(outs[0], f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(outs[1], f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two builds", f)
		}
		if _, ok := unpack(t, a).files["EPUB/images/img-001.svg"]; f == s.Config.EPUBFile && !ok {
			t.Errorf("%s: the image copied by the build is not embedded", f)
		}
	}
}

// TestBundledKnowledgeBase builds the shipped handbook, its editions and
// one edition per role twice each: same bytes, and every link resolves.
func TestBundledKnowledgeBase(t *testing.T) {
	s := loadSite(t, bundledRoot)
	for _, sel := range selections(t, s, bundledRoot, true) {
		t.Run(sel.File, func(t *testing.T) {
			a := buildBook(t, s, sel, bundledRoot)
			if b := buildBook(t, s, sel, bundledRoot); !bytes.Equal(a, b) {
				t.Errorf("two builds differ")
			}
			checkBook(t, a, s, sel)
		})
	}
}

// textOnlySite writes a site of two pages without images.
func textOnlySite(t *testing.T) string {
	root := t.TempDir()
	for name, text := range map[string]string{
		"kb.yaml":                "title: 文字だけの本\nmodified: 2026-01-02T03:04:05Z\n",
		"content/_index.md":      "# 文字だけの本\n\n本文です。\n",
		"content/01-a/_index.md": "# 第一章\n\n## 節\n\n本文です。\n",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestAccessibilityMetadata checks that the package states what the book
// holds: the fixture embeds described images, a site of text alone none.
func TestAccessibilityMetadata(t *testing.T) {
	for _, c := range []struct {
		root       string
		want, deny []string
	}{
		{fixtureRoot,
			[]string{`<meta property="schema:accessMode">visual</meta>`, `<meta property="schema:accessibilityFeature">alternativeText</meta>`},
			nil},
		{textOnlySite(t),
			[]string{`<meta property="schema:accessModeSufficient">textual</meta>`},
			[]string{`visual`, `alternativeText`}},
	} {
		s := loadSite(t, c.root)
		opf := string(unpack(t, buildBook(t, s, Whole(s), c.root)).files[packageName])
		common := []string{
			`<meta property="schema:accessMode">textual</meta>`,
			`<meta property="schema:accessibilityFeature">tableOfContents</meta>`,
			`<meta property="schema:accessibilityFeature">structuralNavigation</meta>`,
			`<meta property="schema:accessibilityHazard">none</meta>`,
			`<meta property="schema:accessibilitySummary">`,
			`<meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>`,
		}
		for _, w := range append(common, c.want...) {
			if !strings.Contains(opf, w) {
				t.Errorf("%s: package lacks %s", c.root, w)
			}
		}
		for _, d := range c.deny {
			if strings.Contains(opf, d) {
				t.Errorf("%s: package claims %q, but the book has no images", c.root, d)
			}
		}
	}
}

func TestWrapTitle(t *testing.T) {
	for _, c := range []struct {
		title string
		want  []string
	}{
		{"中小企業のためのサイバーセキュリティ実践ナレッジベース", []string{"中小企業のための", "サイバーセキュリティ", "実践ナレッジベース"}},
		{"短い題", []string{"短い題"}},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZ", []string{"ABCDEFGHIJKLMNOPQR", "STUVWXYZ"}},
		{"Security Handbook for Small Offices", []string{"Security Handbook", "for Small Offices"}},
		{"中小企業のための Security Handbook", []string{"中小企業のための", "Security Handbook"}},
	} {
		if got := wrapTitle(c.title, coverLineRunes); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrapTitle(%q) = %q, want %q", c.title, got, c.want)
		}
	}
	th, err := loadTheme(themeOf(t, fixtureRoot), "ja")
	if err != nil {
		t.Fatal(err)
	}
	b := &book{site: &site.Site{Config: config.Config{Title: "A & B <C>", Version: "1.0", Publisher: "発行元"}},
		sel: Selection{Edition: "版"}, theme: th}
	data, err := b.coverSVG()
	if err != nil {
		t.Fatal(err)
	}
	svg := string(data)
	for _, want := range []string{"A &amp; B &lt;C&gt;", ">第 1.0 版</text>", ">版</text>", ">発行元</text>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the cover lacks %s: %s", want, svg)
		}
	}
	if strings.Contains(svg, "<C>") {
		t.Errorf("the title is not escaped in the cover: %s", svg)
	}
}
