package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kb-handbook/kb/internal/bench/corpus"
	"github.com/kb-handbook/kb/internal/pipeline"
)

var corpora sync.Map // page count → site dir

// site returns a generated corpus of n pages, written once per test binary.
func site(b *testing.B, n int) string {
	b.Helper()
	if dir, ok := corpora.Load(n); ok {
		return dir.(string)
	}
	dir, err := os.MkdirTemp("", fmt.Sprintf("kb-corpus-%d-", n))
	if err != nil {
		b.Fatal(err)
	}
	if err := corpus.Write(dir, corpus.Options{Pages: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	corpora.Store(n, dir)
	return dir
}

// binDir holds the kb command built for the benchmarks.
var binDir string

// kbBinary builds the kb command once.
var kbBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "kb-bench-bin-")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "kb")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/kb").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// TestMain removes the corpora, the binary and the fresh builds' outputs,
// which outlive single benchmarks.
func TestMain(m *testing.M) {
	code := m.Run()
	corpora.Range(func(_, dir any) bool {
		os.RemoveAll(dir.(string))
		return true
	})
	for _, dir := range []string{binDir, freshDir} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}

// measure runs a command and returns its wall time and peak resident memory.
func measure(b *testing.B, name string, args ...string) (time.Duration, int64) {
	b.Helper()
	cmd := exec.Command(name, args...)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", name, err, out)
	}
	elapsed := time.Since(start)
	rusage := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return elapsed, rusage.Maxrss * 1024
}

// writeHugoConfig lets Hugo build the same corpus with minimal templates.
func writeHugoConfig(b *testing.B, dir string) {
	b.Helper()
	files := map[string]string{
		"hugo.toml": "baseURL = \"http://example.org/\"\ntitle = \"bench\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\"]\n" +
			"[markup.goldmark.parser.attribute]\nblock = true\ntitle = true\n",
		"layouts/_default/single.html": "<html><body><nav>{{ range .Site.Sections }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</nav>{{ .TableOfContents }}{{ .Content }}</body></html>",
		"layouts/_default/list.html":   "<html><body>{{ .Content }}{{ range .Pages }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</body></html>",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHTMLBuild builds the generated corpus with the kb binary and,
// where Hugo is installed, with Hugo on the same pages in the same run,
// alternating. It reports pages/s, peak memory, and kb's time and memory as
// ratios to Hugo's, in three scenarios:
//
//   - rebuild: the output of earlier builds is there, as when a site is
//     built again after an edit. Each tool first builds twice untimed, so
//     that Hugo rewrites its files in place and kb recycles its spare tree.
//   - fresh: each build writes into a new, empty folder on a quiet disk, as
//     a first build or a build in CI does. These go first, after one wait
//     for the disk to be quiet (see quietDisk), and their outputs stay until
//     the end, so that no deletion of this benchmark comes before them.
//   - clean: the output folder (and kb's spare) is removed, untimed, right
//     before each build, as after `make clean`. On this machine the
//     deletion's cost lands on the next build, whichever tool runs it.
func BenchmarkHTMLBuild(b *testing.B) {
	for _, scenario := range []string{"fresh", "rebuild", "clean"} {
		for _, n := range []int{1000, 5000} {
			b.Run(fmt.Sprintf("pages=%d/%s", n, scenario), func(b *testing.B) {
				benchBuild(b, n, scenario, "html")
			})
		}
	}
}

// BenchmarkFullBuild builds the 1,000-page corpus with more than HTML,
// against Hugo's HTML build of the same pages in the same run (rebuild
// scenario, as above): HTML, the search index and the EPUB, which is what
// kb's budget of 4.1× Hugo's HTML build covers, and every output kb has.
func BenchmarkFullBuild(b *testing.B) {
	for _, outputs := range []string{"html,search,epub", "html,search,static-search,epub,print"} {
		b.Run("outputs="+outputs, func(b *testing.B) {
			benchBuild(b, 1000, "rebuild", outputs)
		})
	}
}

// benchBuild runs kb build with outputs and Hugo, alternating, on n pages
// in scenario (see BenchmarkHTMLBuild).
func benchBuild(b *testing.B, n int, scenario, outputs string) {
	bin, err := kbBinary()
	if err != nil {
		b.Fatal(err)
	}
	src := site(b, n)
	out := b.TempDir()
	if scenario == "fresh" {
		if out, err = freshRoot(n); err != nil {
			b.Fatal(err)
		}
	}
	kbOut, hugoOut := filepath.Join(out, "kb"), filepath.Join(out, "hugo")
	hugo, hugoErr := exec.LookPath("hugo")
	if hugoErr == nil {
		writeHugoConfig(b, src)
	}
	runKB := func() (time.Duration, int64) {
		return measure(b, bin, "build", "--outputs", outputs, "--source", src, "--out", kbOut)
	}
	runHugo := func() (time.Duration, int64) {
		return measure(b, hugo, "--quiet", "-s", src, "-d", hugoOut)
	}
	builds := 0
	// renew points both tools at new, empty folders.
	renew := func() {
		builds++
		kbOut = filepath.Join(out, fmt.Sprintf("kb-%d", builds))
		hugoOut = filepath.Join(out, fmt.Sprintf("hugo-%d", builds))
	}
	clear := func() {
		for _, dir := range []string{kbOut, pipeline.SparePath(kbOut), hugoOut} {
			if err := os.RemoveAll(dir); err != nil {
				b.Fatal(err)
			}
		}
		// Let the file system finish freeing (and discarding) the removed
		// blocks now, rather than during the next timed build.
		syscall.Sync()
	}
	if scenario == "rebuild" {
		for range 2 {
			runKB()
			if hugoErr == nil {
				runHugo()
			}
		}
	}
	var kbTime, hugoTime time.Duration
	var kbMem, hugoMem int64
	turn := 0
	for b.Loop() {
		switch scenario {
		case "fresh":
			renew()
		case "clean":
			b.StopTimer()
			clear()
			b.StartTimer()
		}
		// Alternate which tool goes first, so neither always inherits the
		// other's leftover work in the file system.
		turn++
		for i := range 2 {
			if (i+turn)%2 == 0 {
				d, m := runKB()
				kbTime += d
				kbMem = max(kbMem, m)
			} else if hugoErr == nil {
				d, m := runHugo()
				hugoTime += d
				hugoMem = max(hugoMem, m)
			}
		}
	}
	runs := float64(b.N)
	b.ReportMetric(float64(n)*runs/kbTime.Seconds(), "pages/s")
	b.ReportMetric(kbTime.Seconds()/runs, "kb-s")
	b.ReportMetric(float64(kbMem)/(1<<20), "peak-MiB")
	if hugoErr == nil {
		b.ReportMetric(kbTime.Seconds()/hugoTime.Seconds(), "time/hugo")
		b.ReportMetric(float64(kbMem)/float64(hugoMem), "mem/hugo")
		b.ReportMetric(hugoTime.Seconds()/runs, "hugo-s")
		b.ReportMetric(float64(hugoMem)/(1<<20), "hugo-peak-MiB")
	}
}

// recentlyDeleted is how long ext4 without a journal, as on this machine,
// remembers a freed inode: it skips such an inode when allocating a new
// one, reading each in turn, so files created after a large deletion walk
// past every inode it freed in their block group. The memory lasts 60 s, or
// 360 s while the inode's table block is dirty, which new files in the
// same group make it (fs/ext4/ialloc.c, recently_deleted).
const recentlyDeleted = 361 * time.Second

// quietDisk writes back the disk cache and waits, once per run, until no
// deletion is recent, so that a build into an empty folder pays for its own
// files only.
var quietDisk = sync.OnceFunc(func() {
	syscall.Sync()
	time.Sleep(recentlyDeleted)
})

// freshDir holds the outputs of the fresh builds until the run ends.
var freshDir string

// freshRoot returns an empty folder for the fresh builds of n pages, on a
// quiet disk.
func freshRoot(n int) (string, error) {
	if freshDir == "" {
		dir, err := os.MkdirTemp("", "kb-bench-fresh-")
		if err != nil {
			return "", err
		}
		freshDir = dir
	}
	quietDisk()
	dir := filepath.Join(freshDir, strconv.Itoa(n))
	return dir, os.Mkdir(dir, 0o755)
}

// BenchmarkBuildInProcess builds a 1,000-page corpus in-process, for profiling with -cpuprofile.
func BenchmarkBuildInProcess(b *testing.B) {
	src := site(b, 1000)
	out := filepath.Join(b.TempDir(), "public")
	for b.Loop() {
		if _, err := pipeline.Run(pipeline.Options{Source: src, Out: out}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "pages/s")
}
