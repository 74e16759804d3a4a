package server

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/search"
)

// Follower keeps a Handler serving the newest build in a folder. Each kb
// build writes the folder's marker file anew and swaps the whole folder in
// at once, so a changed marker means a new build: the follower then opens
// that build's search index and swaps it into the handler. Requests in
// flight finish on the index they started with.
type Follower struct {
	h       *Handler
	dir     string
	seen    fs.FileInfo // the marker of the build being served
	started bool        // a build has been loaded
}

// Load is what a check found.
type Load struct {
	// Changed is true when a new build was swapped in.
	Changed bool
	// NoIndex is true when the build has no search index (built without one).
	NoIndex bool
	// Err is why the build's index could not be opened; search then
	// answers 503 until a build with a good one.
	Err error
}

// Follow returns a follower of dir for h. Call Check once to serve the
// build that is there, then Run.
func Follow(h *Handler, dir string) *Follower {
	return &Follower{h: h, dir: dir}
}

// Check swaps in the build in the folder if it is not the one served.
func (f *Follower) Check() Load {
	marker := filepath.Join(f.dir, pipeline.MarkerFile)
	before, err := os.Stat(marker)
	if f.started && (err != nil || sameFile(before, f.seen)) {
		// The same build, or a folder kb did not write: keep what is open.
		return Load{}
	}
	indexDir := filepath.Join(f.dir, search.IndexDir)
	var idx *search.Index
	var openErr error
	_, statErr := os.Stat(indexDir)
	noIndex := errors.Is(statErr, fs.ErrNotExist)
	if !noIndex {
		idx, openErr = search.Open(indexDir)
	}
	// A build swapped in while the index was opened may have mixed two
	// builds' files: leave it for the next check.
	if after, aerr := os.Stat(marker); before != nil && (aerr != nil || !sameFile(before, after)) {
		if idx != nil {
			_ = idx.Close()
		}
		if f.started {
			return Load{}
		}
		return f.Check()
	}
	f.seen, f.started = before, true
	if openErr != nil {
		f.h.SwapBroken(f.dir, openErr)
		return Load{Changed: true, Err: openErr}
	}
	f.h.Swap(f.dir, idx)
	return Load{Changed: true, NoIndex: noIndex}
}

// Run checks every interval until ctx is done, calling report after each
// check that swapped a build in.
func (f *Follower) Run(ctx context.Context, interval time.Duration, report func(Load)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if l := f.Check(); l.Changed && report != nil {
				report(l)
			}
		}
	}
}

// sameFile reports whether a and b describe one file, unchanged.
func sameFile(a, b fs.FileInfo) bool {
	return a != nil && b != nil && os.SameFile(a, b) && a.ModTime().Equal(b.ModTime()) && a.Size() == b.Size()
}
