package server

import (
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/web"
)

// get sends a request for target (sent as written) to h.
func get(h http.Handler, method, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	h := newHandler(t, fixture(t))
	for _, target := range []string{"/", "/index.html", "/missing/", "/api/search?q=EDR", "/api/search?q=", "/search?q=EDR", "/%2e%2e/x", "/a%2fb"} {
		for _, method := range []string{"GET", "HEAD", "POST"} {
			w := get(h, method, target)
			hdr := w.Result().Header
			if hdr.Get("Content-Security-Policy") != DefaultCSP || hdr.Get("X-Content-Type-Options") != "nosniff" ||
				hdr.Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("%s %s (%d): headers %v", method, target, w.Code, hdr)
			}
			if method == "POST" && (w.Code != http.StatusMethodNotAllowed || hdr.Get("Allow") != "GET, HEAD") {
				t.Errorf("POST %s: %d, Allow %q", target, w.Code, hdr.Get("Allow"))
			}
		}
	}
}

func TestFilesAndCaching(t *testing.T) {
	dir := fixture(t)
	h := newHandler(t, dir)
	css, err := filepath.Glob(filepath.Join(dir, "assets", "style.*.css"))
	if err != nil || len(css) != 1 {
		t.Fatalf("no fingerprinted stylesheet: %v %v", css, err)
	}
	asset := "/assets/" + filepath.Base(css[0])
	for _, c := range []struct {
		target, status, cache, ctype string
	}{
		{"/", "200", "no-cache", "text/html; charset=utf-8"},
		{"/02-measures/backup/", "200", "no-cache", "text/html; charset=utf-8"},
		{"/02-measures/backup/index.html", "200", "no-cache", "text/html; charset=utf-8"},
		{asset, "200", "public, max-age=31536000, immutable", "text/css; charset=utf-8"},
		{"/sitemap.xml", "200", "no-cache", "application/xml; charset=utf-8"},
		{"/missing.html", "404", "no-cache", "text/html; charset=utf-8"},
	} {
		w := get(h, "GET", c.target)
		if got := w.Result(); strconv.Itoa(got.StatusCode) != c.status ||
			got.Header.Get("Cache-Control") != c.cache || got.Header.Get("Content-Type") != c.ctype {
			t.Errorf("%s: %d %q %q, want %s %q %q", c.target, got.StatusCode, got.Header.Get("Cache-Control"),
				got.Header.Get("Content-Type"), c.status, c.cache, c.ctype)
		}
	}
	for name, want := range map[string]string{"a/b.epub": "application/epub+zip", "x.js": "text/javascript; charset=utf-8", "x.bin": "application/octet-stream", "x.PNG": "image/png"} {
		if got := contentType(name); got != want {
			t.Errorf("contentType(%s) = %q, want %q", name, got, want)
		}
	}
	// A folder without its slash is redirected, keeping the query.
	w := get(h, "GET", "/02-measures/backup?x=1")
	if w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "backup/?x=1" {
		t.Errorf("folder without slash: %d %q", w.Code, w.Header().Get("Location"))
	}
	// The 404 page is the site's own.
	if w := get(h, "GET", "/missing/"); !strings.Contains(w.Body.String(), "ページが見つかりません") {
		t.Errorf("404 body: %.200s", w.Body.String())
	}
	// HEAD has no body; a range request gets part of the file.
	if w := get(h, "HEAD", "/"); w.Code != 200 || w.Body.Len() != 0 {
		t.Errorf("HEAD /: %d, %d bytes", w.Code, w.Body.Len())
	}
	req := httptest.NewRequest("GET", asset, nil)
	req.Header.Set("Range", "bytes=0-3")
	rw := httptest.NewRecorder()
	h.ServeHTTP(rw, req)
	if rw.Code != http.StatusPartialContent || rw.Body.Len() != 4 {
		t.Errorf("range: %d, %d bytes", rw.Code, rw.Body.Len())
	}
}

func TestNoTraversal(t *testing.T) {
	// A copy of the site with a secret beside it, a hidden file in it and a
	// link from it to the secret.
	root := t.TempDir()
	dir := filepath.Join(root, "public")
	if err := os.CopyFS(dir, os.DirFS(fixture(t))); err != nil {
		t.Fatal(err)
	}
	const secret = "TOP-SECRET-CONTENT"
	for _, f := range []string{filepath.Join(root, "secret.txt"), filepath.Join(dir, ".secret"), filepath.Join(dir, "assets", ".env")} {
		if err := os.WriteFile(f, []byte(secret), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(root, "secret.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(root, filepath.Join(dir, "up")); err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, dir)
	for target, want := range map[string]int{
		"/../secret.txt":                        404,
		"/assets/../../secret.txt":              404,
		"/%2e%2e/secret.txt":                    404,
		"/%2E%2E/%2e%2e/secret.txt":             404,
		"/assets/%2e%2e/%2e%2e/secret.txt":      404,
		"/..%2fsecret.txt":                      400,
		"/assets%2f..%2f..%2fsecret.txt":        400,
		"/assets%2F..%2F..%2Fsecret.txt":        400,
		"/..%5csecret.txt":                      400,
		"/..\\secret.txt":                       400,
		"/secret.txt%00":                        400,
		"/.secret":                              404,
		"/%2esecret":                            404,
		"/assets/.env":                          404,
		"/.kb-output":                           404,
		"//secret.txt":                          404,
		"/assets//style.css":                    404,
		"/search.bleve/index_meta.json":         404,
		"/search.bleve/kb-search.json":          404,
		"/Search.Bleve/kb-search.json":          404,
		"/SEARCH.BLEVE/shard-00/":               404,
		"/link.txt":                             404,
		"/up/secret.txt":                        404,
		"/./index.html":                         404,
		"/02-measures/../../../secret.txt":      404,
		"/02-measures/%2e%2e/%2e%2e/secret.txt": 404,
	} {
		w := get(h, "GET", target)
		if w.Code != want || strings.Contains(w.Body.String(), secret) {
			t.Errorf("GET %s: %d, want %d (body %.60q)", target, w.Code, want, w.Body.String())
		}
	}
}

// apiError checks a 400 answer with a JSON error message.
func apiError(t *testing.T, h http.Handler, target string, status int) {
	t.Helper()
	w := get(h, "GET", target)
	var body struct {
		Error string `json:"error"`
	}
	if w.Code != status || json.Unmarshal(w.Body.Bytes(), &body) != nil || body.Error == "" ||
		w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("GET %s: %d %q, want %d with a JSON error", target, w.Code, w.Body.String(), status)
	}
}

func TestAPIBadRequests(t *testing.T) {
	h := newHandler(t, fixture(t))
	long := url.QueryEscape(strings.Repeat("鍵", search.MaxQueryLength+1))
	many := url.QueryEscape(strings.Repeat("a ", search.MaxItems+1))
	for _, target := range []string{
		"/api/search",              // no q
		"/api/search?q=",           // empty q
		"/api/search?q=%E3%80%80",  // a full-width space only
		"/api/search?q=EDR&x=1",    // unknown parameter
		"/api/search?q=EDR&q=SASE", // repeated parameter
		"/api/search?q=EDR&role=admin&role=employee",
		"/api/search?q=%zz",                           // malformed escape
		"/api/search?q=%ff%fe",                        // not UTF-8
		"/api/search?q=EDR&size=ten",                  // not an integer
		"/api/search?q=EDR&size=0",                    // too small
		"/api/search?q=EDR&size=51",                   // too large
		"/api/search?q=EDR&size=99999999999999999999", // overflows
		"/api/search?q=EDR&from=-1",
		"/api/search?q=EDR&from=1001",
		"/api/search?q=EDR&from=1.5",
		"/api/search?q=" + long,           // too long
		"/api/search?q=" + many,           // too many terms
		"/api/search?q=EDR&role=ceo",      // unknown role
		"/api/search?q=EDR&chapter=99",    // unknown chapter
		"/api/search?q=EDR&level=4",       // unknown level
		"/api/search?q=role%3Aceo+EDR",    // unknown role in the query
		"/api/search?q=role%3A+EDR",       // filter without a value
		"/api/search?q=-role%3Aadmin+EDR", // negated filter
		"/api/search?q=-EDR",              // exclusion only
	} {
		apiError(t, h, target, http.StatusBadRequest)
	}
}

func TestAPIAnswer(t *testing.T) {
	h := newHandler(t, fixture(t))
	w := get(h, "GET", "/api/search?q=%E6%83%85%E5%A0%B1%E8%B3%87%E7%94%A3%E5%8F%B0%E5%B8%B3&size=5") // 情報資産台帳
	var res struct {
		Query string  `json:"query"`
		Total int     `json:"total"`
		Took  float64 `json:"took_ms"`
		Hits  []struct {
			URL, Title, Snippet string
			Path                []string
		} `json:"hits"`
		Facets map[string][]struct {
			ID, Label string
			Count     int
		} `json:"facets"`
	}
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &res) != nil {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
	if res.Query != "情報資産台帳" || res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].URL != "01-basics/assets/#asset-register" ||
		!strings.Contains(res.Hits[0].Snippet, "<mark>情報資産台帳</mark>") || len(res.Hits[0].Path) != 2 ||
		len(res.Facets["chapters"]) != 1 || res.Facets["roles"] == nil || res.Facets["levels"] == nil {
		t.Errorf("answer: %+v", res)
	}
	// Filters alone are a valid search.
	if w := get(h, "GET", "/api/search?role=admin"); w.Code != 200 {
		t.Errorf("role only: %d %s", w.Code, w.Body.String())
	}
}

// pageHits returns the hrefs of the results on a rendered search page.
var hitLink = regexp.MustCompile(`<li><a href="([^"]+)"`)

func pageHits(body string) []string {
	var out []string
	start := strings.Index(body, `<ol class="search-results"`)
	if start < 0 {
		return nil
	}
	end := strings.Index(body[start:], "</ol>")
	for _, m := range hitLink.FindAllStringSubmatch(body[start:start+end], -1) {
		out = append(out, strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	return out
}

func TestAPIAndPageGiveTheSameHits(t *testing.T) {
	h := newHandler(t, fixture(t))
	for _, q := range []string{"EDR", "鍵", "バックアップ手順", "パスワード", "バックアップ -ランサムウェア", `"Windows Server"`, "role:admin 鍵", "ファイアウォール"} {
		for _, extra := range []string{"", "&role=admin", "&size=2&from=1"} {
			query := "q=" + url.QueryEscape(q) + extra
			api := get(h, "GET", "/api/search?"+query)
			var res search.Result
			if api.Code != 200 || json.Unmarshal(api.Body.Bytes(), &res) != nil {
				t.Fatalf("%s: %d %s", query, api.Code, api.Body.String())
			}
			var want []string
			for _, hit := range res.Hits {
				want = append(want, searchRoot+pageHref(hit.URL))
			}
			for _, path := range []string{"/search", "/search/", "/search/index.html"} {
				page := get(h, "GET", path+"?"+query)
				got := pageHits(page.Body.String())
				unescaped := make([]string, len(got))
				for i, g := range got {
					u, _ := url.PathUnescape(g)
					unescaped[i] = u
				}
				if page.Code != 200 || !slices.Equal(unescaped, want) {
					t.Errorf("%s%s: page %d %v, API %v", path, query, page.Code, unescaped, want)
				}
				status := web.BuiltinMessages("ja").SearchStatus(q, res.Total, res.From, len(res.Hits))
				if !strings.Contains(page.Body.String(), template.HTMLEscapeString(status)) {
					t.Errorf("%s?%s: no status %q", path, query, status)
				}
			}
		}
	}
}

func TestSearchPage(t *testing.T) {
	h := newHandler(t, fixture(t))
	body := func(w *httptest.ResponseRecorder) string { b, _ := io.ReadAll(w.Result().Body); return string(b) }

	// Without a query: the help, no notice about kb host.
	w := get(h, "GET", "/search/index.html")
	if s := body(w); w.Code != 200 || !strings.Contains(s, "検索語を入力してください") || strings.Contains(s, "search-offline") {
		t.Errorf("empty search page: %d %.300s", w.Code, s)
	}
	// The query goes back into the box and the title, escaped.
	w = get(h, "GET", "/search?q="+url.QueryEscape(`<b>"鍵"`))
	s := body(w)
	if !strings.Contains(s, `name="q" value="&lt;b&gt;&#34;鍵&#34;"`) || !strings.Contains(s, "<title>「&lt;b&gt;&#34;鍵&#34;」の検索結果") || strings.Contains(s, "<b>") {
		t.Errorf("query not echoed safely: %.2000s", s)
	}
	// A bad query is a 400 page with the reason.
	w = get(h, "GET", "/search?q=role%3Aceo")
	if s := body(w); w.Code != 400 || !strings.Contains(s, "役割「ceo」はこのサイトにありません") {
		t.Errorf("bad query page: %d %.300s", w.Code, s)
	}
	// Nothing found: say so, with the help.
	w = get(h, "GET", "/search?q=%E5%AD%98%E5%9C%A8%E3%81%97%E3%81%AA%E3%81%84%E8%AA%9E") // 存在しない語
	if s := body(w); w.Code != 200 || !strings.Contains(s, "見つかりませんでした") || !strings.Contains(s, "search-help") {
		t.Errorf("no hits page: %d %.300s", w.Code, s)
	}
	// Nothing found, with a word close to one of the index: "did you mean",
	// as links that keep the filters.
	w = get(h, "GET", "/search?q="+url.QueryEscape("パスワド")+"&role=employee")
	want := `<p class="search-suggest" data-slot="suggestions">もしかして: <a href="?q=` + url.QueryEscape("パスワード") + `&amp;role=employee" data-slot="link">パスワード</a></p>`
	if s := body(w); w.Code != 200 || !strings.Contains(s, want) {
		t.Errorf("did you mean: %d %.3000s", w.Code, s)
	}
	// Facet links toggle a filter; the page ignores parameters it does not know.
	w = get(h, "GET", "/search?q=%E9%8D%B5&role=admin&utm_source=x") // 鍵
	s = body(w)
	if w.Code != 200 || !strings.Contains(s, `aria-current="true"`) || !strings.Contains(s, `href="?q=%E9%8D%B5"`) {
		t.Errorf("facet links: %d %.3000s", w.Code, s)
	}
}

// The page as built searches the static index by itself: no notice that
// it needs a server, and the way to the index and the scripts.
func TestStaticSearchPageSearchesByItself(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixture(t), "search", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	if strings.Contains(s, "kb host") || strings.Contains(s, "search-offline") || strings.Contains(s, "data-kb-rendered") ||
		!strings.Contains(s, `data-root="../"`) || !strings.Contains(s, "search-engine.") {
		t.Errorf("the search page written to disk is not ready to search the static index: %.3000s", s)
	}
}

func TestWithoutIndex(t *testing.T) {
	h := New(fixture(t), nil, Options{})
	apiError(t, h, "/api/search?q=EDR", http.StatusServiceUnavailable)
	if w := get(h, "GET", "/search?q=EDR"); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "検索インデックスがありません") {
		t.Errorf("page without index: %d", w.Code)
	}
	if w := get(h, "GET", "/"); w.Code != 200 {
		t.Errorf("files without index: %d", w.Code)
	}
}

// Answers to the same query come from one cached result; concurrent
// requests for it get the same answer (run with -race, they also must not
// write to the shared result).
func TestConcurrentSameQuery(t *testing.T) {
	h := newHandler(t, fixture(t))
	want := get(h, http.MethodGet, "/api/search?q=EDR").Body.String()
	if !strings.Contains(want, `"facet_kinds":[{`) {
		t.Fatalf("the answer names no facets: %s", want)
	}
	var wg sync.WaitGroup
	bodies := make([]string, 8)
	for i := range bodies {
		wg.Go(func() { bodies[i] = get(h, http.MethodGet, "/api/search?q=EDR").Body.String() })
	}
	wg.Wait()
	for i, body := range bodies {
		if body != want {
			t.Errorf("request %d answered differently:\n%s\nwant\n%s", i, body, want)
		}
	}
}
