package search_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kb-handbook/kb/internal/bench/corpus"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// benchSizes are the generated corpora the benchmarks run on.
var benchSizes = []int{1000, 5000}

type loaded struct {
	src     string
	site    *site.Site
	loadDur time.Duration
}

var corpora sync.Map // pages → *loaded

// corpusDirs lists the corpora written, for TestMain to remove.
var corpusDirs []string

// loadCorpus generates and loads a corpus of n pages once per test binary.
func loadCorpus(b *testing.B, n int) *loaded {
	b.Helper()
	if l, ok := corpora.Load(n); ok {
		return l.(*loaded)
	}
	src, err := os.MkdirTemp("", fmt.Sprintf("kb-search-corpus-%d-", n))
	if err != nil {
		b.Fatal(err)
	}
	corpusDirs = append(corpusDirs, src)
	if err := corpus.Write(src, corpus.Options{Pages: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	s, diags := pipeline.Load(src, nil)
	if len(diags) > 0 {
		b.Fatalf("generated corpus: %s", diags[0])
	}
	l := &loaded{src: src, site: s, loadDur: time.Since(start)}
	corpora.Store(n, l)
	return l
}

// TestMain removes the generated corpora, which outlive single benchmarks.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range corpusDirs {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// pagefind finds the Pagefind binary to compare with: $KB_PAGEFIND, or
// pagefind on the PATH (npm install pagefind puts one in node_modules/.bin).
// KB_PAGEFIND=off leaves Pagefind out.
func pagefind() string {
	if p := os.Getenv("KB_PAGEFIND"); p == "off" {
		return ""
	} else if p != "" {
		return p
	}
	p, _ := exec.LookPath("pagefind")
	return p
}

// BenchmarkIndexBuild measures the index build against the HTML build of
// the same generated pages in the same run: seconds for each, their ratio,
// and the index size; and, where Pagefind is installed, against Pagefind
// indexing the same HTML pages.
//
// It also reports the CPU time of the index build, nearly all of it inside
// bleve's analyzer and segment builder: that time divided by the cores is
// the fastest the same work could run here (floor/pagefind), and divided
// by the build's time it is how many cores the build kept busy.
func BenchmarkIndexBuild(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			l := loadCorpus(b, n)
			theme, err := pipeline.Theme(l.src)
			if err != nil {
				b.Fatal(err)
			}
			pf := pagefind()
			var htmlDur, indexDur, pagefindDur time.Duration
			var indexCPU float64
			cpuKnown := true
			var size int64
			for b.Loop() {
				out, err := pipeline.NewOutput(filepath.Join(b.TempDir(), "html"), false)
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				if err := web.Emit(l.site, theme, web.Outputs{web.EPUBOutput, web.PrintOutput}, out); err != nil {
					b.Fatal(err)
				}
				htmlDur += time.Since(start) + l.loadDur
				if pf != "" {
					start = time.Now()
					if msg, err := exec.Command(pf, "--site", out.Dir(), "--output-subdir", "_pagefind").CombinedOutput(); err != nil {
						b.Fatalf("pagefind: %v\n%s", err, msg)
					}
					pagefindDur += time.Since(start)
				}
				out.Abort()

				dir := filepath.Join(b.TempDir(), search.IndexDir)
				// The HTML build's garbage is collected first, so that its
				// collection is not counted in the index build's CPU time.
				runtime.GC()
				cpuBefore, ok := processCPU()
				start = time.Now()
				if err := search.Build(l.site, dir); err != nil {
					b.Fatal(err)
				}
				indexDur += time.Since(start)
				cpuAfter, _ := processCPU()
				indexCPU += cpuAfter - cpuBefore
				cpuKnown = cpuKnown && ok
				size = dirSize(b, dir)
			}
			runs := float64(b.N)
			cores := float64(runtime.GOMAXPROCS(0))
			b.ReportMetric(indexDur.Seconds()/runs, "index-s")
			if cpuKnown {
				b.ReportMetric(indexCPU/runs, "index-cpu-s")
				b.ReportMetric(indexCPU/indexDur.Seconds(), "cores-busy")
			}
			b.ReportMetric(htmlDur.Seconds()/runs, "html-s")
			b.ReportMetric(indexDur.Seconds()/htmlDur.Seconds(), "index/html")
			b.ReportMetric(float64(size)/(1<<20), "index-MiB")
			b.ReportMetric(float64(len(search.Documents(l.site))), "sections")
			if pf != "" {
				b.ReportMetric(pagefindDur.Seconds()/runs, "pagefind-s")
				b.ReportMetric(indexDur.Seconds()/pagefindDur.Seconds(), "index/pagefind")
				if cpuKnown {
					b.ReportMetric(indexCPU/cores/pagefindDur.Seconds(), "floor/pagefind")
				}
			}
		})
	}
}

// BenchmarkQuery measures query latency over the mixed set, reporting the
// 50th and 99th percentiles.
func BenchmarkQuery(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			l := loadCorpus(b, n)
			dir := filepath.Join(b.TempDir(), search.IndexDir)
			if err := search.Build(l.site, dir); err != nil {
				b.Fatal(err)
			}
			// A server holds the index, not the parsed site: let the site
			// go, or every collection would mark it and slow the queries.
			l = nil
			corpora.Delete(n)
			runtime.GC()
			ix, err := search.Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			defer ix.Close()
			ctx := context.Background()
			var lat []time.Duration
			for b.Loop() {
				for _, q := range search.BenchQueries {
					start := time.Now()
					if _, err := ix.Search(ctx, search.Request{Query: q}); err != nil {
						b.Fatalf("%s: %v", q, err)
					}
					lat = append(lat, time.Since(start))
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
		})
	}
}

func dirSize(b *testing.B, dir string) int64 {
	var size int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			size += info.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return size
}
