package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/bench/corpus"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/testsite"
	"github.com/kb-handbook/kb/layouts"
)

// describeSite lists what a resolved site holds, a line per fact: every
// page's place, numbers, headings and figures, the target and link text of
// each of its links, and the linked files. Two sites resolved from the same
// sources describe the same.
func describeSite(s *site.Site) []string {
	name := func(p *site.Page) string {
		if p == nil {
			return "-"
		}
		return p.Source.Path
	}
	var out []string
	for _, p := range s.Pages {
		out = append(out, fmt.Sprintf("page %d %s %q %q %s parent=%s prev=%s next=%s children=%d summary=%q",
			p.Index, p.Source.Path, p.Title, p.Number, p.URL, name(p.Parent), name(p.Prev), name(p.Next), len(p.Children), p.Summary()))
		for _, h := range p.Headings {
			out = append(out, fmt.Sprintf("  heading %+v", h))
		}
		for _, f := range p.Figures {
			out = append(out, fmt.Sprintf("  figure %+v", f))
		}
		for _, l := range p.Doc.Links {
			t, ok := p.Target(l.Dest)
			out = append(out, fmt.Sprintf("  link %s:%d:%d %s -> %v page=%s anchor=%q file=%q generated=%v external=%q text=%q",
				p.Source.File, l.Line, l.Col, l.Dest, ok, name(t.Page), t.Anchor, t.File, t.Generated, t.External, t.FillText()))
		}
	}
	return append(out, "files "+strings.Join(s.Files, " "), "glossary "+name(s.Glossary))
}

func describeDiags(diags []diag.Diagnostic) []string {
	out := make([]string, len(diags))
	for i, d := range diags {
		out[i] = d.String() + " | " + d.Source
	}
	return out
}

// sameResolve fails the test unless s and diags, what r's last build
// resolved and found, equal what a new Builder with r's options resolves
// and finds from nothing.
func sameResolve(t *testing.T, step string, r *Builder, s *site.Site, diags []diag.Diagnostic) {
	t.Helper()
	fresh := NewBuilder(BuilderOptions{Root: r.opts.Root, Formats: r.opts.Formats, OnDemand: r.opts.OnDemand, Needs: r.opts.Needs})
	want, wantDiags, err := fresh.Load(nil)
	if err != nil {
		t.Fatalf("%s: fresh load: %v", step, err)
	}
	sameLines(t, step+": site", describeSite(s), describeSite(want))
	sameLines(t, step+": diagnostics", describeDiags(diags), describeDiags(wantDiags))
}

func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Fatalf("%s differs from a fresh resolve at line %d:\n  got:  %s\n  want: %s", what, i+1, g, w)
		}
	}
}

// TestBuilderResolvesAsAFullBuild edits a site in ways that change what
// other, unedited pages' links resolve to or show, and checks after each
// build that the Builder, which resolves again only the links an edit can
// change, resolved and reported what a fresh build does, wrote the same
// files, and resolved no more pages than it had to.
func TestBuilderResolvesAsAFullBuild(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "site")
	copyTree(t, basicSite, src)
	out := filepath.Join(root, "serve")
	r := NewBuilder(BuilderOptions{Root: src, Formats: []Format{HTML{}}, Open: Dir(out)})
	read := func(rel string) string {
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	write := func(rel, text string) { testsite.WriteIn(t, src, map[string]string{rel: text}) }
	edit := func(rel, old, new string) {
		t.Helper()
		text := read(rel)
		if !strings.Contains(text, old) {
			t.Fatalf("%s does not contain %q", rel, old)
		}
		write(rel, strings.Replace(text, old, new, 1))
	}
	// check builds after the change and compares; resolved is how many
	// pages' links the build may resolve again (-1: every page).
	check := func(step string, resolved int, changed ...string) *Change {
		t.Helper()
		ch := buildAndCompare(t, r, step, changed, src, out, filepath.Join(root, "full"))
		if resolved < 0 {
			resolved = len(ch.Site.Pages)
		}
		if ch.Resolved != resolved {
			t.Errorf("%s: resolved the links of %d pages, want %d", step, ch.Resolved, resolved)
		}
		return ch
	}
	// fails builds after the change, which must fail with the problems a
	// fresh build finds, want among them, and leave the output as it was.
	fails := func(step, want string, changed ...string) {
		t.Helper()
		before := readTree(t, out)
		ch, err := r.Build(changed)
		var derr *diag.Error
		if !errors.As(err, &derr) {
			t.Fatalf("%s: got %v, want problems", step, err)
		}
		sameResolve(t, step, r, ch.Site, derr.Diagnostics)
		if !slices.ContainsFunc(derr.Diagnostics, func(d diag.Diagnostic) bool { return d.String() == want }) {
			t.Errorf("%s: problems\n%s\nwant among them\n%s", step, derr, want)
		}
		sameTrees(t, step, readTree(t, out), before)
	}
	shows := func(step, page, text string) {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(page)))
		if err != nil || !strings.Contains(string(data), text) {
			t.Errorf("%s: %s does not show %q (%v)", step, page, text, err)
		}
	}
	const (
		overview = "content/01-intro/overview.md"
		backup   = "content/02-measures/backup.md"
		employee = "content/guides/employee.md"
	)

	check("first build", -1)

	edit(backup, "月に一度、", "毎月一回、")
	check("body edit", 1, backup)

	// employee.md links to overview.md#多要素認証-mfa, an ID made from the heading's text.
	edit(overview, "## 多要素認証 (MFA)", "## 多要素認証 (2FA)")
	fails("heading renamed under a link to it",
		"content/guides/employee.md:6:4: link to missing anchor ../01-intro/overview.md#多要素認証-mfa in content/01-intro/overview.md (did you mean #多要素認証-2fa?)",
		overview)
	edit(overview, "## 多要素認証 (2FA)", "## 多要素認証 (MFA)")
	check("heading named back", 2, overview)
	shows("heading named back", "guides/employee/index.html", ">1.1.1 多要素認証 (MFA)</a>")

	edit(employee, "#多要素認証-mfa", "#多要素認証-2fa")
	fails("link to an anchor that is not there yet",
		"content/guides/employee.md:6:4: link to missing anchor ../01-intro/overview.md#多要素認証-2fa in content/01-intro/overview.md (did you mean #多要素認証-mfa?)",
		employee)
	edit(overview, "## 多要素認証 (MFA)", "## 多要素認証 (2FA)")
	check("heading renamed to what the link names", 2, overview)
	shows("heading renamed to what the link names", "guides/employee/index.html", ">1.1.1 多要素認証 (2FA)</a>")

	// overview.md's empty link to backup.md#restore-test reads the heading's number and text.
	edit(backup, "## 復元テスト {#restore-test}", "## 復元の確認 {#restore-test}")
	check("heading text shown in another page's link", 1, backup)
	shows("heading text shown in another page's link", "01-intro/overview/index.html", ">2.1.2 復元の確認</a>")

	edit(backup, "title: バックアップ", "title: バックアップと復元")
	check("title shown in another page's link", 0, backup) // front matter only: the same links
	shows("title shown in another page's link", "guides/employee/index.html", ">2.1 バックアップと復元</a>")

	text := read(backup)
	if err := os.Remove(filepath.Join(src, filepath.FromSlash(backup))); err != nil {
		t.Fatal(err)
	}
	fails("page removed under links to it",
		"content/01-intro/overview.md:19:36: link to missing page ../02-measures/backup.md#restore-test (did you mean ../02-measures/_index.md?)",
		backup)
	write(backup, text)
	check("page back", -1, backup)

	// A chapter moved before the other: every number changes, no link's target.
	edit("content/02-measures/_index.md", "weight: 20", "weight: 5")
	check("chapters renumbered", 0, "content/02-measures/_index.md")
	shows("chapters renumbered", "guides/employee/index.html", ">1.1 バックアップと復元</a>")
	shows("chapters renumbered", "01-intro/overview/index.html", ">1.1.2 復元の確認</a>")

	// A problem in the front matter is found at its line, also after the line moved.
	edit(overview, "roles: [employee, admin]", "draft: false\nroles: [employee, admn]")
	fails("role misspelled a line lower",
		`content/01-intro/overview.md:5:19: unknown role "admn" (did you mean "admin"?)`, overview)
	edit(overview, "roles: [employee, admn]", "roles: [employee, admin]")
	check("role fixed", 1, overview)

	write("content/02-measures/new.md", "# 新しいページ\n\n[](backup.md#take)\n")
	check("page added", -1, "content/02-measures/new.md")
	shows("page added", "02-measures/new/index.html", ">1.1.1 取得</a>")

	edit(backup, "## 取得 {#take}", "## 取得 {#taking}")
	edit(backup, "(#take)", "(#taking)")
	fails("anchor renamed under a new page's link",
		"content/02-measures/new.md:3:1: link to missing anchor backup.md#take in content/02-measures/backup.md (anchors on that page: taking, restore-test)",
		backup)
	edit("content/02-measures/new.md", "#take)", "#taking)")
	check("new page's link fixed", 1, "content/02-measures/new.md")

	// A site's template may read any front-matter key.
	builtin, err := fs.ReadFile(layouts.FS, "page.html")
	if err != nil {
		t.Fatal(err)
	}
	write("layouts/page.html", strings.Replace(string(builtin), `{{define "main"}}`, `{{define "main"}}<p class="owner">{{.Page.Params.owner}}</p>`, 1))
	edit(backup, "title: バックアップと復元", "title: バックアップと復元\nowner: 総務部")
	check("front-matter key read by the site's template", 1, "layouts/page.html", backup)
	edit(backup, "owner: 総務部", "owner: 情報システム部")
	check("front-matter key edited", 0, backup) // front matter only
	shows("front-matter key edited", "02-measures/backup/index.html", `<p class="owner">情報システム部</p>`)
}

// TestBuilderResolvesRandomEditsAsAFullBuild makes random edits to a
// generated book whose pages link to each other's sections — anchors
// renamed and named back, pages removed and restored, added, retitled,
// edited and moved — and checks after each build that the Builder resolved
// and reported what a fresh build does.
func TestBuilderResolvesRandomEditsAsAFullBuild(t *testing.T) {
	src := filepath.Join(t.TempDir(), "site")
	if err := corpus.Write(src, corpus.Options{Pages: 150, Seed: 7, TargetChars: 1200}); err != nil {
		t.Fatal(err)
	}
	r := NewBuilder(BuilderOptions{Root: src, Formats: []Format{HTML{}}, Open: Dir(filepath.Join(t.TempDir(), "out"))})
	if _, err := r.Build(nil); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	page := func() string {
		return fmt.Sprintf("content/ch%03d/p%03d.md", 1+rng.IntN(3), 1+rng.IntN(corpus.PagesPerChapter))
	}
	file := func(rel string) string { return filepath.Join(src, filepath.FromSlash(rel)) }
	removed := map[string][]byte{}
	for step := range 40 {
		rel := page()
		data, err := os.ReadFile(file(rel))
		text := string(data)
		var what string
		switch k := rng.IntN(7); {
		case err != nil: // removed before: restore it
			what = "restore"
			text = string(removed[rel])
		case k == 0 && strings.Contains(text, "{#s1}"):
			what = "rename anchor"
			text = strings.Replace(text, "{#s1}", "{#s1-renamed}", 1)
		case k == 0 || k == 1 && strings.Contains(text, "{#s1-renamed}"):
			what = "name anchor back"
			text = strings.Replace(text, "{#s1-renamed}", "{#s1}", 1)
		case k == 2:
			what = "remove"
			removed[rel] = data
			text = ""
		case k == 3:
			what = "retitle"
			text = strings.Replace(text, "title: ", fmt.Sprintf("title: 改題%d ", step), 1)
		case k == 4:
			what = "move (weight)"
			text = strings.Replace(text, "weight: ", fmt.Sprintf("weight: %d", 100+step), 1)
		case k == 5:
			what = "add a page"
			rel = fmt.Sprintf("content/ch%03d/new%02d.md", 1+rng.IntN(3), step)
			text = fmt.Sprintf("# 追加%d\n\n[](p%03d.md#s1) [](../ch001/p001.md)\n", step, 1+rng.IntN(corpus.PagesPerChapter))
		default:
			what = "edit the body"
			text = strings.Replace(text, "\n## ", fmt.Sprintf("\n編集%d回目。\n\n## ", step), 1)
		}
		if what == "remove" {
			err = os.Remove(file(rel))
		} else {
			err = os.WriteFile(file(rel), []byte(text), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("step %d: %s %s", step, what, rel)
		ch, err := r.Build([]string{rel})
		var derr *diag.Error
		switch {
		case errors.As(err, &derr):
			sameResolve(t, name, r, ch.Site, derr.Diagnostics)
		case err != nil:
			t.Fatalf("%s: %v", name, err)
		default:
			sameResolve(t, name, r, ch.Site, ch.Warnings)
		}
		t.Logf("%s: %d pages resolved again", name, ch.Resolved)
	}
}
