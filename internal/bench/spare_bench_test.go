package bench

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/testsite"
)

// BenchmarkSpareTree asks whether kb build's spare tree (the output before
// last, recycled as the next build's temporary folder) pays for its disk:
// it rebuilds the 1,000-page corpus with the spare kept and with the spare
// removed (untimed) before each build, alternating, on the temporary
// folder's file system and on tmpfs (/dev/shm) where there is one, and
// reports spare/nospare per file system. Below 1 the spare saves time.
// KB_BENCH_DIRS adds file systems by name and folder, as in
// "ext4-journal=/mnt/a,xfs=/mnt/b".
func BenchmarkSpareTree(b *testing.B) {
	bin, err := kbBinary()
	if err != nil {
		b.Fatal(err)
	}
	src := site(b, 1000)
	for name, parent := range testsite.FileSystems() {
		b.Run("fs="+name, func(b *testing.B) {
			dir, err := os.MkdirTemp(parent, "kb-spare-bench-")
			if err != nil {
				b.Fatal(err)
			}
			defer os.RemoveAll(dir)
			out := filepath.Join(dir, "public")
			build1 := func() time.Duration {
				d, _ := measure(b, bin, "build", "--source", src, "--out", out, "--outputs", "html")
				return d
			}
			build1()
			build1() // now a spare exists
			var with, without time.Duration
			for b.Loop() {
				with += build1()
				if err := os.RemoveAll(pipeline.SparePath(out)); err != nil {
					b.Fatal(err)
				}
				without += build1()
			}
			b.ReportMetric(with.Seconds()/float64(b.N), "spare-s")
			b.ReportMetric(without.Seconds()/float64(b.N), "nospare-s")
			b.ReportMetric(with.Seconds()/without.Seconds(), "spare/nospare")
		})
	}
}
