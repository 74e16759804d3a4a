package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteIsDeterministicAndSized(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if err := Write(dir, Options{Pages: 60, Seed: 7}); err != nil {
			t.Fatal(err)
		}
	}
	pa, _ := os.ReadFile(filepath.Join(a, "content/ch002/p003.md"))
	pb, _ := os.ReadFile(filepath.Join(b, "content/ch002/p003.md"))
	if len(pa) == 0 || string(pa) != string(pb) {
		t.Fatal("same seed gave different pages")
	}
	if _, err := os.Stat(filepath.Join(a, "content/ch002/p011.md")); err == nil {
		t.Error("more pages than asked for")
	}
	if n := len([]rune(string(pa))); n < 3000 {
		t.Errorf("page has %d characters, want about 3,500", n)
	}
}

// A search benchmark on the corpus means something only if a query word
// is in a small share of the sections, as in real text, not in almost all.
func TestTopicsAreInAFewSections(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, Options{Pages: 200, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	var sections []string
	err := filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		sections = append(sections, strings.Split(string(data), "\n## ")...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, word := range []string{"バックアップ", "鍵", "EDR", "電子署名"} {
		n := 0
		for _, s := range sections {
			if strings.Contains(s, word) {
				n++
			}
		}
		if share := float64(n) / float64(len(sections)); share < 0.02 || share > 0.3 {
			t.Errorf("%s is in %.0f%% of %d sections, want 2–30%%", word, share*100, len(sections))
		}
	}
	for _, w := range filler {
		for _, topic := range topics {
			if strings.Contains(w, topic) {
				t.Errorf("filler word %s contains the topic %s", w, topic)
			}
		}
	}
}
