package web

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kb-handbook/kb/internal/bench/corpus"
	"github.com/kb-handbook/kb/internal/parallel"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/testsite"
)

// BenchmarkWriteOrder asks whether writeOrder pays: it writes the output
// tree of a 5,000-page book (the generated corpus's folders, 20 KB a page)
// into an empty folder on all cores, in book order and in writeOrder's
// order, alternating, on the temporary folder's file system, on tmpfs
// (/dev/shm) where there is one, and on the folders KB_BENCH_DIRS names
// ("ext4-journal=/mnt/a,xfs=/mnt/b"). It reports book/dealt per file
// system: above 1 the dealt order saves time.
func BenchmarkWriteOrder(b *testing.B) {
	const pages = 5000
	var book []*site.Page
	for i := range pages {
		book = append(book, &site.Page{URL: fmt.Sprintf("ch%03d/p%03d/", i/corpus.PagesPerChapter+1, i%corpus.PagesPerChapter+1)})
	}
	dealt := writeOrder(book)
	html := bytes.Repeat([]byte("<p>kb</p>\n"), 2000)
	for name, parent := range testsite.FileSystems() {
		b.Run("fs="+name, func(b *testing.B) {
			write := func(order []*site.Page) time.Duration {
				dir, err := os.MkdirTemp(parent, "kb-order-bench-")
				if err != nil {
					b.Fatal(err)
				}
				defer os.RemoveAll(dir)
				start := time.Now()
				err = parallel.Do(len(order), func(i int) error {
					name := filepath.Join(dir, filepath.FromSlash(order[i].OutFile()))
					if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
						return err
					}
					return os.WriteFile(name, html, 0o644)
				})
				if err != nil {
					b.Fatal(err)
				}
				return time.Since(start)
			}
			var inBook, inDealt time.Duration
			for b.Loop() {
				inBook += write(book)
				inDealt += write(dealt)
			}
			b.ReportMetric(inBook.Seconds()/float64(b.N), "book-s")
			b.ReportMetric(inDealt.Seconds()/float64(b.N), "dealt-s")
			b.ReportMetric(inBook.Seconds()/inDealt.Seconds(), "book/dealt")
		})
	}
}
