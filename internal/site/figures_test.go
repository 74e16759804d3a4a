package site_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/testsite"
)

const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>図</title></svg>`

func TestFigureCrossReferences(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"content/01-ch/_index.md": "# 章\n\n![章の図](f.svg \"章の図\"){#fig-ch}\n",
		"content/01-ch/a.md": "# 頁A\n\n![一の代替](f.svg \"一つ目\"){#fig-one}\n\n![二の代替](f.svg \"二つ目\"){#fig-two}\n\n" +
			"[](#fig-two)、[](../02-other/b.md#fig-b)、[こちら](#fig-one)\n",
		"content/01-ch/f.svg":        svg,
		"content/02-other/_index.md": "# 他\n",
		"content/02-other/b.md":      "# 頁B\n\n本文\n\n![B](../01-ch/f.svg){#fig-b}\n\n[](../01-ch/a.md#fig-one)\n",
		"content/top.md":             "---\nnumber: false\n---\n# 番号なし\n\n![T](01-ch/f.svg \"無番号\"){#fig-t}\n\n[](#fig-t)\n",
	})
	s, diags := pipeline.Load(root, nil)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	tests := []struct {
		page, dest, href, fill string
	}{
		{"01-ch/a.md", "#fig-two", "#fig-two", "図 1.1.2 二つ目"},
		{"01-ch/a.md", "../02-other/b.md#fig-b", "../../02-other/b/index.html#fig-b", "図 2.1.1"},
		{"02-other/b.md", "../01-ch/a.md#fig-one", "../../01-ch/a/index.html#fig-one", "図 1.1.1 一つ目"},
		{"top.md", "#fig-t", "#fig-t", "図 1 無番号"},
	}
	for _, tt := range tests {
		p := s.PageByPath(tt.page)
		d := site.LinkResolver{Site: s, Page: p, Decide: site.HTMLLink}.Link(tt.dest)
		href, fill := d.Href, d.Fill
		if href != tt.href || fill != tt.fill {
			t.Errorf("%s: link %s = %q, %q; want %q, %q", tt.page, tt.dest, href, fill, tt.href, tt.fill)
		}
	}
	if got := s.PageByPath("01-ch/_index.md").Figures[0].Label(); got != "図 1.1" {
		t.Errorf("figure on a chapter page: %s, want 図 1.1", got)
	}

	a := s.PageByPath("01-ch/a.md")
	var b bytes.Buffer
	if err := markdown.Render(&b, a.Doc, site.LinkResolver{Site: s, Page: a, Decide: site.HTMLLink}, markdown.RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<figure id="fig-one">` + "\n" + `<img src="../../01-ch/f.svg" alt="一の代替">` + "\n" + `<figcaption><span class="figno">図 1.1.1</span> 一つ目</figcaption>`,
		`<figcaption><span class="figno">図 1.1.2</span> 二つ目</figcaption>`,
		`<a href="#fig-two">図 1.1.2 二つ目</a>、<a href="../../02-other/b/index.html#fig-b">図 2.1.1</a>、<a href="#fig-one">こちら</a>`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("page 1.1 lacks %s\n%s", want, b.String())
		}
	}
	// Search reads an empty link to a figure as the reader sees it.
	if got := s.PageByPath("02-other/b.md").PlainSections()[0].Text; !strings.Contains(got, "図 1.1.1 一つ目") {
		t.Errorf("plain text %q lacks the figure's label", got)
	}
}

func TestFigureDiagnostics(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"content/a.md": "# A\n\n## 手順 {#steps}\n\n![x](f.svg \"一\"){#fig-one}\n\n![y](f.svg \"二\"){#steps}\n\n" +
			"![z](f.svg \"三\"){#fig-one}\n\n見る：[](#fig-oen)\n",
		"content/b.md":  "# B\n\n[](a.md#fig-tow)\n",
		"content/f.svg": svg,
	})
	_, diags := pipeline.Load(root, nil)
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	want := []string{
		"content/a.md:7:1: figure ID #steps is already used by a heading at line 3 (give the figure an ID of its own, such as {#fig-steps})",
		"content/a.md:9:1: figure ID #fig-one is already used by the figure at line 5 (give the figure an ID of its own, such as {#fig-one-2})",
		"content/a.md:11:4: link to missing anchor #fig-oen in content/a.md (did you mean #fig-one?)",
		"content/b.md:3:1: link to missing anchor a.md#fig-tow in content/a.md (did you mean #fig-one?)",
	}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("diagnostics\n%s\nwant\n%s", g, w)
	}
}
