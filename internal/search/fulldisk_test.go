package search_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/search"
)

// The index built on a disk that fills up fails with "no space left on
// device" and the folder, never a panic or an internal error. The disk is
// a small tmpfs, which needs root; the sizes fill it at several stages of
// the build (a batch, the merge, the final segment).
func TestIndexOnFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("mounts a tmpfs")
	}
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	s, diags := pipeline.Load("../..", nil)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	for _, size := range []string{"64k", "512k", "1m", "2m"} {
		t.Run(size, func(t *testing.T) {
			mnt := t.TempDir()
			if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", mnt).CombinedOutput(); err != nil {
				t.Skipf("cannot mount a tmpfs: %v %s", err, out)
			}
			defer func() { _ = exec.Command("umount", mnt).Run() }()
			dir := filepath.Join(mnt, "public", search.IndexDir)
			err := search.Build(s, dir)
			if err == nil {
				t.Skip("the index fit")
			}
			if msg := err.Error(); !strings.Contains(msg, "no space left on device") || !strings.Contains(msg, mnt) {
				t.Errorf("error %q does not say the disk is full and where", msg)
			}
		})
	}
}
