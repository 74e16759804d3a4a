package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// MarkerFile marks a folder as written by kb, so kb may replace it.
const MarkerFile = ".kb-output"

var markerText = []byte("This folder was written by kb build; kb replaces it on the next build.\n")

// Output writes a build into a temporary folder beside the destination and
// swaps it in only when the whole build succeeded.
type Output struct {
	dest string
	tmp  string
	dirs sync.Map // folders already created in tmp
}

// ErrNotOurs is returned when the destination exists but was not written by kb.
var ErrNotOurs = errors.New("not created by kb")

// NewOutput prepares a temporary folder next to dest. Unless force is set, it
// refuses a dest that exists without kb's marker file.
func NewOutput(dest string, force bool) (*Output, error) {
	dest = filepath.Clean(dest)
	if err := CheckReplaceable(dest, force); err != nil {
		return nil, err
	}
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".kb-tmp-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	o := &Output{dest: dest, tmp: tmp}
	return o, o.WriteFile(MarkerFile, markerText)
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
	p := filepath.Join(o.tmp, filepath.FromSlash(name))
	dir := filepath.Dir(p)
	if _, done := o.dirs.Load(dir); !done {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		o.dirs.Store(dir, true)
	}
	return os.WriteFile(p, data, 0o644)
}

// Commit swaps the finished build in place of the destination.
func (o *Output) Commit() error {
	old := ""
	if _, err := os.Stat(o.dest); err == nil {
		old = o.tmp + ".old"
		if err := os.Rename(o.dest, old); err != nil {
			return err
		}
	}
	if err := os.Rename(o.tmp, o.dest); err != nil {
		if old != "" {
			_ = os.Rename(old, o.dest)
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// Abort removes the temporary folder, leaving the destination as it was.
func (o *Output) Abort() {
	_ = os.RemoveAll(o.tmp)
}
