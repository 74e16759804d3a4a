package pipeline

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kb-handbook/kb/internal/testsite"
)

// outputTree returns every file under dir by slash path, the marker too, and every folder as "name/".
func outputTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	tree := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			tree[rel+"/"] = ""
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			tree[rel] = "symlink"
			return nil
		}
		data, err := os.ReadFile(p)
		tree[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func sameOutput(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	for name, body := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: %s is missing", what, name)
		} else if g != body {
			t.Errorf("%s: %s differs", what, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s should not be there", what, name)
		}
	}
}

// A rebuild rewrites the spare tree of the build before last; what it
// leaves must be exactly what a build into an empty folder writes, after
// pages are removed, added and changed, and whatever strays were left in
// the spare.
func TestRecycledOutputEqualsFreshBuild(t *testing.T) {
	files := map[string]string{
		"content/_index.md":   "# トップ\n",
		"content/a.md":        "# A\n\n本文 [B](b.md)\n",
		"content/b.md":        "# B\n\n本文\n",
		"content/c/_index.md": "# C\n",
		"content/c/d.md":      "# D\n\n![図](fig.svg)\n",
		"content/c/fig.svg":   "<svg/>",
	}
	root := testsite.Write(t, files)
	out := filepath.Join(t.TempDir(), "public")
	build := func() {
		t.Helper()
		if _, err := Run(Options{Source: root, Out: out}); err != nil {
			t.Fatal(err)
		}
	}
	build()
	build()
	spare := SparePath(out)
	if _, err := os.Stat(filepath.Join(spare, MarkerFile)); err != nil {
		t.Fatalf("no spare tree after the second build: %v", err)
	}

	// Strays in the spare: a file kb did not write, a folder, and a link
	// pointing outside, which must be removed and never written through.
	outside := filepath.Join(t.TempDir(), "outside.html")
	if err := os.WriteFile(outside, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(spare, "stray.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(spare, "search.bleve", "shard-00"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(spare, "b", "index.html")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(spare, "b", "index.html")); err != nil {
		t.Fatal(err)
	}

	// Content changes: c/d.md removed (its folder and image go), e.md added.
	if err := os.RemoveAll(filepath.Join(root, "content", "c", "d.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "content", "e.md"), []byte("# E\n\n新しいページ\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "content", "a.md"), []byte("# A\n\n書き換えた本文\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	build()
	got := outputTree(t, out)

	fresh := filepath.Join(t.TempDir(), "public")
	if _, err := Run(Options{Source: root, Out: fresh}); err != nil {
		t.Fatal(err)
	}
	sameOutput(t, "recycled build", outputTree(t, fresh), got)
	if data, _ := os.ReadFile(outside); string(data) != "keep" {
		t.Error("the build wrote through a link in the spare tree")
	}
	if !strings.Contains(got["a/index.html"], "書き換えた本文") {
		t.Error("changed page not rewritten")
	}
}

// A file that did not change keeps its modification time across builds, so
// that incremental copies (rsync, robocopy) and HTTP caches of the output
// see only what changed: the spare tree of the build before last is
// rewritten where it differs and left alone where it does not.
func TestUnchangedFilesKeepTheirTime(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"content/_index.md": "# トップ\n",
		"content/a.md":      "# A\n\n本文\n",
		"content/b.md":      "# B\n\n本文\n",
	})
	out := filepath.Join(t.TempDir(), "public")
	build := func() {
		t.Helper()
		if _, err := Run(Options{Source: root, Out: out}); err != nil {
			t.Fatal(err)
		}
	}
	build()
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range []string{"a/index.html", "b/index.html"} {
		if err := os.Chtimes(filepath.Join(out, filepath.FromSlash(f)), old, old); err != nil {
			t.Fatal(err)
		}
	}
	build() // the first output becomes the spare
	if err := os.WriteFile(filepath.Join(root, "content", "b.md"), []byte("# B\n\n書き換えた本文\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	build() // rewrites the first output where it differs
	for f, keep := range map[string]bool{"a/index.html": true, "b/index.html": false} {
		info, err := os.Stat(filepath.Join(out, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		if kept := info.ModTime().Equal(old); kept != keep {
			t.Errorf("%s: modification time kept %v, want %v", f, kept, keep)
		}
	}
}

// A folder at the spare's place that kb did not write is left alone.
func TestForeignSpareIsLeftAlone(t *testing.T) {
	root := testsite.Write(t, map[string]string{"content/a.md": "# A\n"})
	out := filepath.Join(t.TempDir(), "public")
	spare := SparePath(out)
	if err := os.MkdirAll(spare, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(spare, "mine.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := Run(Options{Source: root, Out: out}); err != nil {
			t.Fatal(err)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(spare, "mine.txt")); !bytes.Equal(data, []byte("mine")) {
		t.Error("a foreign folder at the spare's place was touched")
	}
}

// A claimed spare tree keeps kb's marker until the new one is written, so
// that a build killed in between leaves a folder the next build knows as
// kb's and removes.
func TestRecycledFolderStaysMarked(t *testing.T) {
	root := testsite.Write(t, map[string]string{"content/a.md": "# A\n"})
	out := filepath.Join(t.TempDir(), "public")
	for range 2 { // the second build leaves the first's output as the spare
		if _, err := Run(Options{Source: root, Out: out}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(SparePath(out)); err != nil {
		t.Fatalf("no spare tree: %v", err)
	}
	o := &Output{dest: out, tmp: filepath.Join(filepath.Dir(out), tmpPrefix(out)+"test"), written: map[string]bool{}}
	if err := o.recycle(SparePath(out)); err != nil {
		t.Fatal(err)
	}
	if len(o.recycled) == 0 {
		t.Fatal("nothing recycled")
	}
	if _, err := os.Stat(filepath.Join(o.tmp, MarkerFile)); err != nil {
		t.Errorf("the claimed spare lost kb's marker: %v", err)
	}
}
