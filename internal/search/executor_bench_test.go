package search

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/kb-handbook/kb/internal/bench/corpus"
	"github.com/kb-handbook/kb/internal/pipeline"
)

// BenchQueries is a mixed query set: acronyms, compounds, katakana, single
// characters, full-width letters, several words, phrases, exclusions and
// filters. The benchmarks of both test packages use it.
var BenchQueries = []string{
	"EDR", "SASE", "UTM", "VPN", "SD-WAN", "ＥＤＲ", "edr 監視",
	"情報資産", "情報資産台帳", "多要素認証", "脆弱性開示窓口", "電子署名", "標的型攻撃メール", "アクセス権",
	"バックアップ", "ランサムウェア", "ゼロトラスト", "ファイアウォール", "インシデント対応", "クラウド",
	"鍵", "台帳", "ログ", "手順", "監査", "委託先 契約", "バックアップ 手順", "暗号化 鍵",
	`"バックアップ を"`, `"ログ の 監視"`, "バックアップ -暗号化", "監視 -ログ",
	"role:admin バックアップ", "level:2 台帳", "chapter:1 EDR", "role:executive 経営者",
	"VPN 設定 確認", "パッチ 脆弱性", "教育 訓練 従業員", "復旧 -訓練",
}

// BenchmarkExecutor measures what kb's executor gains over bleve's stock
// query path on the same shards, for the same work: the matching sections
// of BenchQueries (less those with a lone character, which the stock path
// cannot express), the ten best, the total and the facet counts. The stock
// path is the query TestExecutorMatchesStockQueries checks the executor
// against, run through an alias of the shards with three term facets.
// Reported: p50 and p99 of each, and stock/kb of each percentile.
func BenchmarkExecutor(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			src := b.TempDir()
			if err := corpus.Write(src, corpus.Options{Pages: n, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			s, diags := pipeline.Load(src, nil)
			if s == nil || len(diags) > 0 {
				b.Fatalf("generated corpus: %v", diags)
			}
			dir := filepath.Join(b.TempDir(), IndexDir)
			if err := Build(s, dir); err != nil {
				b.Fatal(err)
			}
			ix, err := Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			defer ix.Close()
			var idxs []bleve.Index
			for _, sh := range ix.shards {
				idxs = append(idxs, sh.idx)
			}
			alias := bleve.NewIndexAlias(idxs...)

			type prepared struct {
				c     compiled
				stock query.Query
			}
			var queries []prepared
			for _, text := range BenchQueries {
				pq, err := ParseQuery(text)
				if err != nil {
					b.Fatal(err)
				}
				c, err := ix.compile(pq)
				if err != nil {
					b.Fatal(err)
				}
				if c.none || len(c.narrow) > 0 || lone(c) {
					continue
				}
				queries = append(queries, prepared{c, stockQuery(ix, pq)})
			}
			ctx := context.Background()
			var ours, stock []time.Duration
			for b.Loop() {
				for _, q := range queries {
					start := time.Now()
					_, _, t, err := ix.collect(ctx, q.c, DefaultSize)
					if err != nil {
						b.Fatal(err)
					}
					t.facets(ix.meta)
					ours = append(ours, time.Since(start))

					start = time.Now()
					req := bleve.NewSearchRequestOptions(q.stock, DefaultSize, 0, false)
					for _, f := range []string{fieldChapter, fieldRoles, fieldLevel} {
						req.AddFacet(f, bleve.NewFacetRequest(f, 50))
					}
					if _, err := alias.SearchInContext(ctx, req); err != nil {
						b.Fatal(err)
					}
					stock = append(stock, time.Since(start))
				}
			}
			slices.Sort(ours)
			slices.Sort(stock)
			pct := func(l []time.Duration, p int) float64 { return float64(l[len(l)*p/100].Microseconds()) }
			b.ReportMetric(pct(ours, 50), "kb-p50-µs")
			b.ReportMetric(pct(ours, 99), "kb-p99-µs")
			b.ReportMetric(pct(stock, 50), "stock-p50-µs")
			b.ReportMetric(pct(stock, 99), "stock-p99-µs")
			b.ReportMetric(pct(stock, 50)/pct(ours, 50), "stock/kb-p50")
			b.ReportMetric(pct(stock, 99)/pct(ours, 99), "stock/kb-p99")
			b.ReportMetric(float64(len(queries)), "queries")
		})
	}
}
