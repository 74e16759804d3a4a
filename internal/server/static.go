package server

import (
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"regexp"
	"strings"

	"github.com/kb-handbook/kb/internal/search"
)

// fingerprinted matches the theme's assets, whose names carry a hash of
// their content and so never change: assets/style.1a2b3c4d5e.css.
var fingerprinted = regexp.MustCompile(`^assets/.+\.[0-9a-f]{10}\.[A-Za-z0-9]+$`)

// contentTypes adds the types the standard table lacks.
var contentTypes = map[string]string{
	".epub": "application/epub+zip",
	".xml":  "application/xml; charset=utf-8",
	".md":   "text/markdown; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
}

// sitePath turns a request path into a slash-separated path inside the site.
// It refuses what could reach outside the site or into its hidden parts:
// escaped slashes or backslashes (400), and any segment starting with a dot,
// which covers "..", and the search index (404, as if absent).
func sitePath(r *http.Request) (string, int) {
	raw := strings.ToLower(r.URL.EscapedPath())
	if strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") || strings.Contains(raw, "%00") {
		return "", http.StatusBadRequest
	}
	p := r.URL.Path
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return "", http.StatusBadRequest
	}
	rel := p[1:]
	segs := strings.Split(rel, "/")
	for i, seg := range segs {
		if (seg == "" && i < len(segs)-1) || strings.HasPrefix(seg, ".") || (i == 0 && strings.EqualFold(seg, search.IndexDir)) {
			return "", http.StatusNotFound
		}
	}
	return rel, 0
}

// serveFile serves a file of the site, index.html for a folder.
func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, st *state) {
	rel, status := sitePath(r)
	switch {
	case status == http.StatusBadRequest:
		http.Error(w, h.textsOf(st).Get("server.bad_path"), status)
		return
	case status != 0 || st.dir == "":
		h.notFound(w, r, st)
		return
	}
	name := rel
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	f, err := os.OpenInRoot(st.dir, name)
	if err != nil {
		if h.opts.Missing == nil || !h.opts.Missing(w, r, name) {
			h.notFound(w, r, st)
		}
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		h.notFound(w, r, st)
		return
	}
	if info.IsDir() {
		// Relative links inside the folder's page need the trailing slash.
		target := path.Base(name) + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		// Written as is, relative, so it holds under any mount point.
		w.Header().Set("Location", target)
		w.WriteHeader(http.StatusMovedPermanently)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", contentType(name))
	if fingerprinted.MatchString(name) {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hdr.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, info.ModTime(), f)
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// notFound answers 404 with the site's own 404 page when it has one.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, st *state) {
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-cache")
	if st.dir != "" {
		if f, err := os.OpenInRoot(st.dir, "404.html"); err == nil {
			defer f.Close()
			hdr.Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			if r.Method != http.MethodHead {
				_, _ = io.Copy(w, f)
			}
			return
		} else if !errors.Is(err, fs.ErrNotExist) {
			h.logf("404 page: %v", err)
		}
	}
	http.Error(w, h.textsOf(st).Get("server.not_found"), http.StatusNotFound)
}
