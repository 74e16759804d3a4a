package srcfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// site makes a site root holding a page, a link inside, links outside,
// a FIFO and a big file; outside holds a sentinel file beside it.
func site(t *testing.T) (root, sentinel string) {
	t.Helper()
	dir := t.TempDir()
	root = filepath.Join(dir, "site")
	sentinel = filepath.Join(dir, "secret.txt")
	must(t, os.WriteFile(sentinel, []byte("SENTINEL"), 0o644))
	must(t, os.MkdirAll(filepath.Join(root, "content", "sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "content", "page.md"), []byte("# page\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "content", "big.md"), make([]byte, 2000), 0o644))
	must(t, os.Symlink("page.md", filepath.Join(root, "content", "inside.md")))
	must(t, os.Symlink(sentinel, filepath.Join(root, "content", "abs.md")))
	must(t, os.Symlink("../../secret.txt", filepath.Join(root, "content", "rel.md")))
	must(t, os.Symlink("/dev/zero", filepath.Join(root, "content", "zero.md")))
	must(t, os.Symlink(dir, filepath.Join(root, "content", "updir")))
	must(t, syscall.Mkfifo(filepath.Join(root, "content", "fifo.md"), 0o644))
	must(t, os.Symlink("fifo.md", filepath.Join(root, "content", "tofifo.md")))
	return root, sentinel
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadFile(t *testing.T) {
	root, _ := site(t)
	r, err := Open(root)
	must(t, err)
	defer r.Close()
	for _, tc := range []struct {
		rel   string
		limit int64
		want  string
		err   error
	}{
		{"content/page.md", 0, "# page\n", nil},
		{"content/inside.md", 0, "# page\n", nil},
		{"content/abs.md", 0, "", ErrOutside},
		{"content/rel.md", 0, "", ErrOutside},
		{"content/zero.md", 0, "", ErrOutside},
		{"content/updir/secret.txt", 0, "", ErrOutside},
		{"../secret.txt", 0, "", ErrOutside},
		{"content/../../secret.txt", 0, "", ErrOutside},
		{"content/fifo.md", 0, "", ErrNotRegular},
		{"content/tofifo.md", 0, "", ErrNotRegular},
		{"content/big.md", 1000, "", ErrTooLarge},
		{"content/missing.md", 0, "", fs.ErrNotExist},
	} {
		t.Run(tc.rel, func(t *testing.T) {
			done := make(chan struct{})
			var data []byte
			var err error
			go func() { data, err = r.ReadFile(tc.rel, tc.limit); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("ReadFile hung")
			}
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				if data != nil {
					t.Errorf("read %q despite the error", data)
				}
				return
			}
			if err != nil || string(data) != tc.want {
				t.Fatalf("got %q, %v; want %q", data, err, tc.want)
			}
		})
	}
}

func TestStatAndFS(t *testing.T) {
	root, _ := site(t)
	r, err := Open(root)
	must(t, err)
	defer r.Close()
	if _, err := r.Stat("content/updir"); !errors.Is(err, ErrOutside) {
		t.Errorf("Stat of a link out: %v, want ErrOutside", err)
	}
	if info, err := r.Stat("content/inside.md"); err != nil || !info.Mode().IsRegular() {
		t.Errorf("Stat of a link inside: %v, %v", info, err)
	}
	if info, err := r.Lstat("content/inside.md"); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat of a link: %v, %v", info, err)
	}
	fsys := r.FS("content")
	if data, err := fs.ReadFile(fsys, "page.md"); err != nil || string(data) != "# page\n" {
		t.Errorf("FS page.md: %q, %v", data, err)
	}
	for _, n := range []string{"abs.md", "fifo.md", "updir/secret.txt"} {
		if data, err := fs.ReadFile(fsys, n); err == nil {
			t.Errorf("FS read %s: %q", n, data)
		}
	}
	if entries, err := fs.ReadDir(fsys, "."); err != nil || len(entries) == 0 {
		t.Errorf("FS ReadDir: %v, %v", entries, err)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{12: "12 bytes", 2048: "2 KB", 5 << 20: "5 MB", 3 << 19: "1.5 MB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
