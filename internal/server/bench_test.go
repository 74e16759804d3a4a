package server

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kb-handbook/kb/internal/bench/corpus"
	"github.com/kb-handbook/kb/internal/pipeline"
)

var (
	loadFor     = flag.Duration("host-load-for", 10*time.Second, "how long BenchmarkHostLoad runs its clients")
	loadClients = flag.Int("host-load-clients", 50, "how many clients BenchmarkHostLoad runs at once")
)

// loadQueries mixes the kinds of query readers type.
var loadQueries = []string{
	"EDR", "ＥＤＲ", "SASE", "VPN 設定", "情報資産台帳", "多要素認証", "脆弱性開示窓口", "電子署名", "鍵",
	"バックアップ 手順", "ランサムウェア -暗号化", `"ログ の 監視"`, "role:admin 台帳", "level:2 監査", "chapter:3 教育",
}

// BenchmarkHostLoad runs concurrent clients against a hosted 1,000-page
// generated site for a fixed time: searches through the API and the page,
// and plain pages. It reports throughput, latency percentiles and errors.
func BenchmarkHostLoad(b *testing.B) {
	src, err := os.MkdirTemp("", "kb-host-load-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(src)
	if err := corpus.Write(src, corpus.Options{Pages: 1000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(src, "public")
	if _, err := pipeline.Run(pipeline.Options{Source: src, Out: out, Outputs: withIndex}); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(newHandler(b, out))
	defer srv.Close()
	var targets []string
	for _, q := range loadQueries {
		targets = append(targets, "/api/search?q="+url.QueryEscape(q), "/search/?q="+url.QueryEscape(q))
	}
	targets = append(targets, "/", "/ch001/p001/", "/toc/")
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *loadClients}, Timeout: 10 * time.Second}

	for b.Loop() {
		var (
			mu       sync.Mutex
			lat      []time.Duration
			requests atomic.Int64
			errs     atomic.Int64
			wg       sync.WaitGroup
		)
		stop := time.Now().Add(*loadFor)
		for c := range *loadClients {
			wg.Go(func() {
				var mine []time.Duration
				for i := c; time.Now().Before(stop); i++ {
					start := time.Now()
					resp, err := client.Get(srv.URL + targets[i%len(targets)])
					if err == nil {
						_, err = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							err = fmt.Errorf("status %d", resp.StatusCode)
						}
					}
					if err != nil {
						errs.Add(1)
					}
					requests.Add(1)
					mine = append(mine, time.Since(start))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
		}
		wg.Wait()
		slices.Sort(lat)
		b.ReportMetric(float64(requests.Load())/loadFor.Seconds(), "req/s")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(errs.Load()), "errors")
	}
}

// BenchmarkSearchPage answers the search page without JavaScript for one
// query whose result is in the cache, so that it measures what the page
// costs besides the search: loading and rendering it.
func BenchmarkSearchPage(b *testing.B) {
	benchmarkTarget(b, "/search/?q=EDR")
}

// BenchmarkAPIAnswer answers one API query whose result is in the cache,
// from parallel clients: what an answer costs besides the search, the
// site's texts included.
func BenchmarkAPIAnswer(b *testing.B) {
	benchmarkTarget(b, "/api/search?q=EDR")
}

func benchmarkTarget(b *testing.B, target string) {
	h := newHandler(b, fixture(b))
	if w := get(h, "GET", target); w.Code != http.StatusOK {
		b.Fatalf("%s: %d", target, w.Code)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if w := get(h, "GET", target); w.Code != http.StatusOK {
				b.Errorf("%s: %d", target, w.Code)
			}
		}
	})
}
