// Package content discovers the Markdown files of a site, reads their front
// matter and arranges them into a tree of sections and pages.
package content

import (
	"bytes"
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/parallel"
	"github.com/kb-handbook/kb/internal/srcfs"
)

// Dir is the folder under the site root that holds the Markdown sources,
// unless kb.yaml's content_dir or the book's own layout names another.
const Dir = "content"

// IndexName is the file that makes a folder a section and holds its landing
// page. README.md and index.md, as other tools name it, do the same.
const IndexName = "_index.md"

// IndexNames lists the names of a folder's landing page, in order of preference.
var IndexNames = []string{IndexName, "index.md", "README.md"}

// IsIndexName reports whether a file of that name is its folder's landing page.
func IsIndexName(name string) bool {
	return slices.Contains(IndexNames, name)
}

// FrontMatter is the YAML block at the top of a page. Every key is optional.
type FrontMatter struct {
	Title     string     `yaml:"title"`
	Weight    int        `yaml:"weight"`
	Number    Number     `yaml:"number"`
	Roles     Roles      `yaml:"roles"`
	Level     int        `yaml:"level"`
	Summary   string     `yaml:"summary"`
	Draft     bool       `yaml:"draft"`
	Revisions []Revision `yaml:"revisions"`
}

// Roles is the front-matter "roles" key: a list, or a single role as a string.
type Roles []string

// UnmarshalYAML accepts a list of strings or one string.
func (r *Roles) UnmarshalYAML(unmarshal func(any) error) error {
	var one string
	if err := unmarshal(&one); err == nil {
		*r = Roles{one}
		return nil
	}
	var list []string
	if err := unmarshal(&list); err != nil {
		return err
	}
	*r = list
	return nil
}

// Revision is one entry of a page's revision history (改版履歴).
type Revision struct {
	Date string `yaml:"date"`
	Note string `yaml:"note"`
}

// Number is the front-matter "number" key: unset, false (the page and its
// subtree are unnumbered) or a string that replaces the computed number.
type Number struct {
	Off      bool
	Override string
}

// UnmarshalYAML accepts a boolean or a string.
func (n *Number) UnmarshalYAML(unmarshal func(any) error) error {
	var v any
	if err := unmarshal(&v); err != nil {
		return err
	}
	switch v := v.(type) {
	case bool:
		n.Off = !v
	case string:
		n.Override = v
	case uint64, int64, int:
		n.Override = fmt.Sprint(v)
	case nil:
	default:
		return fmt.Errorf("number must be false or a string, not %v", v)
	}
	return nil
}

// Page is one Markdown file, or the landing page of a section.
type Page struct {
	// Path is the file's path relative to the content folder, with forward slashes.
	Path string
	// File is the path relative to the site root, used in diagnostics.
	File string
	// Body is the Markdown after the front matter.
	Body []byte
	// BodyLine is the 1-based line of the file where Body starts.
	BodyLine int
	Front    FrontMatter
	// Params holds the front-matter keys kb does not use, for templates.
	Params map[string]any
	// FrontPos locates front-matter values by key ("level", "roles[1]"), for diagnostics.
	FrontPos map[string]Pos
	// IsSection is true for a folder's landing page (_index.md or synthesized).
	IsSection bool
	// Synthesized is true for a section whose folder has no _index.md.
	Synthesized bool
	Children    []*Page
}

// Dir returns the content-relative folder that relative links in the page start from.
func (p *Page) Dir() string {
	return path.Dir(p.Path)
}

// Tree is the loaded content: the root section and the other files found.
type Tree struct {
	// Dir is the site-relative folder the pages were read from.
	Dir  string
	Root *Page
	// Files lists non-Markdown files by content-relative path (images, PDFs …).
	Files []string
	// Unreadable lists the files, by content-relative path, that were
	// reported as unreadable (a link out of the site, a special file, a
	// page too large …), so that links to them say so.
	Unreadable map[string]bool
}

// Load reads root/content into a tree. Problems are added to diags; the
// returned tree holds every page that could be read.
func Load(root string, cfg config.Config, diags *diag.List) *Tree {
	dir := cmp.Or(cfg.ContentDir, Dir)
	tree := &Tree{Dir: dir}
	base, err := openSources(root, cfg)
	var info fs.FileInfo
	if err == nil {
		defer base.root.Close()
		info, err = base.root.Stat(dir)
	}
	if err != nil || !info.IsDir() {
		diags.Addf(dir, 0, 0, "create the folder and put Markdown files in it, or pass --source", "no content folder at %s", filepath.Join(root, filepath.FromSlash(dir)))
		tree.Root = &Page{Path: IndexName, File: path.Join(dir, IndexName), IsSection: true, Synthesized: true}
		return tree
	}
	if summary, summaryFile, ok := readSummary(base, cfg, diags); ok {
		tree.Root = &Page{Path: IndexName, File: path.Join(dir, IndexName), IsSection: true, Synthesized: true}
		// A book without a top page still builds; the site gets a synthesized one.
		if name := rootIndex(base, diags); name != "" {
			if idx := loadPage(base, name, diags); idx != nil {
				tree.Root.setIndex(idx)
			}
		}
		loadSummary(base, summaryFile, summary, tree.Root, diags)
		tree.Files = otherFiles(base, ".", []fs.FileInfo{info}, diags)
		tree.Unreadable = base.unreadable
		return tree
	}
	var reads []*pageRead
	plan := planSection(base, ".", []fs.FileInfo{info}, diags, tree, &reads)
	readPages(base, reads, diags)
	tree.Root = plan.build(dir)
	tree.Unreadable = base.unreadable
	return tree
}

// sectionPlan is a content folder as listed, before its pages are read.
type sectionPlan struct {
	rel     string
	index   *pageRead // its _index.md, or nil
	entries []planEntry
}

// planEntry is a subfolder or a page of a folder, in listing order.
type planEntry struct {
	sub  *sectionPlan
	page *pageRead
}

// pageRead is a Markdown file to read; page is nil when it could not be.
type pageRead struct {
	rel  string
	page *Page
}

// planSection lists the folder rel and its subfolders, noting the pages to
// read in reads and the other files in tree.Files. Links are followed
// while they stay inside the site; ancestors are the folders above rel and
// rel itself, so that a link back to one of them is not followed forever.
func planSection(base *sources, rel string, ancestors []fs.FileInfo, diags *diag.List, tree *Tree, reads *[]*pageRead) *sectionPlan {
	plan := &sectionPlan{rel: rel}
	entries, err := base.root.ReadDir(base.path(rel))
	if err != nil {
		diags.Addf(path.Join(tree.Dir, rel), 0, 0, "check the folder's permissions", "cannot read folder: %v", err)
		return plan
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") && name != IndexName || e.IsDir() && ignoredDir(name) {
			continue
		}
		p := path.Join(rel, name)
		info, ok := base.entryKind(p, e, diags)
		switch {
		case !ok:
		case info.IsDir():
			if loops(ancestors, info) {
				diags.Addf(path.Join(tree.Dir, p), 0, 0, "remove the link", "link to a folder that holds it makes an endless loop")
				continue
			}
			plan.entries = append(plan.entries, planEntry{sub: planSection(base, p, append(ancestors[:len(ancestors):len(ancestors)], info), diags, tree, reads)})
		case IsIndexName(name):
			if plan.index != nil {
				diags.Addf(path.Join(tree.Dir, p), 1, 1, "keep one landing page per folder: rename or merge one of them",
					"folder has two landing pages, %s and %s", path.Base(plan.index.rel), name)
				continue
			}
			plan.index = &pageRead{rel: p}
			*reads = append(*reads, plan.index)
		case strings.EqualFold(path.Ext(name), ".md"):
			if rel == "." && name == SummaryName {
				continue
			}
			r := &pageRead{rel: p}
			*reads = append(*reads, r)
			plan.entries = append(plan.entries, planEntry{page: r})
		default:
			tree.Files = append(tree.Files, strings.TrimPrefix(p, "./"))
		}
	}
	return plan
}

// readPages reads and splits the pages on all cores. Problems go to diags.
func readPages(base *sources, reads []*pageRead, diags *diag.List) {
	_ = parallel.Do(len(reads), func(i int) error {
		reads[i].page = loadPage(base, reads[i].rel, diags)
		return nil
	})
}

// build turns the plan of a folder, its pages read, into its section page:
// drafts and unreadable pages left out, and folders with nothing in them.
func (plan *sectionPlan) build(dir string) *Page {
	rel := plan.rel
	section := &Page{Path: path.Join(rel, IndexName), File: path.Join(dir, rel, IndexName), IsSection: true, Synthesized: true}
	for _, e := range plan.entries {
		switch {
		case e.sub != nil:
			sub := e.sub.build(dir)
			if sub.Synthesized && len(sub.Children) == 0 {
				continue
			}
			if sub.Synthesized {
				sub.Front.Title = path.Base(e.sub.rel)
			}
			section.Children = append(section.Children, sub)
		case e.page.page != nil && !e.page.page.Front.Draft:
			section.Children = append(section.Children, e.page.page)
		}
	}
	if plan.index != nil && plan.index.page != nil {
		section.setIndex(plan.index.page)
	}
	slices.SortStableFunc(section.Children, func(a, b *Page) int {
		return cmp.Or(cmp.Compare(a.Front.Weight, b.Front.Weight), cmp.Compare(a.Path, b.Path))
	})
	return section
}

// setIndex makes pg, a folder's landing page, the content of the section.
func (section *Page) setIndex(pg *Page) {
	section.Path, section.File = pg.Path, pg.File
	section.Front, section.Params, section.FrontPos = pg.Front, pg.Params, pg.FrontPos
	section.Body, section.BodyLine, section.Synthesized = pg.Body, pg.BodyLine, false
}

// rootIndex returns the name of the top page at the content root, or "" when
// there is none; two are a diagnostic.
func rootIndex(base *sources, diags *diag.List) string {
	found := ""
	for _, name := range IndexNames {
		if info, err := base.root.Stat(base.path(name)); err != nil || !info.Mode().IsRegular() {
			continue
		}
		if found != "" {
			diags.Addf(base.path(name), 1, 1, "keep one landing page per folder: rename or merge one of them",
				"folder has two landing pages, %s and %s", found, name)
			continue
		}
		found = name
	}
	return found
}

// ignoredDir reports whether a folder holds tools' files rather than pages.
func ignoredDir(name string) bool {
	return name == "node_modules"
}

// otherFiles lists the non-Markdown files under the content folder rel,
// for a book whose pages come from SUMMARY.md. It follows links and skips
// hidden names as planSection does.
func otherFiles(base *sources, rel string, ancestors []fs.FileInfo, diags *diag.List) []string {
	var files []string
	entries, err := base.root.ReadDir(base.path(rel))
	if err != nil {
		diags.Addf(base.path(rel), 0, 0, "check the folder's permissions", "cannot read folder: %v", err)
		return nil
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := path.Join(rel, e.Name())
		if !e.IsDir() && strings.EqualFold(path.Ext(p), ".md") && e.Type()&fs.ModeSymlink == 0 {
			continue
		}
		info, ok := base.entryKind(p, e, diags)
		switch {
		case !ok:
		case info.IsDir():
			if loops(ancestors, info) {
				diags.Addf(base.path(p), 0, 0, "remove the link", "link to a folder that holds it makes an endless loop")
				continue
			}
			files = append(files, otherFiles(base, p, append(ancestors[:len(ancestors):len(ancestors)], info), diags)...)
		case !strings.EqualFold(path.Ext(p), ".md"):
			files = append(files, p)
		}
	}
	return files
}

// loadPage reads one Markdown file and splits off its front matter.
func loadPage(base *sources, rel string, diags *diag.List) *Page {
	rel = strings.TrimPrefix(rel, "./")
	file := base.path(rel)
	src, ok := base.readPage(rel, diags)
	if !ok {
		return nil
	}
	if !utf8.Valid(src) {
		off := firstInvalidUTF8(src)
		line, col := diag.Position(diag.UnifyLineEnds(src), off)
		diags.Addf(file, line, col, "save the file as UTF-8", "invalid UTF-8 at byte %d", off)
		base.failed(rel)
		return nil
	}
	page := &Page{Path: rel, File: file, Body: src, BodyLine: 1}
	ParseFrontMatter(page, src, diags)
	return page
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

var fence = []byte("---")

// ParseFrontMatter splits a leading "---" YAML block off src into page.Front
// and page.Body (starting on page.BodyLine), reporting unknown keys and
// malformed YAML in diags.
func ParseFrontMatter(page *Page, src []byte, diags *diag.List) {
	src = diag.UnifyLineEnds(bytes.TrimPrefix(src, []byte("\ufeff")))
	first, rest, ok := bytes.Cut(src, []byte("\n"))
	page.BodyLine = 1
	if !ok || !bytes.Equal(bytes.TrimRight(first, " \r"), fence) {
		page.Body = src
		return
	}
	// Find the closing fence on a line of its own.
	offset := len(first) + 1
	var yamlEnd, bodyStart int = -1, -1
	for line := range bytes.Lines(rest) {
		trimmed := bytes.TrimRight(line, " \r\n")
		if bytes.Equal(trimmed, fence) || bytes.Equal(trimmed, []byte("...")) {
			yamlEnd, bodyStart = offset, offset+len(line)
			break
		}
		offset += len(line)
	}
	if yamlEnd < 0 {
		diags.Add(diag.Diagnostic{File: page.File, Line: 1, Col: 1, Msg: "front matter is not closed",
			Hint: "end the YAML block with a line holding only ---", Source: diag.LineText(src, 1)})
		page.Body = nil
		return
	}
	decodeFront(page, src[len(first)+1:yamlEnd], 2, src, diags)
	page.Body = src[bodyStart:]
	page.BodyLine = 1 + bytes.Count(src[:bodyStart], []byte("\n"))
}

// Walk calls fn for p and every page below it, in book order.
func Walk(p *Page, fn func(*Page)) {
	fn(p)
	for _, c := range p.Children {
		Walk(c, fn)
	}
}

// ReadFile reads a content-relative file of the site at root, such as a
// linked image: a regular file inside the site, never one a link leads
// out to. dir is the site-relative content folder; "" is the default.
func ReadFile(root, dir, rel string) ([]byte, error) {
	r, err := srcfs.Open(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.ReadFile(path.Join(cmp.Or(dir, Dir), rel), 0)
}

// ReadPage reads the page at the content-relative path rel of the site at
// root as Load does, within cfg's limits; ok is false when Load would
// report a problem with the file.
func ReadPage(root string, cfg config.Config, rel string) (src []byte, ok bool) {
	base, err := openSources(root, cfg)
	if err != nil {
		return nil, false
	}
	defer base.root.Close()
	var diags diag.List
	src, ok = base.readPage(rel, &diags)
	return src, ok && utf8.Valid(src)
}
