package staticsearch_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kb-handbook/kb/internal/browsertest"
)

// floorRounds is a script that loads rounds of 1, 3 and 10 of the files
// f-NNN.js at once, each file new to the page as a query's are, from
// window.floorNext on, and resolves to the milliseconds of each round by
// its number of files.
const floorRounds = `(async () => {
	const waiting = {};
	window.kbSearchData = name => { waiting[name](); delete waiting[name]; };
	const round = names => Promise.all(names.map(n => new Promise(resolve => {
		waiting[n] = resolve;
		const s = document.createElement("script");
		s.src = "f-" + String(n).padStart(3, "0") + ".js";
		document.head.appendChild(s);
	})));
	const out = {};
	for (let trial = 0; trial < 7; trial++) {
		for (const n of [1, 3, 10]) {
			const names = [];
			for (let i = 0; i < n; i++) names.push(window.floorNext++);
			if (window.floorNext > FILES) throw new Error("out of files: run with -benchtime 3x or less");
			const t = performance.now();
			await round(names);
			(out[n] = out[n] || []).push(performance.now() - t);
		}
	}
	return out;
})()`

// BenchmarkScriptFloor measures what loading the static index's files
// costs in headless Chromium before any of kb's code runs: the time to
// load 1, 3 and 10 script files of an index file's size at once, each
// calling kbSearchData as the index's files do, from a plain static
// server and from file://, in a browser driven through DevTools (as the
// tests drive it) and in one with no debugger attached (plain-, as a
// reader's). A query loads its term files, then the files of its hits, so
// these bound its time from below.
func BenchmarkScriptFloor(b *testing.B) {
	browsertest.Require(b)
	dir := b.TempDir()
	const files = 400
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range files {
		// About a d-NNN.js file: 3 KiB of compressed data in base64.
		data := make([]byte, 3<<10)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		script := fmt.Sprintf("kbSearchData(%q,%q);\n", fmt.Sprint(i), base64.StdEncoding.EncodeToString(data))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f-%03d.js", i)), []byte(script), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	rounds := strings.Replace(floorRounds, "FILES", fmt.Sprint(files), 1)
	reporter := browsertest.NewReporter(http.FileServer(http.Dir(dir)))
	static := httptest.NewServer(reporter)
	defer static.Close()
	report := func(b *testing.B, ms map[string][]float64) {
		median := func(list []float64) float64 {
			slices.Sort(list)
			return list[len(list)/2]
		}
		one, three, ten := median(ms["1"]), median(ms["3"]), median(ms["10"])
		b.ReportMetric(one, "1-file-ms")
		b.ReportMetric(three, "3-files-ms")
		b.ReportMetric(ten, "10-files-ms")
		b.ReportMetric((ten-one)/9, "per-extra-file-ms")
	}
	places := []struct{ name, url string }{{"http", static.URL + "/"}, {"file", "file://" + filepath.ToSlash(dir) + "/"}}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!doctype html><title>floor</title>\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, place := range places {
		b.Run(place.name, func(b *testing.B) {
			ctx := browsertest.New(b, 800, 600)
			if _, err := chromedp.Run(ctx, chromedp.Navigate(place.url+"index.html")); err != nil {
				b.Fatal(err)
			}
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.floorNext = 0`)); err != nil {
				b.Fatal(err)
			}
			all := map[string][]float64{}
			for b.Loop() {
				for n, list := range browsertest.EvalAsync[map[string][]float64](b, ctx, rounds) {
					all[n] = append(all[n], list...)
				}
			}
			report(b, all)
		})
	}
	// The same rounds in a page of their own, which posts them (from
	// file:// too: a simple cross-origin POST needs no answer).
	page := `<!doctype html><meta charset="utf-8"><title>floor</title><script>
window.floorNext = 0;
new Promise(wait => setTimeout(wait, 2000)).then(() => ` + rounds + `).then(
	out => fetch("` + static.URL + browsertest.ReportPath + `", {method: "POST", mode: "no-cors", body: JSON.stringify(out)}),
	err => fetch("` + static.URL + browsertest.ReportPath + `", {method: "POST", mode: "no-cors", body: JSON.stringify(String(err))}));
</script>
`
	if err := os.WriteFile(filepath.Join(dir, "plain.html"), []byte(page), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, place := range places {
		b.Run("plain-"+place.name, func(b *testing.B) {
			all := map[string][]float64{}
			for b.Loop() {
				var ms map[string][]float64
				if posted := reporter.Run(b, place.url+"plain.html", time.Minute); json.Unmarshal(posted, &ms) != nil {
					b.Fatalf("the page reports %s", posted)
				}
				for n, list := range ms {
					all[n] = append(all[n], list...)
				}
			}
			report(b, all)
		})
	}
}
