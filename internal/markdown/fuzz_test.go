package markdown

import (
	"bytes"
	"testing"
)

// FuzzRender feeds arbitrary Markdown through parse and render, with and
// without a glossary and in XHTML mode; it must never panic. Seeds live in
// testdata/fuzz/FuzzRender.
func FuzzRender(f *testing.F) {
	f.Add("## 見出し {#id}\n\n> [!NOTE]\n> 本文 [リンク](a.md#x) []() ![画像](b.png)\n")
	f.Add("![図](f.svg \"題\"){#fig-a}\n\n> ![b](b.svg \"二\")\n\n[](#fig-a)[^1]\n\n[^1]: ![c](c.svg){#fig-c}\n")
	f.Add("用語\n: 定義。\n\n| a | b |\n|---|---|\n| SD-WAN | WAN |\n\n[^1]\n\n[^1]: 脚注\n")
	terms := []Term{{Text: "WAN", Title: "t", ID: "term-wan"}, {Text: "SD-WAN", Title: "t", ID: "term-sd-wan"}, {Text: "鍵", Title: "k", ID: "term-鍵"}}
	plain := New(Options{})
	withTerms := New(Options{Glossary: terms, UnsafeHTML: true})
	f.Fuzz(func(t *testing.T, src string) {
		for _, p := range []*Parser{plain, withTerms} {
			doc := p.Parse([]byte(src), 1)
			for _, opts := range []RenderOptions{{}, {XHTML: true, FootnotePrefix: "p-"}} {
				var b bytes.Buffer
				if err := Render(&b, doc, fakeResolver{}, opts); err != nil {
					t.Fatal(err)
				}
				if bytes.IndexByte(b.Bytes(), 0) >= 0 {
					t.Fatalf("a placeholder leaked into the output: %q", b.String())
				}
			}
			_ = ExtractTerms(doc)
		}
	})
}
