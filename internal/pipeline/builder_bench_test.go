package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/bench/corpus"
)

// BenchmarkRebuildAfterEdit measures the Builder's work for one edited
// page body in a 1,000-page corpus: re-read, re-parse, re-resolve, and
// rewrite what changed. (kb serve adds the watcher's quiet period and the
// browser's reload.)
func BenchmarkRebuildAfterEdit(b *testing.B) {
	src := b.TempDir()
	if err := corpus.Write(src, corpus.Options{Pages: 1000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	r := NewBuilder(BuilderOptions{Root: src, Formats: []Format{HTML{}}, Open: Dir(filepath.Join(b.TempDir(), "out"))})
	if _, err := r.Build(nil); err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(src, "content", "ch001", "p010.md")
	orig, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		text := strings.Replace(string(orig), "\n## ", fmt.Sprintf("\n編集%d回目。\n\n## ", i), 1)
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
		ch, err := r.Build([]string{"content/ch001/p010.md"})
		if err != nil {
			b.Fatal(err)
		}
		if ch.Parsed != 1 {
			b.Fatalf("parsed %d pages for one edit", ch.Parsed)
		}
	}
}
