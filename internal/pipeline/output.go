package pipeline

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// MarkerFile marks a folder as written by kb, so kb may replace it. It
// also lists the files kb wrote there, so the folder can be recycled.
const MarkerFile = ".kb-output"

const markerText = "This folder was written by kb build; kb replaces it on the next build.\n" +
	"The files kb wrote follow the blank line.\n"

// Output writes a build into a temporary folder beside the destination and
// swaps it in only when the whole build succeeded.
//
// The temporary folder is the spare tree of the build before last when
// there is one: the previous output is kept beside the destination
// (.<name>.kb-spare) after a swap, and the next build claims it, rewrites
// in place the files that changed, leaves those that did not (and their
// modification times), and removes those it did not write. On file systems
// where creating a file costs far more than rewriting one, this makes a
// rebuild cheaper, for twice the disk (internal/bench measures it).
type Output struct {
	dest, tmp string
	lock      *os.File // held while the build runs; see stale.go
	dirs      sync.Map // folders that exist in tmp
	committed bool     // tmp no longer holds this build

	// MovedAside is where Commit put the folder kb did not create that
	// --force replaced, or "".
	MovedAside string

	mu       sync.Mutex
	written  map[string]bool // files written through WriteFile, by slash path; guarded by mu
	recycled map[string]bool // files of the claimed spare tree; nil for a new tree
}

// ErrNotOurs is returned when the destination exists but was not written by kb.
var ErrNotOurs = errors.New("not created by kb")

// errNoExchange is exchange's answer where folders cannot be swapped atomically.
var errNoExchange = errors.New("atomic exchange not supported")

// NewOutput prepares a temporary folder next to dest. Unless force is set, it
// refuses a dest that exists without kb's marker file. It first removes
// the temporary folders that killed builds left beside dest.
func NewOutput(dest string, force bool) (*Output, error) {
	dest, err := followLink(filepath.Clean(dest))
	if err != nil {
		return nil, err
	}
	if err := CheckReplaceable(dest, force); err != nil {
		return nil, err
	}
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	removeAbandoned(dest)
	lock, tmp, err := createLocked(dest)
	if err != nil {
		return nil, err
	}
	o := &Output{dest: dest, tmp: tmp, lock: lock, written: map[string]bool{}}
	if err := o.start(); err != nil {
		o.Abort()
		return nil, err
	}
	return o, nil
}

// followLink returns the folder dest leads to when dest is a symbolic link
// (a web root linked to where the build should go), so that the link stays
// and the build replaces what it points to; otherwise dest.
func followLink(dest string) (string, error) {
	info, err := os.Lstat(dest)
	if err != nil || info.Mode()&fs.ModeSymlink == 0 {
		return dest, nil
	}
	real, err := filepath.EvalSymlinks(dest)
	if err != nil {
		return "", fmt.Errorf("%s is a link that leads nowhere: %w", dest, err)
	}
	return real, nil
}

// start makes the temporary folder, from the spare tree when there is one,
// and marks it as kb's from the start, so that it is known as such if the
// build is killed.
func (o *Output) start() error {
	if err := o.recycle(SparePath(o.dest)); err != nil {
		// The spare could not be used as it is: start afresh.
		o.recycled = nil
		o.dirs.Clear()
		if err := os.RemoveAll(o.tmp); err != nil {
			return err
		}
	}
	if o.recycled == nil {
		if err := os.Mkdir(o.tmp, 0o755); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(o.tmp, MarkerFile), []byte(markerText), 0o644); err != nil {
		return err
	}
	return os.Chmod(o.tmp, 0o755)
}

// SparePath is where the output before dest's current one is kept, to be
// rewritten by the next build.
func SparePath(dest string) string {
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".kb-spare")
}

// recycle claims the spare tree, if there is one that kb wrote, as the
// temporary folder: it keeps the files the spare's marker lists and removes
// anything else (an index another program wrote, links, strays).
func (o *Output) recycle(spare string) error {
	info, err := os.Lstat(spare)
	if err != nil || !info.IsDir() {
		return nil
	}
	marker, err := os.ReadFile(filepath.Join(spare, MarkerFile))
	if err != nil {
		return nil // not kb's: leave it alone
	}
	// Renaming it to the temporary folder's name claims the spare; of two
	// builds at once, one gets it, and the other starts afresh.
	if err := os.Rename(spare, o.tmp); err != nil {
		return err
	}
	listed, parents := readManifest(marker)
	o.recycled = map[string]bool{}
	o.dirs.Store(o.tmp, true)
	return filepath.WalkDir(o.tmp, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(o.tmp, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir() && parents[rel]:
			o.dirs.Store(p, true)
			return nil
		case d.IsDir():
			if err := os.RemoveAll(p); err != nil {
				return err
			}
			return fs.SkipDir
		case rel == MarkerFile:
			// Kept until start writes the new one: a build killed in
			// between leaves a folder that is still known as kb's.
			return nil
		case d.Type().IsRegular() && listed[rel]:
			o.recycled[rel] = true
			return nil
		default:
			return os.Remove(p)
		}
	})
}

// readManifest reads the files a marker lists, and the folders they are in.
func readManifest(marker []byte) (files, folders map[string]bool) {
	files, folders = map[string]bool{}, map[string]bool{}
	_, list, ok := bytes.Cut(marker, []byte("\n\n"))
	if !ok {
		return files, folders
	}
	sc := bufio.NewScanner(bytes.NewReader(list))
	for sc.Scan() {
		name := sc.Text()
		if name == "" || !fs.ValidPath(name) {
			continue
		}
		files[name] = true
		for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
			folders[dir] = true
		}
	}
	return files, folders
}

// CheckReplaceable reports whether kb may replace dest.
func CheckReplaceable(dest string, force bool) error {
	info, err := os.Stat(dest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s exists and is not a folder", dest)
	}
	if force {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dest, MarkerFile)); err == nil {
		return nil
	}
	if entries, err := os.ReadDir(dest); err == nil && len(entries) == 0 {
		return nil
	}
	return fmt.Errorf("refusing to replace %s: %w (it has no %s file); choose another --out or pass --force", dest, ErrNotOurs, MarkerFile)
}

// Dir is the temporary folder being written.
func (o *Output) Dir() string { return o.tmp }

// WriteFile writes name (slash-separated, relative) into the build.
func (o *Output) WriteFile(name string, data []byte) error {
	name = path.Clean(name)
	if !fs.ValidPath(name) || name == "." {
		return fmt.Errorf("output file %q is outside the output folder", name)
	}
	p := filepath.Join(o.tmp, filepath.FromSlash(name))
	// A file the spare already holds byte for byte is left alone, and its
	// time with it. (recycled is only read once NewOutput has filled it.)
	if !o.recycled[name] || !holds(p, data) {
		err := o.write(p, data)
		if err != nil && o.recycled != nil {
			// A recycled tree may hold a file where a folder is wanted now,
			// or the other way round.
			o.clear(p)
			err = o.write(p, data)
		}
		if err != nil {
			return err
		}
	}
	o.mu.Lock()
	o.written[name] = true
	o.mu.Unlock()
	return nil
}

// write writes data to p, creating its folder, without following a link.
func (o *Output) write(p string, data []byte) error {
	dir := filepath.Dir(p)
	if _, done := o.dirs.Load(dir); !done {
		// Most folders are one level below one that exists: try that first.
		if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		}
		o.dirs.Store(dir, true)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|noFollow, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// holds reports whether p is a regular file (not a link) holding exactly data.
func holds(p string, data []byte) bool {
	f, err := os.OpenFile(p, os.O_RDONLY|noFollow, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() || info.Size() != int64(len(data)) {
		return false
	}
	old := make([]byte, len(data)+1)
	n, err := io.ReadFull(f, old)
	return errors.Is(err, io.ErrUnexpectedEOF) && n == len(data) && bytes.Equal(old[:n], data)
}

// clear removes what stands in the way of writing p: p itself, and any of
// its parent folders inside the output that is not a folder.
func (o *Output) clear(p string) {
	_ = os.RemoveAll(p)
	for dir := filepath.Dir(p); strings.HasPrefix(dir, o.tmp+string(filepath.Separator)); dir = filepath.Dir(dir) {
		o.dirs.Delete(dir)
		if info, err := os.Lstat(dir); err == nil && !info.IsDir() {
			_ = os.Remove(dir)
		}
	}
}

// Commit swaps the finished build in place of the destination and keeps
// the previous output as the spare for the next build.
func (o *Output) Commit() error {
	defer o.unlock()
	if err := o.removeStale(); err != nil {
		return err
	}
	names := make([]string, 0, len(o.written))
	for name := range o.written {
		names = append(names, name)
	}
	slices.Sort(names)
	marker := markerText + "\n" + strings.Join(names, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(o.tmp, MarkerFile), []byte(marker), 0o644); err != nil {
		return err
	}
	if _, err := os.Lstat(o.dest); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(o.tmp, o.dest); err != nil {
			return err
		}
		o.committed = true
		return nil
	}
	old, err := o.swap()
	if err != nil {
		return err
	}
	// Keep the previous output as the spare if kb wrote it and no other
	// build has left one meanwhile.
	if _, err := os.Stat(filepath.Join(old, MarkerFile)); err == nil {
		if _, err := os.Lstat(SparePath(o.dest)); errors.Is(err, fs.ErrNotExist) {
			if os.Rename(old, SparePath(o.dest)) == nil {
				return nil
			}
		}
		return os.RemoveAll(old)
	}
	// A folder kb did not create (replaced with --force) is never deleted.
	aside := movedAsideName(o.dest)
	if err := os.Rename(old, aside); err != nil {
		return fmt.Errorf("the folder that %s held before is now %s (moving it to %s failed: %w)", o.dest, old, aside, err)
	}
	o.MovedAside = aside
	return nil
}

// swap puts the finished build in place of the destination and returns
// where the previous output now is. With an atomic exchange the
// destination always holds a whole build, even if kb is killed meanwhile;
// elsewhere it is missing between two renames.
func (o *Output) swap() (old string, err error) {
	err = exchange(o.tmp, o.dest)
	if err == nil {
		o.committed = true
		return o.tmp, nil
	}
	if !errors.Is(err, errNoExchange) {
		return "", err
	}
	old = o.tmp + ".old"
	if err := os.Rename(o.dest, old); err != nil {
		return "", err
	}
	if err := os.Rename(o.tmp, o.dest); err != nil {
		_ = os.Rename(old, o.dest)
		return "", err
	}
	o.committed = true
	return old, nil
}

// removeStale removes the files of a recycled tree that this build did not
// write, and the folders left empty.
func (o *Output) removeStale() error {
	for name := range o.recycled {
		if o.written[name] {
			continue
		}
		p := filepath.Join(o.tmp, filepath.FromSlash(name))
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		// Folders are removed while they are empty; Remove fails on the first that is not.
		for dir := filepath.Dir(p); dir != o.tmp; dir = filepath.Dir(dir) {
			if os.Remove(dir) != nil {
				break
			}
		}
	}
	return nil
}

// Abort removes the temporary folder, leaving the destination as it was.
// After a commit it only releases the lock.
func (o *Output) Abort() {
	if !o.committed {
		_ = os.RemoveAll(o.tmp)
	}
	o.unlock()
}

// unlock releases the temporary folder's lock and removes its file.
func (o *Output) unlock() {
	if o.lock != nil {
		_ = os.Remove(o.lock.Name())
		_ = o.lock.Close()
		o.lock = nil
	}
}
