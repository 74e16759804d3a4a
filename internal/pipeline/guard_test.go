package pipeline

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// siteWithRepo writes a small site inside a folder that stands for its
// repository, with a .git folder beside the sources.
func siteWithRepo(t *testing.T) (repo, root string) {
	t.Helper()
	repo = t.TempDir()
	root = filepath.Join(repo, "site")
	for name, text := range map[string]string{
		"content/_index.md":     "# top\n",
		"content/a/_index.md":   "# A\n",
		"content/a/page.md":     "# page\n",
		"layouts/.keep":         "",
		"assets/.keep":          "",
		"kb.yaml":               "title: t\n",
		".git/HEAD":             "ref: refs/heads/main\n",
		"../elsewhere/keep.txt": "keep",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return repo, root
}

// An --out that is, holds or lies inside the sources is refused, with
// --force too, and nothing is removed.
func TestOutputInSourcesRefused(t *testing.T) {
	repo, root := siteWithRepo(t)
	if err := os.Symlink(filepath.Join(root, "content"), filepath.Join(repo, "content-link")); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{
		root, root + "/", filepath.Join(root, "."), repo, filepath.Dir(repo),
		filepath.Join(root, "content"), filepath.Join(root, "content", "a"), filepath.Join(root, "content", "new"),
		filepath.Join(root, "layouts"), filepath.Join(root, "assets", "x"), filepath.Join(root, "kb.yaml"),
		filepath.Join(repo, "content-link"),
	} {
		for _, force := range []bool{false, true} {
			_, err := Run(Options{Source: root, Out: out, Force: force})
			if !errors.Is(err, ErrOutputInSources) {
				t.Errorf("--out %s (force %v): %v, want a refusal", out, force, err)
			}
		}
	}
	for _, p := range []string{"content/a/page.md", "kb.yaml", ".git/HEAD"} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("%s is gone: %v", p, err)
		}
	}
	for _, out := range []string{filepath.Join(root, "public"), filepath.Join(repo, "out")} {
		if _, err := Run(Options{Source: root, Out: out}); err != nil {
			t.Errorf("--out %s: %v", out, err)
		}
	}
}

// --force replaces a folder kb did not create by moving it aside, whole.
func TestForceMovesForeignFolderAside(t *testing.T) {
	_, root := siteWithRepo(t)
	out := filepath.Join(t.TempDir(), "public")
	if err := os.MkdirAll(filepath.Join(out, "mine"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "mine", "notes.txt"), []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(Options{Source: root, Out: out}); !errors.Is(err, ErrNotOurs) {
		t.Fatalf("without --force: %v", err)
	}
	res, err := Run(Options{Source: root, Out: out, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.MovedAside != out+".replaced" {
		t.Errorf("moved aside to %q", res.MovedAside)
	}
	if data, err := os.ReadFile(filepath.Join(res.MovedAside, "mine", "notes.txt")); err != nil || string(data) != "precious" {
		t.Errorf("the replaced folder's file: %q, %v", data, err)
	}
	if _, err := os.Stat(filepath.Join(out, MarkerFile)); err != nil {
		t.Errorf("no build in place: %v", err)
	}
}

// An output folder given as a link to another folder (a web root linked to
// where the site should go) keeps the link; the build lands where it leads.
func TestOutputLinkIsFollowed(t *testing.T) {
	_, root := siteWithRepo(t)
	dir := t.TempDir()
	target := filepath.Join(dir, "www", "kb")
	out := filepath.Join(dir, "public")
	if err := os.MkdirAll(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, out); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	for build := 1; build <= 2; build++ {
		res, err := Run(Options{Source: root, Out: out})
		if err != nil {
			t.Fatalf("build %d: %v", build, err)
		}
		if info, err := os.Lstat(out); err != nil || info.Mode()&fs.ModeSymlink == 0 {
			t.Fatalf("build %d replaced the link %s: %v", build, out, err)
		}
		if _, err := os.Stat(filepath.Join(target, MarkerFile)); err != nil {
			t.Errorf("build %d is not where the link leads: %v", build, err)
		}
		if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
			t.Errorf("build %d: no index.html through the link: %v", build, err)
		}
		if build == 1 && res.MovedAside != target+".replaced" {
			t.Errorf("the empty folder the link led to went to %q", res.MovedAside)
		}
	}
	if _, err := os.Lstat(out + ".replaced"); err == nil {
		t.Error("the link was moved aside")
	}
}

// A build removes the temporary folders killed builds left (kb's marker
// in them, their lock free), and leaves those of running builds and
// folders kb did not write.
func TestAbandonedTemporariesRemoved(t *testing.T) {
	_, root := siteWithRepo(t)
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	mk := func(name string, marker bool) string {
		p := filepath.Join(parent, name)
		if err := os.MkdirAll(filepath.Join(p, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		if marker {
			if err := os.WriteFile(filepath.Join(p, MarkerFile), []byte(markerText), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	killed := mk(".public.kb-tmp-111", true)
	killedOld := mk(".public.kb-tmp-111.old", true)
	if err := os.WriteFile(killed+".lock", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// Killed right after making its folder, before the marker.
	empty := filepath.Join(parent, ".public.kb-tmp-333")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(empty+".lock", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	foreign := mk(".public.kb-tmp-222", false)
	if err := os.WriteFile(foreign+".lock", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	lock, running, err := createLocked(out)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	mk(filepath.Base(running), true)

	if _, err := Run(Options{Source: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{killed: false, killed + ".lock": false, killedOld: false,
		empty: false, empty + ".lock": false, foreign: true, running: true, running + ".lock": true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(p), err == nil, want)
		}
	}
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		t.Log(e.Name())
	}
}

// The output folder is never missing while builds are swapped in.
func TestSwapLeavesNoGap(t *testing.T) {
	_, root := siteWithRepo(t)
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Run(Options{Source: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	var missing atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
				missing.Add(1)
			}
		}
	}()
	for range 30 {
		if _, err := Run(Options{Source: root, Out: out}); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	<-done
	if n := missing.Load(); n > 0 {
		t.Errorf("index.html was missing %d times during swaps", n)
	}
}
