package pipeline

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/testsite"
)

// folderFormat writes a folder with one file, slowly, so that a format
// running beside it would find it unfinished.
type folderFormat struct{}

func (folderFormat) Name() string                 { return "folder" }
func (folderFormat) Needs() Needs                 { return Needs{} }
func (folderFormat) Check(*site.Site, *diag.List) {}
func (folderFormat) Emit(job Job) error {
	dir, err := job.Out.Folder("data")
	if err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	time.Sleep(50 * time.Millisecond)
	return os.WriteFile(filepath.Join(dir, "done"), []byte("yes"), 0o644)
}

// readerFormat follows folderFormat and notes what it found.
type readerFormat struct {
	mu    *sync.Mutex
	found *[]string
}

func (readerFormat) Name() string                 { return "reader" }
func (readerFormat) Needs() Needs                 { return Needs{} }
func (readerFormat) Check(*site.Site, *diag.List) {}
func (readerFormat) After() []string              { return []string{"folder"} }
func (r readerFormat) Emit(job Job) error {
	found := "none"
	dir, err := job.Out.Local("data")
	switch {
	case err == nil:
		found = "unfinished"
		if data, err := os.ReadFile(filepath.Join(dir, "done")); err == nil {
			found = string(data)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	r.mu.Lock()
	*r.found = append(*r.found, found)
	r.mu.Unlock()
	return nil
}

// A Follower starts after the formats it follows and finds their folders
// through Local; without them, Local says there is none.
func TestFollowerReadsWhatItFollows(t *testing.T) {
	root := testsite.Write(t, map[string]string{"content/_index.md": "# Top\n"})
	var mu sync.Mutex
	var found []string
	reader := readerFormat{&mu, &found}
	for _, outs := range [][]Format{{HTML{}, reader, folderFormat{}}, {HTML{}, reader}} {
		out := filepath.Join(t.TempDir(), "public")
		if _, err := Run(Options{Source: root, Out: out, Outputs: outs}); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(found, []string{"yes", "none"}) {
		t.Errorf("the follower found %q, want the finished folder, then none", found)
	}
}
