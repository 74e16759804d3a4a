// Package srcfs reads a site's sources without ever leaving the site root:
// paths are resolved through os.Root, so neither ".." nor a symbolic link
// can reach a file outside, and only regular files are read, so a FIFO or
// a device can neither hang a build nor flood it.
package srcfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
)

// Errors that ReadFile and Stat wrap, for callers to explain.
var (
	// ErrOutside is a path, or a link on it, that leads out of the site root.
	ErrOutside = errors.New("leads outside the site folder")
	// ErrNotRegular is a FIFO, socket, device or other special file.
	ErrNotRegular = errors.New("is not a regular file")
	// ErrTooLarge is a file larger than the limit given to ReadFile.
	ErrTooLarge = errors.New("is too large")
)

// Root is a site folder opened for reading.
type Root struct {
	dir  string
	root *os.Root
}

// Open opens the folder dir as a site root.
func Open(dir string) (*Root, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &Root{dir: dir, root: r}, nil
}

// Close releases the root.
func (r *Root) Close() error { return r.root.Close() }

// Dir is the folder the root was opened on.
func (r *Root) Dir() string { return r.dir }

// name turns a slash-separated path relative to the root into the form
// os.Root takes, refusing absolute paths and "..".
func name(rel string) (string, error) {
	rel = path.Clean(strings.TrimPrefix(rel, "./"))
	if rel == "" || path.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", &fs.PathError{Op: "open", Path: rel, Err: ErrOutside}
	}
	return rel, nil
}

// Stat describes rel, following links that stay inside the root. A link
// that leaves the root is an error wrapping ErrOutside.
func (r *Root) Stat(rel string) (fs.FileInfo, error) {
	n, err := name(rel)
	if err != nil {
		return nil, err
	}
	info, err := r.root.Stat(n)
	return info, r.explain(n, err)
}

// Lstat describes rel itself, not what a link at rel points to.
func (r *Root) Lstat(rel string) (fs.FileInfo, error) {
	n, err := name(rel)
	if err != nil {
		return nil, err
	}
	info, err := r.root.Lstat(n)
	return info, r.explain(n, err)
}

// ReadDir lists the folder rel, sorted by name. Entries are described as
// they are (a link is a link); use Stat to see where a link leads.
func (r *Root) ReadDir(rel string) ([]fs.DirEntry, error) {
	n, err := name(rel)
	if err != nil {
		return nil, err
	}
	f, err := r.root.Open(n)
	if err != nil {
		return nil, r.explain(n, err)
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

// ReadFile reads the regular file rel. With limit > 0, a larger file is
// an error wrapping ErrTooLarge; nothing beyond limit+1 bytes is read.
func (r *Root) ReadFile(rel string, limit int64) ([]byte, error) {
	n, err := name(rel)
	if err != nil {
		return nil, err
	}
	f, err := r.openRegular(n)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if limit > 0 && info.Size() > limit {
		return nil, &fs.PathError{Op: "read", Path: n, Err: fmt.Errorf("%w: %s, more than the limit of %s", ErrTooLarge, Size(info.Size()), Size(limit))}
	}
	var src io.Reader = f
	if limit > 0 {
		src = io.LimitReader(f, limit+1)
	}
	data, err := io.ReadAll(src)
	if err != nil {
		return nil, err
	}
	if limit > 0 && int64(len(data)) > limit {
		// The file grew while it was read.
		return nil, &fs.PathError{Op: "read", Path: n, Err: fmt.Errorf("%w: more than the limit of %s", ErrTooLarge, Size(limit))}
	}
	return data, nil
}

// openRegular opens n for reading if it is a regular file or a folder.
// It opens without blocking, so that a FIFO cannot hang the caller, and
// checks the type of what it opened, not of what a path named a moment
// before.
func (r *Root) openRegular(n string) (*os.File, error) {
	info, err := r.root.Stat(n)
	if err != nil {
		return nil, r.explain(n, err)
	}
	if !info.Mode().IsRegular() && !info.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: n, Err: fmt.Errorf("%w (%s)", ErrNotRegular, Kind(info.Mode()))}
	}
	f, err := r.root.OpenFile(n, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, r.explain(n, err)
	}
	info, err = f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !info.Mode().IsRegular() && !info.IsDir() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: n, Err: fmt.Errorf("%w (%s)", ErrNotRegular, Kind(info.Mode()))}
	}
	return f, nil
}

// explain turns os.Root's refusal of a path that escapes the root, through
// ".." or a link (an absolute link always counts as escaping), into
// ErrOutside. os.Root does not export that error; its text is fixed.
func (r *Root) explain(n string, err error) error {
	if err == nil || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return err
	}
	if strings.Contains(err.Error(), "path escapes from parent") {
		return &fs.PathError{Op: "open", Path: n, Err: ErrOutside}
	}
	return err
}

// Kind names a file type for messages ("a FIFO", "a device").
func Kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a link"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "not a file"
}

// Size formats n bytes for messages: "5 MB", "812 KB", "12 bytes".
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// FS returns the folder rel of the root as a file system that opens only
// regular files and folders inside the root.
func (r *Root) FS(rel string) fs.FS {
	return subFS{r, rel}
}

type subFS struct {
	r   *Root
	dir string
}

func (s subFS) Open(n string) (fs.File, error) {
	if !fs.ValidPath(n) {
		return nil, &fs.PathError{Op: "open", Path: n, Err: fs.ErrInvalid}
	}
	full, err := name(path.Join(s.dir, n))
	if err != nil {
		return nil, err
	}
	f, err := s.r.openRegular(full)
	if err != nil {
		return nil, err
	}
	return f, nil
}
