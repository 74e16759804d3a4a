package ebook

import (
	"bytes"
	"path"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/kb-handbook/kb/internal/testsite"
)

const englishRoot = "testdata/site-en"

// japanese reports whether r is written only in Japanese: kana, kanji, or
// CJK or full-width punctuation.
func japanese(r rune) bool {
	return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) ||
		r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef
}

// TestEnglishBook builds the books of a site written in English (language:
// en): every file kb writes is in English, with no Japanese from the
// theme's chrome, and the documents say so in lang and xml:lang.
func TestEnglishBook(t *testing.T) {
	s := loadSite(t, englishRoot)
	sels := selections(t, s, englishRoot, false)
	if got := []string{sels[1].Title, sels[2].Title}; !slices.Equal(got, []string{
		"Security Handbook for Small Offices (Staff edition)",
		"Security Handbook for Small Offices (For Administrators)",
	}) {
		t.Errorf("edition titles %q", got)
	}
	const x = "EPUB/xhtml/"
	want := map[string]map[string][]string{ // book → document → snippets
		"handbook.epub": {
			x + coverFile: {"<title>Cover</title>", `alt="Cover"`, `<p class="version">Edition 1.2.0 (4 March 2026)</p>`,
				`<p class="author">By The Editors</p>`, `<p class="publisher">Published by Small Office Press</p>`},
			"EPUB/images/cover.svg": {">Edition 1.2.0</text>", ">Small Office Press</text>"},
			navName:                 {"<h1>Contents</h1>", "<h2>Guide</h2>", `epub:type="bodymatter" href="xhtml/p-top.xhtml">Start of the text</a>`},
			x + "p-top.xhtml": {"<h2>Revision history</h2>", "<th>Date</th><th>Change</th>",
				`<span class="offbook">Download the EPUB</span><span class="offbook-note"> (available from the web edition)</span>`,
				`<span class="tag role">Staff</span>`, `<span class="tag level">Level 1 Basics</span>`},
			x + "p-01-basics.xhtml": {`<p class="children-title">Pages below this page</p>`},
			x + "p-01-basics_overview.xhtml": {
				`<span class="offbook">A remote picture</span><span class="offbook-note"> (see the image in the web edition)</span>`,
				`<span class="offbook">printed handout</span><span class="offbook-note"> (available from the web edition)</span>`},
			packageName: {"<dc:language>en</dc:language>", `page-progression-direction="ltr"`,
				"Every image has a text alternative.</meta>"},
		},
		"handbook-staff.epub": {
			x + coverFile: {`<p class="edition">Staff edition</p>`},
			x + "p-01-basics_overview.xhtml": {
				`<span class="offbook">2 Administration</span><span class="offbook-note"> (not in this edition; see the complete book)</span>`,
				`<span class="offbook">the account rules</span><span class="offbook-note"> (not in this edition; see “2.1 Accounts” in the complete book)</span>`},
		},
	}
	for _, sel := range sels {
		t.Run(sel.File, func(t *testing.T) {
			data := buildBook(t, s, sel, englishRoot)
			checkBook(t, data, s, sel)
			u := unpack(t, data)
			for name, b := range u.files {
				switch path.Ext(name) {
				case ".xhtml", ".opf", ".ncx", ".svg", ".xml":
				case ".css":
					// Rules for Japanese text apply only to it.
					var other []byte
					for line := range bytes.Lines(b) {
						if !bytes.HasPrefix(line, []byte(":lang(ja)")) {
							other = append(other, line...)
						}
					}
					b = other
				default:
					continue
				}
				if i := bytes.IndexFunc(b, japanese); i >= 0 {
					t.Errorf("%s has Japanese text: …%s…", name, b[max(0, i-60):min(len(b), i+60)])
				}
			}
			for doc, snippets := range want[sel.File] {
				wantContains(t, u, doc, snippets...)
			}
		})
	}
}

// TestSiteLayouts checks that a site's own layouts/epub/ templates and
// catalogue reach its books, file by file and key by key over kb's.
func TestSiteLayouts(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"kb.yaml":           "title: 自前の型の本\nmodified: 2026-01-02T03:04:05Z\n",
		"content/_index.md": "# 自前の型の本\n\n[資料](notes.pdf)があります。\n\n## 節\n\n本文です。\n",
		"content/notes.pdf": "%PDF-1.4\n",
		"layouts/epub/cover.xhtml": `{{define "body"}}<section class="cover" epub:type="titlepage">` +
			`<img src="{{.Cover.Image}}" alt="{{.T "epub.cover"}}" /><h1 class="own-cover">{{.Cover.Title}}</h1></section>{{end}}`,
		"layouts/i18n/ja.yaml": "epub.note_web: サイトからどうぞ\n",
	})
	s := loadSite(t, root)
	data := buildBook(t, s, Whole(s), root)
	checkBook(t, data, s, Whole(s))
	u := unpack(t, data)
	wantContains(t, u, "EPUB/xhtml/"+coverFile, `<h1 class="own-cover">自前の型の本</h1>`, `alt="表紙"`)
	wantContains(t, u, "EPUB/xhtml/p-top.xhtml", `<span class="offbook-note">（サイトからどうぞ）</span>`,
		"<p>本文です。</p>") // kb's own page layout, where the site has none
	if strings.Contains(string(u.files["EPUB/xhtml/"+coverFile]), `class="version"`) {
		t.Errorf("the cover is kb's, not the site's")
	}
}

// TestLayoutError checks that a mistake in a site's EPUB layout is
// reported at its file, line and column.
func TestLayoutError(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"kb.yaml":                 "title: 本\nmodified: 2026-01-02T03:04:05Z\n",
		"content/_index.md":       "# 本\n\n本文です。\n",
		"layouts/epub/page.xhtml": "{{define \"body\"}}\n<h1>{{.Page.Title}}</h1>\n<p>{{.Page.NoSuchField}}</p>\n{{end}}\n",
	})
	s := loadSite(t, root)
	_, err := Build(s, themeOf(t, root), Whole(s), readFrom(root))
	if err == nil || !strings.Contains(err.Error(), "layouts/epub/") || !strings.Contains(err.Error(), "page.xhtml:3:") {
		t.Errorf("error %v: want one naming layouts/epub/ and page.xhtml:3", err)
	}
}

func TestDirection(t *testing.T) {
	for lang, want := range map[string]string{"ja": "ltr", "en": "ltr", "en-US": "ltr", "ar": "rtl", "he-IL": "rtl", "FA": "rtl"} {
		if got := direction(lang); got != want {
			t.Errorf("direction(%q) = %s, want %s", lang, got, want)
		}
	}
}
