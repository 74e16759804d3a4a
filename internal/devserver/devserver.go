// Package devserver is kb serve, the editors' preview: it builds the site,
// serves it, watches the sources, rebuilds what changed and tells the
// browsers over Server-Sent Events, which reload the changed page (keeping
// the scroll position), swap a changed stylesheet in place, or show the
// build's problems over the last good page until the next good build.
package devserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"path"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/server"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/watch"
	"github.com/kb-handbook/kb/internal/web"
)

// Options configure a Server.
type Options struct {
	Source string // site root
	Out    string // folder the preview is built into; it should be kb serve's own
	// Quiet is how long file events must stop before a rebuild; 20 ms by default.
	Quiet time.Duration
	// Log receives a line per build and the diagnostics of failed builds.
	Log io.Writer
	// IndexDir, when set, is a folder outside Out for the search indexes:
	// the preview then answers /api/search and /search, over an index built
	// again in the background once the edits pause.
	IndexDir string
	// IndexDelay is how long the builds must pause before the index is
	// built again; 1 s by default.
	IndexDelay time.Duration
	// OnDemand are the formats of the files that the site generates
	// besides its pages (the EPUBs, the print edition): they run only when
	// a browser asks for one of the files they write, with the preview
	// folder, where they find linked files, as their folder.
	OnDemand []pipeline.OnDemand
	// AnyHost accepts requests for any Host. Without it only localhost,
	// 127.0.0.1 and [::1] are served, which stops DNS-rebinding pages from
	// reading the preview.
	AnyHost bool
}

// Server builds, watches and serves one site.
type Server struct {
	opts     Options
	rb       *pipeline.Builder
	host     *server.Handler // kb host's handler over the preview folder
	search   *indexer        // nil without IndexDir
	onDemand *onDemand       // nil without OnDemand
	hub      hub
	ready    chan struct{}
	closing  chan struct{}

	mu        sync.Mutex
	site      *site.Site        // the site in the output folder
	theme     *web.Theme        // the theme it was built with
	gen       uint64            // counts the builds that changed the output
	changedAt map[string]uint64 // page path ("/a/b/") → gen that last changed it
	failure   *eventData        // the failed build's problems, or nil
}

// New returns a Server for opts; Run builds and watches, Handler serves.
func New(opts Options) *Server {
	if opts.Quiet <= 0 {
		opts.Quiet = 20 * time.Millisecond
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.IndexDelay <= 0 {
		opts.IndexDelay = time.Second
	}
	opts.Log = &lockedWriter{w: opts.Log}
	s := &Server{opts: opts, rb: pipeline.NewBuilder(pipeline.BuilderOptions{Root: opts.Source, Formats: []pipeline.Format{pipeline.HTML{}},
		OnDemand: opts.OnDemand, Needs: pipeline.Needs{XHTML: true, SectionText: true}, Open: pipeline.Dir(opts.Out)}), hub: hub{clients: map[*client]bool{}},
		ready: make(chan struct{}), closing: make(chan struct{}), changedAt: map[string]uint64{}}
	if len(opts.OnDemand) > 0 {
		s.onDemand = newOnDemand(opts.OnDemand, opts.Out, s.rb.Published())
	}
	s.host = server.New(opts.Out, nil, server.Options{Log: log.New(opts.Log, "kb: ", 0), Missing: s.serveGenerated})
	if opts.IndexDir != "" {
		s.search = newIndexer(s.host, opts.Out, opts.IndexDir, opts.IndexDelay, opts.Log)
	}
	return s
}

// Ready is closed once the first build has finished, good or not.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Run watches the sources and rebuilds after each batch of changes until ctx
// is done. It builds the whole site first.
func (s *Server) Run(ctx context.Context) error {
	defer close(s.closing)
	names := pipeline.SourceNames(s.opts.Source)
	w, err := watch.New(watch.Options{Root: s.opts.Source, Names: names,
		Quiet: s.opts.Quiet, MaxDelay: time.Second})
	if err != nil {
		close(s.ready)
		return fmt.Errorf("watching %s: %w", s.opts.Source, err)
	}
	defer func() { _ = w.Close() }()
	in := newInbox()
	go in.fill(ctx, w, s.opts.Log)
	if s.search != nil {
		indexed := make(chan struct{})
		go func() { s.search.run(ctx); close(indexed) }()
		defer func() { <-indexed }()
	}

	watched := map[string]bool{}
	for _, n := range names {
		watched[n] = true
	}
	// watchInputs watches the folders of included files outside the
	// sources, such as an mdBook's listings/.
	watchInputs := func() {
		var more []string
		for _, f := range s.rb.Inputs() {
			top, _, _ := strings.Cut(f, "/")
			if !watched[top] {
				watched[top] = true
				more = append(more, top)
			}
		}
		if len(more) > 0 {
			w.Watch(more)
		}
	}
	s.rebuild(nil)
	watchInputs()
	close(s.ready)
	stop := func() bool { return in.waiting() || ctx.Err() != nil }
	finish := true // the last build may have left pages to write
	for {
		if finish && s.rb.Pending() && !stop() {
			finish = s.finish(stop)
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-in.signal:
			if paths, rescan, ok := in.take(); ok {
				if rescan {
					paths = nil
				}
				s.rebuild(paths)
				watchInputs()
				finish = true
			}
		}
	}
}

// rebuild runs one build and tells the browsers. A panic is reported like a
// failed build, and the server goes on.
func (s *Server) rebuild(paths []string) {
	defer func() {
		if v := recover(); v != nil {
			s.fail(fmt.Errorf("internal error (please report it): %v\n%s", v, debug.Stack()))
		}
	}()
	ch, err := s.rb.Build(paths)
	if err != nil {
		s.fail(err)
		return
	}
	fmt.Fprintf(s.opts.Log, "kb: built %d pages in %s: %d parsed, %d resolved, %d rendered, %d files written, %d removed\n",
		len(ch.Site.Pages), ch.Duration.Round(time.Millisecond), ch.Parsed, ch.Resolved, ch.Rendered, len(ch.Written), len(ch.Removed))
	s.succeed(ch, cssOnly(paths))
	if s.search != nil {
		s.search.offer(ch.Site, ch.Theme)
	}
}

// finish writes what the last build left (see pipeline.Builder.Finish), unless
// a newer change arrives first. It reports whether to try again, which is
// only when it was stopped: a failure waits for the next change.
func (s *Server) finish(stop func() bool) (again bool) {
	defer func() {
		if v := recover(); v != nil {
			s.fail(fmt.Errorf("internal error (please report it): %v\n%s", v, debug.Stack()))
			again = false
		}
	}()
	ch, err := s.rb.Finish(stop)
	if errors.Is(err, pipeline.ErrStopped) {
		return true
	}
	if err != nil {
		s.fail(err)
		return false
	}
	fmt.Fprintf(s.opts.Log, "kb: finished in %s: %d pages rendered, %d files written, %d removed\n",
		ch.Duration.Round(time.Millisecond), ch.Rendered, len(ch.Written), len(ch.Removed))
	s.succeed(ch, false)
	return false
}

// cssOnly reports whether the changed sources are all stylesheets of the theme.
func cssOnly(paths []string) bool {
	if len(paths) == 0 {
		return false
	}
	for _, p := range paths {
		if !strings.HasPrefix(p, "assets/") || path.Ext(p) != ".css" {
			return false
		}
	}
	return true
}

// succeed records a good build and tells the browsers what changed.
func (s *Server) succeed(ch *pipeline.Change, css bool) {
	s.mu.Lock()
	s.site, s.theme = ch.Site, ch.Theme
	wasFailing := s.failure != nil
	s.failure = nil
	var pages []string
	swaps := map[string]string{}
	changed := len(ch.Written)+len(ch.Removed) > 0
	if changed {
		s.gen++
		for _, f := range slices.Concat(ch.Written, ch.Removed) {
			if path.Ext(f) == ".html" {
				pages = append(pages, pagePath(f))
				s.changedAt[pagePath(f)] = s.gen
			}
		}
		for _, f := range ch.Written {
			if path.Ext(f) != ".html" && path.Ext(f) != ".css" {
				css = false
			}
			if old := replacedAsset(f, ch.Removed); old != "" {
				swaps["/"+old] = "/" + f
			}
		}
	}
	gen := s.gen
	s.mu.Unlock()
	if changed {
		// The build rewrote the folder kb host's handler serves.
		s.host.Reload()
	}
	slices.Sort(pages)

	if wasFailing {
		s.hub.send("ok", eventData{Gen: gen})
	}
	switch {
	case !changed:
	case css && len(swaps) > 0:
		s.hub.send("css", eventData{Gen: gen, Swaps: swaps})
	case len(pages) > 500:
		s.hub.send("reload", eventData{Gen: gen, All: true})
	case len(pages) > 0:
		s.hub.send("reload", eventData{Gen: gen, Pages: pages})
	}
}

// fail records a failed build, prints its problems and shows them in the browsers.
func (s *Server) fail(err error) {
	data := eventData{Errors: []problem{}}
	var derr *diag.Error
	if errors.As(err, &derr) {
		for _, d := range derr.Diagnostics {
			fmt.Fprintln(s.opts.Log, d.String())
			if d.Source != "" {
				fmt.Fprintf(s.opts.Log, "    %s\n", d.Source)
			}
			data.Errors = append(data.Errors, problem{File: d.File, Line: d.Line, Col: d.Col, Msg: d.Msg, Hint: d.Hint, Source: d.Source})
		}
		fmt.Fprintf(s.opts.Log, "kb: %d problem(s); the last good build is still served\n", len(derr.Diagnostics))
	} else {
		fmt.Fprintf(s.opts.Log, "kb: build failed: %v\n", err)
		data.Errors = append(data.Errors, problem{Msg: err.Error()})
	}
	s.mu.Lock()
	data.Gen = s.gen
	s.failure = &data
	s.mu.Unlock()
	s.hub.send("errors", data)
}

// pagePath turns an output HTML file into the URL path a browser shows for
// it: "a/b/index.html" → "/a/b/".
func pagePath(file string) string {
	return "/" + strings.TrimSuffix(file, "index.html")
}

// replacedAsset returns the removed file that a fingerprinted asset
// replaces: assets/style.<new>.css replaces assets/style.<old>.css.
func replacedAsset(file string, removed []string) string {
	base := assetBase(file)
	if base == "" {
		return ""
	}
	for _, r := range removed {
		if assetBase(r) == base {
			return r
		}
	}
	return ""
}

// assetBase strips the fingerprint of an asset path, or returns "".
func assetBase(file string) string {
	if !strings.HasPrefix(file, "assets/") {
		return ""
	}
	ext := path.Ext(file)
	stem := strings.TrimSuffix(file, ext)
	dot := strings.LastIndexByte(stem, '.')
	if dot < 0 {
		return ""
	}
	return stem[:dot] + ext
}

// inbox gathers the watcher's batches while a build runs, so that the build
// loop can tell whether a newer change waits.
type inbox struct {
	mu     sync.Mutex
	paths  map[string]bool
	rescan bool
	signal chan struct{}
}

func newInbox() *inbox {
	return &inbox{paths: map[string]bool{}, signal: make(chan struct{}, 1)}
}

func (in *inbox) fill(ctx context.Context, w *watch.Watcher, log io.Writer) {
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-w.Batches():
			in.mu.Lock()
			for _, p := range b.Paths {
				in.paths[p] = true
			}
			in.rescan = in.rescan || b.Rescan
			in.mu.Unlock()
			select {
			case in.signal <- struct{}{}:
			default:
			}
		case err := <-w.Errors():
			fmt.Fprintf(log, "kb: watching: %v\n", err)
		}
	}
}

func (in *inbox) waiting() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.paths) > 0 || in.rescan
}

func (in *inbox) take() (paths []string, rescan, ok bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for p := range in.paths {
		paths = append(paths, p)
	}
	rescan, ok = in.rescan, len(in.paths) > 0 || in.rescan
	in.paths, in.rescan = map[string]bool{}, false
	return paths, rescan, ok
}

// lockedWriter serializes the log lines of the build loop and the watcher.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
