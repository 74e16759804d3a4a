package staticsearch_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kb-handbook/kb/internal/bench/corpus"
	"github.com/kb-handbook/kb/internal/browsertest"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/staticsearch"
)

// benchQueries are searched in the browser, one after the other, as a
// reader would: acronyms, compounds, katakana, one kanji, phrases,
// exclusions and filters.
var benchQueries = []string{
	"EDR", "情報資産台帳", "バックアップ", "鍵", "多要素認証", "SD-WAN", "ＥＤＲ", "委託先 契約", `"ログ の 監視"`,
	"バックアップ -暗号化", "role:admin バックアップ", "level:2 台帳", "ランサムウェア", "ゼロトラスト", "インシデント対応",
	"VPN 設定 確認", "教育 訓練 従業員", "脆弱性開示窓口", "標的型攻撃メール", "暗号化 鍵",
}

// BenchmarkStaticIndex measures the static search index of generated
// sites: its build time, from the bleve index (opening it, reading its
// postings, writing the files), against the bleve index's build time (in
// wall-clock and in CPU seconds, which other work on the machine disturbs
// less), its size in
// all and by kind of file, and in headless Chromium the bytes a reader
// downloads for the first query and for each later one, and the time from
// a query to its answer.
func BenchmarkStaticIndex(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			src := b.TempDir()
			if err := corpus.Write(src, corpus.Options{Pages: n, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			s, diags := pipeline.Load(src, nil)
			if len(diags) > 0 {
				b.Fatal(diags[0])
			}
			var staticDur, bleveDur time.Duration
			var staticCPU, bleveCPU float64
			cpuKnown := true
			var files map[string][]byte
			docs, meta := search.Documents(s), search.NewMeta(s)
			for b.Loop() {
				runtime.GC()
				cpu0, ok := processCPU()
				start := time.Now()
				dir := filepath.Join(b.TempDir(), search.IndexDir)
				if err := search.BuildDocuments(docs, meta, dir, 0); err != nil {
					b.Fatal(err)
				}
				bleveDur += time.Since(start)
				cpu1, _ := processCPU()
				runtime.GC()
				cpu2, _ := processCPU()
				start = time.Now()
				ix, err := search.Open(dir)
				if err != nil {
					b.Fatal(err)
				}
				if files, err = staticsearch.Build(ix, docs, meta); err != nil {
					b.Fatal(err)
				}
				ix.Close()
				staticDur += time.Since(start)
				cpu3, _ := processCPU()
				bleveCPU += cpu1 - cpu0
				staticCPU += cpu3 - cpu2
				cpuKnown = cpuKnown && ok
			}
			size := 0
			kinds := map[string]int{}
			for name, f := range files {
				size += len(f)
				kinds[name[:1]] += len(f)
			}
			b.ReportMetric(staticDur.Seconds()/float64(b.N), "static-s")
			b.ReportMetric(staticDur.Seconds()/bleveDur.Seconds(), "static/bleve")
			if cpuKnown {
				b.ReportMetric(staticCPU/bleveCPU, "static/bleve-cpu")
			}
			b.ReportMetric(float64(size)/1e6, "static-MB")
			b.ReportMetric(float64(kinds["t"])/1e6, "terms-MB")
			b.ReportMetric(float64(kinds["d"])/1e6, "docs-MB")
			b.ReportMetric(float64(kinds["m"])/1e6, "meta-MB")
			b.ReportMetric(float64(len(files)), "files")

			if testing.Short() {
				return
			}
			out := filepath.Join(b.TempDir(), "public")
			if _, err := pipeline.Run(pipeline.Options{Source: src, Out: out,
				Outputs: []pipeline.Format{pipeline.HTML{}, staticsearch.Format{}}}); err != nil {
				b.Fatal(err)
			}
			browserMetrics(b, out)
		})
	}
}

// queryLoop is a script that runs the queries of the JSON list QUERIES
// one after the other, as a reader would, and resolves to the steps: per
// query the bytes of search scripts and index files loaded so far, the
// milliseconds from asking to the answer, and to its first hits (the page
// shows them as they come: the first partial answer, or the answer when
// it came whole).
const queryLoop = `(async () => {
	const bytes = () => performance.getEntriesByType("resource").concat(performance.getEntriesByType("navigation"))
		.filter(e => /search|kb\./.test(e.name) || e.entryType === "navigation")
		.reduce((s, e) => s + (e.encodedBodySize || 0), 0);
	const out = [];
	for (const q of QUERIES) {
		const t = performance.now();
		let first = 0;
		const r = await kbStaticSearch.search({q}, () => { first = first || performance.now(); }).catch(e => e);
		if (r.error) throw new Error(q + ": " + r.error + " " + (r.cause && r.cause.stack));
		const end = performance.now();
		out.push({ms: end - t, first: (first || end) - t, bytes: bytes()});
	}
	return out;
})()`

// step is what queryLoop gives for a query.
type step struct {
	Bytes   float64 `json:"bytes"`
	MS      float64 `json:"ms"`
	FirstMS float64 `json:"first"`
}

// browserMetrics runs benchQueries on the search page of the site in out,
// served by a plain file server, and reports the downloads and latencies:
// in a browser driven through DevTools, and in one with no debugger
// attached, as a reader's.
func browserMetrics(b *testing.B, out string) {
	reporter := browsertest.NewReporter(http.FileServer(http.Dir(out)))
	static := httptest.NewServer(reporter)
	defer static.Close()
	ctx := browsertest.New(b, 1100, 800)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(static.URL+"/search/")); err != nil {
		b.Fatal(err)
	}
	browsertest.WaitTrue(b, ctx, `!!window.kbStaticSearch`)
	list, _ := json.Marshal(benchQueries)
	loop := strings.Replace(queryLoop, "QUERIES", string(list), 1)
	steps := browsertest.EvalAsync[[]step](b, ctx, loop)
	first := steps[0].Bytes
	var later, ms, firstMS []float64
	for i, s := range steps {
		ms = append(ms, s.MS)
		firstMS = append(firstMS, s.FirstMS)
		if i > 0 {
			later = append(later, s.Bytes-steps[i-1].Bytes)
		}
	}
	slices.Sort(later)
	slices.Sort(ms)
	slices.Sort(firstMS)
	b.ReportMetric(first/1024, "first-query-KiB")
	b.ReportMetric(later[len(later)/2]/1024, "later-p50-KiB")
	b.ReportMetric(later[len(later)-1]/1024, "later-max-KiB")
	b.ReportMetric(ms[len(ms)/2], "query-p50-ms")
	b.ReportMetric(ms[len(ms)-1], "query-max-ms")
	b.ReportMetric(firstMS[len(firstMS)/2], "first-hits-p50-ms")
	b.Logf("per query (KiB loaded, ms): %v", steps)

	// The same queries in a page of their own, in a browser with no
	// debugger attached, which posts its steps.
	engines, err := filepath.Glob(filepath.Join(out, "assets", "search-engine.*.js"))
	if err != nil || len(engines) != 1 {
		b.Fatalf("the search engine script: %v %v", engines, err)
	}
	page := `<!doctype html><meta charset="utf-8"><title>queries</title>
<script src="../assets/` + filepath.Base(engines[0]) + `"></script>
<script>
kbStaticSearch.open("static/");
// After the browser has settled from its start.
new Promise(wait => setTimeout(wait, 2000)).then(() => ` + loop + `).then(steps => fetch("` + browsertest.ReportPath + `", {method: "POST", body: JSON.stringify(steps)}),
	err => fetch("` + browsertest.ReportPath + `", {method: "POST", body: JSON.stringify(String(err))}));
</script>
`
	if err := os.WriteFile(filepath.Join(out, "search", "kb-queries.html"), []byte(page), 0o644); err != nil {
		b.Fatal(err)
	}
	// Each run in a new browser, which has loaded nothing yet; the
	// medians are of all runs' queries, steadier than one run's.
	ms, firstMS = nil, nil
	for range plainRuns {
		report := reporter.Run(b, static.URL+"/search/kb-queries.html", 2*time.Minute)
		var plain []step
		if err := json.Unmarshal(report, &plain); err != nil {
			b.Fatalf("the page without a debugger reports %s", report)
		}
		for _, s := range plain {
			ms = append(ms, s.MS)
			firstMS = append(firstMS, s.FirstMS)
		}
		b.Logf("per query without a debugger (KiB loaded, ms): %v", plain)
	}
	slices.Sort(ms)
	slices.Sort(firstMS)
	b.ReportMetric(ms[len(ms)/2], "plain-query-p50-ms")
	b.ReportMetric(firstMS[len(firstMS)/2], "plain-first-hits-p50-ms")
}

// plainRuns is how many browsers without a debugger run the queries.
const plainRuns = 3
