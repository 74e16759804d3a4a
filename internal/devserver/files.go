package devserver

import (
	"bytes"
	_ "embed"
	"fmt"
	"hash/crc32"
	"html"
	"io"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"github.com/kb-handbook/kb/internal/server"
)

//go:embed reload.js
var reloadJS []byte

// reloadVersion changes with the script, so that browsers may cache it.
var reloadVersion = fmt.Sprintf("%08x", crc32.ChecksumIEEE(reloadJS))

// Paths of kb serve's own endpoints, out of the way of any page.
const (
	scriptPath = "/__kb/reload.js"
	eventsPath = "/__kb/events"
)

// Handler serves the preview: the built site with the live-reload script
// added to every HTML page, the event stream, and search when configured.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(scriptPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", immutable)
		http.ServeContent(w, r, "reload.js", time.Time{}, bytes.NewReader(reloadJS))
	})
	mux.HandleFunc(eventsPath, s.events)
	if s.search != nil {
		search := s.withScript(s.search.handler)
		for _, p := range []string{"/api/search", "/search", "/search/{$}", "/search/index.html"} {
			mux.Handle(p, search)
		}
	}
	mux.HandleFunc("/", s.serveFile)
	policy := server.HostPolicy{Any: s.opts.AnyHost}
	return server.Guard(mux, policy, server.DefaultCSP, "ほかのホスト名で使うには --public を付けて起動してください。")
}

// serveFile serves a file of the built site. Paths are cleaned before they
// reach the file system, so none leads out of the output folder, and hidden
// names (such as files being written) are never served.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "このサーバーは読み取り専用です。", http.StatusMethodNotAllowed)
		return
	}
	// Read the build number before the file: if a build ends in between,
	// the page is newer than the number says, and the browser reloads once
	// more instead of missing the change.
	s.mu.Lock()
	gen := s.gen
	s.mu.Unlock()

	clean := path.Clean("/" + r.URL.Path)
	for part := range strings.SplitSeq(clean, "/") {
		if strings.HasPrefix(part, ".") {
			s.notFound(w, r, gen)
			return
		}
	}
	// Files are opened inside the output folder: a link there is not
	// followed out of it.
	name := strings.TrimPrefix(clean, "/")
	if name == "" {
		name = "."
	}
	f, info, err := s.open(name)
	if err == nil && info.IsDir() {
		f.Close()
		if !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, path.Base(clean)+"/", http.StatusMovedPermanently)
			return
		}
		name = path.Join(name, "index.html")
		f, info, err = s.open(name)
	}
	if err != nil || !info.Mode().IsRegular() {
		if err == nil {
			f.Close()
		}
		if !s.serveGenerated(w, r, clean[1:]) {
			s.notFound(w, r, gen)
		}
		return
	}
	defer f.Close()
	if path.Ext(name) != ".html" {
		// Theme assets are fingerprinted: a changed file gets a new name.
		// Files copied from content/ keep theirs, so they are checked each time.
		if strings.HasPrefix(clean, "/assets/") {
			w.Header().Set("Cache-Control", immutable)
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		http.ServeContent(w, r, name, info.ModTime(), f)
		return
	}
	data, err := io.ReadAll(f)
	if err != nil {
		s.notFound(w, r, gen)
		return
	}
	writeHTML(w, r, http.StatusOK, data, gen)
}

// open opens a file of the output folder without leaving it.
func (s *Server) open(name string) (*os.File, os.FileInfo, error) {
	f, err := os.OpenInRoot(s.opts.Out, name)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}

// notFound serves the site's 404 page, or a note when there is none yet
// because no build has succeeded; either way with the script, so that the
// browser shows the build's problems and loads the page once it exists.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, gen uint64) {
	data, err := readInRoot(s.opts.Out, "404.html")
	if err != nil {
		data = fmt.Appendf(nil, `<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>kb serve</title></head>
<body><h1>ページがありません</h1><p>%s はまだ作られていません。ビルドが成功すると自動で表示されます。</p></body></html>
`, html.EscapeString(r.URL.Path))
	}
	writeHTML(w, r, http.StatusNotFound, data, gen)
}

func writeHTML(w http.ResponseWriter, r *http.Request, status int, data []byte, gen uint64) {
	data = inject(data, gen)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", fmt.Sprint(len(data)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

// immutable lets a browser keep a file without asking again, which makes
// reloads quicker.
const immutable = "public, max-age=31536000, immutable"

// inject adds the live-reload script before the page's closing </body>, or
// at the end when there is none. The script is deferred, so that it never
// holds up the page.
func inject(page []byte, gen uint64) []byte {
	tag := fmt.Appendf(nil, `<script src="%s?v=%s" data-gen="%d" defer></script>`, scriptPath, reloadVersion, gen)
	at := bytes.LastIndex(bytes.ToLower(page), []byte("</body>"))
	if at < 0 {
		return append(page, tag...)
	}
	return bytes.Join([][]byte{page[:at], tag, page[at:]}, nil)
}

// readInRoot reads the regular file name inside dir.
func readInRoot(dir, name string) ([]byte, error) {
	f, err := os.OpenInRoot(dir, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return nil, os.ErrNotExist
	}
	return io.ReadAll(f)
}
