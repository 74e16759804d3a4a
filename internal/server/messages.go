package server

import (
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/web"
)

// Messages returns the texts the handler answers with now: the served
// site's, or kb's default ones for a folder without them (built by an
// older kb, or without the HTML output).
func (h *Handler) Messages() web.Messages {
	st := h.acquire()
	defer st.release()
	return h.textsOf(st)
}

// textsOf returns the texts of the state's folder, read on first use (see
// folderFiles): the texts the HTML output saved there (web.MessagesFile),
// in the site's language.
func (h *Handler) textsOf(st *state) web.Messages {
	read := st.read.Load()
	read.textsOnce.Do(func() { read.texts = h.readTexts(st.dir) })
	return read.texts
}

// readTexts reads the texts saved in the folder dir, or returns kb's
// default ones when it has none or they cannot be read (which is logged).
func (h *Handler) readTexts(dir string) web.Messages {
	if dir == "" {
		return web.BuiltinMessages("")
	}
	f, err := os.OpenInRoot(dir, web.MessagesFile)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			h.logf("%v", err)
		}
		return web.BuiltinMessages("")
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err == nil {
		var m web.Messages
		if m, err = web.LoadMessages(data); err == nil {
			return m
		}
	}
	h.logf("%v", err)
	return web.BuiltinMessages("")
}

// queryText is the reader's text of a query error in m: a "facet" slot
// shows the facet's name, as assets/search-engine.js does (queryText).
func queryText(m web.Messages, e *search.QueryError) string {
	args := append([]string(nil), e.Args...)
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] == "facet" {
			fallback := args[i+1]
			if k, ok := search.FacetKindOf(fallback); ok {
				fallback = k.Name
			}
			args[i+1] = m.FacetName(args[i+1], fallback)
		}
	}
	return m.Get(e.Key, args...)
}
