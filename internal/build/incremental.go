package build

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/parallel"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
	"github.com/kb-handbook/kb/layouts"
)

// Rebuilder builds a site into a folder and keeps what it loaded between
// builds, so that a rebuild after an edit re-reads and re-parses only the
// changed files, re-resolves the book, re-renders only the pages whose
// inputs changed and rewrites only the outputs whose bytes changed. kb serve
// builds with it. Its methods must not be called concurrently.
//
// A build that finds diagnostics leaves the folder as it was, so the last
// good site stays in place.
type Rebuilder struct {
	root, out string

	// What was loaded: always the state of the files on disk, good or not.
	cfg       config.Config
	cfgKey    string
	cfgDiags  []diag.Diagnostic
	tree      *content.Tree
	treeDiags []diag.Diagnostic
	docs      map[string]docEntry
	terms     []markdown.Term
	unsafe    bool // the configuration's unsafe_html, which the parser applies
	parserGen int  // changes with the terms and unsafe, which all pages are parsed with
	nextDocID uint64
	theme     *web.Theme
	themeGen  int
	ownLayout bool // the site's templates differ from the built-in ones

	// What is in the output folder.
	site      *site.Site
	good      bool // the last build succeeded, so site matches what was loaded
	seed      maphash.Seed
	outputs   map[string]uint64 // hash of every file written, by output path
	prints    map[string]uint64 // input fingerprint of every page written, by output path
	copied    map[string]bool   // files copied from content/
	recopy    map[string]bool   // content files changed since they were last copied
	recopyAll bool              // copy every linked file again
	themeOut  int               // themeGen of the last full emit
	listing   uint64            // site-wide fingerprint the generated pages were written with
	printsAt  map[string]uint64 // page fingerprints of site
	listingAt uint64            // site-wide fingerprint of site
}

// docEntry is a parsed page kept for the next build.
type docEntry struct {
	body   []byte
	line   int
	parser string // the parser options the page was parsed with
	doc    *markdown.Doc
	id     uint64
}

// Change reports what a build did to the output folder.
type Change struct {
	// Site is the site that was built, or that failed to build.
	Site *site.Site
	// Theme is the theme it was built with; nil when it could not be loaded.
	Theme *web.Theme
	// Written and Removed list output files, relative and slash-separated.
	Written, Removed []string
	Parsed           int  // pages parsed
	Rendered         int  // pages rendered
	Full             bool // every output was generated again
	Duration         time.Duration
}

// ErrStopped is returned by FinishSiteWide when its stop function asked it to stop.
var ErrStopped = errors.New("stopped for a newer change")

// NewRebuilder returns a Rebuilder for the site at root that writes into the
// folder out, creating it. Nothing is read before the first Build.
func NewRebuilder(root, out string) *Rebuilder {
	r := &Rebuilder{root: root, out: out, seed: maphash.MakeSeed()}
	r.reset()
	return r
}

// reset forgets everything, so that the next build starts afresh.
func (r *Rebuilder) reset() {
	r.tree, r.theme, r.site, r.good = nil, nil, nil, false
	r.docs = map[string]docEntry{}
	r.outputs = map[string]uint64{}
	r.prints = map[string]uint64{}
	r.copied = map[string]bool{}
	r.recopy, r.recopyAll = map[string]bool{}, true
	r.themeOut = -1
}

// SiteWidePending reports whether the site-wide pages (目次, role and level
// pages, revision history, 404 page and sitemap) are older than the pages
// and need a FinishSiteWide.
func (r *Rebuilder) SiteWidePending() bool { return r.good && r.listing != r.listingAt }

// Build brings the output folder up to date after the given files changed.
// Paths are relative to the site root with forward slashes ("content/a.md",
// "assets/style.css", "kb.yaml"); nil means that anything may have changed.
// Content problems are returned as a *diag.Error, together with a Change
// naming the site that failed. When pages changed in a way that the site-wide
// pages show (a title, a summary, a page added), those are left for
// FinishSiteWide, so that the edited pages are in place sooner. A panic is
// recovered and returned as an error, and the next build starts afresh.
func (r *Rebuilder) Build(changed []string) (ch *Change, err error) {
	defer r.recoverPanic(&err)
	start := time.Now()
	r.good = false
	sc := classify(changed)
	// What must be done again is remembered until a build succeeds.
	if sc.theme {
		r.theme = nil
	}
	for _, f := range sc.content {
		r.recopy[f] = true
	}
	r.recopyAll = r.recopyAll || sc.allContent
	if sc.config || r.tree == nil {
		var d diag.List
		r.cfg = config.Load(r.root, &d)
		r.cfgDiags = d.Sorted()
		r.cfgKey = fmt.Sprintf("%#v", r.cfg)
	}
	if sc.allContent || r.tree == nil || !r.reread(sc.content) {
		var d diag.List
		r.tree = content.Load(r.root, r.cfg, &d)
		r.treeDiags = d.Sorted()
	}
	docs, parsed, err := r.parse()
	if err != nil {
		return nil, err
	}
	var resolveDiags diag.List
	s := site.Resolve(r.cfg, r.tree, docs, r.terms, &resolveDiags)
	checkGenerated(s, &resolveDiags)
	ch = &Change{Site: s, Parsed: parsed}
	if diags := sortedDiags(r.cfgDiags, r.treeDiags, resolveDiags.Sorted()); len(diags) > 0 {
		return ch, &diag.Error{Diagnostics: diags}
	}
	if r.theme == nil {
		theme, err := Theme(r.root)
		if err != nil {
			return ch, fmt.Errorf("theme: %w", err)
		}
		r.theme, r.themeGen, r.ownLayout = theme, r.themeGen+1, ownLayouts(r.root)
	}
	ch.Theme = r.theme
	if err := os.MkdirAll(r.out, 0o755); err != nil {
		return ch, err
	}
	w := r.newWriter(ch, nil)
	if err := r.copyFiles(s, w); err != nil {
		return ch, err
	}
	prints, listing, err := r.fingerprints(s)
	if err != nil {
		return ch, err
	}
	stale := r.stalePages(s, prints)
	full := r.themeOut != r.themeGen || r.ownLayout || (listing != r.listing && 2*len(stale) > len(s.Pages))
	if full {
		err = r.emitFull(s, prints, listing, w)
	} else {
		err = r.emitPages(s, stale, prints, w)
	}
	if err != nil {
		return ch, err
	}
	r.site, r.printsAt, r.listingAt, r.good = s, prints, listing, true
	ch.Duration = time.Since(start)
	return ch, nil
}

// FinishSiteWide writes the site-wide pages that Build left out. stop is
// polled between files; when it returns true the work is abandoned, left
// pending, and ErrStopped is returned.
func (r *Rebuilder) FinishSiteWide(stop func() bool) (ch *Change, err error) {
	defer r.recoverPanic(&err)
	ch = &Change{Site: r.site, Theme: r.theme}
	if !r.SiteWidePending() {
		return ch, nil
	}
	start := time.Now()
	w := r.newWriter(ch, stop)
	for f := range r.copied {
		w.produced[f] = true
	}
	if err := r.emitFull(r.site, r.printsAt, r.listingAt, w); err != nil {
		return ch, err
	}
	ch.Duration = time.Since(start)
	return ch, nil
}

// recoverPanic turns a panic in a build into an error and forgets all state.
func (r *Rebuilder) recoverPanic(err *error) {
	if v := recover(); v != nil {
		r.reset()
		*err = fmt.Errorf("internal error (please report it): %v\n%s", v, debug.Stack())
	}
}

func sortedDiags(lists ...[]diag.Diagnostic) []diag.Diagnostic {
	var all diag.List
	for _, l := range lists {
		for _, d := range l {
			all.Add(d)
		}
	}
	return all.Sorted()
}

// scope sorts changed paths by what they affect.
type scope struct {
	config, theme, allContent bool
	content                   []string // content-relative paths
}

func classify(changed []string) scope {
	var sc scope
	if changed == nil {
		sc.config, sc.theme, sc.allContent = true, true, true
		return sc
	}
	for _, p := range changed {
		top, rest, _ := strings.Cut(p, "/")
		switch {
		case p == config.FileName:
			// The tree is loaded again too: it is cheap, and the
			// configuration may one day change how content is found.
			sc.config, sc.allContent = true, true
		case top == "layouts" || top == "assets":
			sc.theme = true
		case top == content.Dir && rest == "":
			sc.allContent = true
		case top == content.Dir:
			sc.content = append(sc.content, rest)
		}
	}
	return sc
}

// reread reads the changed pages again in place of the loaded ones. It
// reports false when a change may alter the tree (a file added or removed, a
// new weight or draft flag), which needs a full content.Load.
func (r *Rebuilder) reread(paths []string) bool {
	if len(paths) == 0 {
		return true
	}
	pages := map[string]*content.Page{}
	content.Walk(r.tree.Root, func(p *content.Page) { pages[p.Path] = p })
	repl := map[string]*content.Page{}
	var diags diag.List
	for _, rel := range paths {
		file := filepath.Join(r.root, content.Dir, filepath.FromSlash(rel))
		if slices.Contains(r.tree.Files, rel) {
			if info, err := os.Stat(file); err != nil || !info.Mode().IsRegular() {
				return false
			}
			continue // copied again by copyFiles
		}
		old := pages[rel]
		if old == nil || old.Synthesized {
			return false
		}
		src, err := os.ReadFile(file)
		if err != nil || !utf8.Valid(src) {
			return false // content.Load reports it
		}
		p := &content.Page{Path: old.Path, File: old.File, Body: src, BodyLine: 1}
		content.ParseFrontMatter(p, src, &diags)
		if p.Front.Weight != old.Front.Weight || p.Front.Draft != old.Front.Draft {
			return false
		}
		repl[rel] = p
	}
	r.treeDiags = slices.DeleteFunc(r.treeDiags, func(d diag.Diagnostic) bool {
		return repl[strings.TrimPrefix(d.File, content.Dir+"/")] != nil
	})
	r.treeDiags = append(r.treeDiags, diags.Sorted()...)
	r.tree = &content.Tree{Root: cloneTree(r.tree.Root, repl), Files: r.tree.Files}
	return true
}

// cloneTree copies the tree with the replaced pages' front matter and body,
// leaving the loaded tree, which the last site points to, untouched.
func cloneTree(p *content.Page, repl map[string]*content.Page) *content.Page {
	c := *p
	if n := repl[p.Path]; n != nil {
		c.Front, c.Body, c.BodyLine = n.Front, n.Body, n.BodyLine
	}
	c.Children = make([]*content.Page, len(p.Children))
	for i, child := range p.Children {
		c.Children[i] = cloneTree(child, repl)
	}
	return &c
}

// parse returns the parsed pages of the tree, parsing only those whose body
// changed since they were last parsed, or all of them when the glossary's
// terms or the configuration's unsafe_html changed. Like Load, it parses the
// glossary first, without terms.
func (r *Rebuilder) parse() (map[string]*markdown.Doc, int, error) {
	var pages []*content.Page
	content.Walk(r.tree.Root, func(p *content.Page) { pages = append(pages, p) })
	docs := make(map[string]*markdown.Doc, len(pages))
	parsed := 0
	unsafe := r.cfg.UnsafeHTML
	var terms []markdown.Term
	if g := glossaryPage(pages, r.cfg.Glossary); g != nil {
		key := "glossary " + strconv.FormatBool(unsafe)
		e, ok := r.docs[g.Path]
		if !ok || !e.same(g, key) {
			e = r.entry(g, markdown.New(markdown.Options{UnsafeHTML: unsafe}).Parse(g.Body, g.BodyLine), key)
			parsed++
		}
		docs[g.Path] = e.doc
		terms = markdown.ExtractTerms(e.doc)
	}
	if !slices.Equal(terms, r.terms) || unsafe != r.unsafe {
		r.terms, r.unsafe = terms, unsafe
		r.parserGen++
	}
	key := "page " + strconv.Itoa(r.parserGen)
	var todo []*content.Page
	for _, p := range pages {
		if _, done := docs[p.Path]; done {
			continue
		}
		if e, ok := r.docs[p.Path]; ok && e.same(p, key) {
			docs[p.Path] = e.doc
			continue
		}
		todo = append(todo, p)
	}
	parser := markdown.New(markdown.Options{Glossary: r.terms, UnsafeHTML: unsafe})
	out := make([]*markdown.Doc, len(todo))
	err := parallel.Do(len(todo), func(i int) error {
		out[i] = parser.Parse(todo[i].Body, todo[i].BodyLine)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	for i, p := range todo {
		docs[p.Path] = r.entry(p, out[i], key).doc
	}
	for p := range r.docs {
		if docs[p] == nil {
			delete(r.docs, p)
		}
	}
	return docs, parsed + len(todo), nil
}

func (e docEntry) same(p *content.Page, parser string) bool {
	return e.parser == parser && e.line == p.BodyLine && bytes.Equal(e.body, p.Body)
}

func (r *Rebuilder) entry(p *content.Page, doc *markdown.Doc, parser string) docEntry {
	r.nextDocID++
	e := docEntry{body: p.Body, line: p.BodyLine, parser: parser, doc: doc, id: r.nextDocID}
	r.docs[p.Path] = e
	return e
}

// ownLayouts reports whether the site's layouts/ holds a template that
// differs from the built-in one. kb cannot know what such a template reads
// from the site, so then every page is rendered on every build.
func ownLayouts(root string) bool {
	dir := filepath.Join(root, "layouts")
	own := false
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".html" {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		mine, err1 := os.ReadFile(p)
		builtin, err2 := fs.ReadFile(layouts.FS, filepath.ToSlash(rel))
		if err1 != nil || err2 != nil || !bytes.Equal(mine, builtin) {
			own = true
			return filepath.SkipAll
		}
		return nil
	})
	return own
}

// copyFiles copies the linked files that are new or changed, and removes
// those no longer linked.
func (r *Rebuilder) copyFiles(s *site.Site, w *diffWriter) error {
	linked := map[string]bool{}
	for _, f := range s.Files {
		linked[f] = true
		if r.copied[f] && !r.recopyAll && !r.recopy[f] {
			w.produced[f] = true
			continue
		}
		data, err := content.ReadFile(r.root, f)
		if err != nil {
			return err
		}
		if err := w.WriteFile(f, data); err != nil {
			return err
		}
	}
	for f := range r.copied {
		if !linked[f] {
			if err := w.remove(f); err != nil {
				return err
			}
		}
	}
	r.copied = linked
	r.recopy, r.recopyAll = map[string]bool{}, false
	return nil
}

// emitFull writes every output with the HTML emitter and removes every
// other file in the folder, also those a build before a reset left.
func (r *Rebuilder) emitFull(s *site.Site, prints map[string]uint64, listing uint64, w *diffWriter) error {
	if err := web.Emit(s, r.theme, w); err != nil {
		return err
	}
	var gone []string
	err := filepath.WalkDir(r.out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(r.out, p)
		if name := filepath.ToSlash(rel); err == nil && !w.produced[name] {
			gone = append(gone, name)
		}
		return err
	})
	if err != nil {
		return err
	}
	for _, name := range gone {
		if err := w.remove(name); err != nil {
			return err
		}
	}
	r.prints, r.listing, r.themeOut = prints, listing, r.themeGen
	w.ch.Full, w.ch.Rendered = true, len(s.Pages)
	return nil
}

// emitPages renders the stale pages on all cores and removes the pages that
// are gone.
func (r *Rebuilder) emitPages(s *site.Site, stale []*site.Page, prints map[string]uint64, w *diffWriter) error {
	err := parallel.Do(len(stale), func(i int) error {
		data, err := web.RenderPage(s, r.theme, stale[i])
		if err != nil {
			return fmt.Errorf("%s: %w", stale[i].Source.File, err)
		}
		return w.WriteFile(stale[i].OutFile(), data)
	})
	if err != nil {
		return err
	}
	for _, p := range stale {
		r.prints[p.OutFile()] = prints[p.OutFile()]
	}
	for name := range r.prints {
		if _, ok := prints[name]; !ok {
			delete(r.prints, name)
			if err := w.remove(name); err != nil {
				return err
			}
		}
	}
	w.ch.Rendered = len(stale)
	return nil
}

func (r *Rebuilder) stalePages(s *site.Site, prints map[string]uint64) []*site.Page {
	var stale []*site.Page
	for _, p := range s.Pages {
		old, ok := r.prints[p.OutFile()]
		if !ok || old != prints[p.OutFile()] {
			stale = append(stale, p)
		}
	}
	return stale
}

// hasher fingerprints strings unambiguously. 64 bits are plenty to tell
// whether something changed between two builds of the same process.
type hasher struct{ h maphash.Hash }

func (r *Rebuilder) hasher() *hasher {
	f := &hasher{}
	f.h.SetSeed(r.seed)
	return f
}

func (f *hasher) add(parts ...string) {
	var n [8]byte
	for _, s := range parts {
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		_, _ = f.h.Write(n[:])
		_, _ = f.h.WriteString(s)
	}
}

func (f *hasher) link(p *site.Page) { f.add(p.URL, p.Number, p.Title) }

func (f *hasher) sum() uint64 { return f.h.Sum64() }

// digest is the sum as a string, to add one fingerprint to another.
func (f *hasher) digest() string {
	return string(binary.LittleEndian.AppendUint64(nil, f.h.Sum64()))
}

// fingerprints hashes, for every page, everything that web.RenderPage and
// the built-in templates read: the page itself and its parsed body, the
// targets of its links, its breadcrumbs, children, neighbours and
// navigation, the configuration and the theme. A page is rendered again only
// when its fingerprint changes. It also hashes what the site-wide pages show
// of every page, which decides whether they are written again.
func (r *Rebuilder) fingerprints(s *site.Site) (prints map[string]uint64, listing uint64, err error) {
	base := r.hasher()
	base.add(r.cfgKey, strconv.Itoa(r.themeGen))
	if s.Glossary != nil {
		base.add(s.Glossary.URL) // where glossary terms link to
	}
	for _, c := range s.Root.Children {
		base.link(c)
	}
	shared := base.digest()
	navs := map[*site.Page]string{nil: ""}
	for _, c := range s.Root.Children {
		f := r.hasher()
		var walk func(p *site.Page)
		walk = func(p *site.Page) {
			f.link(p)
			f.add("(")
			for _, k := range p.Children {
				walk(k)
			}
			f.add(")")
		}
		walk(c)
		navs[c] = f.digest()
	}
	// Pages are hashed on all cores, in chunks.
	keys := make([]pageKey, len(s.Pages))
	const chunk = 128
	err = parallel.Do((len(s.Pages)+chunk-1)/chunk, func(c int) error {
		f := r.hasher()
		for i := c * chunk; i < min(len(s.Pages), (c+1)*chunk); i++ {
			keys[i] = r.pagePrint(f, s.Pages[i], shared, navs)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	prints = make(map[string]uint64, len(s.Pages))
	list := r.hasher()
	list.add(shared)
	for i, p := range s.Pages {
		prints[p.OutFile()] = keys[i].print
		list.link(p)
		list.add(keys[i].summary, keys[i].front)
		if p.Parent != nil {
			list.add(p.Parent.URL)
		}
	}
	return prints, list.sum(), nil
}

// pageKey is what fingerprints computes for one page.
type pageKey struct {
	front, summary string
	print          uint64
}

// pagePrint fingerprints one page with f, which it resets.
func (r *Rebuilder) pagePrint(f *hasher, p *site.Page, shared string, navs map[*site.Page]string) pageKey {
	k := pageKey{front: fmt.Sprintf("%#v", p.Source.Front), summary: p.Summary()}
	f.h.Reset()
	f.add(shared, navs[p.Chapter()], k.summary, k.front, strconv.FormatUint(r.docs[p.Source.Path].id, 10))
	f.link(p)
	for _, h := range p.Headings {
		f.add(h.ID, h.Text, h.Number, strconv.Itoa(h.Level))
	}
	// A link's href and text depend only on its target and this page's URL:
	// the target page's URL, and the number and text of the heading it
	// points to, or else the page's number and title.
	f.add("links")
	for _, l := range p.Doc.Links {
		f.add(l.Dest)
		t, ok := p.Target(l.Dest)
		if !ok {
			continue
		}
		f.add(t.Anchor, t.File, t.External, strconv.FormatBool(t.Generated))
		if t.Page == nil {
			continue
		}
		if h, ok := t.Page.Heading(t.Anchor); ok && t.Anchor != "" {
			f.add(t.Page.URL, h.Number, h.Text)
		} else {
			f.link(t.Page)
		}
	}
	f.add("crumbs")
	for a := p.Parent; a != nil; a = a.Parent {
		f.link(a)
	}
	f.add("children")
	for _, c := range p.Children {
		f.link(c)
		f.add(c.Summary())
	}
	for _, n := range []*site.Page{p.Prev, p.Next} {
		f.add("near")
		if n != nil {
			f.link(n)
		}
	}
	k.print = f.sum()
	return k
}

// diffWriter writes outputs that differ from what is in the folder, each
// through a temporary file and a rename so that a reader never sees half of
// it. It is safe for concurrent use.
type diffWriter struct {
	r        *Rebuilder
	ch       *Change
	stop     func() bool
	mu       sync.Mutex
	produced map[string]bool
}

func (r *Rebuilder) newWriter(ch *Change, stop func() bool) *diffWriter {
	return &diffWriter{r: r, ch: ch, stop: stop, produced: map[string]bool{}}
}

// WriteFile implements web.Writer.
func (w *diffWriter) WriteFile(name string, data []byte) error {
	if w.stop != nil && w.stop() {
		return ErrStopped
	}
	sum := maphash.Bytes(w.r.seed, data)
	w.mu.Lock()
	w.produced[name] = true
	old, ok := w.r.outputs[name]
	w.mu.Unlock()
	if ok && old == sum {
		return nil
	}
	// Each file is written once per build, so the writes can run in parallel.
	if err := writeAtomic(filepath.Join(w.r.out, filepath.FromSlash(name)), data); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.r.outputs[name] = sum
	w.ch.Written = append(w.ch.Written, name)
	return nil
}

// remove deletes an output and the folders it leaves empty.
func (w *diffWriter) remove(name string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.r.outputs, name)
	p := filepath.Join(w.r.out, filepath.FromSlash(name))
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	w.ch.Removed = append(w.ch.Removed, name)
	for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
		if os.Remove(filepath.Join(w.r.out, filepath.FromSlash(dir))) != nil {
			break // not empty
		}
	}
	return nil
}

func writeAtomic(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".kb-write-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err2 := f.Close(); err == nil {
		err = err2
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}
