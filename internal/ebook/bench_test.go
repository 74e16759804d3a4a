package ebook

import (
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kb-handbook/kb/internal/bench/corpus"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/web"
)

// countingWriter discards output, counting bytes; the HTML emitter writes
// from several goroutines.
type countingWriter struct{ n atomic.Int64 }

func (w *countingWriter) WriteFile(_ string, data []byte) error {
	w.n.Add(int64(len(data)))
	return nil
}

// BenchmarkEPUB times the EPUB of the 1,000-page generated corpus against the
// HTML site of the same resolved book, in the same run, and against pandoc's
// EPUB 3 of the same Markdown files when pandoc is installed. Parsing is
// shared by all outputs in kb, so it is timed apart (load-ms); pandoc's time
// includes its parsing, so load+epub/pandoc is the fair comparison.
func BenchmarkEPUB(b *testing.B) {
	const pages = 1000
	dir := b.TempDir()
	if err := corpus.Write(dir, corpus.Options{Pages: pages, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	s := loadSite(b, dir)
	load := time.Since(start)
	theme, err := pipeline.Theme(dir)
	if err != nil {
		b.Fatal(err)
	}
	var htmlTime, epubTime time.Duration
	var size int64
	for b.Loop() {
		start := time.Now()
		if err := web.Emit(s, theme, web.Outputs{web.EPUBOutput, web.PrintOutput}, &countingWriter{}); err != nil {
			b.Fatal(err)
		}
		htmlTime += time.Since(start)
		start = time.Now()
		var w countingWriter
		if err := Write(s, theme, &w, readFrom(dir)); err != nil {
			b.Fatal(err)
		}
		epubTime += time.Since(start)
		size = w.n.Load()
	}
	html, epub := htmlTime/time.Duration(b.N), epubTime/time.Duration(b.N)
	b.ReportMetric(float64(load.Milliseconds()), "load-ms")
	b.ReportMetric(float64(html.Milliseconds()), "html-ms")
	b.ReportMetric(float64(epub.Milliseconds()), "epub-ms")
	b.ReportMetric(epub.Seconds()/html.Seconds(), "epub/html")
	b.ReportMetric(float64(size)/1e6, "epub-MB")

	pandoc, err := exec.LookPath("pandoc")
	if err != nil {
		b.Log("pandoc is not installed: no comparison with pandoc")
		return
	}
	args := []string{"--from", "markdown", "--to", "epub3", "--metadata", "title=" + s.Config.Title,
		"--metadata", "lang=ja", "--output", filepath.Join(b.TempDir(), "pandoc.epub")}
	for _, p := range s.Pages {
		if !p.Source.Synthesized {
			args = append(args, filepath.Join(dir, filepath.FromSlash(p.Source.File)))
		}
	}
	start = time.Now()
	if out, err := exec.Command(pandoc, args...).CombinedOutput(); err != nil {
		b.Fatalf("pandoc: %v\n%s", err, out)
	}
	took := time.Since(start)
	b.ReportMetric(float64(took.Milliseconds()), "pandoc-ms")
	b.ReportMetric(epub.Seconds()/took.Seconds(), "epub/pandoc")
	b.ReportMetric((load+epub).Seconds()/took.Seconds(), "load+epub/pandoc")
}
