package devserver

import (
	"bytes"
	_ "embed"
	"fmt"
	"hash/crc32"
	"html"
	"net/http"
	"time"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/server"
	"github.com/kb-handbook/kb/internal/web"
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
	texts := func() web.Messages {
		m, _ := s.texts()
		return m
	}
	return server.Guard(mux, policy, server.DefaultCSP, texts, "server.hint_public")
}

// texts returns the interface text the preview answers with, and its
// language: the built site's, or before the first good build kb's own in
// the language kb.yaml names.
func (s *Server) texts() (web.Messages, string) {
	s.mu.Lock()
	built := s.site
	s.mu.Unlock()
	if built != nil {
		return s.host.Messages(), built.Config.Language
	}
	var diags diag.List
	lang := config.Load(s.opts.Source, &diags).Language
	return web.BuiltinMessages(lang), lang
}

// immutable lets a browser keep a file without asking again, which makes
// reloads quicker.
const immutable = "public, max-age=31536000, immutable"

// noBuild is the page shown for any path before a build has succeeded, in
// the texts m of language lang; the script added to it shows the build's
// problems and loads the page once it exists.
func noBuild(m web.Messages, lang, path string) []byte {
	return fmt.Appendf(nil, `<!DOCTYPE html>
<html lang="%s"><head><meta charset="utf-8"><title>kb serve</title></head>
<body><h1>%s</h1><p>%s</p></body></html>
`, html.EscapeString(lang), html.EscapeString(m.Get("server.not_built_title")), html.EscapeString(m.Get("server.not_built", "path", path)))
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
