package content

import (
	"cmp"
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/srcfs"
)

// sources reads the content folder of a site through its root, so that no
// link or ".." reaches a file outside the site and no special file is read.
type sources struct {
	root       *srcfs.Root
	dir        string // the content folder, site-relative
	maxPage    int64  // bytes
	maxNesting int

	mu         sync.Mutex
	unreadable map[string]bool // content-relative paths reported as unreadable; guarded by mu
}

// failed notes that the file at the content-relative path rel could not
// be read, so that links to it are not reported as links to nothing.
func (s *sources) failed(rel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unreadable == nil {
		s.unreadable = map[string]bool{}
	}
	s.unreadable[strings.TrimPrefix(rel, "./")] = true
}

// openSources opens the site root for reading its content.
func openSources(root string, cfg config.Config) (*sources, error) {
	r, err := srcfs.Open(root)
	if err != nil {
		return nil, err
	}
	return &sources{root: r, dir: cmp.Or(cfg.ContentDir, Dir), maxPage: cfg.PageSizeLimit(), maxNesting: cfg.NestingLimit()}, nil
}

// path is a content-relative path as a path from the site root.
func (s *sources) path(rel string) string {
	return path.Join(s.dir, rel)
}

// entryKind says what a folder entry at rel is, following a link that
// stays inside the site. It reports links that leave the site, broken
// links and special files, and returns ok false for them.
func (s *sources) entryKind(rel string, e fs.DirEntry, diags *diag.List) (info fs.FileInfo, ok bool) {
	file := s.path(rel)
	info, err := s.root.Stat(file)
	if err != nil || !info.IsDir() && !info.Mode().IsRegular() {
		s.failed(rel)
	}
	switch {
	case errors.Is(err, srcfs.ErrOutside):
		diags.Addf(file, 0, 0, "copy the file into the site instead of linking to it",
			"link leads outside the site folder or is absolute; kb follows only relative links that stay inside it")
		return nil, false
	case errors.Is(err, fs.ErrNotExist) && e.Type()&fs.ModeSymlink != 0:
		diags.Addf(file, 0, 0, "remove the link or point it at a file inside the site", "broken link")
		return nil, false
	case err != nil:
		diags.Addf(file, 0, 0, "check the file's permissions", "cannot read: %v", err)
		return nil, false
	case !info.IsDir() && !info.Mode().IsRegular():
		diags.Addf(file, 0, 0, "remove it from the content folder",
			"%s is not a regular file (%s); kb reads only regular files", file, srcfs.Kind(info.Mode()))
		return nil, false
	}
	return info, true
}

// loops reports whether the folder info is one of its own ancestors,
// reached again through a link.
func loops(ancestors []fs.FileInfo, info fs.FileInfo) bool {
	for _, a := range ancestors {
		if os.SameFile(a, info) {
			return true
		}
	}
	return false
}

// hidden reports whether a content-relative path passes through a file or
// folder whose name starts with a dot, which kb never reads.
func hidden(rel string) bool {
	for seg := range strings.SplitSeq(rel, "/") {
		if strings.HasPrefix(seg, ".") && seg != "." && seg != ".." {
			return true
		}
	}
	return false
}

// readPage reads the Markdown file at the content-relative path rel,
// reporting why it cannot be read.
func (s *sources) readPage(rel string, diags *diag.List) ([]byte, bool) {
	file := s.path(rel)
	src, err := s.root.ReadFile(file, s.maxPage)
	if err != nil {
		s.failed(rel)
	}
	switch {
	case err == nil:
	case errors.Is(err, srcfs.ErrTooLarge):
		diags.Addf(file, 1, 1, "split the page into several, or raise max_page_size in kb.yaml",
			"page %s", errors.Unwrap(err))
		return nil, false
	case errors.Is(err, srcfs.ErrOutside):
		diags.Addf(file, 0, 0, "copy the file into the site instead of linking to it",
			"link leads outside the site folder or is absolute; kb follows only relative links that stay inside it")
		return nil, false
	case errors.Is(err, srcfs.ErrNotRegular):
		diags.Addf(file, 0, 0, "remove it from the content folder", "not a regular file: %v", errors.Unwrap(err))
		return nil, false
	default:
		diags.Addf(file, 0, 0, "check the file's permissions", "cannot read file: %v", err)
		return nil, false
	}
	if line, col := tooDeep(src, s.maxNesting); line > 0 {
		diags.Addf(file, line, col, "flatten the lists or quotes, or raise max_nesting in kb.yaml",
			"lists and quotes nest more than %d deep here", s.maxNesting)
		s.failed(rel)
		return nil, false
	}
	return src, true
}

// tooDeep finds the first line whose list items and block quotes nest
// deeper than max, and returns its line, the column where the limit is
// passed and the depth; line is 0 when none does. Deep nesting makes the
// Markdown parser's time grow with its square, so it is refused before
// parsing. The depth of a line is the count of markers it starts with
// (">", "-", "+", "*", "1." or "1)", each followed by a space) plus half
// its indentation when it starts with one, which is how far a list nested
// over several lines can reach.
func tooDeep(src []byte, max int) (line, col int) {
	if max <= 0 {
		return 0, 0
	}
	n := 0
	for start := 0; start < len(src); {
		end := start
		for end < len(src) && src[end] != '\n' {
			end++
		}
		n++
		l := src[start:end]
		indent, i, d := 0, 0, 0
		for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
			indent++
			i++
		}
		for i < len(l) {
			switch {
			case l[i] == ' ' || l[i] == '\t':
				i++
				continue
			case l[i] == '>':
				i++
			case (l[i] == '-' || l[i] == '+' || l[i] == '*') && (i+1 == len(l) || l[i+1] == ' ' || l[i+1] == '\t'):
				i++
			case l[i] >= '0' && l[i] <= '9':
				j := i
				for j < len(l) && j-i < 9 && l[j] >= '0' && l[j] <= '9' {
					j++
				}
				if j < len(l) && (l[j] == '.' || l[j] == ')') && (j+1 == len(l) || l[j+1] == ' ' || l[j+1] == '\t') {
					i = j + 1
				} else {
					i = len(l) + 1 // not a marker: stop
				}
			default:
				i = len(l) + 1
			}
			if i > len(l) {
				break
			}
			d++
			if d == 1 {
				d += indent / 2
			}
			if d > max {
				return n, 1 + len([]rune(string(l[:i-1])))
			}
		}
		start = end + 1
	}
	return 0, 0
}
