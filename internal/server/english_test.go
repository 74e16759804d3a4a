package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/testsite"
	"github.com/kb-handbook/kb/internal/web"
)

// englishSite writes a small site in English (language: en): three pages
// of five sections each that mention backups, so that a search for
// "backup" has more than one page of results, a glossary, code and a wide
// table.
func englishSite(t testing.TB) string {
	t.Helper()
	files := map[string]string{
		"kb.yaml": "title: Security Handbook\nlanguage: en\nversion: 1.0\npublisher: Example\n" +
			"roles:\n  admin: Administrators\n  staff: Staff\n",
		"content/_index.md":           "# Security Handbook\n\nA handbook for small offices.\n",
		"content/01-basics/_index.md": "---\nroles: [staff]\n---\n# Basics\n\nWhat everyone does.\n",
		"content/annex/_index.md":     "# Annex\n\nReference.\n",
		"content/annex/glossary.md":   "# Glossary\n\nRestore drill\n: A test that brings files back from a backup copy.\n",
	}
	for i, role := range []string{"admin", "staff", "admin"} {
		var b strings.Builder
		fmt.Fprintf(&b, "---\nroles: [%s]\nlevel: %d\n---\n# Topic %d\n\nA Restore drill starts here.\n\n", role, i+1, i+1)
		for j := range 5 {
			fmt.Fprintf(&b, "## Backup step %d.%d\n\nKeep a backup copy offline, number %d.\n\n", i+1, j+1, j+1)
		}
		b.WriteString("```sh\nrestic backup /srv\n```\n\n")
		b.WriteString("| " + strings.Repeat("a very long column heading | ", 12) + "\n|" + strings.Repeat(" --- |", 12) + "\n| " +
			strings.Repeat("some wide cell text here | ", 12) + "\n")
		files[fmt.Sprintf("content/01-basics/topic-%d.md", i+1)] = b.String()
	}
	return testsite.Write(t, files)
}

// japanese matches kana and kanji.
var japanese = regexp.MustCompile(`[\p{Hiragana}\p{Katakana}\p{Han}]+`)

// kb host over an English site answers in English: its 404, the search
// page, the API's errors and the refusals.
func TestEnglishSiteAnswers(t *testing.T) {
	dir := buildSite(t, englishSite(t))
	h := newHandler(t, dir)
	for _, c := range []struct {
		method, target string
		status         int
		want           string
	}{
		{"GET", "/nothing-here/", 404, "<h1>Page not found</h1>"},
		{"GET", "/search/index.html", 200, "Type a word to search for."},
		{"GET", "/search/index.html", 200, "Words separated by spaces find the sections that hold all of them."},
		{"GET", "/search?q=backup", 200, "Sections matching “backup”: 17 (showing 1–10)."},
		{"GET", "/search?q=backup", 200, `aria-label="Pages of results" data-slot="links"><a rel="next" href="?from=10&amp;q=backup" data-slot="link">Next 10</a>`},
		{"GET", "/search?q=backup", 200, "<summary>Filters</summary>"},
		{"GET", "/search?q=backup", 200, `<p class="search-facet-name" data-slot="name">Role</p>`},
		{"GET", "/search?q=backup", 200, ">Administrators (10)</a>"},
		{"GET", "/search?q=backup&from=10", 200, "Sections matching “backup”: 17 (showing 11–17)."},
		{"GET", "/search?q=backup&from=10", 200, ">Previous 10</a>"},
		{"GET", "/search?role=staff", 200, "Sections matching the filters: 7 (showing 1–7)."},
		{"GET", "/search?q=zebra", 200, "No section matches “zebra”."},
		{"GET", "/search?q=role:ceo", 400, `<p class="search-error" data-slot="error">Role “ceo” is not in this site.</p>`},
		{"GET", "/api/search?q=role:ceo", 400, `{"error":"Role “ceo” is not in this site."}`},
		{"GET", "/api/search?q=-backup", 400, `{"error":"Excluded words (-) alone cannot be searched for: add a word to look for."}`},
		{"GET", "/api/search?q=level:", 400, `{"error":"Write a value after level: (for example level:2)."}`},
		{"GET", "/api/search?q=" + strings.Repeat("a", 201), 400, `{"error":"The search is too long: use at most 200 characters."}`},
		{"GET", "/api/search?q=backup", 200, `"facet_kinds":[{"key":"chapter","name":"Chapter"`},
		{"GET", "/api/search?q=x&lang=en", 400, `{"error":"Unknown parameter “lang”: the parameters are q, chapter, role, level, from, size."}`},
		{"GET", "/api/search?q=x&q=y", 400, `{"error":"The parameter “q” is given more than once."}`},
		{"GET", "/api/search?q=x&size=ten", 400, `{"error":"The parameter “size” must be a whole number."}`},
		{"GET", "/api/search?q=x&size=0", 400, `{"error":"The number of results (size) must be 1 or more."}`},
		{"GET", "/api/search?q=x&size=51", 400, `{"error":"The number of results (size) must be from 1 to 50."}`},
		{"POST", "/", http.StatusMethodNotAllowed, "This server is read-only.\n"},
		{"GET", "/a%2fb", http.StatusBadRequest, "Invalid path.\n"},
		{"GET", "/01-basics/topic-1/index.html", 200, `aria-label="Link to this heading"`},
	} {
		w := get(h, c.method, c.target)
		got := w.Body.String()
		if w.Code != c.status || !strings.Contains(got, c.want) {
			t.Errorf("%s %s: %d, want %d with %q; got %.600s", c.method, c.target, w.Code, c.status, c.want, got)
		}
		if ja := japanese.FindString(got); ja != "" {
			t.Errorf("%s %s answers with Japanese %q", c.method, c.target, ja)
		}
	}

	// Without its index or its 404 page, the site still answers in English.
	if err := os.Remove(filepath.Join(dir, "404.html")); err != nil {
		t.Fatal(err)
	}
	bare := New(dir, nil, Options{})
	defer bare.Close()
	for target, want := range map[string]string{
		"/nothing-here/":     "Page not found.\n",
		"/api/search?q=x":    `{"error":"This site has no search index. Build the site again with kb build."}` + "\n",
		"/search/index.html": "",
	} {
		w := get(bare, "GET", target)
		if want != "" && w.Body.String() != want {
			t.Errorf("without index: %s says %q, want %q", target, w.Body.String(), want)
		}
		if ja := japanese.FindString(w.Body.String()); ja != "" {
			t.Errorf("without index: %s answers with Japanese %q", target, ja)
		}
	}
}

// hostedEnglishSite builds the English site into out, with the search
// index, and serves it with h; build builds it again.
func hostedEnglishSite(t *testing.T) (src, out string, build func(), h *Handler) {
	src = englishSite(t)
	out = filepath.Join(t.TempDir(), "public")
	build = func() {
		t.Helper()
		if _, err := pipeline.Run(pipeline.Options{Source: src, Out: out, Outputs: withIndex}); err != nil {
			t.Fatal(err)
		}
	}
	build()
	h = New(out, nil, Options{})
	t.Cleanup(func() { h.Close() })
	return src, out, build, h
}

// The servers learn the site's language from each build: kb host, when a
// new build of another language replaces its folder, answers in the new one.
func TestFollowerAnswersInTheNewBuildsLanguage(t *testing.T) {
	src, out, build, h := hostedEnglishSite(t)
	f := Follow(h, out)
	f.Check()
	if got := get(h, "GET", "/api/search?q=-x").Body.String(); !strings.Contains(got, "Excluded words") {
		t.Fatalf("English build answers %s", got)
	}
	testsite.WriteIn(t, src, map[string]string{"kb.yaml": "title: 手引き\nlanguage: ja\nroles:\n  admin: 管理者\n  staff: 従業員\n"})
	build()
	if l := f.Check(); !l.Changed {
		t.Fatal("the new build was not noticed")
	}
	var answer map[string]string
	if err := json.Unmarshal(get(h, "GET", "/api/search?q=-x").Body.Bytes(), &answer); err != nil {
		t.Fatal(err)
	}
	if want := web.BuiltinMessages("ja").Get("query.only_excluded"); answer["error"] != want {
		t.Errorf("after a Japanese build the API says %q, want %q", answer["error"], want)
	}
}

// kb serve rewrites the folder it serves in place and says so with Reload:
// the handler keeps what it read of a folder until then, and reads the
// texts and the search page of the new build after.
func TestReloadReadsTheRewrittenFolder(t *testing.T) {
	src, _, build, h := hostedEnglishSite(t)
	answers := func() string {
		t.Helper()
		var answer map[string]string
		if err := json.Unmarshal(get(h, "GET", "/api/search?q=x").Body.Bytes(), &answer); err != nil {
			t.Fatal(err)
		}
		page := get(h, "GET", "/search/?q=x").Body.String()
		return answer["error"] + " | " + regexp.MustCompile(`<html lang="[a-z]+">`).FindString(page)
	}
	en := web.BuiltinMessages("en").Get("server.no_index") + ` | <html lang="en">`
	ja := web.BuiltinMessages("ja").Get("server.no_index") + ` | <html lang="ja">`
	if got := answers(); got != en {
		t.Fatalf("the English build answers %q, want %q", got, en)
	}
	testsite.WriteIn(t, src, map[string]string{"kb.yaml": "title: 手引き\nlanguage: ja\nroles:\n  admin: 管理者\n  staff: 従業員\n"})
	build()
	if got := answers(); got != en {
		t.Errorf("before Reload the handler answers %q, want what it read, %q", got, en)
	}
	h.Reload()
	if got := answers(); got != ja {
		t.Errorf("after Reload the handler answers %q, want %q", got, ja)
	}
}
