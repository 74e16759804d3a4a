package config

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/diag"
)

func load(t *testing.T, yaml string) (Config, []diag.Diagnostic) {
	t.Helper()
	dir := t.TempDir()
	if yaml != "" {
		if err := os.WriteFile(filepath.Join(dir, FileName), []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var diags diag.List
	cfg := Load(dir, &diags)
	return cfg, diags.Sorted()
}

func TestDefaultsWithoutFile(t *testing.T) {
	cfg, diags := load(t, "")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if cfg.Language != "ja" || cfg.BaseURL != "/" || cfg.Glossary != "annex/glossary.md" || cfg.EPUBFile != "book.epub" {
		t.Errorf("defaults: %+v", cfg)
	}
	if cfg.LevelLabel(2) != "LV.2" || cfg.RoleLabel("admin") != "admin" {
		t.Error("labels without configuration")
	}
}

func TestRolesKeepTheirOrder(t *testing.T) {
	cfg, diags := load(t, "base_url: https://kb.example.jp/docs\nroles:\n  zeta: Z\n  alpha: A\n  mid: M\n")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if got := cfg.RoleIDs(); !slices.Equal(got, []string{"zeta", "alpha", "mid"}) {
		t.Errorf("RoleIDs = %v", got)
	}
	if cfg.BaseURL != "https://kb.example.jp/docs/" {
		t.Errorf("base_url = %q", cfg.BaseURL)
	}
}

func TestProblems(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"title: T\ncolour: red\n", `kb.yaml:2:1: invalid configuration: unknown field "colour"`},
		{"title: [T\n", "kb.yaml:1:"},
		{"modified: 2026-04-01\n", `kb.yaml:1:11: modified: "2026-04-01" is not an RFC 3339 date`},
		{"roles:\n  admin: 管理者\neditions:\n  - id: x\n    roles: [admn]\n", `kb.yaml:5:13: edition "x" names unknown role "admn"`},
		{"epub_file: ../book.epub\n", `kb.yaml:1:12: epub_file: "../book.epub" is not a file inside the output folder`},
		{"epub_file: /tmp/book.epub\n", `kb.yaml:1:12: epub_file: "/tmp/book.epub" is not a file`},
		{"epub_file: books/.book.epub\n", `kb.yaml:1:12: epub_file: "books/.book.epub" is not a file`},
		{"epub_file: book.pdf\n", `kb.yaml:1:12: epub_file: "book.pdf" is not a file`},
		{"editions:\n  - id: a/b\n", `kb.yaml:2:9: edition id "a/b" cannot name a file`},
		{"editions:\n  - title: no id\n", `kb.yaml:2:5: edition id "" cannot name a file`},
		{"editions:\n  - id: a\n  - id: a\n", `kb.yaml:3:9: edition id "a" is used twice`},
	}
	for _, tt := range tests {
		_, diags := load(t, tt.yaml)
		if len(diags) != 1 || !strings.HasPrefix(diags[0].String(), tt.want) {
			t.Errorf("%q: %v, want one starting %q", tt.yaml, diags, tt.want)
		}
	}
}

func TestEditionFiles(t *testing.T) {
	cfg, _ := load(t, "roles:\n  admin: A\neditions:\n  - id: admin\n    roles: [admin]\n")
	if got := cfg.GeneratedFiles(); !slices.Equal(got, []string{"book.epub", "book-admin.epub"}) {
		t.Errorf("GeneratedFiles = %v", got)
	}
}

func TestParseSynonyms(t *testing.T) {
	src := "# 検索の同義語\n多要素認証, MFA、2段階認証\n\nパソコン，PC\n孤立\nA,,B\n  VPN ,  仮想専用線 , VPN\n"
	var diags diag.List
	groups := ParseSynonyms("synonyms.txt", []byte(src), &diags)
	want := [][]string{{"多要素認証", "MFA", "2段階認証"}, {"パソコン", "PC"}, {"VPN", "仮想専用線"}}
	if !reflect.DeepEqual(groups, want) {
		t.Errorf("groups = %q, want %q", groups, want)
	}
	var got []string
	for _, d := range diags.Sorted() {
		got = append(got, d.String())
	}
	wantDiags := []string{
		"synonyms.txt:5:1: a synonym group needs at least two terms (separate the terms with commas, such as: 多要素認証, MFA)",
		"synonyms.txt:6:3: empty term in a synonym group (write the terms of a group on one line, separated by single commas)",
		`synonyms.txt:7:18: warning: "VPN" is twice in its group (remove one)`,
	}
	if !reflect.DeepEqual(got, wantDiags) {
		t.Errorf("diagnostics:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantDiags, "\n"))
	}
}

func TestSynonymsFileFromKBYAML(t *testing.T) {
	root := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(FileName, "title: x\nsearch:\n  synonyms: synonyms.txt\n")
	var diags diag.List
	if cfg := Load(root, &diags); len(cfg.Synonyms) != 0 || len(diags.Sorted()) != 1 ||
		!strings.HasPrefix(diags.Sorted()[0].String(), "kb.yaml:3:13: search.synonyms: synonyms.txt does not exist") {
		t.Errorf("a missing file: %v %v", cfg.Synonyms, diags.Sorted())
	}
	write("synonyms.txt", "多要素認証、MFA\n")
	diags = diag.List{}
	if cfg := Load(root, &diags); !reflect.DeepEqual(cfg.Synonyms, [][]string{{"多要素認証", "MFA"}}) || len(diags.Sorted()) != 0 {
		t.Errorf("synonyms %q, diagnostics %v", cfg.Synonyms, diags.Sorted())
	}
}

// A version is shown as written, whether YAML reads it as a number or not.
func TestVersionAsWritten(t *testing.T) {
	for yaml, want := range map[string]string{
		"version: 1.0\n":         "1.0",
		"version: 2.10 # note\n": "2.10",
		"version: 3\n":           "3",
		"version: \"1.0\"\n":     "1.0",
		"version: 1.0.2\n":       "1.0.2",
		"version: 第2版\n":         "第2版",
		"title: T\n":             "0.0.0",
		"version: 0x10\n":        "0x10",
		"version: '1.50'\n":      "1.50",
	} {
		cfg, diags := load(t, yaml)
		if len(diags) > 0 {
			t.Fatalf("%q: %v", yaml, diags)
		}
		if cfg.Version != want {
			t.Errorf("%q: version %q, want %q", yaml, cfg.Version, want)
		}
	}
}
