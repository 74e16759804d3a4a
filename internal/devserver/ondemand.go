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
// every change, so they are built at most once per build of the site.
type onDemand struct {
	formats []pipeline.OnDemand
	dir     string // the preview folder, where formats find linked files

	mu    sync.Mutex
	site  *site.Site // the site files was built from
	theme *web.Theme // and its theme
	files map[string][]byte
	err   error
}

// file returns a generated file of s in theme, building them all if s or
// theme is newer than the last ones built.
func (o *onDemand) file(s *site.Site, theme *web.Theme, name string) ([]byte, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.site != s || o.theme != theme {
		w := &memWriter{files: map[string][]byte{}, dir: o.dir}
		var err error
		for _, f := range o.formats {
			if err = f.Emit(pipeline.Job{Site: s, Theme: theme, Out: w}); err != nil {
				break
			}
		}
		o.site, o.theme, o.files, o.err = s, theme, w.files, err
	}
	if o.err != nil {
		return nil, o.err
	}
	data, ok := o.files[name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return data, nil
}

// writes reports whether one of the formats writes the file at name.
func (o *onDemand) writes(s *site.Site, name string) bool {
	return slices.ContainsFunc(o.formats, func(f pipeline.OnDemand) bool { return f.Writes(s, name) })
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
	if s.onDemand == nil || current == nil || !s.onDemand.writes(current, name) {
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
