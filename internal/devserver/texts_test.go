package devserver

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/testsite"
	"github.com/kb-handbook/kb/internal/web"
)

// Before its first good build, kb serve answers in the language kb.yaml
// names: the note for a page not built yet and the refusal of another Host.
func TestTextsBeforeTheFirstBuild(t *testing.T) {
	for _, c := range []struct {
		yaml, notBuilt, wrongHost string
	}{
		{"title: Handbook\nlanguage: en\n", `<html lang="en"><head><meta charset="utf-8"><title>kb serve</title></head>
<body><h1>No page yet</h1><p>/a/&lt;b&gt;/ has not been built yet. It appears by itself once a build succeeds.</p>`,
			"This server does not answer for the host name evil.example. Start kb serve with --public to use other host names.\n"},
		{"title: 手引き\n", `<html lang="ja"><head><meta charset="utf-8"><title>kb serve</title></head>
<body><h1>ページがありません</h1><p>/a/&lt;b&gt;/ はまだ作られていません。ビルドが成功すると自動で表示されます。</p>`,
			"このサーバーは要求されたホスト名 (evil.example) には答えません。ほかのホスト名で使うには --public を付けて起動してください。\n"},
	} {
		src := testsite.Write(t, map[string]string{"kb.yaml": c.yaml})
		s := New(Options{Source: src, Out: filepath.Join(t.TempDir(), "site")})
		h := s.Handler()
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/a/%3Cb%3E/", nil)
		r.Host = "localhost:8080"
		h.ServeHTTP(w, r)
		if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), c.notBuilt) {
			t.Errorf("%q: before a build, a page answers %d\n%s\nwant\n%s", c.yaml, w.Code, w.Body.String(), c.notBuilt)
		}
		w = httptest.NewRecorder()
		r = httptest.NewRequest("GET", "/", nil)
		r.Host = "evil.example"
		h.ServeHTTP(w, r)
		if w.Code != http.StatusMisdirectedRequest || w.Body.String() != c.wrongHost {
			t.Errorf("%q: another Host gets %d %q, want %q", c.yaml, w.Code, w.Body.String(), c.wrongHost)
		}
	}
}

// A rebuild in another language is answered in it: kb serve rewrites the
// folder its handler serves, and tells the handler so.
func TestRebuildAnswersInItsLanguage(t *testing.T) {
	h := start(t, nil)
	for _, lang := range []string{"ja", "en"} {
		if lang == "en" {
			h.edit("kb.yaml", "language: ja", "language: en")
		}
		want := web.BuiltinMessages(lang).Get("server.no_index")
		eventually(t, func() error {
			if status, body := h.get("/api/search?q=x"); status != http.StatusServiceUnavailable || !strings.Contains(body, want) {
				return fmt.Errorf("the %s build's API answers %d %s, want %q", lang, status, body, want)
			}
			return nil
		})
	}
}
