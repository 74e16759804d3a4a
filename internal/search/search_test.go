package search_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/testsite"
)

func TestSearchHit(t *testing.T) {
	_, ix := openSite(t, "testdata/site")
	res, err := ix.Search(context.Background(), search.Request{Query: "情報資産台帳"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || len(res.Hits) != 1 {
		t.Fatalf("got %d hits (%d shown), want 1", res.Total, len(res.Hits))
	}
	h := res.Hits[0]
	want := search.Hit{
		URL:       "01-basics/assets/#asset-register",
		Title:     "1.1.1 情報資産台帳",
		TitleHTML: "1.1.1 <mark>情報資産台帳</mark>",
		Path:      []string{"1 基本", "1.1 情報資産の管理"},
		Snippet:   "<mark>情報資産台帳</mark>には、守るべき情報と、それを扱う機器やクラウドサービスを記録します。",
		Chapter:   "01-basics",
		Roles:     []string{"admin", "executive"},
		Level:     "2",
		Score:     h.Score,
	}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("hit =\n%#v\nwant\n%#v", h, want)
	}
}

func TestSearchMarksTheTypedCharacterOnly(t *testing.T) {
	_, ix := openSite(t, "testdata/site")
	res, err := ix.Search(context.Background(), search.Request{Query: "鍵"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if strings.Contains(h.Snippet+h.TitleHTML, "<mark>鍵</mark>") {
			continue
		}
		t.Errorf("%s: 鍵 is not marked alone: %s | %s", h.URL, h.TitleHTML, h.Snippet)
	}
}

func TestSearchFacetsAndPaging(t *testing.T) {
	_, ix := openSite(t, "testdata/site")
	ctx := context.Background()
	res, err := ix.Search(ctx, search.Request{Query: "バックアップ"})
	if err != nil {
		t.Fatal(err)
	}
	want := search.Facets{
		Chapters: []search.FacetCount{{ID: "02-measures", Label: "2 対策", Count: int(res.Total)}},
		Roles:    []search.FacetCount{{ID: "admin", Label: "システム管理者", Count: int(res.Total)}},
		Levels:   []search.FacetCount{{ID: "2", Label: "LV.2", Count: int(res.Total)}},
	}
	if !reflect.DeepEqual(res.Facets, want) {
		t.Errorf("facets = %#v, want %#v", res.Facets, want)
	}
	// Pages of one hit follow the order of the full list.
	var paged []string
	for from := 0; uint64(from) < res.Total; from++ {
		page, err := ix.Search(ctx, search.Request{Query: "バックアップ", From: from, Size: 1})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, page.Hits[0].URL)
	}
	var all []string
	for _, h := range res.Hits {
		all = append(all, h.URL)
	}
	if !reflect.DeepEqual(paged, all) {
		t.Errorf("paged %v, all at once %v", paged, all)
	}
	// Filters from the request narrow like filters typed in the query.
	a, errA := ix.Search(ctx, search.Request{Query: "鍵", Role: "admin", Chapter: "1", Level: "2"})
	b, errB := ix.Search(ctx, search.Request{Query: "鍵 role:admin chapter:01-basics level:2"})
	if errA != nil || errB != nil || a.Total != b.Total || a.Total == 0 {
		t.Errorf("request filters gave %v %v, query filters %v %v", a, errA, b, errB)
	}
}

func TestSearchRejectsBadRequests(t *testing.T) {
	_, ix := openSite(t, "testdata/site")
	for _, r := range []search.Request{
		{Query: ""},
		{Query: "  "},
		{Query: "-EDR"},
		{Query: "EDR", Size: search.MaxSize + 1},
		{Query: "EDR", Size: -1},
		{Query: "EDR", From: -1},
		{Query: "EDR", From: search.MaxFrom + 1},
		{Query: "EDR", Role: "ceo"},
		{Query: "EDR", Chapter: "99"},
		{Query: "EDR", Level: "4"},
		{Query: "role:ceo EDR"},
		{Query: strings.Repeat("鍵", search.MaxQueryLength+1)},
	} {
		_, err := ix.Search(context.Background(), r)
		var qerr *search.QueryError
		if !errors.As(err, &qerr) {
			t.Errorf("%+v: got %v, want a QueryError", r, err)
		}
	}
	// Filters alone are a search; punctuation alone finds nothing.
	if res, err := ix.Search(context.Background(), search.Request{Query: "role:admin"}); err != nil || res.Total == 0 {
		t.Errorf("role:admin: %v, %v", res, err)
	}
	if res, err := ix.Search(context.Background(), search.Request{Query: "「」！"}); err != nil || res.Total != 0 {
		t.Errorf("punctuation: %v, %v", res, err)
	}
}

func TestSearchStopsWhenCanceled(t *testing.T) {
	_, ix := openSite(t, "testdata/site")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, search.Request{Query: "バックアップ"}); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestBuildLeavesOnlyTheIndex(t *testing.T) {
	s, _ := openSite(t, "testdata/site")
	parent := t.TempDir()
	dir := filepath.Join(parent, search.IndexDir)
	if err := search.Build(s, dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(parent)
	if err != nil || len(entries) != 1 {
		t.Errorf("the build left %v beside the index (%v)", entries, err)
	}
	if err := search.Build(s, dir); err == nil {
		t.Error("building over an existing index should fail")
	}
	if _, err := search.Open(filepath.Join(parent, "missing")); err == nil {
		t.Error("opening a missing index should fail")
	}
}

func TestDocuments(t *testing.T) {
	s, _ := openSite(t, "testdata/site")
	docs := map[string]search.Document{}
	for _, d := range search.Documents(s) {
		if _, dup := docs[d.URL]; dup {
			t.Errorf("two documents for %s", d.URL)
		}
		docs[d.URL] = d
	}
	lead := docs["02-measures/backup/"]
	if lead.Title != "バックアップ" || lead.Number != "2.1" || !strings.Contains(lead.Body, "考え方") || !reflect.DeepEqual(lead.Path, []string{"2 対策"}) {
		t.Errorf("page lead: %+v", lead)
	}
	restore := docs["02-measures/backup/#restore"]
	if !reflect.DeepEqual(restore.Callouts, []string{"WARNING"}) || restore.Level != 2 || restore.Chapter != "02-measures" {
		t.Errorf("section: %+v", restore)
	}
	nested := docs["02-measures/backup/#procedure-check"]
	if nested.Number != "2.1.1.1" || !reflect.DeepEqual(nested.Path, []string{"2 対策", "2.1 バックアップ", "2.1.1 バックアップ手順"}) {
		t.Errorf("nested section: %+v", nested)
	}
	term := docs["annex/glossary/#term-edr"]
	if term.Title != "EDR" || !strings.Contains(term.Body, "Endpoint Detection") || term.Chapter != "annex" {
		t.Errorf("glossary term: %+v", term)
	}
	if top, ok := docs["./"]; !ok || top.Chapter != "" {
		t.Errorf("top page: %+v", top)
	}
}

func TestFiltersAloneListSectionsInBookOrder(t *testing.T) {
	s, ix := openSite(t, "testdata/site")
	var want []string
	for _, d := range search.Documents(s) {
		if slices.Contains(d.Roles, "admin") {
			want = append(want, d.URL)
		}
	}
	res, err := ix.Search(context.Background(), search.Request{Query: "role:admin", Size: search.MaxSize})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Hits {
		got = append(got, h.URL)
	}
	if !slices.Equal(got, want) {
		t.Errorf("role:admin lists\n%v\nwant, in book order,\n%v", got, want)
	}
}

// TestTwoBuildsAnswerAlike stands in for byte identity, which bleve's index
// files cannot have (they carry the build time): two indexes of the same site
// give the same hits, in the same order, with the same snippets and facets.
func TestTwoBuildsAnswerAlike(t *testing.T) {
	_, a := openSite(t, "testdata/site")
	_, b := openSite(t, "testdata/site")
	for _, q := range []string{"情報資産台帳", "鍵", "バックアップ", "ＥＤＲ", "role:admin"} {
		ra, err := a.Search(context.Background(), search.Request{Query: q, Size: 50})
		if err != nil {
			t.Fatal(err)
		}
		rb, err := b.Search(context.Background(), search.Request{Query: q, Size: 50})
		if err != nil {
			t.Fatal(err)
		}
		if ra.Total == 0 {
			t.Errorf("%s: no hits", q)
		}
		ra.Took, rb.Took, ra.TookMS, rb.TookMS = 0, 0, 0, 0
		if !reflect.DeepEqual(ra, rb) {
			t.Errorf("%s: the two indexes answer differently:\n%+v\n%+v", q, ra, rb)
		}
	}
}

func TestMetaListsRolesInConfigOrder(t *testing.T) {
	s, _ := openSite(t, "testdata/site")
	var ids []string
	for _, r := range search.NewMeta(s).Roles {
		ids = append(ids, r.ID)
	}
	// kb.yaml lists employee, admin, executive; the site's role pages and
	// the search page's role filter show them in that order too.
	if want := []string{"employee", "admin", "executive"}; !slices.Equal(ids, want) {
		t.Errorf("roles = %v, want %v", ids, want)
	}
}

// A phrase that skips every other bigram matches its text only where the
// text writes it in one run: not across a number or a sign between two
// runs (the bigrams around a skipped place would be of different runs),
// while phrases that run from Latin into Japanese still match.
func TestPhraseStaysInOneRun(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"kb.yaml":          "title: 手引き\n",
		"content/index.md": "# 手引き\n\n概要です。\n",
		"content/a.md":     "# 台帳\n\n影響を受けた資産の台帳｜7.3.1.3 情報資産台帳、台帳・情報資産、台帳 鍵 情報資産\n",
		"content/b.md":     "# 導入\n\nSD-WAN導入の台帳情報資産を記録する。\n",
	})
	_, ix := openSite(t, root)
	for q, want := range map[string][]string{
		"台帳情報資産":    {"b/"},
		"資産台帳":      {"a/"},
		`"台帳 情報"`:   {"b/"},
		"SD-WAN導入":  {"b/"},
		`"導入 の 台帳"`: {"b/"},
	} {
		if got := allHits(t, ix, q); !slices.Equal(got, want) {
			t.Errorf("%s finds %v, want %v", q, got, want)
		}
	}
}
