package markdown

import (
	"reflect"
	"strings"
	"testing"
)

func TestFigures(t *testing.T) {
	tests := []struct {
		name, src string
		opts      RenderOptions
		want      string   // the rendered body, exactly
		figures   []Figure // Doc.Figures
	}{
		{
			name: "title and ID",
			src:  "![バックアップの流れ](figures/backup.svg \"3-2-1-1-0 の構成\"){#fig-backup}\n",
			want: "<figure id=\"fig-backup\">\n<img src=\"resolved:figures/backup.svg\" alt=\"バックアップの流れ\">\n" +
				"<figcaption><span class=\"figno\">図 9.1</span> 3-2-1-1-0 の構成</figcaption>\n</figure>\n",
			figures: []Figure{{ID: "fig-backup", Caption: "3-2-1-1-0 の構成", Alt: "バックアップの流れ", Src: "figures/backup.svg", Line: 1, Col: 1}},
		},
		{
			name: "XHTML",
			src:  "![代替](x.svg \"題\"){#fig-x}\n",
			opts: RenderOptions{XHTML: true},
			want: "<figure id=\"fig-x\">\n<img src=\"resolved:x.svg\" alt=\"代替\" />\n" +
				"<figcaption><span class=\"figno\">図 9.1</span> 題</figcaption>\n</figure>\n",
			figures: []Figure{{ID: "fig-x", Caption: "題", Alt: "代替", Src: "x.svg", Line: 1, Col: 1}},
		},
		{
			name: "title only: numbered, no anchor",
			src:  "本文。\n\n![代替](x.png \"題 & <注>\")\n",
			want: "<p>本文。</p>\n<figure>\n<img src=\"resolved:x.png\" alt=\"代替\">\n" +
				"<figcaption><span class=\"figno\">図 9.1</span> 題 &amp; &lt;注&gt;</figcaption>\n</figure>\n",
			figures: []Figure{{Caption: "題 & <注>", Alt: "代替", Src: "x.png", Line: 3, Col: 1}},
		},
		{
			name: "ID on the next line, ID only",
			src:  "![代替](x.png)\n{#fig-y}\n",
			want: "<figure id=\"fig-y\">\n<img src=\"resolved:x.png\" alt=\"代替\">\n" +
				"<figcaption><span class=\"figno\">図 9.1</span></figcaption>\n</figure>\n",
			figures: []Figure{{ID: "fig-y", Alt: "代替", Src: "x.png", Line: 1, Col: 1}},
		},
		{
			name: "numbered by position",
			src:  "![a](a.svg \"一\")\n\n> ![b](b.svg \"二\"){#fig-b}\n",
			want: "<figure>\n<img src=\"resolved:a.svg\" alt=\"a\">\n<figcaption><span class=\"figno\">図 9.1</span> 一</figcaption>\n</figure>\n" +
				"<blockquote>\n<figure id=\"fig-b\">\n<img src=\"resolved:b.svg\" alt=\"b\">\n<figcaption><span class=\"figno\">図 9.2</span> 二</figcaption>\n</figure>\n</blockquote>\n",
			figures: []Figure{{Caption: "一", Alt: "a", Src: "a.svg", Line: 1, Col: 1}, {ID: "fig-b", Caption: "二", Alt: "b", Src: "b.svg", Line: 3, Col: 3}},
		},
		{
			name: "numbered in the order of the page, footnotes last",
			src:  "本文[^1]\n\n[^1]: 注\n\n    ![b](b.svg \"二\")\n\n![c](c.svg \"三\")\n",
			want: "<p>本文<sup id=\"fnref:1\"><a href=\"#fn:1\" class=\"footnote-ref\" role=\"doc-noteref\">1</a></sup></p>\n" +
				"<figure>\n<img src=\"resolved:c.svg\" alt=\"c\">\n<figcaption><span class=\"figno\">図 9.1</span> 三</figcaption>\n</figure>\n" +
				"<div class=\"footnotes\" role=\"doc-endnotes\">\n<hr>\n<ol>\n<li id=\"fn:1\">\n<p>注</p>\n" +
				"<figure>\n<img src=\"resolved:b.svg\" alt=\"b\">\n<figcaption><span class=\"figno\">図 9.2</span> 二</figcaption>\n</figure>\n" +
				"&#160;<a href=\"#fnref:1\" class=\"footnote-backref\" role=\"doc-backlink\">&#x21a9;&#xfe0e;</a></li>\n</ol>\n</div>\n",
			figures: []Figure{{Caption: "三", Alt: "c", Src: "c.svg", Line: 7, Col: 1}, {Caption: "二", Alt: "b", Src: "b.svg", Line: 5, Col: 5}},
		},
		{
			name: "image without title stays inline",
			src:  "![代替](x.png)\n",
			want: "<p><img src=\"resolved:x.png\" alt=\"代替\"></p>\n",
		},
		{
			name: "image with text is no figure",
			src:  "図は ![代替](x.png \"題\") のとおり。\n",
			want: "<p>図は <img src=\"resolved:x.png\" alt=\"代替\" title=\"題\"> のとおり。</p>\n",
		},
		{
			name: "text after the ID is no figure",
			src:  "![代替](x.png \"題\"){#fig-z} です\n",
			want: "<p><img src=\"resolved:x.png\" alt=\"代替\" title=\"題\">{#fig-z} です</p>\n",
		},
		{
			name: "a linked image is no figure",
			src:  "[![代替](x.png \"題\")](y.md)\n",
			want: "<p><a href=\"resolved:y.md\"><img src=\"resolved:x.png\" alt=\"代替\" title=\"題\"></a></p>\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := New(Options{})
			if got := render(t, p, tt.src, tt.opts); got != tt.want {
				t.Errorf("body\n got %q\nwant %q", got, tt.want)
			}
			if got := p.Parse([]byte(tt.src), 1).Figures; !reflect.DeepEqual(got, tt.figures) {
				t.Errorf("Figures = %+v, want %+v", got, tt.figures)
			}
		})
	}
}

func TestFigureText(t *testing.T) {
	src := "## 手順\n\n![三つの複製](b.svg \"バックアップの構成\"){#fig-b}\n\n詳しくは[](#fig-b)を参照。\n"
	doc := New(Options{}).Parse([]byte(src), 1)
	secs := doc.PlainSections(fakeResolver{})
	want := "バックアップの構成 三つの複製\n詳しくはfilled #fig-bを参照。"
	if got := secs[1].Text; got != want {
		t.Errorf("section text = %q, want %q", got, want)
	}
	if l := doc.Links; len(l) != 2 || !l[0].Image || l[1].Dest != "#fig-b" || !l[1].Empty {
		t.Errorf("Links = %+v", l)
	}
}

func TestFigureWithGlossaryTerm(t *testing.T) {
	// Terms are not marked up in a figure's caption or alt text, so the
	// first VPN marked up is the one in the paragraph after the figure.
	p := New(Options{Glossary: []Term{{Text: "VPN", Title: "仮想専用網", ID: "term-vpn"}}})
	got := render(t, p, "![VPN の構成](v.svg \"VPN\"){#fig-v}\n\nVPN を使う。\n", RenderOptions{})
	fig, after, _ := strings.Cut(got, "</figure>")
	if strings.Contains(fig, "term") || !strings.Contains(after, `<a class="term" href="glossary.html#term-vpn">`) {
		t.Errorf("glossary markup inside a figure or not after it: %s", got)
	}
}
