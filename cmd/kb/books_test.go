package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// booksDir holds books written for other tools, each with real mistakes
// planted among the conventions of its tool; <name>.want is what kb check
// must print for it, and nothing else.
const booksDir = "../../testdata/books"

// bookFixes corrects the planted mistakes of each book ({file, old, new};
// an empty old writes the file), after which the book must build with --strict.
var bookFixes = map[string][][3]string{
	"mdbook": {
		{"src/backup/README.md", "pasword.md", "passwords.md"},
		{"src/basics/passwords.md", "#復元テスト", "#restore-test"},
		{"src/backup/restore.md", "[!WARNIG]", "[!WARNING]"},
		{"listings/restore.sh", "", "cp -a backup/. .\n"},
	},
	"honkit": {
		{"book/chapter1/contact.md", "setup.md#instal)", "setup.md#install)"},
		{"book/chapter1/contact.md", "book.compnay", "book.company"},
		{"book/faq.md", "[旧FAQ](old-faq.html)", "旧FAQ"},
	},
	"mkdocs": {
		{"docs/guide/devices.md", "#添付ファイル)", "#添付ファイルの扱い)"},
		{"docs/guide/mail.md", "titel:", "title:"},
		{"docs/policy/retired.md", "", "# 廃止された規程\n"},
	},
	"vitepress": {
		{"src/guide/getting-started.md", "tilte:", "title:"},
		{"src/guide/vpn.md", "/reference/rules", "/reference/glossary"},
	},
}

// bookLayouts is the line kb check prints first for each book.
var bookLayouts = map[string]string{
	"mdbook":    "kb: layout mdBook (from book.toml; pages in src/)",
	"honkit":    "kb: layout Honkit (from book.json; pages in book/)",
	"mkdocs":    "kb: layout MkDocs (from mkdocs.yml; pages in docs/)",
	"vitepress": "kb: layout VitePress (from .vitepress/config.mts; pages in src/)",
}

func TestBooksOfOtherTools(t *testing.T) {
	for name, fixes := range bookFixes {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join(booksDir, name)
			want, err := os.ReadFile(filepath.Join(booksDir, name+".want"))
			if err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runKB(t, "check", "--source", src)
			if code != 1 || stderr != string(want) {
				t.Errorf("kb check: exit %d, stderr:\n%s\nwant:\n%s", code, stderr, want)
			}
			if first, _, _ := strings.Cut(stdout, "\n"); first != bookLayouts[name] {
				t.Errorf("layout line %q, want %q", first, bookLayouts[name])
			}

			root := filepath.Join(t.TempDir(), name)
			if err := os.CopyFS(root, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			for _, fix := range fixes {
				file, fix := fix[0], fix[1:]
				p := filepath.Join(root, filepath.FromSlash(file))
				old, _ := os.ReadFile(p)
				if fix[0] != "" && !strings.Contains(string(old), fix[0]) {
					t.Fatalf("%s: %q not found", file, fix[0])
				}
				text := fix[1]
				if fix[0] != "" {
					text = strings.Replace(string(old), fix[0], fix[1], 1)
				}
				if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out := filepath.Join(t.TempDir(), "public")
			code, _, stderr = runKB(t, "build", "--strict", "--outputs", "html", "--source", root, "--out", out)
			if code != 0 || stderr != "" {
				t.Fatalf("kb build --strict after the fixes: exit %d, stderr:\n%s", code, stderr)
			}
			pages := 0
			err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || filepath.Ext(p) != ".html" {
					return err
				}
				rel, _ := filepath.Rel(out, p)
				if rel == filepath.Join("search", "index.html") {
					return nil // kb's own page, which marks where results go with a comment
				}
				pages++
				data, err := os.ReadFile(p)
				for _, literal := range []string{":::", "{{", "{%", "<!--", "!!!", "ANCHOR"} {
					if strings.Contains(string(data), literal) {
						t.Errorf("%s shows %q as text", rel, literal)
					}
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if pages < 5 {
				t.Errorf("only %d pages built", pages)
			}
		})
	}
}
