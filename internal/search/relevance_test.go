package search_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/site"
)

// relevanceCase is one line of a relevance file: a query as a reader types
// it and the sections (URL with anchor) it must and must not find.
type relevanceCase struct {
	Q string `json:"q"`
	// Expect lists sections that must be among the first five hits.
	Expect []string `json:"expect"`
	// First, when set, must be the first hit.
	First string `json:"first"`
	// Absent lists sections that must not be hits at all.
	Absent []string `json:"absent"`
	// None means the query finds nothing.
	None bool `json:"none"`
	// Suggest, when set, are the "did you mean" queries it must offer.
	Suggest []string `json:"suggest"`
	Note    string   `json:"note"`
}

// openSite loads the site at root and builds its index into a temporary folder.
func openSite(t testing.TB, root string) (*site.Site, *search.Index) {
	t.Helper()
	s, diags := pipeline.Load(root, nil)
	for _, d := range diags {
		t.Logf("content problem (the index is built anyway): %s", d)
	}
	if s == nil {
		t.Fatal("no site")
	}
	dir := filepath.Join(t.TempDir(), search.IndexDir)
	if err := search.Build(s, dir); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return s, ix
}

func TestRelevanceFixture(t *testing.T) {
	s, ix := openSite(t, "testdata/site")
	runRelevance(t, s, ix, "testdata/relevance/fixture.json")
}

// TestRelevanceHandbook runs the queries on the knowledge base bundled with kb.
func TestRelevanceHandbook(t *testing.T) {
	s, ix := openSite(t, "../..")
	runRelevance(t, s, ix, "testdata/relevance/handbook.json")
}

func runRelevance(t *testing.T, s *site.Site, ix *search.Index, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var cases []relevanceCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(cases) < 30 {
		t.Errorf("%s has %d queries; keep at least 30", file, len(cases))
	}
	exists := map[string]bool{}
	for _, d := range search.Documents(s) {
		exists[d.URL] = true
	}
	ctx := context.Background()
	for _, c := range cases {
		for _, u := range slices.Concat(c.Expect, c.Absent, []string{c.First}) {
			if u != "" && !exists[u] {
				t.Errorf("%s: %q names section %s, which the site does not have; update %s", c.Note, c.Q, u, file)
			}
		}
		top, err := ix.Search(ctx, search.Request{Query: c.Q, Size: 5})
		if err != nil {
			t.Errorf("%s: %q: %v", c.Note, c.Q, err)
			continue
		}
		var got []string
		for _, h := range top.Hits {
			got = append(got, h.URL)
		}
		if c.None && top.Total != 0 {
			t.Errorf("%s: %q found %d sections, want none: %v", c.Note, c.Q, top.Total, got)
		}
		if !c.None && top.Total == 0 {
			t.Errorf("%s: %q found nothing", c.Note, c.Q)
		}
		for _, u := range c.Expect {
			if !slices.Contains(got, u) {
				t.Errorf("%s: %q: %s is not in the top 5 %v", c.Note, c.Q, u, got)
			}
		}
		if c.Suggest != nil && !slices.Equal(top.Suggestions, c.Suggest) {
			t.Errorf("%s: %q suggests %q, want %q", c.Note, c.Q, top.Suggestions, c.Suggest)
		}
		if c.First != "" && (len(got) == 0 || got[0] != c.First) {
			t.Errorf("%s: %q: first hit is not %s: %v", c.Note, c.Q, c.First, got)
		}
		if len(c.Absent) > 0 {
			for _, u := range allHits(t, ix, c.Q) {
				if slices.Contains(c.Absent, u) {
					t.Errorf("%s: %q must not find %s", c.Note, c.Q, u)
				}
			}
		}
	}
}

// allHits pages through every hit of q.
func allHits(t *testing.T, ix *search.Index, q string) []string {
	var urls []string
	for from := 0; from <= search.MaxFrom; from += search.MaxSize {
		res, err := ix.Search(context.Background(), search.Request{Query: q, From: from, Size: search.MaxSize})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			urls = append(urls, h.URL)
		}
		if uint64(from+search.MaxSize) >= res.Total {
			break
		}
	}
	return urls
}
