package corpus

import (
	"os"
	"path/filepath"
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
