package staticsearch_test

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/kb-handbook/kb/internal/browsertest"
	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/server"
)

// TestFirefoxFromDisk opens the built search page from disk (file://) in
// Firefox, whose rules for local files differ from Chromium's, and requires
// the page to show results for a query in the URL and the static index to
// give kb host's answers to the fixture's relevance queries (scores aside).
func TestFirefoxFromDisk(t *testing.T) {
	browsertest.Require(t)
	out := buildSite(t, fixtureSite)
	idx, err := search.Open(filepath.Join(out, search.IndexDir))
	if err != nil {
		t.Fatal(err)
	}
	host := httptest.NewServer(server.New(out, idx, server.Options{}))
	defer host.Close()

	ff := browsertest.NewFirefox(t)
	root := "file://" + filepath.ToSlash(out) + "/"
	ff.Navigate(root + "search/index.html?q=" + url.QueryEscape("情報資産台帳"))
	ff.WaitTrue(`document.querySelectorAll(".search-results li").length === 1`)
	if got := ff.EvalJSON(`document.querySelector(".search-results li a").getAttribute("href")`); got != "../01-basics/assets/index.html#asset-register" {
		t.Errorf("result link %q", got)
	}

	queries := append(relevanceQueries(t, "../search/testdata/relevance/fixture.json"), extraQueries...)
	list, _ := json.Marshal(queries)
	var got []string
	js := ff.EvalJSON(`Promise.all(` + string(list) + `.map(q =>
		kbStaticSearch.search({q: q}).then(r => r, e => ({error: e.error})).then(r => JSON.stringify(r)))).then(l => JSON.stringify(l))`)
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatal(err)
	}
	for i, q := range queries {
		want := apiAnswer(t, host.URL, q)
		var have answer
		if err := json.Unmarshal([]byte(got[i]), &have); err != nil {
			t.Fatal(err)
		}
		for j := range have.Hits {
			have.Hits[j].Score = 0
		}
		for j := range want.Hits {
			want.Hits[j].Score = 0
		}
		if !reflect.DeepEqual(have, want) {
			t.Errorf("%q: the static index in Firefox answers\n%s\nkb host answers\n%s", q, pretty(have), pretty(want))
		}
	}
	t.Logf("%d queries compared in Firefox from file://", len(queries))
}
