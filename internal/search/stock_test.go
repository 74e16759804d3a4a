package search

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/kb-handbook/kb/internal/pipeline"
)

// TestExecutorMatchesStockQueries runs the relevance queries, and more,
// through kb's executor and through bleve's stock query path — per word a
// disjunction of match-phrase queries over the title and the body, all
// words in a conjunction, exclusions as must-not, filters as term queries
// — and requires the same matching sections. Queries with a lone
// character, which the executor widens to the bigrams around it, have no
// stock equivalent and are left out (and counted).
func TestExecutorMatchesStockQueries(t *testing.T) {
	for _, tc := range []struct{ name, src, relevance string }{
		{"fixture", "testdata/site", "testdata/relevance/fixture.json"},
		{"handbook", "../..", "testdata/relevance/handbook.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, diags := pipeline.Load(tc.src, nil)
			if s == nil {
				t.Fatal(diags)
			}
			dir := filepath.Join(t.TempDir(), IndexDir)
			if err := buildShards(Documents(s), NewMeta(s), dir, 2, 0); err != nil {
				t.Fatal(err)
			}
			ix, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			data, err := os.ReadFile(tc.relevance)
			if err != nil {
				t.Fatal(err)
			}
			var cases []struct {
				Q string `json:"q"`
			}
			if err := json.Unmarshal(data, &cases); err != nil {
				t.Fatal(err)
			}
			queries := []string{"バックアップ -暗号化", "role:admin バックアップ", "chapter:1 パスワード", "level:2", "情報 資産 -台帳",
				`"ログ の 監視"`, "edr 監視", "ＥＤＲ", "多要素認証 -パスワード"}
			for _, c := range cases {
				queries = append(queries, c.Q)
			}
			compared, skipped := 0, 0
			ctx := context.Background()
			for _, text := range queries {
				pq, err := ParseQuery(text)
				if err != nil {
					continue
				}
				c, err := ix.compile(pq)
				if err != nil || c.none {
					continue
				}
				if len(c.narrow) > 0 || lone(c) {
					skipped++
					continue
				}
				best, total, _, err := ix.collect(ctx, c, ix.docs)
				if err != nil {
					t.Fatal(err)
				}
				var ours []int
				for _, b := range best {
					ours = append(ours, b.order)
				}
				slices.Sort(ours)
				stock := stockMatches(t, ix, pq)
				if !slices.Equal(ours, stock) || int(total) != len(stock) {
					t.Errorf("%q: the executor finds %d sections %v, bleve's queries %d %v", text, total, ours, len(stock), stock)
				}
				compared++
			}
			t.Logf("%d queries compared, %d with a lone character left out", compared, skipped)
			if compared < len(queries)/2 {
				t.Errorf("only %d of %d queries compared", compared, len(queries))
			}
		})
	}
}

// lone reports whether a word of c holds a position that stands for a
// lone character (a single-rune term of Japanese).
func lone(c compiled) bool {
	for _, w := range c.words {
		for _, p := range w.phrases {
			for _, alts := range p.positions {
				for _, a := range alts {
					if r := []rune(a); len(r) == 1 && r[0] >= 0x3000 {
						return true
					}
				}
			}
		}
	}
	return false
}

// stockMatches answers pq with bleve's own queries over every shard and
// returns the book positions of the matches, in order.
func stockMatches(t *testing.T, ix *Index, pq Query) []int {
	t.Helper()
	all := stockQuery(ix, pq)
	var out []int
	for _, sh := range ix.shards {
		req := bleve.NewSearchRequestOptions(all, ix.docs+1, 0, false)
		res, err := sh.idx.Search(req)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			n, err := strconv.Atoi(h.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// stockQuery is pq as bleve's stock queries: per word a disjunction of
// match-phrase queries over the title and the body, all words in a
// conjunction, exclusions as must-not, filters as term queries.
func stockQuery(ix *Index, pq Query) query.Query {
	word := func(term Term) query.Query {
		var either []query.Query
		for _, text := range ix.alternatives(term) {
			for _, field := range textFields {
				p := bleve.NewMatchPhraseQuery(joinJapanese(text))
				p.SetField(field)
				either = append(either, p)
			}
		}
		return bleve.NewDisjunctionQuery(either...)
	}
	all := bleve.NewBooleanQuery()
	must := 0
	for _, term := range pq.Terms {
		if len(Analyze(joinJapanese(term.Text))) == 0 {
			continue
		}
		if term.Exclude {
			all.AddMustNot(word(term))
		} else {
			all.AddMust(word(term))
			must++
		}
	}
	for _, k := range FacetKinds {
		for _, v := range *k.In(&pq) {
			known := k.Values(ix.meta)
			tq := bleve.NewTermQuery(known[facetIndex(known, v)].ID)
			tq.SetField(map[string]string{"chapter": fieldChapter, "role": fieldRoles, "level": fieldLevel}[k.Key])
			all.AddMust(tq)
			must++
		}
	}
	if must == 0 {
		all.AddMust(bleve.NewMatchAllQuery())
	}
	return all
}
