package devserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kb-handbook/kb/internal/ebook"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/printbook"
	"github.com/kb-handbook/kb/internal/testsite"
)

const editPage = "/01-guide/edit-me/"

func TestEditShowsNewText(t *testing.T) {
	h := start(t, nil)
	_, body := h.get(editPage)
	s := h.subscribe(editPage, pageGen(body))
	h.edit("content/01-guide/edit-me.md", "最初の本文です。", "書き換えた本文です。")
	// The edited page is written and reloaded first. The edit is in the lead
	// paragraph, which the chapter and role pages show as a summary: they follow.
	d := s.expect(t, "reload")
	if !slices.Equal(d.Pages, []string{editPage}) {
		t.Errorf("first reload names %v, want the edited page", d.Pages)
	}
	if next := s.expect(t, "reload"); !slices.Equal(next.Pages, []string{"/01-guide/", "/roles/employee/"}) {
		t.Errorf("second reload names %v, want the chapter and the role list", next.Pages)
	}
	script := regexp.MustCompile(`<script src="/__kb/reload.js\?v=[0-9a-f]{8}" data-gen="\d+" defer></script></body>`)
	for _, p := range []string{editPage, editPage + "index.html"} {
		status, body := h.get(p)
		if status != http.StatusOK || !strings.Contains(body, "書き換えた本文です。") {
			t.Fatalf("%s: %d without the new text:\n%s", p, status, body)
		}
		if !script.MatchString(body) || pageGen(body) < d.Gen {
			t.Errorf("%s does not end with the reload script of build %d or later", p, d.Gen)
		}
	}
	// The script is added when serving: the files on disk never hold it.
	// The site-wide pages may still be being written: a temporary file can
	// be renamed away between listing and reading, which is no failure.
	err := filepath.WalkDir(h.out, func(p string, e fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if strings.Contains(string(data), "__kb") {
			t.Errorf("%s holds the reload script", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestIncludedFileEditReloads edits a file that a page includes from a
// folder outside the content, which kb serve did not watch at first.
func TestIncludedFileEditReloads(t *testing.T) {
	h := start(t, func(dir string) {
		copyDir(t, "testdata/site", dir)
		page := filepath.Join(dir, "content/01-guide/edit-me.md")
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, "\n```sh\n{{#include ../../listings/hello.sh}}\n```\n"...)
		for name, text := range map[string]string{page: string(data), filepath.Join(dir, "listings/hello.sh"): "# first version\n"} {
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})
	_, body := h.get(editPage)
	if !strings.Contains(body, "first version") {
		t.Fatalf("%s lacks the included text:\n%s", editPage, body)
	}
	s := h.subscribe(editPage, pageGen(body))
	h.write("listings/hello.sh", "# second version\n")
	if d := s.expect(t, "reload"); !slices.Contains(d.Pages, editPage) {
		t.Errorf("reload names %v, want the including page", d.Pages)
	}
	if _, body := h.get(editPage); !strings.Contains(body, "second version") {
		t.Errorf("%s does not show the edited include", editPage)
	}
}

func TestNewFolderAppearsInEveryNav(t *testing.T) {
	h := start(t, nil)
	h.write("content/03-new/_index.md", "---\ntitle: 新設の章\nweight: 30\n---\n\n新しい章です。\n")
	h.write("content/03-new/page.md", "# 新設の章のページ\n\n本文。\n")
	sidebar := regexp.MustCompile(`(?s)<nav id="sidebar".*?</nav>`)
	eventually(t, func() error {
		var pages []string
		err := filepath.WalkDir(h.out, func(p string, e fs.DirEntry, err error) error {
			if err == nil && filepath.Ext(p) == ".html" {
				rel, _ := filepath.Rel(h.out, p)
				pages = append(pages, "/"+filepath.ToSlash(rel))
			}
			return err
		})
		if err != nil {
			return err
		}
		if !slices.Contains(pages, "/03-new/page/index.html") {
			return fmt.Errorf("the new page was not written")
		}
		for _, p := range pages {
			_, body := h.get(p)
			if !strings.Contains(sidebar.FindString(body), "新設の章</a>") {
				return fmt.Errorf("the navigation of %s lacks the new chapter", p)
			}
		}
		return nil
	})
}

func TestDeletedPage(t *testing.T) {
	h := start(t, nil)
	const target = "/02-more/target/"
	status, body := h.get(target)
	if status != http.StatusOK {
		t.Fatalf("%s: %d", target, status)
	}
	s := h.subscribe(target, pageGen(body))
	if err := os.Remove(filepath.Join(h.src, "content/02-more/target.md")); err != nil {
		t.Fatal(err)
	}
	// other.md links to the page: the build fails, naming the link.
	d := s.expect(t, "errors")
	if len(d.Errors) != 1 {
		t.Fatalf("got %d problems, want 1: %+v", len(d.Errors), d.Errors)
	}
	p := d.Errors[0]
	if p.File != "content/01-guide/other.md" || p.Line != 5 || p.Col != 1 || !strings.Contains(p.Msg, "missing page") ||
		p.Source != "[消されるページ](../02-more/target.md)へのリンクです。" {
		t.Errorf("problem %+v does not name the link", p)
	}
	if status, _ := h.get(target); status != http.StatusOK {
		t.Errorf("while the build is broken the last good page should be served, got %d", status)
	}
	h.edit("content/01-guide/other.md", "[消されるページ](../02-more/target.md)へのリンクです。", "リンクを外しました。")
	s.expect(t, "ok")
	if d := s.expect(t, "reload"); !slices.Contains(d.Pages, target) {
		t.Errorf("reload names %v, not the deleted page", d.Pages)
	}
	status, body = h.get(target)
	if status != http.StatusNotFound || !strings.Contains(body, "/__kb/reload.js") {
		t.Errorf("the deleted page answers %d; want 404 with the reload script", status)
	}
}

func TestBrokenPageShowsOverlay(t *testing.T) {
	h := start(t, nil)
	_, body := h.get(editPage)
	s := h.subscribe(editPage, pageGen(body))

	h.edit("content/01-guide/edit-me.md", "[別のページ](other.md)", "[別のページ](othre.md)")
	d := s.expect(t, "errors")
	want := problem{File: "content/01-guide/edit-me.md", Line: 10, Col: 1, Msg: "link to missing page othre.md",
		Hint: "did you mean other.md?", Source: "[別のページ](othre.md)を見てください。"}
	if len(d.Errors) != 1 || d.Errors[0] != want {
		t.Fatalf("problems %+v, want [%+v]", d.Errors, want)
	}
	status, body := h.get(editPage)
	if status != http.StatusOK || !strings.Contains(body, `href="../../01-guide/other/index.html"`) {
		t.Errorf("the last good page is not served while the build is broken (%d)", status)
	}
	// A browser that opens a page now is shown the problems at once.
	late := h.subscribe(editPage, pageGen(body))
	if d := late.expect(t, "errors"); len(d.Errors) != 1 {
		t.Errorf("a new browser got %+v", d.Errors)
	}

	// A second problem, in the front matter, is listed first, with its position.
	h.edit("content/01-guide/edit-me.md", "roles: [employee]", "roles: [employee")
	d = s.expect(t, "errors")
	if len(d.Errors) != 2 || d.Errors[0].Line != 3 || d.Errors[0].Col == 0 || d.Errors[0].Source != "roles: [employee" || d.Errors[1] != want {
		t.Errorf("problems %+v", d.Errors)
	}

	// Both fixed in one save.
	fixed, err := os.ReadFile("testdata/site/content/01-guide/edit-me.md")
	if err != nil {
		t.Fatal(err)
	}
	h.write("content/01-guide/edit-me.md", string(fixed))
	s.expect(t, "ok")
	// The page is as it was before the mistake: nothing to reload.
	s.quiet(t, 300*time.Millisecond)
	h.subscribe(editPage, pageGen(body)).quiet(t, 200*time.Millisecond)
}

var stylesheet = regexp.MustCompile(`href="[./]*(assets/style\.[0-9a-f]+\.css)"`)

func TestCSSEditSwapsStylesheet(t *testing.T) {
	h := start(t, nil)
	_, body := h.get(editPage)
	old := stylesheet.FindStringSubmatch(body)[1]
	s := h.subscribe(editPage, pageGen(body))
	h.write("assets/style.css", "body { color: rgb(200, 0, 0); }\n")
	d := s.expect(t, "css")
	now := d.Swaps["/"+old]
	if now == "" || now == "/"+old || len(d.Swaps) != 1 {
		t.Fatalf("swaps %v do not replace /%s", d.Swaps, old)
	}
	s.quiet(t, 300*time.Millisecond) // no reload
	// Minified, as every stylesheet: rgb(200, 0, 0) is #c80000.
	if status, css := h.get(now); status != http.StatusOK || !strings.Contains(css, "#c80000") {
		t.Errorf("%s: %d %q", now, status, css)
	}
	if status, _ := h.get("/" + old); status != http.StatusNotFound {
		t.Errorf("the old stylesheet is still served (%d)", status)
	}
	if _, body := h.get(editPage); !strings.Contains(body, strings.TrimPrefix(now, "/")) {
		t.Error("the page does not link the new stylesheet")
	}
}

func TestBurstIsOneRebuild(t *testing.T) {
	// A checkout writes files back to back; the quiet time leaves room for
	// the test's writes to be held up on a busy machine.
	h := start(t, nil, func(o *Options) { o.Quiet = 150 * time.Millisecond })
	_, body := h.get("/")
	s := h.subscribe("/", pageGen(body))
	builds := func() int { return strings.Count(h.log.String(), "kb: built ") }
	before := builds()
	for i := range 300 {
		h.write(fmt.Sprintf("content/02-more/p%03d.md", i), fmt.Sprintf("# ページ%d\n\n本文。\n", i))
	}
	s.expect(t, "reload")
	time.Sleep(500 * time.Millisecond)
	if n := builds() - before; n != 1 {
		t.Errorf("300 files written at once caused %d rebuilds, want 1", n)
	}
	if status, _ := h.get("/02-more/p299/"); status != http.StatusOK {
		t.Errorf("the last page of the burst answers %d", status)
	}
}

// browse acts like a browser with the reload script: it loads page, listens
// for events from the build it got, and loads the page again when told.
// Each body it loads is passed to seen. It connects slowly, so that builds
// fall between the page's load and its event stream.
func browse(ctx context.Context, base, page string, seen func(string)) {
	for ctx.Err() == nil {
		resp, err := http.Get(base + page)
		if err != nil {
			return
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		seen(string(body))
		time.Sleep(200 * time.Millisecond) // a browser takes a while to run the script
		url := fmt.Sprintf("%s%s?gen=%d&page=%s", base, eventsPath, pageGen(string(body)), page)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			return
		}
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "data: ") && strings.Contains(line, `"`+page+`"`) {
				break
			}
		}
		_ = resp.Body.Close()
	}
}

func TestRapidEditsLastOneShown(t *testing.T) {
	h := start(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	shown := ""
	done := make(chan struct{})
	go func() {
		defer close(done)
		browse(ctx, h.ts.URL, editPage, func(body string) {
			mu.Lock()
			shown = body
			mu.Unlock()
		})
	}()
	defer func() { cancel(); <-done }()
	for i := 1; i <= 8; i++ {
		h.edit("content/01-guide/edit-me.md", "本文です。", fmt.Sprintf("本文です。第%d版。", i))
		time.Sleep(150 * time.Millisecond)
	}
	eventually(t, func() error {
		mu.Lock()
		defer mu.Unlock()
		if !strings.Contains(shown, "第8版") {
			return errNotYet
		}
		return nil
	})
}

func TestFirstBuildFails(t *testing.T) {
	h := start(t, func(dir string) {
		copyDir(t, "testdata/site", dir)
		if err := os.WriteFile(filepath.Join(dir, "content/_index.md"), []byte("[壊れたリンク](nowhere.md)\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	status, body := h.get("/")
	if status != http.StatusNotFound || !strings.Contains(body, "/__kb/reload.js") {
		t.Fatalf("before any good build / answers %d:\n%s", status, body)
	}
	s := h.subscribe("/", pageGen(body))
	if d := s.expect(t, "errors"); len(d.Errors) != 1 || d.Errors[0].File != "content/_index.md" {
		t.Fatalf("problems %+v", d.Errors)
	}
	h.write("content/_index.md", "直しました。\n")
	s.expect(t, "ok")
	if d := s.expect(t, "reload"); !slices.Contains(d.Pages, "/") {
		t.Errorf("reload names %v", d.Pages)
	}
	if status, body := h.get("/"); status != http.StatusOK || !strings.Contains(body, "直しました。") {
		t.Errorf("/ answers %d after the fix", status)
	}
}

func TestServesNothingOutside(t *testing.T) {
	h := start(t, nil)
	secret := filepath.Join(filepath.Dir(h.out), "secret.txt")
	if err := os.WriteFile(secret, []byte("SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.out, ".kb-write-1"), []byte("SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A link in the preview's output is not followed out of it.
	if err := os.Symlink(secret, filepath.Join(h.out, "linked.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Dir(h.out), filepath.Join(h.out, "up")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/02-more/..%2f..%2fsecret.txt", "/.kb-write-1",
		"/linked.txt", "/up/secret.txt"} {
		if status, body := h.get(p); strings.Contains(body, "SECRET") {
			t.Errorf("%s answered %d with a file from outside the site", p, status)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, h.ts.URL+"/", nil)
	req.Host = "attacker.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("a request for another host answered %d", resp.StatusCode)
	}
	// kb serve's own paths are read-only too, and pages carry the CSP.
	for _, p := range []string{"/__kb/events", "/__kb/reload.js", "/"} {
		resp, err := http.Post(h.ts.URL+p, "text/plain", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST %s answered %d", p, resp.StatusCode)
		}
	}
	resp, err = http.Get(h.ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("page without CSP: %q", csp)
	}
}

func TestSearchFollowsEdits(t *testing.T) {
	h := start(t, nil, func(o *Options) {
		o.IndexDir = filepath.Join(t.TempDir(), "search")
		o.IndexDelay = 50 * time.Millisecond
	})
	found := func(word, page string) func() error {
		return func() error {
			status, body := h.get("/api/search?q=" + url.QueryEscape(word))
			if status != http.StatusOK || !strings.Contains(body, page) {
				return fmt.Errorf("searching %s: %d %s", word, status, body)
			}
			return nil
		}
	}
	eventually(t, found("最初の本文", "01-guide/edit-me/"))
	h.edit("content/01-guide/edit-me.md", "最初の本文です。", "最初の本文です。索引確認用の語句です。")
	eventually(t, found("索引確認用", "01-guide/edit-me/"))
	// The search page is part of the preview: it gets the script too.
	status, body := h.get("/search/?q=" + url.QueryEscape("索引確認用"))
	if status != http.StatusOK || !strings.Contains(body, "/__kb/reload.js") || !strings.Contains(body, "edit-me") {
		t.Errorf("the search page answered %d:\n%s", status, body)
	}
}

func TestEPUBOnDemand(t *testing.T) {
	h := start(t, nil, func(o *Options) { o.OnDemand = []pipeline.OnDemand{ebook.Format{}} })
	get := func() []byte {
		t.Helper()
		status, body := h.get("/handbook.epub")
		if status != http.StatusOK || !strings.HasPrefix(body, "PK") || !strings.Contains(body, "application/epub+zip") {
			t.Fatalf("/handbook.epub answered %d with %.40q", status, body)
		}
		return []byte(body)
	}
	first := get()
	if again := get(); !bytes.Equal(first, again) {
		t.Error("the EPUB changed without an edit")
	}
	_, body := h.get(editPage)
	s := h.subscribe(editPage, pageGen(body))
	h.edit("content/01-guide/edit-me.md", "最初の本文です。", "電子書籍にも載る本文です。")
	s.expect(t, "reload")
	if bytes.Equal(get(), first) {
		t.Error("the EPUB was not built again after an edit")
	}
	if status, _ := h.get("/other.epub"); status != http.StatusNotFound {
		t.Errorf("a file the site does not generate answered %d", status)
	}
}

// The print edition is built on demand too: the top page links to it, and
// it follows edits.
func TestPrintOnDemand(t *testing.T) {
	fill := func(dir string) {
		copyDir(t, "testdata/site", dir)
		testsite.WriteIn(t, dir, map[string]string{"content/02-more/epub.md": "# 電子書籍\n\n[EPUB版](../handbook.epub)\n"})
	}
	h := start(t, fill, func(o *Options) { o.OnDemand = []pipeline.OnDemand{ebook.Format{}, printbook.Format{}} })
	if _, body := h.get("/"); !strings.Contains(body, `<a href="./print/index.html">`) {
		t.Error("the top page does not link to the print edition")
	}
	status, body := h.get("/print/")
	if status != http.StatusOK || !strings.Contains(body, "最初の本文です。") {
		t.Fatalf("/print/ answered %d with %.200q", status, body)
	}
	// The EPUB, served on demand too, is linked from the print edition.
	if !strings.Contains(body, `<a href="../handbook.epub">EPUB版</a>`) {
		t.Error("the print edition does not link to the EPUB the preview serves")
	}
	_, page := h.get(editPage)
	s := h.subscribe(editPage, pageGen(page))
	h.edit("content/01-guide/edit-me.md", "最初の本文です。", "印刷版にも載る本文です。")
	s.expect(t, "reload")
	if _, body := h.get("/print/index.html"); !strings.Contains(body, "印刷版にも載る本文です。") {
		t.Error("the print edition was not built again after an edit")
	}
	if status, _ := h.get("/print/nobody/index.html"); status != http.StatusNotFound {
		t.Errorf("an edition the site does not have answered %d", status)
	}
}

// TestEPUBLinksFollowOnDemand checks that the preview links to the EPUB
// when it builds it on demand, and otherwise shows the link's text with a
// note instead of a link to a file it would not serve.
func TestEPUBLinksFollowOnDemand(t *testing.T) {
	fill := func(dir string) {
		copyDir(t, "testdata/site", dir)
		testsite.WriteIn(t, dir, map[string]string{"content/02-more/epub.md": "# 電子書籍\n\n[EPUB版](../handbook.epub)\n"})
	}
	for _, onDemand := range []bool{true, false} {
		h := start(t, fill, func(o *Options) {
			if onDemand {
				o.OnDemand = []pipeline.OnDemand{ebook.Format{}}
			}
		})
		status, body := h.get("/02-more/epub/")
		if status != http.StatusOK {
			t.Fatalf("the page answered %d", status)
		}
		linked := strings.Contains(body, `<a href="../../handbook.epub">EPUB版</a>`)
		noted := strings.Contains(body, `<span class="offbook">EPUB版</span><span class="offbook-note">`)
		if linked != onDemand || noted == onDemand {
			t.Errorf("on demand %v: linked %v, shown as text %v", onDemand, linked, noted)
		}
		if status, _ := h.get("/handbook.epub"); (status == http.StatusOK) != onDemand {
			t.Errorf("on demand %v: /handbook.epub answered %d", onDemand, status)
		}
	}
}
