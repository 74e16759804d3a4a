// Package server answers HTTP requests for a built site: its files, served
// read-only and safely, the search API over the prebuilt index, and the
// search page rendered with results. kb host serves a finished build with
// it; kb serve mounts the same handler and swaps in each rebuilt output.
package server

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/web"
)

// DefaultCSP allows the site's own files only. Inline style attributes are
// allowed because Markdown tables align their cells with them.
const DefaultCSP = "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// DefaultQueryTimeout bounds each search.
const DefaultQueryTimeout = 2 * time.Second

// Options configure a Handler. The zero value is ready to use.
type Options struct {
	// CSP is the Content-Security-Policy of every response; "" means DefaultCSP.
	CSP string
	// QueryTimeout bounds each search; 0 means DefaultQueryTimeout.
	QueryTimeout time.Duration
	// Log receives unexpected errors (a failed search, a recovered panic);
	// nil discards them.
	Log *log.Logger
	// Missing, when set, is asked to answer for a file the folder lacks
	// before the 404 page is served, and reports whether it did: kb serve
	// builds its EPUBs there, on demand.
	Missing func(w http.ResponseWriter, r *http.Request, name string) bool
}

// Handler serves a built site. It is safe for concurrent use, and Swap
// replaces the site and index it serves without dropping requests.
type Handler struct {
	opts  Options
	state atomic.Pointer[state]
	// searches bounds the searches running at once; others wait their turn
	// within their deadline.
	searches chan struct{}
}

// state is one generation of served output: a folder and its index. An
// index swapped out is closed once the last request using it has finished.
type state struct {
	dir string
	idx *search.Index // nil when the site has no index
	// broken is why the site's index could not be opened, or nil.
	broken error
	cache  *resultCache
	// read holds what is read from the folder and index on first use:
	// the search page and the site's texts. Reload starts it anew.
	read atomic.Pointer[folderFiles]

	mu      sync.Mutex
	refs    int
	retired bool
}

// New returns a handler serving the built site in dir with the index idx,
// which may be nil (searches then answer 503). The handler owns idx and
// closes it when it is swapped out or the handler is closed.
func New(dir string, idx *search.Index, opts Options) *Handler {
	if opts.CSP == "" {
		opts.CSP = DefaultCSP
	}
	if opts.QueryTimeout == 0 {
		opts.QueryTimeout = DefaultQueryTimeout
	}
	h := &Handler{opts: opts, searches: make(chan struct{}, 2*runtime.GOMAXPROCS(0))}
	h.state.Store(newState(dir, idx))
	return h
}

func newState(dir string, idx *search.Index) *state {
	st := &state{dir: dir, idx: idx, cache: newResultCache(512)}
	st.read.Store(&folderFiles{})
	return st
}

// folderFiles are the files of a state that the handler reads once and
// keeps: a state's folder and index are one build's, which a new build
// replaces with a new state (Swap), or Reload says were rewritten.
type folderFiles struct {
	// page is the search page, or why there is none (see searchPage);
	// pageMu orders its readers.
	page   atomic.Pointer[loadedPage]
	pageMu sync.Mutex
	// texts are the site's texts for answers (see Messages).
	textsOnce sync.Once
	texts     web.Messages
}

// Swap makes the handler serve dir with idx from the next request on. The
// previous index is closed when the requests still using it are done.
func (h *Handler) Swap(dir string, idx *search.Index) {
	h.state.Swap(newState(dir, idx)).retire()
}

// Reload makes the handler read the served folder's texts and search page
// again, on their next use: for a server that rewrites the folder in place
// (kb serve) instead of swapping in a new one. The index stays open.
func (h *Handler) Reload() {
	st := h.acquire()
	defer st.release()
	st.read.Store(&folderFiles{})
}

// SwapBroken makes the handler serve dir without search, because its
// index could not be opened (err): searches answer 503 saying so.
func (h *Handler) SwapBroken(dir string, err error) {
	st := newState(dir, nil)
	st.broken = err
	h.state.Swap(st).retire()
}

// Close stops serving: the index is closed once in-flight requests finish,
// and later requests get 503.
func (h *Handler) Close() error {
	h.state.Swap(newState("", nil)).retire()
	return nil
}

// acquire returns the current state, counted as in use until release.
func (h *Handler) acquire() *state {
	for {
		s := h.state.Load()
		s.mu.Lock()
		if !s.retired {
			s.refs++
			s.mu.Unlock()
			return s
		}
		// Swapped out between Load and Lock: the new state is in place.
		s.mu.Unlock()
	}
}

func (s *state) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refs--
	s.closeIfIdle()
}

func (s *state) retire() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retired = true
	s.closeIfIdle()
}

func (s *state) closeIfIdle() {
	if s.retired && s.refs == 0 && s.idx != nil {
		_ = s.idx.Close()
		s.idx = nil
	}
}

// ServeHTTP routes a request: the search API, the search page, or a file.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	SetSecurityHeaders(hdr, h.opts.CSP)
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.logf("panic serving %s: %v", r.URL.Path, v)
			http.Error(w, h.Messages().Get("server.internal_error"), http.StatusInternalServerError)
		}
	}()
	st := h.acquire()
	defer st.release()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, h.textsOf(st).Get("server.read_only"), http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case "/api/search":
		h.serveAPI(w, r, st)
	case "/search", "/search/", "/search/index.html":
		h.servePage(w, r, st)
	default:
		h.serveFile(w, r, st)
	}
}

// search runs a request through the cache, one of a bounded number at a time.
func (h *Handler) search(ctx context.Context, st *state, req search.Request) (*search.Result, error) {
	if st.broken != nil {
		return nil, errBrokenIndex
	}
	if st.idx == nil {
		return nil, errNoIndex
	}
	if res, ok := st.cache.get(req); ok {
		return res, nil
	}
	ctx, cancel := context.WithTimeout(ctx, h.opts.QueryTimeout)
	defer cancel()
	select {
	case h.searches <- struct{}{}:
		defer func() { <-h.searches }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	res, err := st.idx.Search(ctx, req)
	if err != nil {
		return nil, err
	}
	st.cache.put(req, res)
	return res, nil
}

func (h *Handler) logf(format string, args ...any) {
	if h.opts.Log != nil {
		h.opts.Log.Output(2, fmt.Sprintf(format, args...))
	}
}
