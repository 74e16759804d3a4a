package pipeline

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/layouts"
)

// copyTree copies the folder src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// readTree returns every file under dir by slash path, without kb's marker.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == MarkerFile {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameTrees reports the first differences between two output folders.
func sameTrees(t *testing.T, step string, got, want map[string][]byte) {
	t.Helper()
	var problems []string
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			problems = append(problems, "missing "+name)
		case !bytes.Equal(g, w):
			problems = append(problems, "differs "+name+":\n"+firstDiff(string(w), string(g)))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			problems = append(problems, "extra "+name)
		}
	}
	slices.Sort(problems)
	if len(problems) > 0 {
		t.Fatalf("%s: the incremental output differs from a full build:\n%s", step, strings.Join(problems[:min(len(problems), 5)], "\n"))
	}
}

// buildAndCompare builds after the changes with r, finishes, and fails the
// test unless r's folder out equals a full build of src into full, and the
// site r resolved equals one resolved afresh.
func buildAndCompare(t *testing.T, r *Builder, step string, changed []string, src, out, full string) *Change {
	t.Helper()
	ch, err := r.Build(changed)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	sameResolve(t, step, r, ch.Site, ch.Warnings)
	for r.Pending() {
		if _, err := r.Finish(nil); err != nil {
			t.Fatalf("%s: the rest: %v", step, err)
		}
	}
	if _, err := Run(Options{Source: src, Out: full}); err != nil {
		t.Fatalf("%s: full build: %v", step, err)
	}
	sameTrees(t, step, readTree(t, out), readTree(t, full))
	return ch
}

// TestBuilderMatchesFullBuild edits a site step by step and checks after
// each incremental build that the output folder equals a full build's, and
// that an edit of one page's body parses and renders that page only.
func TestBuilderMatchesFullBuild(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "site")
	copyTree(t, basicSite, src)
	out := filepath.Join(root, "serve")
	r := NewBuilder(BuilderOptions{Root: src, Formats: []Format{HTML{}}, Open: Dir(out)})
	write := func(rel, text string) {
		p := filepath.Join(src, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit := func(rel, old, new string) {
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(old)) {
			t.Fatalf("%s does not contain %q", rel, old)
		}
		write(rel, strings.Replace(string(data), old, new, 1))
	}
	remove := func(rel string) {
		if err := os.Remove(filepath.Join(src, filepath.FromSlash(rel))); err != nil {
			t.Fatal(err)
		}
	}
	check := func(step string, changed []string) *Change {
		t.Helper()
		return buildAndCompare(t, r, step, changed, src, out, filepath.Join(root, "full"))
	}

	check("first build", nil)

	edit("content/02-measures/backup.md", "月に一度、", "毎月一回、")
	ch := check("body edit", []string{"content/02-measures/backup.md"})
	if ch.Parsed != 1 || ch.Rendered != 1 || !slices.Equal(ch.Written, []string{"02-measures/backup/index.html"}) {
		t.Errorf("a body edit parsed %d, rendered %d and wrote %v; want 1, 1 and the page only", ch.Parsed, ch.Rendered, ch.Written)
	}
	if ch, err := r.Build([]string{"content/02-measures/backup.md"}); err != nil || len(ch.Written) > 0 || ch.Parsed > 0 {
		t.Errorf("saving unchanged text wrote %v and parsed %d (%v)", ch.Written, ch.Parsed, err)
	}

	// The guide's lead reads backup.md's title through an empty link, so that
	// title reaches more pages; overview.md's title reaches its neighbours only.
	edit("content/01-intro/overview.md", "title: 全体像", "title: 全体の見取り図")
	ch = check("title edit", []string{"content/01-intro/overview.md"})
	if ch.Full {
		t.Error("a title edit regenerated every output")
	}

	edit("content/02-measures/backup.md", "title: バックアップ", "title: バックアップと復元")
	check("title edit read by other pages' summaries", []string{"content/02-measures/backup.md"})

	edit("content/02-measures/backup.md", "## 復元テスト {#restore-test}", "## 復元の確認 {#restore-test}")
	check("heading edit shown in another page's link text", []string{"content/02-measures/backup.md"})

	write("content/03-new/_index.md", "---\ntitle: 新しい章\n---\n\n新しい章です。[](../02-measures/backup.md)\n")
	write("content/03-new/page.md", "# 新しいページ\n\n本文。\n")
	check("page in a new folder", []string{"content/03-new"})

	remove("content/guides/employee.md")
	ch = check("page deleted", []string{"content/guides/employee.md"})
	if !slices.Contains(ch.Removed, "guides/employee/index.html") {
		t.Errorf("deleting a page removed %v", ch.Removed)
	}

	edit("content/annex/glossary.md", "\nWAN\n:", "\nバックアップ\n: データの複製。\n\nWAN\n:")
	check("glossary term added", []string{"content/annex/glossary.md"})

	edit("kb.yaml", "title: テスト用ナレッジベース", "title: 改題したナレッジベース")
	check("configuration", []string{"kb.yaml"})

	edit("content/02-measures/backup.md", "バックアップの手順です。", "<kbd>Ctrl</kbd> でバックアップの手順です。")
	check("raw HTML", []string{"content/02-measures/backup.md"})
	edit("kb.yaml", "language: ja", "language: ja\nunsafe_html: true")
	check("unsafe_html", []string{"kb.yaml"})

	write("assets/style.css", "body { color: #123; }\n")
	check("stylesheet", []string{"assets/style.css"})

	write("content/01-intro/diagram.svg", `<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>`)
	check("linked file", []string{"content/01-intro/diagram.svg"})

	edit("content/02-measures/_index.md", "weight: 20", "weight: 5")
	check("weight", []string{"content/02-measures/_index.md"})

	before := readTree(t, out)
	edit("content/01-intro/overview.md", "(../02-measures/_index.md)", "(../02-measures/missing.md)")
	_, err := r.Build([]string{"content/01-intro/overview.md"})
	var derr *diag.Error
	if !errors.As(err, &derr) || len(derr.Diagnostics) != 1 || derr.Diagnostics[0].Line != 20 || derr.Diagnostics[0].Col != 1 {
		t.Fatalf("a broken link gave %v, want one diagnostic at 20:1", err)
	}
	sameTrees(t, "broken link", readTree(t, out), before)
	edit("content/01-intro/overview.md", "(../02-measures/missing.md)", "(../02-measures/_index.md)")
	check("fixed link", []string{"content/01-intro/overview.md"})

	// Changes that come with a mistake are not lost when the build fails.
	write("assets/style.css", "body { color: #456; }\n")
	write("content/01-intro/diagram.svg", `<svg xmlns="http://www.w3.org/2000/svg" width="3" height="3"/>`)
	edit("content/01-intro/overview.md", "(../02-measures/_index.md)", "(../02-measures/missing.md)")
	if _, err := r.Build([]string{"assets/style.css", "content/01-intro/diagram.svg", "content/01-intro/overview.md"}); err == nil {
		t.Fatal("a broken link built")
	}
	edit("content/01-intro/overview.md", "(../02-measures/missing.md)", "(../02-measures/_index.md)")
	check("fixed after a failed build with other changes", []string{"content/01-intro/overview.md"})

	if err := os.Rename(filepath.Join(src, "content/03-new/page.md"), filepath.Join(src, "content/03-new/renamed.md")); err != nil {
		t.Fatal(err)
	}
	check("rename", []string{"content/03-new/page.md", "content/03-new/renamed.md"})

	// The site's catalogue names the callouts the parser labels.
	write("layouts/i18n/ja.yaml", "callout.warning: 要注意\n")
	check("callout label from the site's catalogue", []string{"layouts/i18n/ja.yaml"})
	if data, err := os.ReadFile(filepath.Join(out, "01-intro", "overview", "index.html")); err != nil || !strings.Contains(string(data), `<p class="callout-label">要注意</p>`) {
		t.Errorf("the site's callout label is not shown (%v)", err)
	}

	// An included file, outside the content folder, read by one page.
	write("listings/backup.sh", "rsync -a /srv/ /backup/\n")
	edit("content/02-measures/backup.md", "バックアップの手順です。", "バックアップの手順です。\n\n```sh\n{{#include ../../listings/backup.sh}}\n```\n")
	check("include added", []string{"content/02-measures/backup.md"})
	if !slices.Contains(r.Inputs(), "listings/backup.sh") {
		t.Errorf("Inputs() = %v, want the included file", r.Inputs())
	}
	write("listings/backup.sh", "rsync -a --delete /srv/ /backup/\n")
	ch = check("included file edited", []string{"listings/backup.sh"})
	if ch.Parsed != 1 || !slices.Equal(ch.Written, []string{"02-measures/backup/index.html"}) {
		t.Errorf("editing an included file parsed %d pages and wrote %v; want 1 and the including page", ch.Parsed, ch.Written)
	}

	// A site's own template may read anything of the site: here every page
	// shows the titles and summaries of its parent's children and the title
	// of the page after the next, which no built-in template reads.
	builtin, err := fs.ReadFile(layouts.FS, "page.html")
	if err != nil {
		t.Fatal(err)
	}
	own := strings.Replace(string(builtin), `{{define "main"}}`, `{{define "main"}}<p class="own">{{with .Page.Parent}}{{range .Children}}{{.Title}}:{{.Summary}};{{end}}{{end}}{{with .Page.Next}}{{with .Next}}{{.Title}}{{end}}{{end}}</p>`, 1)
	write("layouts/page.html", own)
	check("own template", []string{"layouts/page.html"})
	edit("content/02-measures/backup.md", "バックアップの手順です。", "手順を改めたバックアップの説明です。")
	check("summary read by an own template", []string{"content/02-measures/backup.md"})
	edit("content/03-new/renamed.md", "# 新しいページ", "# 最後のページ")
	check("title read two pages back", []string{"content/03-new/renamed.md"})
	edit("content/01-intro/overview.md", "title: 全体の見取り図", "title: 全体像の見取り図")
	check("title read two pages back, again", []string{"content/01-intro/overview.md"})
}

// TestBuilderRecoversPanics checks that a panic in a build, on the
// calling goroutine or on a worker, becomes an error, and that the next
// build starts afresh and succeeds.
func TestBuilderRecoversPanics(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	r := NewBuilder(BuilderOptions{Root: basicSite, Formats: []Format{HTML{}}, Open: Dir(out)})
	if _, err := r.Build(nil); err != nil {
		t.Fatal(err)
	}
	r.docs = nil // corrupt the state: the next parse writes to a nil map
	_, err := r.Build([]string{"content/02-measures/backup.md", "content/01-intro/overview.md"})
	if err == nil || !strings.Contains(err.Error(), "internal error") {
		t.Fatalf("a panicking build returned %v", err)
	}
	stray := filepath.Join(out, "gone", "index.html") // as if a page was deleted meanwhile
	if err := os.MkdirAll(filepath.Dir(stray), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stray, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if ch, err := r.Build([]string{"content/02-measures/backup.md"}); err != nil || !ch.Full {
		t.Fatalf("the build after a panic gave %v (full %v), want a fresh full build", err, ch != nil && ch.Full)
	}
	if _, err := os.Stat(filepath.Dir(stray)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the fresh build left a page it does not write (%v)", err)
	}
}
