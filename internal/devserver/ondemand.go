package devserver

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// onDemand builds the files that a site generates besides its pages, such
// as the EPUBs, when a browser asks for one. They take too long to build on
// every change, so each format is built at most once per build of the
// site, and only when one of its files is asked for.
type onDemand struct {
	formats []pipeline.OnDemand
	dir     string // the preview folder, where formats find linked files
	// published names the formats whose files the preview offers, which
	// the generated files may link to (the print edition to the EPUBs).
	published []string

	mu    sync.Mutex
	built map[string]*generated // by format name
}

// generated is what a format wrote for a site in a theme.
type generated struct {
	site  *site.Site
	theme *web.Theme
	files map[string][]byte
	err   error
}

// newOnDemand returns an onDemand for formats, the preview being in dir
// and offering the files of the formats published names.
func newOnDemand(formats []pipeline.OnDemand, dir string, published []string) *onDemand {
	return &onDemand{formats: formats, dir: dir, published: published, built: map[string]*generated{}}
}

// file returns the generated file at name of s in theme, building the
// format that writes it if s or theme is newer than its last build, and
// an error wrapping fs.ErrNotExist when no format writes it.
func (o *onDemand) file(s *site.Site, theme *web.Theme, name string) ([]byte, error) {
	i := slices.IndexFunc(o.formats, func(f pipeline.OnDemand) bool { return f.Writes(s, name) })
	if i < 0 {
		return nil, fs.ErrNotExist
	}
	f := o.formats[i]
	o.mu.Lock()
	defer o.mu.Unlock()
	g := o.built[f.Name()]
	if g == nil || g.site != s || g.theme != theme {
		w := &memWriter{files: map[string][]byte{}, dir: o.dir}
		err := f.Emit(pipeline.Job{Site: s, Theme: theme, Out: w, Published: o.published})
		g = &generated{site: s, theme: theme, files: w.files, err: err}
		o.built[f.Name()] = g
	}
	if g.err != nil {
		return nil, g.err
	}
	data, ok := g.files[name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return data, nil
}

// memWriter keeps written files in memory and reads the files of the
// preview folder, dir.
type memWriter struct {
	mu    sync.Mutex
	files map[string][]byte
	dir   string
}

// ReadFile implements pipeline.Writer.
func (m *memWriter) ReadFile(name string) ([]byte, error) {
	m.mu.Lock()
	data, ok := m.files[name]
	m.mu.Unlock()
	if ok {
		return data, nil
	}
	if !fs.ValidPath(name) {
		return nil, fs.ErrInvalid
	}
	return os.ReadFile(filepath.Join(m.dir, filepath.FromSlash(name)))
}

// Folder implements pipeline.Writer: formats built on demand write files only.
func (m *memWriter) Folder(name string) (string, error) {
	return "", fmt.Errorf("%s: a format built on demand cannot write a folder", name)
}

// Local implements pipeline.Writer: formats built on demand write no
// folders.
func (m *memWriter) Local(name string) (string, error) {
	return "", fmt.Errorf("%s: %w", name, fs.ErrNotExist)
}

// WriteFile implements pipeline.Writer.
func (m *memWriter) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[name] = bytes.Clone(data)
	return nil
}

// serveGenerated serves a file the site generates on demand, and reports
// whether name is one.
func (s *Server) serveGenerated(w http.ResponseWriter, r *http.Request, name string) bool {
	s.mu.Lock()
	current, theme := s.site, s.theme
	s.mu.Unlock()
	if s.onDemand == nil || current == nil {
		return false
	}
	data, err := s.onDemand.file(current, theme, name)
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	if err != nil {
		fmt.Fprintf(s.opts.Log, "kb: %s: %v\n", name, err)
		m, _ := s.texts()
		http.Error(w, m.Get("server.generate_failed", "name", name, "error", err.Error()), http.StatusInternalServerError)
		return true
	}
	switch path.Ext(name) {
	case ".epub":
		w.Header().Set("Content-Type", "application/epub+zip")
	case ".html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
	return true
}
