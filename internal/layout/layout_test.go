package layout

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/diag"
)

func TestDetectBooks(t *testing.T) {
	tests := []struct {
		book string
		want Info
	}{
		{"mdbook", Info{Name: "mdBook", File: "book.toml", ContentDir: "src", Title: "小さな会社の守り方", Language: "ja", Author: "情報セキュリティ係"}},
		{"honkit", Info{Name: "Honkit", File: "book.json", ContentDir: "book", Title: "情報セキュリティの手引き", Language: "ja", Author: "総務部",
			Summary: "SUMMARY.md", Vars: map[string]any{"company": "株式会社サンプル", "support": map[string]any{"tel": "03-0000-0000"}}}},
		{"vitepress", Info{Name: "VitePress", File: ".vitepress/config.mts", ContentDir: "src", Title: "テレワークの手引き", Language: "ja", Description: "自宅で安全に働くために"}},
	}
	for _, tt := range tests {
		var diags diag.List
		got := Detect(filepath.Join("..", "..", "testdata", "books", tt.book), &diags)
		if !reflect.DeepEqual(got, tt.want) || diags.Len() > 0 {
			t.Errorf("%s:\n got  %#v\n want %#v\n%v", tt.book, got, tt.want, diags.Sorted())
		}
	}
}

func TestMkDocsNavBecomesSummaryOnItsLines(t *testing.T) {
	var diags diag.List
	info := Detect(filepath.Join("..", "..", "testdata", "books", "mkdocs"), &diags)
	if info.ContentDir != "docs" || info.Title != "事業所のセキュリティ手順" || info.Language != "ja" || diags.Len() > 0 {
		t.Fatalf("info %#v, diagnostics %v", info, diags.Sorted())
	}
	var entries []string
	for i, l := range strings.Split(string(info.SummaryText), "\n") {
		if l != "" {
			entries = append(entries, fmt.Sprintf("%d:%s", i+1, l))
		}
	}
	want := []string{
		"17:- [ホーム](index.md)",
		"18:- [手順](guide/index.md)",
		"20:    - [端末](guide/devices.md)",
		"21:    - [メール](guide/mail.md)",
		"23:- [規程一覧](policy/rules.md)",
		"24:- [廃止された規程](policy/retired.md)",
	}
	if !reflect.DeepEqual(entries, want) {
		t.Errorf("summary:\n%s\nwant\n%s", strings.Join(entries, "\n"), strings.Join(want, "\n"))
	}
}

func TestBadConfigurationIsLocated(t *testing.T) {
	tests := []struct{ file, src, want string }{
		{"book.toml", "[book]\ntitle = \"x\nsrc = \"src\"\n", "book.toml:2:"},
		{"book.json", "{\n  \"title\": \"x\",\n}\n", "book.json:3:2: cannot read book.json"},
	}
	for _, tt := range tests {
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, tt.file), []byte(tt.src), 0o644); err != nil {
			t.Fatal(err)
		}
		var diags diag.List
		Detect(root, &diags)
		got := diags.Sorted()
		if len(got) != 1 || !strings.HasPrefix(got[0].String(), tt.want) {
			t.Errorf("%s: %v, want %s…", tt.file, got, tt.want)
		}
	}
}

func TestIsConfig(t *testing.T) {
	for p, want := range map[string]bool{"book.toml": true, "mkdocs.yml": true, ".vitepress/config.ts": true, "src/book.toml": false, "kb.yaml": false} {
		if IsConfig(p) != want {
			t.Errorf("IsConfig(%q) = %v", p, !want)
		}
	}
}
