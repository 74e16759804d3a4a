package expand

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	root := filepath.Join("testdata", "book")
	book := Book{Root: root, Vars: map[string]any{"product": "守りの手引き", "links": map[string]any{"home": "https://example.jp"}}}
	dir := filepath.Join(root, "src", "ch")
	tests := []struct {
		name, in, want string
		origin         []int
		problems       []string
	}{
		{name: "nothing to do", in: "本文 {x}\n", want: "本文 {x}\n"},
		{
			name: "mdBook include with an anchor, in a fence",
			in:   "前\n```rust\n{{#include ../../listings/hello.rs:greet}}\n```\n後\n",
			want: "前\n```rust\n    println!(\"こんにちは\");\n```\n後\n", origin: []int{1, 2, 3, 4, 5},
		},
		{
			name: "line ranges",
			in:   "{{#include ../../listings/hello.rs:1}}\n{{#include ../../listings/hello.rs:5:}}\n{{#include ../../listings/hello.rs::1}}\n",
			want: "fn main() {\n}\nfn main() {\n",
		},
		{
			name: "rustdoc_include drops hidden lines; several lines from one",
			in:   "{{#rustdoc_include ../../listings/hidden.rs}}\n次\n",
			want: "fn main() {\n    run();\n}\n次\n", origin: []int{1, 1, 1, 2},
		},
		{name: "title", in: "{{#title 別の題}}\n本文\n", want: "\n本文\n"},
		{name: "escaped directive", in: "`\\{{#include x}}`\n", want: "`{{#include x}}`\n"},
		{
			name: "Honkit variables, include, raw and hint",
			in:   "{{ book.product }}へ {{book.links.home}}\n{% include \"./_note.md\" %}\n{% raw %}\n{{ 生 }}\n{% endraw %}\n{% hint style=\"success\" %}\nよい\n{% endhint %}\n",
			want: "守りの手引きへ https://example.jp\n共通の注意書き。\n{{ 生 }}\n::: tip\nよい\n:::\n",
		},
		{
			name: "MkDocs admonitions",
			in:   "!!! warning \"気をつける\"\n    本文\n\n    続き\n\n後\n??? note\n    畳む\n",
			want: "::: warning 気をつける\n本文\n\n続き\n\n:::\n後\n::: details \n畳む\n\n:::\n", origin: []int{1, 2, 3, 4, 5, 6, 6, 7, 8, 8, 8},
		},
		{
			name: "import listing with a marker and a title",
			in:   "[import:\"setup\", title:\"準備\"](code.js)\n",
			want: "**準備**\n\n```js\nconst b = 2;\n```\n",
		},
		{
			name: "what is not understood is a warning; a missing file an error",
			in:   "{{ page.title }} と {{#playpen}} と `{{ code }}`\n{% tabs %}\n{{#include nope.rs}}\n{{ book.nope }}\n{{#include ../../../../go.mod}}\n```\n{{ in code }}\n```\n",
			want: "{{ page.title }} と {{#playpen}} と `{{ code }}`\n{% tabs %}\n{{#include nope.rs}}\n{{ book.nope }}\n{{#include ../../../../go.mod}}\n```\n{{ in code }}\n```\n",
			problems: []string{
				":1:20: error: cannot include : no file named",
				":1:1: warning: template {{ page.title }} is not understood and is shown as text",
				":2:1: warning: template {% tabs %} is not understood and is shown as text",
				":3:1: error: cannot include nope.rs: no such file",
				":4:1: warning: unknown variable book.nope",
				":5:1: error: cannot include ../../../../go.mod: the file is outside the book",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := book.Expand("content/ch/a.md", dir, []byte(tt.in), 1)
			if string(r.Body) != tt.want {
				t.Errorf("body:\n%s\nwant:\n%s", r.Body, tt.want)
			}
			if tt.origin != nil && !equal(r.Origin, tt.origin) {
				t.Errorf("origin = %v, want %v", r.Origin, tt.origin)
			}
			var got []string
			for _, d := range r.Problems {
				s := d.String()
				if !d.IsWarning() {
					s = strings.Replace(s, ": ", ": error: ", 1)
				}
				got = append(got, s)
			}
			for i := range got {
				if i >= len(tt.problems) || !strings.HasPrefix(got[i], tt.problems[i]) {
					t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.problems, "\n"))
					break
				}
			}
			if len(got) != len(tt.problems) {
				t.Errorf("%d problems, want %d:\n%s", len(got), len(tt.problems), strings.Join(got, "\n"))
			}
		})
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// An include cannot read a file outside the book through a link inside it.
func TestIncludeNeverLeavesTheBook(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(outside, []byte("SENTINEL\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "src")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link.txt")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	r := Book{Root: root}.Expand("src/a.md", dir, []byte("{{#include link.txt}}\n"), 1)
	if strings.Contains(string(r.Body), "SENTINEL") || len(r.Problems) == 0 {
		t.Errorf("include through a link out of the book gave %q with problems %v", r.Body, r.Problems)
	}
}
