package pipeline

import (
	"bytes"
	"cmp"
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

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/layout"
	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/parallel"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
	"github.com/kb-handbook/kb/layouts"
)

// Builder runs kb's pipeline — load, parse, resolve, check, write — for
// kb build, kb check and kb serve alike. It keeps what it parsed between
// builds, so that a build after an edit re-reads and re-parses only the
// changed files (a parsed page is reused while its bytes and the parser's
// options are the same); a cold build is a Builder that has kept nothing.
// Every file goes through one change-aware writer, which writes only bytes
// that differ from what it wrote before. Its methods must not be called
// concurrently.
//
// A full build renders everything. After an edit, Build renders the edited
// pages only, so that kb serve can show them at once, and leaves the rest —
// the pages whose navigation, links or lists the edit may change, and the
// site-wide files — to Finish, which renders them all and writes those whose
// bytes changed. Nothing decides by hand what a template reads.
//
// A build that finds diagnostics writes nothing, so the last good output stays.
type Builder struct {
	opts BuilderOptions
	sink Sink // opened at the first write

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
	theme     *web.Theme
	themeGen  int
	labels    web.Messages // the theme's texts the parser writes into pages; nil until read
	resolved  *site.Site   // the site last resolved, good or not, which the next resolve starts from

	// What was written.
	site      *site.Site        // the site last written, in part or whole
	seed      maphash.Seed      // for the hashes of outputs
	outputs   map[string]uint64 // hash of every file written, by output path
	copied    map[string]bool   // files copied from content/
	recopy    map[string]bool   // content files changed since they were last copied
	recopyAll bool              // copy every linked file again
	edited    map[string]bool   // pages edited since they were last rendered, by content path
	fullKey   string            // the configuration and theme of the last full build; "" for none
	pending   bool              // Finish has work left
}

// BuilderOptions configure a Builder.
type BuilderOptions struct {
	Root string // the site root
	// Formats are the outputs Build and Finish write.
	Formats []Format
	// OnDemand are formats written elsewhere when asked for (kb serve's
	// EPUBs and print edition): the site links to their files as to those
	// of Formats.
	OnDemand []OnDemand
	// Needs adds what the parser must keep for outputs written elsewhere,
	// such as those kb serve builds on demand.
	Needs Needs
	// Open returns where to write; it is called once, at the first write.
	Open func() (Sink, error)
	// Strict makes warnings stop a build, as errors do.
	Strict bool
	// Progress, if set, is told how many pages are parsed.
	Progress func(done, total int)
}

// A Sink is the folder a Builder writes into.
type Sink interface {
	Writer
	// Remove deletes an output file and the folders it leaves empty.
	Remove(name string) error
	// Prune removes, after a build that wrote everything, the files that
	// it did not produce, and returns their names.
	Prune(produced map[string]bool) ([]string, error)
}

// Change reports what a build did to the output folder.
type Change struct {
	// Site is the site that was built, or that failed to build.
	Site *site.Site
	// Written and Removed list output files, relative and slash-separated.
	Written, Removed []string
	Parsed           int  // pages parsed
	Resolved         int  // pages whose links were resolved again (see site.ResolveAfter)
	Rendered         int  // pages rendered
	Full             bool // every output was generated again
	Duration         time.Duration
	// Warnings lists the diagnostics of a build that went on despite them.
	Warnings []diag.Diagnostic
	// Theme is the theme it was built with; nil when it could not be loaded.
	Theme *web.Theme
}

// ErrStopped is returned by Finish when its stop function asked it to stop.
var ErrStopped = errors.New("stopped for a newer change")

// NewBuilder returns a Builder. Nothing is read before the first Build.
func NewBuilder(opts BuilderOptions) *Builder {
	b := &Builder{opts: opts, seed: maphash.MakeSeed()}
	b.reset()
	return b
}

// docEntry is a parsed page kept for the next build.
type docEntry struct {
	body   []byte
	line   int
	parser string // the parser options the page was parsed with
	doc    *markdown.Doc
	reads  []string // the files its includes read, site-relative
}

// reset forgets everything, so that the next build starts afresh.
func (b *Builder) reset() {
	b.tree, b.theme, b.site, b.labels, b.resolved = nil, nil, nil, nil, nil
	b.docs = map[string]docEntry{}
	b.outputs = map[string]uint64{}
	b.copied = map[string]bool{}
	b.recopy, b.recopyAll = map[string]bool{}, true
	b.edited = map[string]bool{}
	b.fullKey, b.pending = "", false
}

// Pending reports whether Finish has pages or site-wide files to write.
func (b *Builder) Pending() bool { return b.pending }

// parserOptions are the options every page is parsed with.
func (b *Builder) parserOptions() markdown.Options {
	n := b.opts.Needs
	for _, f := range b.opts.Formats {
		n.XHTML = n.XHTML || f.Needs().XHTML
		n.SectionText = n.SectionText || f.Needs().SectionText
	}
	if b.labels == nil {
		b.labels = b.messages()
	}
	m := b.labels
	return markdown.Options{NoXHTML: !n.XHTML, LeadOnly: !n.SectionText, Callouts: calloutKinds(b.cfg, m),
		Labels: markdown.Labels{Figure: m.Get("figure"), Details: m.Get("callout.details")}}
}

// messages returns the interface text of the site's theme in its language,
// for the words the parser writes into pages. A catalogue that cannot be
// read leaves kb's own, and loading the theme reports why.
func (b *Builder) messages() web.Messages {
	m, err := web.ThemeMessages(overlayDir(b.opts.Root, "layouts", layouts.FS), b.cfg.Language)
	if err != nil {
		return web.BuiltinMessages(b.cfg.Language)
	}
	return m
}

// calloutKinds are the built-in callout kinds, labelled in the site's
// language (callout.<class> of m), with kb.yaml's laid over them.
func calloutKinds(cfg config.Config, m web.Messages) []markdown.CalloutKind {
	kinds := markdown.DefaultCallouts()
	for i, k := range kinds {
		if label, ok := m["callout."+k.Class]; ok {
			kinds[i].Label = label
		}
	}
	for _, c := range cfg.Callouts {
		kinds = append(kinds, markdown.CalloutKind{Name: c.Kind, Label: cmp.Or(c.Label, c.Kind), Class: cmp.Or(c.Class, strings.ToLower(c.Kind))})
	}
	return kinds
}

// Load loads, parses and resolves the site after the given files changed
// and runs the formats' checks, writing nothing. Paths are relative to the
// site root with forward slashes ("content/a.md", "assets/style.css",
// "kb.yaml"); nil means that anything may have changed.
func (b *Builder) Load(changed []string) (s *site.Site, diags []diag.Diagnostic, err error) {
	defer b.recoverPanic(&err)
	s, _, diags, err = b.load(changed)
	return s, diags, err
}

// load is Load; it also reports how many pages it parsed.
func (b *Builder) load(changed []string) (*site.Site, int, []diag.Diagnostic, error) {
	sc := classify(changed, cmp.Or(b.cfg.ContentDir, content.Dir), b.cfg.Search.Synonyms)
	// What must be done again is remembered until a build succeeds.
	if sc.theme {
		b.theme, b.labels = nil, nil
	}
	for _, f := range sc.content {
		b.recopy[f] = true
		b.edited[f] = true
	}
	b.recopyAll = b.recopyAll || sc.allContent
	// A page whose includes read a changed file is parsed again.
	for _, f := range changed {
		for path, e := range b.docs {
			if slices.Contains(e.reads, f) {
				delete(b.docs, path)
				b.edited[path] = true
			}
		}
	}
	if sc.config || b.tree == nil {
		var d diag.List
		b.cfg = config.Load(b.opts.Root, &d)
		b.cfgDiags = d.Sorted()
		b.cfgKey = fmt.Sprintf("%#v", b.cfg)
		b.labels = nil // the language may have changed
	}
	if sc.allContent || b.tree == nil || !b.reread(sc.content) {
		var d diag.List
		b.tree = content.Load(b.opts.Root, b.cfg, &d)
		b.treeDiags = d.Sorted()
	}
	docs, glossary, parsed, err := b.parse()
	if err != nil {
		return nil, 0, nil, err
	}
	var more diag.List
	if glossary != nil {
		checkGlossary(glossary, b.terms, &more)
	}
	s := site.ResolveAfter(b.resolved, b.cfg, b.tree, docs, b.terms, web.GeneratedFolders(b.cfg), &more)
	b.resolved = s
	for _, f := range b.opts.Formats {
		f.Check(s, &more)
	}
	return s, parsed, sortedDiags(b.cfgDiags, b.treeDiags, more.Sorted()), nil
}

// Build loads the site after the given files changed (see Load) and writes
// it: everything when the configuration or the theme changed or nothing was
// written yet, otherwise the edited pages, leaving the rest to Finish.
// Content errors (and warnings, with Strict) are returned as a *diag.Error,
// together with a Change
// naming the site that failed. A panic is recovered and returned as an
// error, and the next build starts afresh.
func (b *Builder) Build(changed []string) (ch *Change, err error) {
	defer b.recoverPanic(&err)
	start := time.Now()
	s, parsed, diags, err := b.load(changed)
	if err != nil {
		return nil, err
	}
	ch = &Change{Site: s, Parsed: parsed, Resolved: s.Resolved()}
	if diag.Fatal(diags, b.opts.Strict) {
		return ch, &diag.Error{Diagnostics: diags}
	}
	ch.Warnings = diags
	if b.theme == nil {
		theme, err := Theme(b.opts.Root)
		if err != nil {
			return ch, fmt.Errorf("theme: %w", err)
		}
		b.theme, b.themeGen = theme, b.themeGen+1
	}
	if b.sink == nil {
		sink, err := b.opts.Open()
		if err != nil {
			return ch, err
		}
		b.sink = sink
	}
	w := b.newWriter(ch, nil)
	if err := b.copyFiles(s, w); err != nil {
		return ch, err
	}
	full := b.cfgKey + "\x00" + strconv.Itoa(b.themeGen)
	if b.fullKey != full {
		err = b.writeAll(s, w)
		b.fullKey = full
	} else {
		err = b.writeEdited(s, w)
	}
	if err != nil {
		return ch, err
	}
	b.site = s
	ch.Theme = b.theme
	ch.Duration = time.Since(start)
	return ch, nil
}

// writeAll writes every format whole, concurrently, and prunes what the
// build did not produce.
func (b *Builder) writeAll(s *site.Site, w *diffWriter) error {
	if err := emitAll(Job{Site: s, Theme: b.theme, Out: w, Published: b.Published()}, b.opts.Formats); err != nil {
		return err
	}
	if err := w.prune(); err != nil {
		return err
	}
	b.edited, b.pending = map[string]bool{}, false
	w.ch.Full, w.ch.Rendered = true, len(s.Pages)
	return nil
}

// writeEdited renders the edited pages and removes those that are gone;
// Finish writes the rest.
func (b *Builder) writeEdited(s *site.Site, w *diffWriter) error {
	var pages []*site.Page
	now := map[string]bool{}
	for _, p := range s.Pages {
		now[p.OutFile()] = true
		if b.edited[p.Source.Path] {
			pages = append(pages, p)
		}
	}
	if b.site != nil {
		for _, p := range b.site.Pages {
			if !now[p.OutFile()] {
				if err := w.remove(p.OutFile()); err != nil {
					return err
				}
			}
		}
	}
	for _, f := range b.opts.Formats {
		if _, ok := f.(HTML); ok {
			if err := f.Emit(Job{Site: s, Theme: b.theme, Out: w, Part: &Part{Pages: pages}, Published: b.Published()}); err != nil {
				return err
			}
		}
	}
	b.edited, b.pending = map[string]bool{}, true
	w.ch.Rendered = len(pages)
	return nil
}

// Finish writes what the last Build left: it renders every page and the
// site-wide files, writes those whose bytes changed and prunes the rest.
// stop is polled between files; when it returns true the work is
// abandoned, left pending, and ErrStopped is returned.
func (b *Builder) Finish(stop func() bool) (ch *Change, err error) {
	defer b.recoverPanic(&err)
	ch = &Change{Site: b.site, Theme: b.theme}
	if !b.pending {
		return ch, nil
	}
	start := time.Now()
	w := b.newWriter(ch, stop)
	for f := range b.copied {
		w.produced[f] = true
	}
	part := &Part{Pages: b.site.Pages, SiteWide: true, Background: true}
	if err := emitAll(Job{Site: b.site, Theme: b.theme, Out: w, Part: part, Published: b.Published()}, b.opts.Formats); err != nil {
		return ch, err
	}
	if err := w.prune(); err != nil {
		return ch, err
	}
	b.pending = false
	ch.Rendered, ch.Duration = len(b.site.Pages), time.Since(start)
	return ch, nil
}

// recoverPanic turns a panic in a build into an error and forgets all state.
func (b *Builder) recoverPanic(err *error) {
	if v := recover(); v != nil {
		b.reset()
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

func classify(changed []string, contentDir, synonyms string) scope {
	var sc scope
	if changed == nil {
		sc.config, sc.theme, sc.allContent = true, true, true
		return sc
	}
	for _, p := range changed {
		top, _, _ := strings.Cut(p, "/")
		rest, inContent := strings.CutPrefix(p, contentDir+"/")
		if contentDir == "." {
			rest, inContent = p, true
		}
		switch {
		case p == config.FileName || layout.IsConfig(p) || synonyms != "" && p == synonyms:
			// The synonyms file is read with kb.yaml.
			// The tree is loaded again too: it is cheap, and the
			// configuration may change how content is found.
			sc.config, sc.allContent = true, true
		case top == "layouts" || top == "assets":
			sc.theme = true
		case p == contentDir:
			sc.allContent = true
		case inContent:
			sc.content = append(sc.content, rest)
		}
	}
	return sc
}

// reread reads the changed pages again in place of the loaded ones. It
// reports false when a change may alter the tree (a file added or removed, a
// new weight or draft flag), which needs a full content.Load.
func (b *Builder) reread(paths []string) bool {
	if len(paths) == 0 {
		return true
	}
	pages := map[string]*content.Page{}
	for _, rel := range paths {
		pages[rel] = nil
	}
	content.Walk(b.tree.Root, func(p *content.Page) {
		if _, ok := pages[p.Path]; ok {
			pages[p.Path] = p
		}
	})
	repl := map[string]*content.Page{}
	var diags diag.List
	for _, rel := range paths {
		file := filepath.Join(b.opts.Root, filepath.FromSlash(b.tree.Dir), filepath.FromSlash(rel))
		if slices.Contains(b.tree.Files, rel) {
			if info, err := os.Stat(file); err != nil || !info.Mode().IsRegular() {
				return false
			}
			continue // copied again by copyFiles
		}
		old := pages[rel]
		if old == nil || old.Synthesized {
			return false
		}
		src, ok := content.ReadPage(b.opts.Root, b.cfg, rel)
		if !ok {
			return false // content.Load reports it
		}
		p := &content.Page{Path: old.Path, File: old.File, Body: src, BodyLine: 1}
		content.ParseFrontMatter(p, src, &diags)
		if p.Front.Weight != old.Front.Weight || p.Front.Draft != old.Front.Draft {
			return false
		}
		repl[rel] = p
	}
	b.treeDiags = slices.DeleteFunc(b.treeDiags, func(d diag.Diagnostic) bool {
		return repl[strings.TrimPrefix(d.File, b.tree.Dir+"/")] != nil
	})
	b.treeDiags = append(b.treeDiags, diags.Sorted()...)
	b.tree = &content.Tree{Dir: b.tree.Dir, Root: cloneTree(b.tree.Root, repl), Files: b.tree.Files, Unreadable: b.tree.Unreadable}
	return true
}

// cloneTree returns the tree with the replaced pages' front matter and
// body, leaving the loaded tree, which the last site points to, untouched:
// the replaced pages and those above them are copies, the other pages are
// shared, so that resolving finds them unchanged at a glance.
func cloneTree(p *content.Page, repl map[string]*content.Page) *content.Page {
	var children []*content.Page // nil while no child changed
	for i, child := range p.Children {
		if c := cloneTree(child, repl); c != child {
			if children == nil {
				children = slices.Clone(p.Children)
			}
			children[i] = c
		}
	}
	n := repl[p.Path]
	if n == nil && children == nil {
		return p
	}
	c := *p
	if n != nil {
		c.Front, c.Params, c.FrontPos, c.Body, c.BodyLine = n.Front, n.Params, n.FrontPos, n.Body, n.BodyLine
	}
	if children != nil {
		c.Children = children
	}
	return &c
}

// parse returns the parsed pages of the tree, parsing only those whose body
// changed since they were last parsed, or all of them when the glossary's
// terms or the configuration's unsafe_html changed. Like Load, it parses the
// glossary first, without terms, and returns its page (nil when the site has
// none) and how many pages it parsed.
func (b *Builder) parse() (map[string]*markdown.Doc, *content.Page, int, error) {
	var pages []*content.Page
	content.Walk(b.tree.Root, func(p *content.Page) { pages = append(pages, p) })
	docs := make(map[string]*markdown.Doc, len(pages))
	parsed := 0
	unsafe := b.cfg.UnsafeHTML
	opts := b.parserOptions()
	opts.UnsafeHTML = unsafe
	opts.SlugRule = b.cfg.HeadingIDs
	skip := fmt.Sprintf(" %v %v %v %s %v", opts.NoXHTML, opts.LeadOnly, opts.Callouts, opts.SlugRule, opts.Labels)
	var terms []markdown.Term
	g := glossaryPage(pages, b.cfg.Glossary)
	if g != nil {
		key := "glossary " + strconv.FormatBool(unsafe) + skip + expandKey(b.cfg)
		e, ok := b.docs[g.Path]
		if !ok || !e.same(g, key) {
			e = b.entry(g, parsePage(markdown.New(opts), bookOf(b.opts.Root, b.cfg), g), key)
			parsed++
		}
		docs[g.Path] = e.doc
		terms = markdown.ExtractTerms(e.doc)
	}
	if !slices.Equal(terms, b.terms) || unsafe != b.unsafe {
		b.terms, b.unsafe = terms, unsafe
		b.parserGen++
	}
	key := "page " + strconv.Itoa(b.parserGen) + skip + expandKey(b.cfg)
	var todo []*content.Page
	for _, p := range pages {
		if _, done := docs[p.Path]; done {
			continue
		}
		if e, ok := b.docs[p.Path]; ok && e.same(p, key) {
			docs[p.Path] = e.doc
			continue
		}
		todo = append(todo, p)
	}
	opts.Glossary = b.terms
	parser := markdown.New(opts)
	book := bookOf(b.opts.Root, b.cfg)
	out := make([]parsedPage, len(todo))
	var mu sync.Mutex
	done := len(pages) - len(todo)
	err := parallel.Do(len(todo), func(i int) error {
		out[i] = parsePage(parser, book, todo[i])
		if b.opts.Progress != nil {
			mu.Lock()
			done++
			b.opts.Progress(done, len(pages))
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return nil, nil, 0, err
	}
	for i, p := range todo {
		docs[p.Path] = b.entry(p, out[i], key).doc
	}
	for p := range b.docs {
		if docs[p] == nil {
			delete(b.docs, p)
		}
	}
	return docs, g, parsed + len(todo), nil
}

func (e docEntry) same(p *content.Page, parser string) bool {
	return e.parser == parser && e.line == p.BodyLine && bytes.Equal(e.body, p.Body)
}

func (b *Builder) entry(p *content.Page, pp parsedPage, parser string) docEntry {
	e := docEntry{body: p.Body, line: p.BodyLine, parser: parser, doc: pp.doc, reads: pp.reads}
	b.docs[p.Path] = e
	return e
}

// Inputs lists the files outside the pages that the last build read
// through includes, site-relative with forward slashes, sorted: kb serve
// watches them too.
func (b *Builder) Inputs() []string {
	var out []string
	for _, e := range b.docs {
		out = append(out, e.reads...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// copyFiles copies the linked files that are new or changed, and removes
// those no longer linked.
func (b *Builder) copyFiles(s *site.Site, w *diffWriter) error {
	linked := map[string]bool{}
	for _, f := range s.Files {
		linked[f] = true
		if b.copied[f] && !b.recopyAll && !b.recopy[f] {
			w.produced[f] = true
			continue
		}
		data, err := content.ReadFile(b.opts.Root, b.cfg.ContentDir, f)
		if err != nil {
			return err
		}
		if err := w.WriteFile(f, data); err != nil {
			return err
		}
	}
	for f := range b.copied {
		if !linked[f] {
			if err := w.remove(f); err != nil {
				return err
			}
		}
	}
	b.copied = linked
	b.recopy, b.recopyAll = map[string]bool{}, false
	return nil
}

// diffWriter is the change-aware writer: it writes through the sink only
// files whose bytes differ from what the Builder wrote before, and records
// what a build produced. It is safe for concurrent use.
type diffWriter struct {
	b        *Builder
	ch       *Change
	stop     func() bool
	mu       sync.Mutex
	produced map[string]bool
}

func (b *Builder) newWriter(ch *Change, stop func() bool) *diffWriter {
	return &diffWriter{b: b, ch: ch, stop: stop, produced: map[string]bool{}}
}

// WriteFile implements Writer.
func (w *diffWriter) WriteFile(name string, data []byte) error {
	if w.stop != nil && w.stop() {
		return ErrStopped
	}
	sum := maphash.Bytes(w.b.seed, data)
	w.mu.Lock()
	w.produced[name] = true
	old, ok := w.b.outputs[name]
	w.mu.Unlock()
	if ok && old == sum {
		return nil
	}
	if err := w.b.sink.WriteFile(name, data); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.outputs[name] = sum
	w.ch.Written = append(w.ch.Written, name)
	return nil
}

// ReadFile implements Writer.
func (w *diffWriter) ReadFile(name string) ([]byte, error) { return w.b.sink.ReadFile(name) }

// Folder implements Writer. What a format writes into the folder itself is
// not compared with an earlier build.
func (w *diffWriter) Folder(name string) (string, error) {
	w.mu.Lock()
	w.produced[name] = true
	w.mu.Unlock()
	return w.b.sink.Folder(name)
}

// Local implements Writer: only folders of this build are found.
func (w *diffWriter) Local(name string) (string, error) {
	w.mu.Lock()
	produced := w.produced[name]
	w.mu.Unlock()
	if !produced {
		return "", fmt.Errorf("%s: no format of this build wrote it: %w", name, fs.ErrNotExist)
	}
	return w.b.sink.Local(name)
}

// remove deletes an output.
func (w *diffWriter) remove(name string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.b.outputs, name)
	if err := w.b.sink.Remove(name); err != nil {
		return err
	}
	w.ch.Removed = append(w.ch.Removed, name)
	return nil
}

// prune removes what the sink holds and this build did not produce.
func (w *diffWriter) prune() error {
	removed, err := w.b.sink.Prune(w.produced)
	for _, name := range removed {
		delete(w.b.outputs, name)
	}
	w.ch.Removed = append(w.ch.Removed, removed...)
	return err
}

// Dir returns an Open function for a Builder that writes straight into the
// folder dir, as kb serve's preview does: each file through a temporary file
// and a rename, so that a reader never sees half of it.
func Dir(dir string) func() (Sink, error) {
	return func() (Sink, error) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		return dirSink(dir), nil
	}
}

// dirSink is a Sink writing straight into a folder.
type dirSink string

func (d dirSink) path(name string) (string, error) {
	name = path.Clean(name)
	if !fs.ValidPath(name) || name == "." {
		return "", fmt.Errorf("output file %q is outside the output folder", name)
	}
	return filepath.Join(string(d), filepath.FromSlash(name)), nil
}

// WriteFile implements Writer.
func (d dirSink) WriteFile(name string, data []byte) error {
	p, err := d.path(name)
	if err != nil {
		return err
	}
	return writeAtomic(p, data)
}

// ReadFile implements Writer.
func (d dirSink) ReadFile(name string) ([]byte, error) {
	p, err := d.path(name)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}

// Folder implements Writer: the folder is emptied first.
func (d dirSink) Folder(name string) (string, error) {
	p, err := d.path(name)
	if err != nil {
		return "", err
	}
	return p, os.RemoveAll(p)
}

// Local implements Writer.
func (d dirSink) Local(name string) (string, error) { return existing(d.path(name)) }

// Remove implements Sink.
func (d dirSink) Remove(name string) error {
	p, err := d.path(name)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
		if os.Remove(filepath.Join(string(d), filepath.FromSlash(dir))) != nil {
			break // not empty
		}
	}
	return nil
}

// Prune implements Sink.
func (d dirSink) Prune(produced map[string]bool) ([]string, error) {
	var gone []string
	err := filepath.WalkDir(string(d), func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(string(d), p)
		name := filepath.ToSlash(rel)
		switch {
		case err != nil || rel == ".":
			return err
		case produced[name] && e.IsDir():
			return fs.SkipDir // a folder a format wrote itself
		case !e.IsDir() && !produced[name]:
			gone = append(gone, name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, name := range gone {
		if err := d.Remove(name); err != nil {
			return gone, err
		}
	}
	return gone, nil
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
