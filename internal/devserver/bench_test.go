package devserver

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kb-handbook/kb/internal/bench/corpus"
	"github.com/kb-handbook/kb/internal/browsertest"
)

const (
	benchEdits = 20
	benchFile  = "content/ch001/p010.md"
	benchPage  = "/ch001/p010/"
)

// startCorpus serves a generated corpus of n pages with kb serve's defaults.
func startCorpus(b *testing.B, n int) *harness {
	b.Helper()
	h := start(b, func(dir string) {
		if err := corpus.Write(dir, corpus.Options{Pages: n, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}, func(o *Options) { o.Quiet = 0 })
	if status, _ := h.get(benchPage); status != 200 {
		b.Fatalf("%s answers %d:\n%s", benchPage, status, h.log.String())
	}
	return h
}

// editBody writes the page with a new sentence in the middle of its body,
// away from the lead paragraph (which other pages show as a summary), and
// returns the sentence.
func editBody(b *testing.B, h *harness, i int) string {
	b.Helper()
	p := filepath.Join(h.src, filepath.FromSlash(benchFile))
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	text := string(data)
	at := strings.Index(text, "\n## ")
	at += strings.Index(text[at:], "\n\n") + 2
	mark := fmt.Sprintf("ベンチマーク編集%d回目。", i)
	if err := os.WriteFile(p, []byte(text[:at]+mark+text[at:]), 0o644); err != nil {
		b.Fatal(err)
	}
	return mark
}

func report(b *testing.B, what string, d []time.Duration) {
	slices.Sort(d)
	p50, p95 := d[len(d)/2], d[(len(d)*95+99)/100-1]
	b.ReportMetric(float64(p50.Microseconds())/1000, what+"-p50-ms")
	b.ReportMetric(float64(p95.Microseconds())/1000, what+"-p95-ms")
	b.Logf("%s over %d edits: p50 %v, p95 %v, max %v", what, len(d), p50.Round(time.Millisecond), p95.Round(time.Millisecond), d[len(d)-1].Round(time.Millisecond))
}

// BenchmarkEditToEvent measures edit-to-reload latency: from a page's
// Markdown written on disk to the reload event for it received over SSE,
// over 20 edits of one page of a generated corpus.
func BenchmarkEditToEvent(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			h := startCorpus(b, n)
			var lat []time.Duration
			for run := range b.N {
				for i := range benchEdits {
					_, body := h.get(benchPage)
					s := h.subscribe(benchPage, pageGen(body))
					start := time.Now()
					editBody(b, h, run*benchEdits+i)
					for !slices.Contains(s.expect(b, "reload").Pages, benchPage) {
					}
					lat = append(lat, time.Since(start))
					s.cancel()
					time.Sleep(100 * time.Millisecond) // let the machine settle between edits
				}
			}
			report(b, "event", lat)
		})
	}
}

// BenchmarkEditToDOM measures what the editor sees: from a page's Markdown
// written on disk to the new text in the DOM of headless Chromium, which
// has the page open, over 20 edits of one page of a generated corpus.
func BenchmarkEditToDOM(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			h := startCorpus(b, n)
			ctx := browsertest.New(b, 1000, 700)
			if err := chromedp.Do(ctx, chromedp.Navigate(h.ts.URL+benchPage)); err != nil {
				b.Fatal(err)
			}
			var lat []time.Duration
			for run := range b.N {
				for i := range benchEdits {
					eventually(b, func() error {
						if h.clients() == 0 {
							return errNotYet
						}
						return nil
					})
					start := time.Now()
					// Each edit's sentence is new to the page, also across runs.
					mark := editBody(b, h, run*benchEdits+i)
					for {
						found, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
							fmt.Sprintf(`document.body !== null && document.body.textContent.includes(%q)`, mark)))
						if err == nil && found {
							break
						}
						if time.Since(start) > 30*time.Second {
							b.Fatalf("edit %d never showed (%v)", i, err)
						}
						time.Sleep(2 * time.Millisecond)
					}
					lat = append(lat, time.Since(start))
					time.Sleep(100 * time.Millisecond)
				}
			}
			report(b, "dom", lat)
		})
	}
}
