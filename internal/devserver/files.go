package devserver

import (
	"bytes"
	_ "embed"
	"fmt"
	"hash/crc32"
	"html"
	"net/http"
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

// Handler serves the preview: kb host's handler over the preview folder
// (its files, the search page and API, the same paths refused), with the
// live-reload script added to every HTML page, the event stream, and the
// files built on demand.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(scriptPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", immutable)
		http.ServeContent(w, r, "reload.js", time.Time{}, bytes.NewReader(reloadJS))
	})
	mux.HandleFunc(eventsPath, s.events)
	mux.Handle("/", s.withScript(s.host))
	policy := server.HostPolicy{Any: s.opts.AnyHost}
	return server.Guard(mux, policy, server.DefaultCSP, "ほかのホスト名で使うには --public を付けて起動してください。")
}

// immutable lets a browser keep a file without asking again, which makes
// reloads quicker.
const immutable = "public, max-age=31536000, immutable"

// noBuild is the page shown for any path before a build has succeeded; the
// script added to it shows the build's problems and loads the page once it
// exists.
func noBuild(path string) []byte {
	return fmt.Appendf(nil, `<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>kb serve</title></head>
<body><h1>ページがありません</h1><p>%s はまだ作られていません。ビルドが成功すると自動で表示されます。</p></body></html>
`, html.EscapeString(path))
}

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
