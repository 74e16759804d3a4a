package devserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/server"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// indexer keeps the preview's search index up to date. After good builds,
// once the edits pause, it indexes the newest site into a new folder and
// swaps it into the search handler, which answers from the previous index
// in the meantime: bleve's readers would block a writer.
type indexer struct {
	handler *server.Handler
	out     string // the served folder
	dir     string // where the indexes go
	delay   time.Duration
	log     io.Writer

	mu     sync.Mutex
	latest *site.Site
	theme  *web.Theme
	wake   chan struct{}

	// Used only by run's goroutine.
	docs    []search.Document
	meta    search.Meta
	n       int
	folders []string // the latest index folders, newest last
}

// newIndexer returns an indexer that swaps its indexes into h, which serves out.
func newIndexer(h *server.Handler, out, dir string, delay time.Duration, logw io.Writer) *indexer {
	return &indexer{handler: h, out: out, dir: dir, delay: delay, log: logw, wake: make(chan struct{}, 1)}
}

// offer hands over the site of a good build and its theme.
func (ix *indexer) offer(s *site.Site, theme *web.Theme) {
	ix.mu.Lock()
	ix.latest, ix.theme = s, theme
	ix.mu.Unlock()
	select {
	case ix.wake <- struct{}{}:
	default:
	}
}

// run indexes the offered sites until ctx is done, then closes the handler.
func (ix *indexer) run(ctx context.Context) {
	defer func() { _ = ix.handler.Close() }()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ix.wake:
		}
		// Wait for a pause in the builds: indexing takes seconds.
		for quiet := false; !quiet; {
			select {
			case <-ctx.Done():
				return
			case <-ix.wake:
			case <-time.After(ix.delay):
				quiet = true
			}
		}
		ix.mu.Lock()
		s, theme := ix.latest, ix.theme
		ix.mu.Unlock()
		if err := ix.index(s, theme); err != nil {
			fmt.Fprintf(ix.log, "kb: search index: %v\n", err)
		}
	}
}

// index builds and swaps in the index of s, unless its records are those
// of the index in use.
func (ix *indexer) index(s *site.Site, theme *web.Theme) error {
	start := time.Now()
	docs, meta := search.Documents(s), search.NewMeta(s)
	if ix.n > 0 && reflect.DeepEqual(docs, ix.docs) && reflect.DeepEqual(meta, ix.meta) {
		return nil
	}
	ix.n++
	folder := filepath.Join(ix.dir, "index-"+strconv.Itoa(ix.n))
	// One core: the other is kept for the rebuilds of pages being edited.
	err := search.BuildDocuments(docs, meta, folder, 1)
	if err == nil {
		err = search.WritePage(s, theme, folder)
	}
	if err != nil {
		_ = os.RemoveAll(folder)
		return err
	}
	idx, err := search.Open(folder)
	if err != nil {
		_ = os.RemoveAll(folder)
		return err
	}
	ix.handler.Swap(ix.out, idx)
	ix.docs, ix.meta = docs, meta
	// The index before the previous one has surely no reader left.
	ix.folders = append(ix.folders, folder)
	if len(ix.folders) > 2 {
		_ = os.RemoveAll(ix.folders[0])
		ix.folders = ix.folders[1:]
	}
	fmt.Fprintf(ix.log, "kb: search index of %d sections in %s\n", len(docs), time.Since(start).Round(time.Millisecond))
	return nil
}

// withScript serves next, the preview folder through kb host's handler,
// and adds the live-reload script to its HTML responses. HTML is never
// cached, so a reload shows the newest build; before any build has
// succeeded, a missing page is answered with noBuild.
func (s *Server) withScript(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the build number before the page: if a build ends in
		// between, the page is newer than the number says, and the
		// browser reloads once more instead of missing the change.
		s.mu.Lock()
		gen := s.gen
		s.mu.Unlock()
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		body := rec.body.Bytes()
		html := strings.HasPrefix(rec.header.Get("Content-Type"), "text/html")
		if rec.status == http.StatusNotFound && !html {
			m, lang := s.texts()
			body, html = noBuild(m, lang, r.URL.Path), true
			rec.header.Set("Content-Type", "text/html; charset=utf-8")
		}
		if html {
			body = inject(body, gen)
			rec.header.Set("Cache-Control", "no-store")
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.status)
		if r.Method != http.MethodHead {
			_, _ = w.Write(body)
		}
	})
}

// recorder holds a response until it is complete.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }
