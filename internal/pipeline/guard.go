package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/content"
)

// SourceFolders are the parts of a site root that kb reads.
var SourceFolders = []string{content.Dir, "layouts", "assets", config.FileName}

// ErrOutputInSources is returned for an output folder that would replace
// sources; --force does not lift it.
var ErrOutputInSources = errors.New("the output folder overlaps the sources")

// CheckOutputPlace refuses an output folder that is the site root or holds
// it, or that is, holds or lies inside anything kb reads from the site
// (content/, layouts/, assets/, kb.yaml): replacing it would delete
// sources. Paths are compared after following links.
func CheckOutputPlace(source, out string) error {
	o, err := realPath(out)
	if err != nil {
		return err
	}
	root, err := realPath(source)
	if err != nil {
		return err
	}
	if within(root, o) {
		return fmt.Errorf("refusing to write into %s: %w (it is or holds the site folder %s); choose another --out, --force does not change this",
			out, ErrOutputInSources, source)
	}
	for _, name := range SourceFolders {
		s, err := realPath(filepath.Join(source, name))
		if err != nil {
			return err
		}
		if within(o, s) || within(s, o) {
			return fmt.Errorf("refusing to write into %s: %w (%s); choose another --out, --force does not change this",
				out, ErrOutputInSources, filepath.Join(source, name))
		}
	}
	return nil
}

// within reports whether p is dir or lies inside it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, string(filepath.Separator))+string(filepath.Separator))
}

// realPath is p made absolute with the links in its existing part followed,
// so that two names for one folder compare equal.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for dir := abs; ; dir = filepath.Dir(dir) {
		real, err := filepath.EvalSymlinks(dir)
		if err == nil {
			return filepath.Join(real, rest), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if filepath.Dir(dir) == dir {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}

// movedAsideName is where a folder kb did not create goes when --force
// replaces it: beside it, named after it and the time.
func movedAsideName(dest string) string {
	base := dest + ".replaced"
	for i := 0; ; i++ {
		name := base
		if i > 0 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return name
		}
	}
}
