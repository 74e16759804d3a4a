package staticsearch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kb-handbook/kb/internal/browsertest"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/server"
	"github.com/kb-handbook/kb/internal/staticsearch"
)

// fixtureSite is the small site of the search package's tests.
const fixtureSite = "../search/testdata/site"

// buildSite builds src with the HTML site, the bleve index and the static
// index into a temporary folder.
func buildSite(t testing.TB, src string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	_, err := pipeline.Run(pipeline.Options{Source: src, Out: out,
		Outputs: []pipeline.Format{pipeline.HTML{}, search.Format{}, staticsearch.Format{}}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// watchProblems fails the test on any script error or failed load in the page.
func watchProblems(t *testing.T, ctx context.Context) func() {
	var mu sync.Mutex
	var problems []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, ev.ExceptionDetails.Text+" "+fmt.Sprint(ev.ExceptionDetails.Exception.Description))
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError && !strings.HasSuffix(ev.Entry.URL, "/favicon.ico") &&
				!strings.Contains(ev.Entry.URL, "/api/search") { // the probe for a server on a static host
				problems = append(problems, ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return func() {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("in the page: %s", p)
		}
	}
}

// TestBrowserStaticSearch opens the built search page with a query from
// disk (file://) and from a plain static file server under a base path,
// and searches as a reader would, with no kb server anywhere.
func TestBrowserStaticSearch(t *testing.T) {
	browsertest.Require(t)
	out := buildSite(t, fixtureSite)
	static := httptest.NewServer(http.StripPrefix("/intranet/handbook", http.FileServer(http.Dir(out))))
	defer static.Close()
	for _, tc := range []struct{ name, root string }{
		{"file", "file://" + filepath.ToSlash(out) + "/"},
		{"static-host", static.URL + "/intranet/handbook/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := browsertest.NewWithoutFileAccess(t, 1100, 800)
			check := watchProblems(t, ctx)
			page := tc.root + "search/index.html?q=" + url.QueryEscape("情報資産台帳")
			if _, err := chromedp.Run(ctx, chromedp.Navigate(page)); err != nil {
				t.Fatal(err)
			}
			browsertest.WaitTrue(t, ctx, `document.querySelectorAll(".search-results li").length === 1`)
			if got := browsertest.Eval[string](t, ctx, `document.querySelector(".search-results li a").textContent`); got != "1.1.1 情報資産台帳" {
				t.Errorf("first result %q", got)
			}
			if got := browsertest.Eval[string](t, ctx, `document.querySelector(".search-results li a").getAttribute("href")`); got != "../01-basics/assets/index.html#asset-register" {
				t.Errorf("result link %q", got)
			}
			if got := browsertest.Eval[string](t, ctx, `document.getElementById("search-q").value`); got != "情報資産台帳" {
				t.Errorf("the box does not show the query: %q", got)
			}
			// Typing searches again; the live region says how many.
			browsertest.Eval[any](t, ctx, `document.getElementById("search-q").value = ""`)
			if _, err := chromedp.Run(ctx, chromedp.SendKeys("#search-q", "鍵")); err != nil {
				t.Fatal(err)
			}
			browsertest.WaitTrue(t, ctx, `document.getElementById("search-status").textContent.indexOf("「鍵」に一致する節は") === 0`)
			if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll(".search-results li mark").length`); n == 0 {
				t.Errorf("no marks in the results of 鍵")
			}
			// A facet narrows the results without a server.
			if _, err := chromedp.Run(ctx, chromedp.Click(`.search-facets a[data-param="role"]`, chromedp.NodeVisible)); err != nil {
				t.Fatal(err)
			}
			browsertest.WaitTrue(t, ctx, `!!document.querySelector('.search-facets a[aria-current="true"]')`)
			// A query that finds nothing offers the nearest words of the index.
			browsertest.Eval[any](t, ctx, `document.getElementById("search-q").value = ""`)
			if _, err := chromedp.Run(ctx, chromedp.SendKeys("#search-q", "パスワド"+kb.Enter)); err != nil {
				t.Fatal(err)
			}
			browsertest.WaitTrue(t, ctx, `!!document.querySelector(".search-suggest a")`)
			if got := browsertest.Eval[string](t, ctx, `document.querySelector(".search-suggest").textContent`); got != "もしかして: パスワード" {
				t.Errorf("did you mean: %q", got)
			}
			if got := browsertest.Eval[string](t, ctx, `document.querySelector(".search-suggest a").getAttribute("href")`); !strings.HasPrefix(got, "?q=%E3%83%91") {
				t.Errorf("did you mean links to %q", got)
			}
			// A query the index cannot answer says why, as the server's page does.
			browsertest.Eval[any](t, ctx, `document.getElementById("search-q").value = ""`)
			if _, err := chromedp.Run(ctx, chromedp.SendKeys("#search-q", "role:nobody"+kb.Enter)); err != nil {
				t.Fatal(err)
			}
			browsertest.WaitTrue(t, ctx, `document.getElementById("search-status").textContent === "検索できませんでした。" &&
				document.querySelector(".search-error").textContent === "役割「nobody」はこのサイトにありません。"`)
			check()
		})
	}
}

// extraQueries try the grammar beyond the relevance data: filters by ID
// and number, exclusions, quotes, widths and errors.
var extraQueries = []string{
	"バックアップ", "バックアップ -復元", `"情報 資産"`, "鍵　を", "ＥＤＲ　MFA", "chapter:1 鍵", "chapter:01-basics",
	"role:admin", "level:2 バックアップ", "role:admin level:1", "Level：２", "-鍵", "", "「」", "role:", "a -b -c d e f g h i j k",
	"存在しない語", "鍵 鍵", "パスワード", "ソフトウェア", "多要素", "台帳 情報", "2", "の",
	// Did you mean: a typo, two, one among found words, a quoted one, with a filter.
	"パスワド", "ﾊﾟｽﾜﾄﾞ", "バックアプ 情報資産台長", "パスワド 鍵", `"バックアプ"`, "role:admin パスワド", "edrr", "ファイアウォー",
	// Phrases over two runs of Japanese, or from Latin into Japanese.
	"台帳情報資産", `"台帳 情報"`, "SD-WAN導入", "EDR製品", `"ログ の 監視"`,
	// Compounds of common bigrams that the text never writes whole (a
	// bigram they skip is not in the index), alone, excluded, with synonyms.
	"パスワード台帳", "バックアップ鍵", `"資産 情報"`, "-台帳情報 鍵", "多要素認証台帳", "二段階認証台帳",
}

// TestBrowserSameAnswers runs every query of the relevance data, and the
// extra ones, through kb host's API and through the static index in the
// browser, and requires the same answers: totals, facet counts, and the
// top 10 hits in order with their titles, snippets and marks.
func TestBrowserSameAnswers(t *testing.T) {
	browsertest.Require(t)
	for _, tc := range []struct{ name, src, relevance string }{
		{"fixture", fixtureSite, "../search/testdata/relevance/fixture.json"},
		{"handbook", "../..", "../search/testdata/relevance/handbook.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			queries := append(relevanceQueries(t, tc.relevance), extraQueries...)
			out := buildSite(t, tc.src)
			idx, err := search.Open(filepath.Join(out, search.IndexDir))
			if err != nil {
				t.Fatal(err)
			}
			host := httptest.NewServer(server.New(out, idx, server.Options{}))
			defer host.Close()
			static := httptest.NewServer(http.FileServer(http.Dir(out)))
			defer static.Close()

			ctx := browsertest.New(t, 1100, 800)
			check := watchProblems(t, ctx)
			if _, err := chromedp.Run(ctx, chromedp.Navigate(static.URL+"/search/index.html")); err != nil {
				t.Fatal(err)
			}
			list, _ := json.Marshal(queries)
			// Each answer, with the partial answers given as its hits came.
			got := browsertest.EvalAsync[[]json.RawMessage](t, ctx, `Promise.all(`+string(list)+`.map(q => {
				const partials = [];
				return kbStaticSearch.search({q: q}, p => partials.push(p)).then(r => r, e => ({error: e.error}))
					.then(r => JSON.stringify({answer: r, partials: partials}));
			}))`)
			scoreDiff, equalScores, partials := 0.0, 0, 0
			for i, q := range queries {
				var js string
				if err := json.Unmarshal(got[i], &js); err != nil {
					t.Fatal(err)
				}
				want := apiAnswer(t, host.URL, q)
				var both struct {
					Answer   answer
					Partials []struct {
						answer
						Pending int `json:"pending"`
					}
				}
				if err := json.Unmarshal([]byte(js), &both); err != nil {
					t.Fatal(err)
				}
				have := both.Answer
				// A partial answer holds the first hits of the answer, and
				// the number still to come.
				partials += len(both.Partials)
				for _, p := range both.Partials {
					if p.Total != have.Total || p.Pending < 1 || len(p.Hits) < 1 || len(p.Hits)+p.Pending != len(have.Hits) ||
						!reflect.DeepEqual(p.Hits, have.Hits[:len(p.Hits)]) || !reflect.DeepEqual(p.Facets, have.Facets) {
						t.Errorf("%q: a partial answer (%d hits, %d pending) is not the start of the answer:\n%s", q, len(p.Hits), p.Pending, pretty(p))
					}
				}
				for j := range min(len(have.Hits), len(want.Hits)) {
					d := math.Abs(have.Hits[j].Score - want.Hits[j].Score)
					if d == 0 {
						equalScores++
					}
					scoreDiff = max(scoreDiff, d/math.Max(want.Hits[j].Score, 1e-300))
					have.Hits[j].Score, want.Hits[j].Score = 0, 0
				}
				if !reflect.DeepEqual(have, want) {
					t.Errorf("%q: the static index answers\n%s\nkb host answers\n%s", q, pretty(have), pretty(want))
				}
			}
			t.Logf("%d queries; scores equal in %d hits, largest relative difference %.3g; %d partial answers", len(queries), equalScores, scoreDiff, partials)
			if partials == 0 {
				t.Error("no answer was given in part while its hits loaded")
			}
			// Later pages, and pages of other sizes.
			for _, q := range []string{"バックアップ", "鍵", "情報", "の"} {
				for _, page := range [][2]int{{10, 7}, {3, 4}, {0, 1}, {95, 10}} {
					req, _ := json.Marshal(map[string]any{"q": q, "from": page[0], "size": page[1]})
					js := browsertest.EvalAsync[string](t, ctx, `kbStaticSearch.search(`+string(req)+`).then(r => r, e => ({error: e.error})).then(r => JSON.stringify(r))`)
					var have answer
					if err := json.Unmarshal([]byte(js), &have); err != nil {
						t.Fatal(err)
					}
					want := apiRequest(t, host.URL, url.Values{"q": {q}, "from": {fmt.Sprint(page[0])}, "size": {fmt.Sprint(page[1])}})
					for j := range min(len(have.Hits), len(want.Hits)) {
						have.Hits[j].Score, want.Hits[j].Score = 0, 0
					}
					if !reflect.DeepEqual(have, want) {
						t.Errorf("%q from %d, %d hits: the static index answers\n%s\nkb host answers\n%s", q, page[0], page[1], pretty(have), pretty(want))
					}
				}
			}
			if scoreDiff > 1e-12 {
				t.Errorf("scores differ by up to %.3g (relative)", scoreDiff)
			}
			check()
		})
	}
}

// answer is what both paths give for a query, less the timing.
type answer struct {
	Error string `json:"error"`
	Total int    `json:"total"`
	From  int    `json:"from"`
	Size  int    `json:"size"`
	Hits  []hit  `json:"hits"`
	// Suggestions are the "did you mean" queries.
	Suggestions []string `json:"suggestions"`
	Facets      struct {
		Chapters []search.FacetCount `json:"chapters"`
		Roles    []search.FacetCount `json:"roles"`
		Levels   []search.FacetCount `json:"levels"`
	} `json:"facets"`
}

type hit struct {
	URL       string   `json:"url"`
	Title     string   `json:"title"`
	TitleHTML string   `json:"title_html"`
	Path      []string `json:"path"`
	Snippet   string   `json:"snippet"`
	Chapter   string   `json:"chapter"`
	Roles     []string `json:"roles"`
	Level     string   `json:"level"`
	Score     float64  `json:"score"`
}

func apiAnswer(t *testing.T, host, q string) answer {
	t.Helper()
	return apiRequest(t, host, url.Values{"q": {q}})
}

// apiRequest is apiAnswer for a request with more than a query.
func apiRequest(t *testing.T, host string, params url.Values) answer {
	t.Helper()
	q := params.Get("q")
	resp, err := http.Get(host + "/api/search?" + params.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var a answer
	if err := json.Unmarshal(data, &a); err != nil {
		t.Fatalf("%q: %v: %s", q, err, data)
	}
	return a
}

func relevanceQueries(t *testing.T, file string) []string {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Q string `json:"q"`
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cases {
		out = append(out, c.Q)
	}
	return out
}

func pretty(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

// TestBrowserAnalysisMatches analyses random mixed-script strings with
// the script's analyzer and with the index's, and requires the same terms
// of the same kinds: the script's query analysis must find what the index
// holds.
func TestBrowserAnalysisMatches(t *testing.T) {
	browsertest.Require(t)
	out := buildSite(t, fixtureSite)
	ctx := browsertest.NewWithoutFileAccess(t, 800, 600)
	check := watchProblems(t, ctx)
	if _, err := chromedp.Run(ctx, chromedp.Navigate("file://"+filepath.ToSlash(out)+"/search/index.html")); err != nil {
		t.Fatal(err)
	}
	inputs := randomTexts(500)
	list, _ := json.Marshal(inputs)
	got := browsertest.EvalAsync[[][]string](t, ctx, list2js(string(list)))
	for i, text := range inputs {
		var want []string
		for _, tok := range search.Analyze(text) {
			want = append(want, tok.Term)
		}
		if !slices.Equal(got[i], want) {
			t.Errorf("%q: the script analyses %q, the index %q", text, got[i], want)
		}
	}
	check()
}

func list2js(list string) string {
	return `Promise.all(` + list + `.map(s => kbStaticSearch.analyze(s).then(ts => ts.map(t => t.term))))`
}

// randomTexts returns n strings mixing the scripts and punctuation of
// Japanese technical text, from a fixed seed. (Not İ: bleve's lower-case
// filter writes a broken byte after its i inside a word, which no query
// could match anyway.)
func randomTexts(n int) []string {
	pieces := []string{"情報", "資産", "鍵", "を", "の", "は", "バックアップ", "サーバー", "ｻｰﾊﾞｰ", "ﾊﾞｯｸｱｯﾌﾟ", "ガ", "ﾊﾟ",
		"EDR", "ＥＤＲ", "edr", "SD-WAN", "v1.2", "1,000", "3.14", "a.b", "don't", "_x", "x_y", "２段階", "2段階", "二段階",
		"々", "様々", "〇", "ー", "・", "「", "」", "。", "、", " ", "　", "\n", "-", ":", "：", "'", "\"", "é", "Ω", "ß",
		"🔑", "𠮷", "한국", "ä", "\u0301", "\u200b", "\u3099", "ゝ", "ヽ", "ヶ", "ｦ", "①", "Ⅳ", "％", "#", "@", "/", "（", "）",
		// Spelling variants (search.Fold).
		"問い合わせ", "問合せ", "取り扱", "い", "き損", "書", "ウィルス", "ｳｨ", "ヴァ", "ヴ", "ウォ", "ー", "ドラマー", "コピー",
		"ファイヤーウォール", "二段階", "二つ", "漏えい", "ｰ", "ﾞ", "ゥ", "ャ", "２つ"}
	seed := uint32(12345)
	next := func(k int) int {
		seed = seed*1664525 + 1013904223
		return int(seed>>8) % k
	}
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for range 1 + next(8) {
			b.WriteString(pieces[next(len(pieces))])
		}
		out[i] = b.String()
	}
	return out
}

// TestBrowserQueryGrammarMatches parses random queries with the script
// and with search.ParseQuery and requires the same words, phrases,
// exclusions and filters, or the same error.
func TestBrowserQueryGrammarMatches(t *testing.T) {
	browsertest.Require(t)
	out := buildSite(t, fixtureSite)
	ctx := browsertest.NewWithoutFileAccess(t, 800, 600)
	check := watchProblems(t, ctx)
	if _, err := chromedp.Run(ctx, chromedp.Navigate("file://"+filepath.ToSlash(out)+"/search/index.html")); err != nil {
		t.Fatal(err)
	}
	pieces := []string{"鍵", "情報 資産", " ", "　", "\t", "-", "--", "\"", "＂", "“", "”", "role:", "ROLE：", "ｒｏｌｅ:", "chapter:",
		"level:", "level:２", "admin", "7", "x", "-鍵", "- ", ":", "：", "a:b", "𠮷", "ｰ", "\n"}
	var inputs []string
	texts := randomTexts(300)
	seed := uint32(7)
	for i := range 600 {
		var b strings.Builder
		for range 1 + i%12 {
			seed = seed*1664525 + 1013904223
			b.WriteString(pieces[int(seed>>8)%len(pieces)])
		}
		if i < len(texts) {
			b.WriteString(texts[i])
		}
		inputs = append(inputs, b.String())
	}
	inputs = append(inputs, strings.Repeat("あ", search.MaxQueryLength+1), strings.Repeat("a ", search.MaxItems+1))
	list, _ := json.Marshal(inputs)
	got := browsertest.EvalAsync[[]string](t, ctx, `Promise.all(`+string(list)+`.map(s =>
		kbStaticSearch.parseQuery(s).then(q => JSON.stringify(q),
			e => JSON.stringify({error: [e.key].concat(...Object.entries(e.args)).join(" ")}))))`)
	for i, text := range inputs {
		want := map[string]any{}
		q, err := search.ParseQuery(text)
		if err != nil {
			want["error"] = err.Error()
		} else {
			terms := []any{}
			for _, term := range q.Terms {
				terms = append(terms, map[string]any{"text": term.Text, "quoted": term.Quoted, "exclude": term.Exclude})
			}
			nonNil := func(l []string) []string {
				if l == nil {
					return []string{}
				}
				return l
			}
			want["terms"] = terms
			want["filters"] = map[string]any{"role": nonNil(q.Roles), "chapter": nonNil(q.Chapters), "level": nonNil(q.Levels)}
		}
		wantJSON, _ := json.Marshal(want)
		var have any
		if err := json.Unmarshal([]byte(got[i]), &have); err != nil {
			t.Fatal(err)
		}
		var wantAny any
		_ = json.Unmarshal(wantJSON, &wantAny)
		if !reflect.DeepEqual(have, wantAny) {
			t.Errorf("%q: the script parses %s, the server %s", text, got[i], wantJSON)
		}
	}
	check()
}

// TestBrowserHeaderBox types into the header box of an ordinary page on a
// static host: the first results show under it as the reader types, the
// count is announced, and the arrow keys lead through the results.
func TestBrowserHeaderBox(t *testing.T) {
	browsertest.Require(t)
	out := buildSite(t, fixtureSite)
	static := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer static.Close()
	ctx := browsertest.New(t, 1100, 800)
	check := watchProblems(t, ctx)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(static.URL+"/01-basics/passwords/index.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.SendKeys("#search-q", "鍵")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `!document.getElementById("search-popup").hidden && document.querySelectorAll("#search-popup li").length > 0`)
	status := browsertest.Eval[string](t, ctx, `document.getElementById("search-popup-status").textContent`)
	if !strings.HasPrefix(status, "「鍵」に一致する節は") {
		t.Errorf("status %q", status)
	}
	if live := browsertest.Eval[string](t, ctx, `document.getElementById("search-popup-status").getAttribute("aria-live")`); live != "polite" {
		t.Errorf("the count is not announced: aria-live=%q", live)
	}
	if href := browsertest.Eval[string](t, ctx, `document.querySelector("#search-popup li a").getAttribute("href")`); !strings.HasPrefix(href, "../../01-basics/assets/index.html#") {
		t.Errorf("first result links to %q", href)
	}
	if _, err := chromedp.Run(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `document.activeElement.matches("#search-popup li:first-child > a")`)
	if _, err := chromedp.Run(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `document.activeElement.matches("#search-popup li:nth-child(2) > a")`)
	if _, err := chromedp.Run(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `document.activeElement.id === "search-q" && document.getElementById("search-popup").hidden`)
	// Enter opens the search page with every result.
	if _, err := chromedp.Run(ctx, chromedp.SendKeys("#search-q", kb.Enter)); err != nil {
		t.Fatal(err)
	}
	// (Go's file server answers search/index.html from search/.)
	browsertest.WaitTrue(t, ctx, `location.pathname === "/search/" && document.querySelectorAll(".search-results li").length > 0`)
	check()

	// On a phone the popup lies inside the window, though the box is
	// narrower than it.
	phone := browsertest.New(t, 390, 844)
	if _, err := chromedp.Run(phone, chromedp.Navigate(static.URL+"/01-basics/passwords/index.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(phone, chromedp.SendKeys("#search-q", "鍵")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, phone, `!document.getElementById("search-popup").hidden`)
	box := browsertest.Eval[[]float64](t, phone, `(r => [r.left, r.right])(document.getElementById("search-popup").getBoundingClientRect())`)
	if width := browsertest.Eval[float64](t, phone, `document.documentElement.clientWidth`); box[0] < 0 || box[1] > width {
		t.Errorf("the popup spans %.0f–%.0f px of a window %.0f px wide", box[0], box[1], width)
	}
}

// TestBrowserAnalysisOffsetsMatch requires the script's analysis to place
// every token where the index's analysis does, at the same position and
// in UTF-16 code units: the static index stores no offsets, and snippets
// mark what the script finds.
func TestBrowserAnalysisOffsetsMatch(t *testing.T) {
	browsertest.Require(t)
	out := buildSite(t, fixtureSite)
	ctx := browsertest.NewWithoutFileAccess(t, 800, 600)
	check := watchProblems(t, ctx)
	if _, err := chromedp.Run(ctx, chromedp.Navigate("file://"+filepath.ToSlash(out)+"/search/index.html")); err != nil {
		t.Fatal(err)
	}
	inputs := randomTexts(500)
	list, _ := json.Marshal(inputs)
	got := browsertest.EvalAsync[[][][3]int](t, ctx, `Promise.all(`+string(list)+`.map(s => kbStaticSearch.analyze(s).then(ts => ts.map(t => [t.start, t.end, t.pos]))))`)
	for i, text := range inputs {
		want := [][3]int{}
		for _, tok := range search.Analyze(text) {
			want = append(want, [3]int{utf16Offset(text, tok.Start), utf16Offset(text, tok.End), tok.Position})
		}
		if !slices.Equal(got[i], want) {
			t.Errorf("%q: the script places tokens at %v, the index at %v (start, end, position)", text, got[i], want)
		}
	}
	check()
}

// utf16Offset converts a byte offset of text to UTF-16 code units, an
// offset inside a character counting as the character's start.
func utf16Offset(text string, offset int) int {
	n := 0
	for i, r := range text {
		if i >= offset {
			break
		}
		if i+utf8.RuneLen(r) > offset {
			break
		}
		n += len(utf16.Encode([]rune{r}))
	}
	return n
}

// TestBrowserWithoutDecompressionStream requires a browser that cannot
// inflate the index's files to get the search's error, not a search that
// never answers.
func TestBrowserWithoutDecompressionStream(t *testing.T) {
	browsertest.Require(t)
	out := buildSite(t, fixtureSite)
	ctx := browsertest.NewWithoutFileAccess(t, 800, 600)
	if _, err := chromedp.Run(ctx, chromedp.Navigate("file://"+filepath.ToSlash(out)+"/search/index.html")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `!!window.kbStaticSearch`)
	got := browsertest.EvalAsync[string](t, ctx, `(delete window.DecompressionStream,
		kbStaticSearch.search({q: "バックアップ"}).then(() => "answered", e => e.error))`)
	if got != "検索できませんでした。検索インデックスを読み込めません。" {
		t.Errorf("without DecompressionStream the search gives %q", got)
	}
}

// heldFiles is a static server that holds back the index's section files
// (d-NNN.js), all but one, until released: slow files, on a slow network.
type heldFiles struct {
	files   http.Handler
	mu      sync.Mutex
	allowed string
	release chan struct{}
}

func (h *heldFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := path.Base(r.URL.Path)
	h.mu.Lock()
	allowed, release := h.allowed, h.release
	h.mu.Unlock()
	if strings.HasPrefix(name, "d-") && name != allowed && release != nil {
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
	}
	h.files.ServeHTTP(w, r)
}

// hold makes the server answer the section file allowed and hold the
// others; the function it returns releases them.
func (h *heldFiles) hold(allowed string) func() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.allowed, h.release = allowed, make(chan struct{})
	return sync.OnceFunc(func() { close(h.release) })
}

// TestBrowserHitsShowAsTheyCome holds back all files of a page of hits
// but the first hit's: the search page and the header box show the count
// and the first hits at once, and the rest when their files come, the
// count unchanged (a screen reader hears it once).
func TestBrowserHitsShowAsTheyCome(t *testing.T) {
	browsertest.Require(t)
	out := buildSite(t, "../..")
	held := &heldFiles{files: http.FileServer(http.Dir(out))}
	static := httptest.NewServer(held)
	defer static.Close()
	ctx := browsertest.New(t, 1100, 800)
	check := watchProblems(t, ctx)
	page := static.URL + "/search/index.html?q=" + url.QueryEscape("バックアップ")

	// The first hit's file is the first the page asks for.
	if _, err := chromedp.Run(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `document.querySelectorAll(".search-results li").length === 10`)
	status := browsertest.Eval[string](t, ctx, `document.getElementById("search-status").textContent`)
	first := browsertest.Eval[string](t, ctx, `performance.getEntriesByType("resource").map(e => new URL(e.name).pathname.split("/").pop())
		.filter(n => n.startsWith("d-"))[0]`)

	release := held.hold(first)
	defer release()
	if _, err := chromedp.Run(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `document.querySelectorAll(".search-results li").length > 0`)
	early := browsertest.Eval[int](t, ctx, `document.querySelectorAll(".search-results li").length`)
	if now := browsertest.Eval[string](t, ctx, `document.getElementById("search-status").textContent`); early >= 10 || now != status {
		t.Errorf("with files held back: %d hits shown, status %q, want %q", early, now, status)
	}
	if !browsertest.Eval[bool](t, ctx, `!!document.querySelector(".search-pager a[rel=next]")`) {
		t.Errorf("no link to the next page while hits load")
	}
	release()
	browsertest.WaitTrue(t, ctx, `document.querySelectorAll(".search-results li").length === 10`)

	release = held.hold(first)
	defer release()
	if _, err := chromedp.Run(ctx, chromedp.Navigate(static.URL+"/index.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.SendKeys("#search-q", "バックアップ")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitTrue(t, ctx, `!document.getElementById("search-popup").hidden && document.querySelectorAll("#search-popup li").length > 0`)
	if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll("#search-popup li").length`); n >= 5 {
		t.Errorf("with files held back the popup shows %d hits", n)
	}
	release()
	browsertest.WaitTrue(t, ctx, `document.querySelectorAll("#search-popup li").length === 5 && !document.querySelector("#search-popup .search-more").hidden`)
	check()
}
