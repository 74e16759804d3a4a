package pipeline

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/testsite"
)

var update = flag.Bool("update", false, "rewrite golden files")

const basicSite = "../../testdata/sites/basic"

// goldenPages are the pages whose HTML is compared byte for byte: numbering,
// TOC, links, callouts, Japanese IDs, CJK line joining and the glossary.
var goldenPages = []string{
	"index.html",
	"01-intro/overview/index.html",
	"02-measures/backup/index.html",
	"annex/glossary/index.html",
	"guides/employee/index.html",
	"toc/index.html",
	"roles/admin/index.html",
	"sitemap.xml",
}

func TestGoldenHTML(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Run(Options{Source: basicSite, Out: out}); err != nil {
		t.Fatal(err)
	}
	for _, page := range goldenPages {
		got, err := os.ReadFile(filepath.Join(out, page))
		if err != nil {
			t.Fatal(err)
		}
		// Fingerprints change with every stylesheet edit; the golden files test the pages.
		got = fingerprint.ReplaceAll(got, []byte(".HASH.$1"))
		golden := filepath.Join("../../testdata/golden/basic", page)
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/pipeline -run Golden -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s:\n%s", page, golden, firstDiff(string(want), string(got)))
		}
	}
}

var fingerprint = regexp.MustCompile(`\.[0-9a-f]{10}\.(css|js)`)

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return ""
}

func TestNumberingAndNavigation(t *testing.T) {
	s, diags := Load(basicSite, nil)
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	want := map[string]string{
		"_index.md":             "",
		"01-intro/_index.md":    "1",
		"01-intro/overview.md":  "1.1",
		"02-measures/_index.md": "2",
		"02-measures/backup.md": "2.1",
		"annex/_index.md":       "",
		"annex/glossary.md":     "A",
		"guides/_index.md":      "",
		"guides/employee.md":    "",
	}
	for path, num := range want {
		p := s.PageByPath(path)
		if p == nil {
			t.Fatalf("no page %s", path)
		}
		if p.Number != num {
			t.Errorf("%s: number %q, want %q", path, p.Number, num)
		}
	}
	backup := s.PageByPath("02-measures/backup.md")
	if got := backup.HeadingNumber("restore-test"); got != "2.1.2" {
		t.Errorf("heading number = %q", got)
	}
	if backup.Prev.Source.Path != "02-measures/_index.md" || backup.Next.Source.Path != "annex/_index.md" {
		t.Errorf("prev/next = %s / %s", backup.Prev.Source.Path, backup.Next.Source.Path)
	}
	if s.Files[0] != "01-intro/diagram.svg" {
		t.Errorf("linked files = %v", s.Files)
	}
}

func TestDiagnostics(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name:  "front-matter keys of other tools are kept without a message",
			files: map[string]string{"content/a.md": "---\ntitle: A\ncolour: red\nsidebar: auto\ndescription: 概要\naliases: [/old]\n---\n本文\n"},
		},
		{
			name:  "misspelled front-matter keys, all of a page at once",
			files: map[string]string{"content/a.md": "---\ntilte: A\nsidebar: auto\n  \nrols: [x]\nweigth: 2\n---\n本文\n"},
			want: []string{
				`content/a.md:2:1: warning: unknown front-matter key "tilte" (did you mean "title"?)`,
				`content/a.md:5:1: warning: unknown front-matter key "rols" (did you mean "roles"?)`,
				`content/a.md:6:1: warning: unknown front-matter key "weigth" (did you mean "weight"?)`,
			},
		},
		{
			name:  "front-matter value of the wrong type",
			files: map[string]string{"content/a.md": "---\ntitle: A\nweight: heavy\n---\n本文\n"},
			want:  []string{`content/a.md:3:9: front matter: `},
		},
		{
			name:  "malformed YAML",
			files: map[string]string{"content/a.md": "---\ntitle: [A\n---\n本文\n"},
			want:  []string{`content/a.md:2:8: front matter: `},
		},
		{
			name: "page in a folder kb writes",
			files: map[string]string{"content/search.md": "# 検索のコツ\n", "kb.yaml": "roles:\n  admin: 管理者\n",
				"content/roles/admin.md": "# 管理者\n"},
			want: []string{
				"content/roles: warning: page would be written to roles/index.html, where kb writes a page of its own (目次, role and level lists, 改版履歴, search); it is written to roles-page/index.html instead",
				"content/roles/admin.md:1:1: warning: page would be written to roles/admin/index.html, where kb writes a page of its own (目次, role and level lists, 改版履歴, search); it is written to roles/admin-page/index.html instead",
				"content/search.md:1:1: warning: page would be written to search/index.html, where kb writes a page of its own (目次, role and level lists, 改版履歴, search); it is written to search-page/index.html instead",
			},
		},
		{
			name:  "unclosed front matter",
			files: map[string]string{"content/a.md": "---\ntitle: A\n本文\n"},
			want:  []string{`content/a.md:1:1: front matter is not closed (end the YAML block with a line holding only ---)`},
		},
		{
			name:  "invalid UTF-8",
			files: map[string]string{"content/a.md": "一行目\n二行目\xff\n"},
			want:  []string{`content/a.md:2:4: invalid UTF-8 at byte 19 (save the file as UTF-8)`},
		},
		{
			name: "missing page with a suggestion",
			files: map[string]string{
				"content/ch/backup.md": "# バックアップ\n",
				"content/ch/a.md":      "# A\n\n前文\n\n詳しくは[手順](backup.mb)と[別](../ch/bakup.md)へ。\n",
			},
			want: []string{
				`content/ch/a.md:5:5: link to missing file backup.mb (put the file under content/ next to the page, or fix the path)`,
				`content/ch/a.md:5:21: link to missing page ../ch/bakup.md (did you mean backup.md?)`,
			},
		},
		{
			name: "missing anchor with a suggestion",
			files: map[string]string{
				"content/b.md": "# B\n\n## 復元 {#restore}\n",
				"content/a.md": "# A\n\n[](b.md#restor) [x](#nowhere)\n",
			},
			want: []string{
				`content/a.md:3:1: link to missing anchor b.md#restor in content/b.md (did you mean #restore?)`,
				`content/a.md:3:17: link to missing anchor #nowhere in content/a.md (anchors on that page: )`,
			},
		},
		{
			name:  "every occurrence of a broken link",
			files: map[string]string{"content/a.md": "# A\n\n[x](no.md) と [y](no.md)\n"},
			want: []string{
				`content/a.md:3:1: link to missing page no.md`,
				`content/a.md:3:14: link to missing page no.md`,
			},
		},
		{
			name:  "link outside the content folder",
			files: map[string]string{"content/a.md": "# A\n\n[秘密](../kb.yaml) [絶対](/etc/passwd)\n"},
			want: []string{
				`content/a.md:3:1: link to ../kb.yaml leaves the content folder (link only to files under content/)`,
				`content/a.md:3:18: link to missing page /etc/passwd`,
			},
		},
		{
			name: "links as other tools write them",
			files: map[string]string{
				"content/README.md":        "# Top\n\n## 概要\n",
				"content/guide/README.md":  "# Guide\n\n## 始め方 {#start}\n",
				"content/guide/install.md": "# Install\n\n## 手順 <small>(Linux)</small>\n",
				"content/other/index.md":   "# Other\n",
				"content/other/page.md":    "# Page\n",
				"content/guide/links.md": "# Links\n\n" +
					"[a](install.html) [b](install) [c](./install#手順-linux) [d](../other/) [e](../other/index.md)\n" +
					"[f](README.md#start) [g](/guide/install.md) [h](/other/page) [i](install.md#%E6%89%8B%E9%A0%86-linux)\n" +
					"[j](/) [k](../index.html#概要) [l](./) [m](../other/index.html) [n](/guide/)\n" +
					"[x](instal.html) [y](/guide/nope) [z](install#nope)\n",
			},
			want: []string{
				`content/guide/links.md:6:1: link to missing page instal.html (did you mean install.md?)`,
				`content/guide/links.md:6:18: link to missing page /guide/nope`,
				`content/guide/links.md:6:35: link to missing anchor install#nope in content/guide/install.md (anchors on that page: 手順-linux)`,
			},
		},
		{
			name: "positions after an include stay those of the page",
			files: map[string]string{
				"listings/a.sh": "echo 1\necho 2\necho 3\n",
				"content/a.md":  "# A\n\n```sh\n{{#include ../listings/a.sh}}\n```\n\n[x](nope.md) {{#include ../listings/none.sh}}\n\n> [!WARNIG]\n> x\n",
			},
			want: []string{
				`content/a.md:7:1: link to missing page nope.md`,
				`content/a.md:7:14: cannot include ../listings/none.sh: no such file`,
				`content/a.md:9:3: warning: unknown callout [!WARNIG], shown as a quote (did you mean [!WARNING]?)`,
			},
		},
		{
			name: "two landing pages in one folder",
			files: map[string]string{
				"content/a/README.md": "# A\n",
				"content/a/index.md":  "# A too\n",
				"content/a/page.md":   "# Page\n",
			},
			want: []string{`content/a/index.md:1:1: folder has two landing pages, README.md and index.md (keep one landing page per folder: rename or merge one of them)`},
		},
		{
			name: "two pages with one output path",
			files: map[string]string{
				"content/x.md":        "# X\n",
				"content/x/_index.md": "# X section\n",
				"content/x/child.md":  "# child\n",
			},
			want: []string{`content/x/_index.md:1:1: page is written to x/index.html, as is content/x.md (rename one of the two files)`},
		},
		{
			name: "unknown role and duplicate heading id",
			files: map[string]string{
				"kb.yaml":      "roles:\n  admin: 管理者\n",
				"content/a.md": "---\nroles: [admin, admn]\n---\n\n## 一 {#x}\n\n## 二 {#x}\n",
			},
			want: []string{
				`content/a.md:2:16: unknown role "admn" (did you mean "admin"?)`,
				`content/a.md:7:1: duplicate heading ID "x" (first used on line 5) (give each heading its own {#id})`,
			},
		},
		{
			name: "unknown single role and level at their places",
			files: map[string]string{
				"kb.yaml":      "roles:\n  admin: 管理者\n",
				"content/a.md": "---\ntitle: A\nroles: staff\nlevel: 4\n---\n本文\n",
			},
			want: []string{
				`content/a.md:3:8: unknown role "staff" (roles in kb.yaml: admin)`,
				`content/a.md:4:8: unknown level 4 (levels in kb.yaml: 1, 2, 3)`,
			},
		},
		{
			name:  "unknown key in kb.yaml",
			files: map[string]string{"kb.yaml": "title: T\ntheme: dark\n", "content/a.md": "# A\n"},
			want:  []string{`kb.yaml:2:1: invalid configuration: unknown field "theme"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := testsite.Write(t, tt.files)
			_, diags := Load(root, nil)
			if len(diags) != len(tt.want) {
				t.Fatalf("got %d diagnostics, want %d:\n%s", len(diags), len(tt.want), join(diags))
			}
			for i, d := range diags {
				if !strings.HasPrefix(d.String(), tt.want[i]) {
					t.Errorf("diagnostic %d:\n got  %s\n want %s", i, d.String(), tt.want[i])
				}
			}
		})
	}
}

func join(diags []diag.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}

func TestBareFolderBuildsWithoutConfig(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"content/02-second.md": "# 二番目\n\n本文。\n",
		"content/01-first.md":  "# 一番目\n\n[次へ](02-second.md)\n",
	})
	s, diags := Load(root, nil)
	if len(diags) > 0 {
		t.Fatal(join(diags))
	}
	var titles []string
	for _, p := range s.Pages[1:] {
		titles = append(titles, p.NumberedTitle())
	}
	if got := strings.Join(titles, "|"); got != "1 一番目|2 二番目" {
		t.Errorf("titles = %s", got)
	}
}

func TestFailedBuildKeepsPreviousOutput(t *testing.T) {
	root := testsite.Write(t, map[string]string{"content/a.md": "# A\n\n本文\n"})
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Run(Options{Source: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(out, "a", "index.html"))
	if err := os.WriteFile(filepath.Join(root, "content", "a.md"), []byte("# A\n\n[壊れた](missing.md)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(Options{Source: root, Out: out}); err == nil {
		t.Fatal("broken build succeeded")
	}
	after, _ := os.ReadFile(filepath.Join(out, "a", "index.html"))
	if !bytes.Equal(before, after) || len(before) == 0 {
		t.Error("a failed build changed the previous output")
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("temporary folders left behind: %v", entries)
	}
}

func TestRefusesForeignFolder(t *testing.T) {
	root := testsite.Write(t, map[string]string{"content/a.md": "# A\n"})
	out := filepath.Join(t.TempDir(), "docs")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "precious.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Run(Options{Source: root, Out: out})
	if err == nil || !strings.Contains(err.Error(), "refusing to replace") {
		t.Fatalf("err = %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(out, "precious.txt")); string(data) != "mine" {
		t.Error("foreign folder was touched")
	}
	if _, err := Run(Options{Source: root, Out: out, Force: true}); err != nil {
		t.Fatalf("--force: %v", err)
	}
}

func TestSummaryDefinesOrderAndNumbering(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"content/SUMMARY.md":  "# Summary\n\n[はじめに](intro.md)\n\n# 本編\n\n- [二章を先に](b/_index.md)\n    - [b の子](b/child.md)\n- [一章](a.md)\n- [下書き]()\n\n---\n\n[あとがき](outro.md)\n",
		"content/intro.md":    "前書き。\n",
		"content/a.md":        "# A の題\n\n本文。\n",
		"content/b/_index.md": "本文。\n",
		"content/b/child.md":  "## 節\n\n本文。\n",
		"content/outro.md":    "後書き。\n",
		"content/unlisted.md": "# 載らない\n",
	})
	s, diags := Load(root, nil)
	if len(diags) > 0 {
		t.Fatal(join(diags))
	}
	var got []string
	for _, p := range s.Pages[1:] {
		got = append(got, p.NumberedTitle())
	}
	want := "はじめに|1 二章を先に|1.1 b の子|2 一章|あとがき" // SUMMARY titles win over a page's own # heading, as in mdBook
	if strings.Join(got, "|") != want {
		t.Errorf("book order = %s, want %s", strings.Join(got, "|"), want)
	}
	if s.PageByPath("b/child.md").HeadingNumber("節") != "1.1.1" {
		t.Error("headings of a SUMMARY page are not numbered")
	}

	bad := testsite.Write(t, map[string]string{
		"content/SUMMARY.md": "- [ない](missing.md)\nこれは何?\n- [外](../x.md)\n",
	})
	_, diags = Load(bad, nil)
	var lines []string
	for _, d := range diags {
		lines = append(lines, d.File+":"+strconv.Itoa(d.Line)+":"+strconv.Itoa(d.Col)+": "+d.Msg)
	}
	wantDiags := "content/SUMMARY.md:1:8: SUMMARY.md lists missing page missing.md|content/SUMMARY.md:2:1: unrecognised line in SUMMARY.md|content/SUMMARY.md:3:7: SUMMARY.md entry ../x.md is not a Markdown file under content/"
	if strings.Join(lines, "|") != wantDiags {
		t.Errorf("diagnostics:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.ReplaceAll(wantDiags, "|", "\n"))
	}
}

func TestSiteThemeOverridesFileByFile(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"content/a.md":      "# A\n\n本文\n",
		"layouts/page.html": `{{define "main"}}<p class="custom">{{.Page.Title}} カスタム</p>{{end}}`,
		"assets/style.css":  "body { color: red; }\n",
		"assets/extra.js":   "console.log(1);\n",
	})
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Run(Options{Source: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(out, "a", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `<p class="custom">A カスタム</p>`) {
		t.Error("the site's layouts/page.html did not replace the default")
	}
	if !strings.Contains(string(page), `class="site-header"`) {
		t.Error("the default base.html was not used for the templates the site does not override")
	}
	theme, err := Theme(root)
	if err != nil {
		t.Fatal(err)
	}
	// Minified, as every stylesheet.
	if css := theme.Files[theme.Assets["style.css"]]; string(css) != "body{color:red}\n" {
		t.Errorf("style.css = %q, want the site's own", css)
	}
	if _, ok := theme.Assets["extra.js"]; !ok {
		t.Error("the site's extra asset is missing")
	}
	if _, ok := theme.Assets["kb.js"]; !ok {
		t.Error("the default kb.js is missing")
	}
}

func TestRoleAndLevelIndexes(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Run(Options{Source: basicSite, Out: out}); err != nil {
		t.Fatal(err)
	}
	roles, err := os.ReadFile(filepath.Join(out, "roles", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	employee := strings.Index(string(roles), "一般従業員")
	admin := strings.Index(string(roles), "システム管理者・担当者")
	if employee < 0 || admin < 0 || employee > admin {
		t.Error("roles are not listed in kb.yaml's order (employee, then admin)")
	}
	if strings.Contains(string(roles), "この役割のページはありません") {
		t.Error("the roles index says a role has no pages")
	}
	level2, err := os.ReadFile(filepath.Join(out, "levels", "2", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(level2), "バックアップ") || strings.Contains(string(level2), "全体像") {
		t.Error("the LV.2 page does not list exactly the LV.2 pages")
	}
}

func TestHeadingNumbersWithSkippedLevels(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"content/a.md": "# A\n\n### 先に三段目\n\n## 二段目\n\n#### 四段目\n\n### 三段目\n",
	})
	s, diags := Load(root, nil)
	if len(diags) > 0 {
		t.Fatal(join(diags))
	}
	var got []string
	for _, h := range s.PageByPath("a.md").Headings {
		got = append(got, h.Number+" "+h.Text)
	}
	// A skipped level counts as an implied first heading, so numbers never repeat.
	want := "1.1.1 先に三段目|1.2 二段目|1.2.1.1 四段目|1.2.2 三段目"
	if strings.Join(got, "|") != want {
		t.Errorf("numbers = %s, want %s", strings.Join(got, "|"), want)
	}
}

// A page that cannot be read (here an absolute link, which kb never
// follows; a file without read permission does the same, but root, as CI
// runs, reads it anyway) is a diagnostic at the file, and the rest of the
// site is still checked.
func TestUnreadablePageIsADiagnostic(t *testing.T) {
	root := testsite.Write(t, map[string]string{"content/a.md": "# A\n\n[壊れた](missing.md)\n"})
	if err := os.Symlink(filepath.Join(root, "nowhere.md"), filepath.Join(root, "content", "b.md")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	_, diags := Load(root, nil)
	got := join(diags)
	for _, want := range []string{"content/b.md: link leads outside the site folder", "content/a.md:3:1:"} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, got)
		}
	}
}

func TestSummaryWithCommentsAndHTMLLinks(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"content/SUMMARY.md":    "# Summary\n\n<!-- 目次。\n編集メモ: [古い](old.md) -->\n* [はじめに](README.md)\n* [第一章](ch1/README.html)\n  <!-- - [保留](ch1/hold.md) -->\n  * [導入](ch1/intro.html)\n  * [詳細](ch1/detail)\n\n## 付録\n\n* [用語](glossary.md) <!-- 後で -->\n",
		"content/README.md":     "# 本の題\n\n前書き。\n",
		"content/ch1/README.md": "# 第一章\n",
		"content/ch1/intro.md":  "# 導入\n\n[詳細へ](detail.html#節)\n",
		"content/ch1/detail.md": "# 詳細\n\n## 節\n",
		"content/ch1/hold.md":   "# 保留\n",
		"content/glossary.md":   "# 用語\n",
	})
	s, diags := Load(root, nil)
	if len(diags) > 0 {
		t.Fatal(join(diags))
	}
	var got []string
	for _, p := range s.Pages {
		got = append(got, p.NumberedTitle()+" "+p.URL)
	}
	want := "本の題 |1 第一章 ch1/|1.1 導入 ch1/intro/|1.2 詳細 ch1/detail/|2 用語 glossary/"
	if strings.Join(got, "|") != want {
		t.Errorf("book = %s\nwant   %s", strings.Join(got, "|"), want)
	}
}

func TestPageInGeneratedFolderIsMovedAside(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"content/search.md": "# 検索のコツ\n\n本文。\n",
		"content/a.md":      "# A\n\n[コツ](search.md)\n",
	})
	out := filepath.Join(t.TempDir(), "public")
	res, err := Run(Options{Source: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Msg, "it is written to search-page/index.html instead") {
		t.Errorf("warnings: %v", res.Warnings)
	}
	moved, err := os.ReadFile(filepath.Join(out, "search-page", "index.html"))
	if err != nil || !strings.Contains(string(moved), "検索のコツ") {
		t.Errorf("moved page: %v", err)
	}
	own, _ := os.ReadFile(filepath.Join(out, "search", "index.html"))
	if strings.Contains(string(own), "本文。") || !strings.Contains(string(moved), "本文。") {
		t.Error("the page overwrote kb's search page")
	}
	a, _ := os.ReadFile(filepath.Join(out, "a", "index.html"))
	if !strings.Contains(string(a), `href="../search-page/index.html"`) {
		t.Error("the link does not follow the moved page")
	}
}

// Callout kinds declared in kb.yaml are understood in pages, in both forms,
// and may relabel a built-in kind; a misspelt kind is a warning that names
// the declared ones.
func TestCalloutKindsFromConfig(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"kb.yaml":      "title: T\ncallouts:\n  - kind: 点検\n    class: check\n  - kind: NOTE\n    label: メモ\n",
		"content/a.md": "# A\n\n> [!点検]\n> 月末に確かめる。\n\n::: 点検 今月の点検\n扉の施錠。\n:::\n\n> [!note]\n> 覚え書き。\n\n> [!点険]\n> 誤記。\n",
	})
	out := filepath.Join(t.TempDir(), "public")
	res, err := Run(Options{Source: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(out, "a", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<aside class="callout callout-check" role="note" aria-label="点検"><p class="callout-label">点検</p>`,
		`<aside class="callout callout-check" role="note" aria-label="今月の点検">`,
		`<aside class="callout callout-note" role="note" aria-label="メモ">`,
	} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Hint, "[!点検]") {
		t.Errorf("warnings = %v, want one suggesting [!点検]", res.Warnings)
	}
}

func TestCalloutKindsChecked(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"kb.yaml":      "title: T\ncallouts:\n  - kind: \"a b\"\n  - kind: 点検\n",
		"content/a.md": "# A\n",
	})
	_, diags := Load(root, nil)
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Col, d.Msg))
	}
	want := []string{`kb.yaml:3:11: callout kind "a b" cannot be written in a page`, `kb.yaml:4:5: callout "点検" needs a class for the stylesheet`}
	if !slices.Equal(msgs, want) {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
}

// The interface text follows kb.yaml's language, and a site's own
// layouts/i18n file changes only the texts it holds.
func TestInterfaceLanguage(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"kb.yaml":                "title: Handbook\nlanguage: en\n",
		"layouts/i18n/en.yaml":   "home: Start\ncallout.tip: Hint\n",
		"content/_index.md":      "# Handbook\n\nWelcome.\n",
		"content/01-a/_index.md": "# Chapter\n\nText.\n",
		"content/01-a/page.md": "# Page\n\n## Part\n\nText, see [](#fig-flow).\n\n> [!NOTE]\n> Noted.\n\n> [!TIP]\n> Tipped.\n\n" +
			"::: details\nHidden.\n:::\n\n![The flow](flow.svg \"The flow\"){#fig-flow}\n",
		"content/01-a/flow.svg": `<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>`,
	})
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Run(Options{Source: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(out, "01-a", "page", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<html lang="en">`, ">Skip to content<", ">On this page<", ">Start</a>", `aria-label="Breadcrumbs"`,
		`<p class="callout-label">Note</p>`, `<p class="callout-label">Hint</p>`, `<summary class="callout-label">Details</summary>`,
		`<span class="figno">Figure 1.1.1</span>`, `>Figure 1.1.1 The flow</a>`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if i := strings.IndexFunc(string(page), func(r rune) bool {
		return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han)
	}); i >= 0 {
		t.Errorf("an English page shows Japanese: …%s…", string(page)[max(0, i-80):min(len(page), i+80)])
	}
	toc, err := os.ReadFile(filepath.Join(out, "toc", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(toc), "<h1>Contents</h1>") {
		t.Error("the generated contents page is not titled in English")
	}
}
