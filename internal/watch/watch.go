// Package watch is kb's only fsnotify importer. It watches a site's sources
// recursively, folders created or moved in later included, leaves editors'
// temporary files out, and delivers the changes in batches, so that an
// editor's save or a checkout of hundreds of files causes one rebuild.
package watch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Options configure a Watcher.
type Options struct {
	// Root is the folder the watched names and the reported paths are relative to.
	Root string
	// Names are the entries of Root to watch: folders recursively, files
	// directly. Those missing are watched once they appear.
	Names []string
	// Quiet is how long the events must stop before a batch is delivered.
	Quiet time.Duration
	// MaxDelay bounds how long a batch waits after its first event when
	// events keep coming.
	MaxDelay time.Duration
}

// Batch is a set of changes.
type Batch struct {
	// Paths are the changed files and folders, relative to Root with forward
	// slashes, sorted. A new folder is listed with everything in it.
	Paths []string
	// Rescan is set when events were lost: anything may have changed.
	Rescan bool
}

// Watcher delivers batches of changes until it is closed.
type Watcher struct {
	opts    Options
	fsw     *fsnotify.Watcher
	names   map[string]bool
	dirs    map[string]bool // watched folders, absolute
	batches chan Batch
	more    chan []string // names to add, from Watch
	added   chan struct{} // the names sent on more are watched
	errs    chan error
	done    chan struct{}
	stopped chan struct{}

	// The batch being gathered.
	pending map[string]bool
	rescan  bool
}

// New starts watching. The caller must read Batches and should read Errors.
func New(opts Options) (*Watcher, error) {
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, err
	}
	opts.Root = root
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &Watcher{opts: opts, fsw: fsw, names: map[string]bool{}, dirs: map[string]bool{},
		batches: make(chan Batch), more: make(chan []string), added: make(chan struct{}), errs: make(chan error, 16), done: make(chan struct{}), stopped: make(chan struct{}),
		pending: map[string]bool{}}
	for _, n := range opts.Names {
		w.names[n] = true
	}
	// The root itself, for kb.yaml and for watched folders created later.
	if err := fsw.Add(root); err != nil {
		_ = fsw.Close()
		return nil, err
	}
	for _, n := range opts.Names {
		w.addTree(filepath.Join(root, n), false)
	}
	go w.loop()
	return w, nil
}

// Batches delivers the batches of changes. While nobody receives, changes
// keep being added to the batch that waits.
func (w *Watcher) Batches() <-chan Batch { return w.batches }

// Errors reports problems that do not stop the watcher, such as a folder
// that could not be watched.
func (w *Watcher) Errors() <-chan error { return w.errs }

// Watch adds entries of Root to watch, as Options.Names, for sources that
// are found while building, such as a folder of included listings. Changes
// made after it returns are reported.
func (w *Watcher) Watch(names []string) {
	select {
	case w.more <- names:
		<-w.added
	case <-w.done:
	}
}

// Close stops watching.
func (w *Watcher) Close() error {
	close(w.done)
	<-w.stopped
	return w.fsw.Close()
}

func (w *Watcher) loop() {
	defer close(w.stopped)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var first time.Time // when the batch got its first change
	ready := false      // the batch waits for a receiver
	for {
		var out chan Batch
		var batch Batch
		if ready {
			out, batch = w.batches, w.take()
		}
		select {
		case <-w.done:
			return
		case out <- batch:
			w.pending, w.rescan, first, ready = map[string]bool{}, false, time.Time{}, false
			continue
		case <-timer.C:
			ready = true
			continue
		case names := <-w.more:
			for _, n := range names {
				if !w.names[n] {
					w.names[n] = true
					w.opts.Names = append(w.opts.Names, n)
					w.addTree(filepath.Join(w.opts.Root, n), false)
				}
			}
			w.added <- struct{}{}
			continue
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if !w.handle(ev) {
				continue
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			if !errors.Is(err, fsnotify.ErrEventOverflow) {
				w.report(err)
				continue
			}
			// Events were lost: watch any folder that was missed and let the
			// caller look at everything.
			w.rescan = true
			for _, n := range w.opts.Names {
				w.addTree(filepath.Join(w.opts.Root, n), false)
			}
		}
		// The batch grew: deliver it once events stop, or MaxDelay after its
		// first change.
		now := time.Now()
		if first.IsZero() {
			first = now
		}
		ready = false
		wait := w.opts.Quiet
		if w.opts.MaxDelay > 0 {
			wait = min(wait, first.Add(w.opts.MaxDelay).Sub(now))
		}
		timer.Reset(max(wait, 0))
	}
}

// take returns the gathered batch.
func (w *Watcher) take() Batch {
	b := Batch{Rescan: w.rescan}
	for p := range w.pending {
		b.Paths = append(b.Paths, p)
	}
	slices.Sort(b.Paths)
	return b
}

// handle adds an event to the batch and reports whether it was relevant.
func (w *Watcher) handle(ev fsnotify.Event) bool {
	rel, ok := w.relative(ev.Name)
	if !ok || ev.Op == fsnotify.Chmod {
		return false
	}
	switch {
	case ev.Has(fsnotify.Create):
		if info, err := os.Lstat(ev.Name); err == nil && info.IsDir() {
			w.addTree(ev.Name, true)
		}
	case ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename):
		w.forget(ev.Name)
	}
	w.pending[rel] = true
	return true
}

// relative returns the slash path of name under the root, and whether it is
// one of the watched names and not an editor's temporary file.
func (w *Watcher) relative(name string) (string, bool) {
	rel, err := filepath.Rel(w.opts.Root, name)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	top, _, _ := strings.Cut(rel, "/")
	if !w.names[top] {
		return "", false
	}
	for part := range strings.SplitSeq(rel, "/") {
		if Ignored(part) {
			return "", false
		}
	}
	return rel, true
}

// Ignored reports whether a file or folder name is left out: hidden names,
// which covers .git/ and the swap and temporary files of vim (.x.md.swp) and
// other editors (.x.md.tmp, emacs's .#x.md), backups ending in ~, vim's
// write test file 4913 and emacs's #x.md# auto-saves.
func Ignored(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") || name == "4913" ||
		strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#")
}

// addTree watches dir and the folders below it. With report set, every file
// and folder found is added to the batch: they may have been created before
// their folder was watched.
func (w *Watcher) addTree(dir string, report bool) {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				w.report(err)
			}
			return nil
		}
		if p != dir && Ignored(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if err := w.fsw.Add(p); err != nil {
				if !errors.Is(err, fs.ErrNotExist) {
					w.report(err)
				}
				return filepath.SkipDir
			}
			w.dirs[p] = true
		}
		if report {
			if rel, ok := w.relative(p); ok {
				w.pending[rel] = true
			}
		}
		return nil
	})
	if err != nil {
		w.report(err)
	}
}

// forget stops watching a folder that was removed or moved away, and the
// folders below it, whose watches would otherwise report their old paths.
func (w *Watcher) forget(name string) {
	for d := range w.dirs {
		if d == name || strings.HasPrefix(d, name+string(filepath.Separator)) {
			delete(w.dirs, d)
			_ = w.fsw.Remove(d) // already gone when the folder was deleted
		}
	}
}

func (w *Watcher) report(err error) {
	select {
	case w.errs <- err:
	default: // nobody is listening; the next batch still comes
	}
}
