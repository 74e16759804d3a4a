package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// quiet leaves room for a test's writes to be held up on a busy machine.
const quiet = 80 * time.Millisecond

// start watches a new site folder holding content/a.md and kb.yaml.
func start(t *testing.T) (*Watcher, string) {
	t.Helper()
	root := t.TempDir()
	writeFile(t, root, "content/a.md", "# A\n")
	writeFile(t, root, "kb.yaml", "title: x\n")
	w, err := New(Options{Root: root, Names: []string{"content", "layouts", "assets", "kb.yaml"}, Quiet: quiet, MaxDelay: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	return w, root
}

func writeFile(t *testing.T, root, rel, text string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// next waits for a batch.
func next(t *testing.T, w *Watcher) Batch {
	t.Helper()
	select {
	case b := <-w.Batches():
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("no batch arrived")
		return Batch{}
	}
}

// none checks that no batch arrives for a while.
func none(t *testing.T, w *Watcher) {
	t.Helper()
	select {
	case b := <-w.Batches():
		t.Fatalf("unexpected batch %v", b)
	case <-time.After(3 * quiet):
	}
}

func wantPaths(t *testing.T, b Batch, want ...string) {
	t.Helper()
	if !slices.Equal(b.Paths, want) || b.Rescan {
		t.Fatalf("batch %v (rescan %v), want %v", b.Paths, b.Rescan, want)
	}
}

func TestEditAndConfig(t *testing.T) {
	w, root := start(t)
	writeFile(t, root, "content/a.md", "# A2\n")
	wantPaths(t, next(t, w), "content/a.md")
	writeFile(t, root, "kb.yaml", "title: y\n")
	writeFile(t, root, "README.md", "not watched\n")
	wantPaths(t, next(t, w), "kb.yaml")
}

func TestTemporaryFilesIgnored(t *testing.T) {
	w, root := start(t)
	for _, name := range []string{"content/.a.md.swp", "content/a.md~", "content/4913", "content/.a.md.tmp", "content/.git/HEAD", "content/#a.md#"} {
		writeFile(t, root, name, "x")
	}
	none(t, w)
	// vim's save: a write test, a backup by rename, the new file, the backup removed.
	dir := filepath.Join(root, "content")
	writeFile(t, root, "content/4913", "")
	_ = os.Remove(filepath.Join(dir, "4913"))
	if err := os.Rename(filepath.Join(dir, "a.md"), filepath.Join(dir, "a.md~")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, root, "content/a.md", "# saved by vim\n")
	_ = os.Remove(filepath.Join(dir, "a.md~"))
	wantPaths(t, next(t, w), "content/a.md")
	none(t, w)
}

func TestNewFolders(t *testing.T) {
	w, root := start(t)
	// Files written right after their folders are made may come before the
	// watch: they are found by listing the new folder.
	writeFile(t, root, "content/new/deeper/b.md", "# B\n")
	writeFile(t, root, "content/new/c.md", "# C\n")
	wantPaths(t, next(t, w), "content/new", "content/new/c.md", "content/new/deeper", "content/new/deeper/b.md")
	writeFile(t, root, "content/new/deeper/b.md", "# B2\n")
	wantPaths(t, next(t, w), "content/new/deeper/b.md")

	// A folder moved in from outside, and one renamed inside.
	outside := t.TempDir()
	writeFile(t, outside, "moved/sub/d.md", "# D\n")
	if err := os.Rename(filepath.Join(outside, "moved"), filepath.Join(root, "content/moved")); err != nil {
		t.Fatal(err)
	}
	wantPaths(t, next(t, w), "content/moved", "content/moved/sub", "content/moved/sub/d.md")
	if err := os.Rename(filepath.Join(root, "content/moved"), filepath.Join(root, "content/renamed")); err != nil {
		t.Fatal(err)
	}
	wantPaths(t, next(t, w), "content/moved", "content/renamed", "content/renamed/sub", "content/renamed/sub/d.md")
	writeFile(t, root, "content/renamed/sub/d.md", "# D2\n")
	wantPaths(t, next(t, w), "content/renamed/sub/d.md")

	// A watched folder that did not exist when watching started.
	writeFile(t, root, "assets/style.css", "body{}")
	wantPaths(t, next(t, w), "assets", "assets/style.css")
	writeFile(t, root, "assets/style.css", "body{color:red}")
	wantPaths(t, next(t, w), "assets/style.css")
}

func TestBurstIsOneBatch(t *testing.T) {
	w, root := start(t)
	var want []string
	for i := range 300 {
		rel := fmt.Sprintf("content/%02d/p%03d.md", i%10, i)
		writeFile(t, root, rel, "# P\n")
		want = append(want, rel)
	}
	for i := range 10 {
		want = append(want, fmt.Sprintf("content/%02d", i))
	}
	slices.Sort(want)
	wantPaths(t, next(t, w), want...)
	none(t, w)
}

func TestBatchGrowsWhileNobodyReceives(t *testing.T) {
	w, root := start(t)
	writeFile(t, root, "content/a.md", "1")
	time.Sleep(4 * quiet) // the batch is ready, but not received
	writeFile(t, root, "content/b.md", "2")
	time.Sleep(4 * quiet)
	wantPaths(t, next(t, w), "content/a.md", "content/b.md")
}

func TestOverflowAsksForRescan(t *testing.T) {
	w, root := start(t)
	w.fsw.Errors <- fsnotify.ErrEventOverflow
	if b := next(t, w); !b.Rescan {
		t.Fatalf("after an overflow got %v, want a rescan", b)
	}
	writeFile(t, root, "content/a.md", "again")
	wantPaths(t, next(t, w), "content/a.md")
}

func TestIgnored(t *testing.T) {
	for name, want := range map[string]bool{
		".a.md.swp": true, ".a.md.tmp": true, "a.md~": true, "4913": true, ".git": true, "#a.md#": true,
		"a.md": false, "4913.md": false, "_index.md": false, "style.css": false,
	} {
		if got := Ignored(name); got != want {
			t.Errorf("Ignored(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestWatchAddsNames(t *testing.T) {
	w, root := start(t)
	writeFile(t, root, "listings/ch1/a.sh", "echo 1\n")
	none(t, w)
	w.Watch([]string{"listings"})
	writeFile(t, root, "listings/ch1/a.sh", "echo 2\n")
	wantPaths(t, next(t, w), "listings/ch1/a.sh")
}
