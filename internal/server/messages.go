package server

import (
	"io"
	"io/fs"
	"os"
	"sync"

	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/web"
)

// texts keeps the catalogue a handler answers with: the texts the HTML
// output saved in the served folder (web.MessagesFile), in the site's
// language, read again when a new build has written the file anew.
type texts struct {
	mu   sync.Mutex
	dir  string
	info fs.FileInfo
	m    web.Messages
}

// Messages returns the texts the handler answers with now: the served
// site's, or kb's default ones for a folder without them (built by an
// older kb, or without the HTML output).
func (h *Handler) Messages() web.Messages {
	st := h.acquire()
	defer st.release()
	return h.textsOf(st)
}

func (h *Handler) textsOf(st *state) web.Messages {
	t := &h.texts
	t.mu.Lock()
	defer t.mu.Unlock()
	var info fs.FileInfo
	var f *os.File
	var err error
	if st.dir != "" {
		if f, err = os.OpenInRoot(st.dir, web.MessagesFile); err == nil {
			defer f.Close()
			info, err = f.Stat()
		}
	}
	if t.m != nil && t.dir == st.dir && (info == nil) == (t.info == nil) && (info == nil || sameFile(info, t.info)) {
		return t.m
	}
	m := web.BuiltinMessages("")
	if info != nil && err == nil {
		data, rerr := io.ReadAll(f)
		if rerr == nil {
			var loaded web.Messages
			if loaded, rerr = web.LoadMessages(data); rerr == nil {
				m = loaded
			}
		}
		if rerr != nil {
			h.logf("%v", rerr)
		}
	}
	t.dir, t.info, t.m = st.dir, info, m
	return m
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
