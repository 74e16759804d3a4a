package site

import (
	"bytes"
	"fmt"
	"maps"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/parallel"
)

// Resolve builds the book from the content tree and the parsed documents
// (keyed by content path). reserved lists the folders that kb writes pages
// of its own to (toc/, search/ …): a page whose address is one of them is
// moved aside, with a warning. Broken links, unknown roles and clashing
// output paths are reported in diags.
func Resolve(cfg config.Config, tree *content.Tree, docs map[string]*markdown.Doc, terms []markdown.Term, reserved []string, diags *diag.List) *Site {
	return ResolveAfter(nil, cfg, tree, docs, terms, reserved, diags)
}

// ResolveAfter is Resolve for a site resolved before as prev (nil for
// none), as kb serve resolves it after each edit. It returns what Resolve
// returns, and reports the same problems, but a page takes the resolved
// links and the checks of prev's page of the same path when nothing they
// read can differ (see unchanged): at 5,000 pages, resolving every link of
// the book was most of an edit's rebuild.
func ResolveAfter(prev *Site, cfg config.Config, tree *content.Tree, docs map[string]*markdown.Doc, terms []markdown.Term, reserved []string, diags *diag.List) *Site {
	s := &Site{Config: cfg, byPath: map[string]*Page{}, Terms: terms}
	s.Root = s.build(tree.Root, nil, docs, diags)
	s.moveFromReserved(reserved, diags)
	for i, p := range s.Pages {
		p.Index = i
		if i > 0 {
			p.Prev = s.Pages[i-1]
			s.Pages[i-1].Next = p
		}
	}
	s.Glossary = s.byPath[cfg.Glossary]
	s.number(prev)
	s.checkOutputs(diags)
	s.unreadable = tree.Unreadable
	s.sources = tree.Files
	same := s.since(prev)
	if same != nil {
		s.fileSet = prev.fileSet
	} else {
		s.fileSet = make(map[string]bool, len(tree.Files))
		for _, f := range tree.Files {
			s.fileSet[f] = true
		}
	}
	// Links are resolved on all cores, a run of pages at a time. Each run
	// has its own cache, which serves the pages of a folder, mostly found
	// together.
	const run = 64
	runs := (len(s.Pages) + run - 1) / run
	resolved := make([]int, runs)
	err := parallel.Do(runs, func(r int) error {
		cache := map[string]resolution{}
		for _, p := range s.Pages[r*run : min(len(s.Pages), (r+1)*run)] {
			if q := same.unchanged(p); q != nil {
				p.links, p.files, p.anchored, p.clean = q.links, q.files, q.anchored, true
				continue
			}
			s.resolvePage(p, cache, diags)
			resolved[r]++
		}
		return nil
	})
	if err != nil {
		panic(err) // resolving cannot fail; a panic is a bug, as it was before
	}
	for _, n := range resolved {
		s.resolved += n
	}
	all := map[string]bool{}
	for _, p := range s.Pages {
		for _, f := range p.files {
			all[f] = true
		}
	}
	s.Files = slices.Sorted(maps.Keys(all))
	return s
}

// resolvePage checks the page (checkPage), its figure IDs and its links,
// resolving the links, and records whether it found a problem.
func (s *Site) resolvePage(p *Page, cache map[string]resolution, diags *diag.List) {
	var found diag.List
	s.checkPage(p, &found)
	checkFigureIDs(p, &found)
	s.resolveLinks(p, cache, &found)
	problems := found.Sorted()
	for _, d := range problems {
		diags.Add(d)
	}
	p.clean = len(problems) == 0
}

// sameSince is what ResolveAfter may take over from an earlier Site.
type sameSince struct {
	// from holds prev's page of each page's path, by the page's Index.
	from []*Page
	// moved holds the pages, by content path, whose anchors differ from
	// those of prev's page: links to them with an anchor are resolved again.
	moved map[string]bool
}

// since returns what s may take over from prev, or nil when its pages
// must all be resolved again: without prev, or when what every link is
// resolved against differs — the configuration, the files other than
// pages, the unreadable files or the set of pages, which a new or deleted
// page changes and with it any relative link and every "did you mean".
// Numbers, titles and headings' texts are not read by resolving: they are
// read through the target page when a page is rendered.
func (s *Site) since(prev *Site) *sameSince {
	if prev == nil || len(prev.Pages) != len(s.Pages) || !slices.Equal(prev.sources, s.sources) ||
		!maps.Equal(prev.unreadable, s.unreadable) || !reflect.DeepEqual(prev.Config, s.Config) {
		return nil
	}
	same := &sameSince{from: make([]*Page, len(s.Pages)), moved: map[string]bool{}}
	for i, p := range s.Pages {
		q := prev.byPath[p.Source.Path]
		if q == nil {
			return nil
		}
		if q.Doc != p.Doc && !sameAnchors(q.Doc, p.Doc) {
			same.moved[p.Source.Path] = true
		}
		same.from[i] = q
	}
	return same
}

// unchanged returns prev's page of p's path when p's links and checks are
// those of that page: it was resolved without a problem (a problem's hint
// may name any page), from the same parsed document and the same source
// (front matter, body and its first line, which problems quote), and none
// of the pages it links to with an anchor has other anchors now. It
// returns nil otherwise, and when same is nil.
func (same *sameSince) unchanged(p *Page) *Page {
	if same == nil {
		return nil
	}
	q := same.from[p.Index]
	if !q.clean || q.Doc != p.Doc || !sameSource(q.Source, p.Source) {
		return nil
	}
	if len(same.moved) > 0 {
		for _, to := range q.anchored {
			if same.moved[to] {
				return nil
			}
		}
	}
	return q
}

// sameSource reports whether resolving and checking a page reads the same
// from a and b: its files, body, and the front matter that is checked.
func sameSource(a, b *content.Page) bool {
	return a == b || a.File == b.File && a.Path == b.Path && a.BodyLine == b.BodyLine && bytes.Equal(a.Body, b.Body) &&
		slices.Equal(a.Front.Roles, b.Front.Roles) && a.Front.Level == b.Front.Level && maps.Equal(a.FrontPos, b.FrontPos)
}

// sameAnchors reports whether a link can point at the same IDs on both
// documents (see markdown.Doc.HasAnchor).
func sameAnchors(a, b *markdown.Doc) bool {
	ids := func(d *markdown.Doc) []string {
		list := []string{d.TitleID}
		for _, h := range d.Headings {
			list = append(list, h.ID)
		}
		for _, f := range d.Figures {
			list = append(list, f.ID)
		}
		list = append(list, d.TermIDs()...)
		slices.Sort(list)
		return slices.Compact(list)
	}
	return slices.Equal(ids(a), ids(b))
}

// build converts a content page and its children into site pages, in book order.
func (s *Site) build(src *content.Page, parent *Page, docs map[string]*markdown.Doc, diags *diag.List) *Page {
	p := &Page{Source: src, Parent: parent, Doc: docs[src.Path], site: s}
	if p.Doc == nil {
		p.Doc = &markdown.Doc{}
	}
	p.Title = src.Front.Title
	if p.Title == "" {
		p.Title = p.Doc.Title
	}
	if p.Title == "" {
		p.Title = titleFromName(src.Path)
	}
	p.URL = outputDir(src.Path)
	s.byPath[src.Path] = p
	s.Pages = append(s.Pages, p)
	for _, c := range src.Children {
		p.Children = append(p.Children, s.build(c, p, docs, diags))
	}
	return p
}

// outputDir maps a content path to its output folder: a/b.md → a/b/, a/_index.md → a/.
func outputDir(contentPath string) string {
	dir, file := path.Split(contentPath)
	if content.IsIndexName(file) {
		return dir
	}
	return dir + strings.TrimSuffix(file, path.Ext(file)) + "/"
}

// titleFromName derives a title from a file name such as "03-backup.md".
func titleFromName(p string) string {
	base := path.Base(p)
	if content.IsIndexName(base) {
		base = path.Base(path.Dir(p))
	}
	base = strings.TrimSuffix(base, path.Ext(base))
	base = strings.TrimLeft(base, "0123456789-_")
	if base == "" || base == "." {
		return "ホーム"
	}
	return strings.ReplaceAll(base, "-", " ")
}

// number assigns chapter, page and heading numbers by position. A page
// shares the numbered headings and figures of prev's page of its path
// (prev may be nil) when they are numbered from the same document and
// page number, and the page is a leaf in both or in neither.
func (s *Site) number(prev *Site) {
	chapter := 0
	for _, c := range s.Root.Children {
		front := c.Source.Front
		switch {
		case front.Number.Off:
		case c.Source.IsSection && s.isAnnex(c):
			letter := 0
			for _, a := range c.Children {
				if a.Source.Front.Number.Off {
					continue
				}
				letter++
				a.Number = letterNumber(letter)
				if a.Source.Front.Number.Override != "" {
					a.Number = a.Source.Front.Number.Override
				}
				numberSubtree(a)
			}
		default:
			chapter++
			c.Number = strconv.Itoa(chapter)
			if front.Number.Override != "" {
				c.Number = front.Number.Override
			}
			numberSubtree(c)
		}
	}
	for _, p := range s.Pages {
		if prev != nil {
			if q := prev.byPath[p.Source.Path]; q != nil && q.Doc == p.Doc && q.Number == p.Number && (len(q.Children) == 0) == (len(p.Children) == 0) {
				p.Headings, p.numbers, p.Figures = q.Headings, q.numbers, q.Figures
				continue
			}
		}
		p.numberHeadings()
		p.numberFigures()
	}
}

func (s *Site) isAnnex(p *Page) bool {
	dir := strings.TrimSuffix(p.URL, "/")
	return slices.Contains(s.Config.Annexes, dir)
}

// letterNumber returns A, B, … Z, AA, AB …
func letterNumber(n int) string {
	var b []byte
	for n > 0 {
		n--
		b = append([]byte{byte('A' + n%26)}, b...)
		n /= 26
	}
	return string(b)
}

func numberSubtree(p *Page) {
	k := 0
	for _, c := range p.Children {
		if c.Source.Front.Number.Off {
			continue
		}
		k++
		c.Number = p.Number + "." + strconv.Itoa(k)
		if o := c.Source.Front.Number.Override; o != "" {
			c.Number = o
		}
		numberSubtree(c)
	}
}

// numberHeadings numbers the ##–#### headings of a numbered page without
// child pages (a section's own headings would clash with its pages' numbers).
func (p *Page) numberHeadings() {
	p.numbers = make(map[string]string, len(p.Doc.Headings))
	p.Headings = make([]Heading, 0, len(p.Doc.Headings))
	numbered := p.Number != "" && len(p.Children) == 0
	// counters[l] counts the level-l headings under the current parent;
	// prefix[l] is the number of the current level-l heading (prefix[1] is the page's).
	var counters [5]int
	var prefix [5]string
	prefix[1] = p.Number
	for _, h := range p.Doc.Headings {
		sh := Heading{Heading: h}
		if numbered && h.Level >= 2 && h.Level <= 4 {
			counters[h.Level]++
			for l := h.Level + 1; l < len(counters); l++ {
				counters[l] = 0
			}
			// A skipped level (### right after the page title) counts as its first heading.
			for l := 2; l < h.Level; l++ {
				if counters[l] == 0 {
					counters[l] = 1
					prefix[l] = prefix[l-1] + ".1"
				}
			}
			prefix[h.Level] = prefix[h.Level-1] + "." + strconv.Itoa(counters[h.Level])
			sh.Number = prefix[h.Level]
			p.numbers[h.ID] = sh.Number
		}
		p.Headings = append(p.Headings, sh)
	}
}

// checkOutputs reports pages that would be written to the same file.
func (s *Site) checkOutputs(diags *diag.List) {
	seen := map[string]*Page{}
	for _, p := range s.Pages {
		key := strings.ToLower(p.URL)
		if other, ok := seen[key]; ok {
			diags.Addf(p.Source.File, 1, 1, "rename one of the two files",
				"page is written to %s, as is %s", p.OutFile(), other.Source.File)
			continue
		}
		seen[key] = p
	}
}

// checkPage reports the problems of the page itself: roles and level unknown
// to kb.yaml, what the parser found, and duplicate or reserved heading IDs.
func (s *Site) checkPage(p *Page, diags *diag.List) {
	front := p.Source.Front
	at := func(key string) (int, int) {
		pos := p.Source.FrontPos[key]
		return pos.Line, pos.Col
	}
	if len(s.Config.Roles) > 0 {
		for i, r := range front.Roles {
			if _, ok := s.Config.Roles[r]; !ok {
				known := make([]string, 0, len(s.Config.Roles))
				for k := range s.Config.Roles {
					known = append(known, k)
				}
				slices.Sort(known)
				line, col := at(fmt.Sprintf("roles[%d]", i))
				if line == 0 {
					line, col = at("roles") // a single role written without brackets
				}
				diags.Add(diag.Diagnostic{File: p.Source.File, Line: line, Col: col,
					Hint: hintFor(r, known, "roles in kb.yaml: "+strings.Join(known, ", ")),
					Msg:  fmt.Sprintf("unknown role %q", r), Source: sourceLine(p, line)})
			}
		}
	}
	if front.Level != 0 {
		if _, ok := s.Config.Levels[front.Level]; !ok {
			levels := slices.Sorted(maps.Keys(s.Config.Levels))
			names := make([]string, len(levels))
			for i, l := range levels {
				names[i] = strconv.Itoa(l)
			}
			line, col := at("level")
			diags.Add(diag.Diagnostic{File: p.Source.File, Line: line, Col: col,
				Hint: "levels in kb.yaml: " + strings.Join(names, ", "),
				Msg:  fmt.Sprintf("unknown level %d", front.Level), Source: sourceLine(p, line)})
		}
	}
	for _, d := range p.Doc.Problems {
		d.File, d.Source = p.Source.File, sourceLine(p, d.Line)
		diags.Add(d)
	}
	ids := map[string]int{}
	for _, h := range p.Doc.Headings {
		if slices.Contains(markdown.ReservedIDs, h.ID) {
			// Generated IDs step aside by themselves; an explicit {#id} does not.
			diags.Addf(p.Source.File, h.Line, h.Col, "choose another ID; the theme uses "+strings.Join(markdown.ReservedIDs, ", "),
				"heading ID #%s is taken by the page layout", h.ID)
		}
		if line, dup := ids[h.ID]; dup && h.ID != "" {
			diags.Addf(p.Source.File, h.Line, h.Col, "give each heading its own {#id}",
				"duplicate heading ID %q (first used on line %d)", h.ID, line)
			continue
		}
		ids[h.ID] = h.Line
	}
}

func hintFor(want string, candidates []string, fallback string) string {
	if s := diag.Suggest(want, candidates); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	return fallback
}

// sourceLine returns line n of the page's file, or "" when n is 0 or lies
// in the front matter, which Body does not hold.
func sourceLine(p *Page, n int) string {
	if n < p.Source.BodyLine {
		return ""
	}
	return diag.LineText(p.Source.Body, n-p.Source.BodyLine+1)
}

// moveFromReserved gives the pages whose folder is reserved for kb's own
// pages an address beside it (roles/ becomes roles-page/), before any link
// to them is resolved.
func (s *Site) moveFromReserved(reserved []string, diags *diag.List) {
	taken := map[string]bool{}
	for _, dir := range reserved {
		taken[strings.ToLower(dir)] = true
	}
	used := map[string]bool{}
	for _, p := range s.Pages {
		used[strings.ToLower(p.URL)] = true
	}
	for _, p := range s.Pages {
		if !taken[strings.ToLower(p.URL)] {
			continue
		}
		file, line := p.Source.File, 1
		if p.Source.Synthesized {
			file, line = path.Dir(file), 0 // a folder without an _index.md
		}
		was := p.OutFile()
		moved := strings.TrimSuffix(p.URL, "/") + "-page/"
		for n := 2; taken[strings.ToLower(moved)] || used[strings.ToLower(moved)]; n++ {
			moved = strings.TrimSuffix(p.URL, "/") + "-page-" + strconv.Itoa(n) + "/"
		}
		p.URL = moved
		used[strings.ToLower(moved)] = true
		diags.Warnf(file, line, line, "rename the file or its folder to choose its address",
			"page would be written to %s, where kb writes a page of its own (目次, role and level lists, 改版履歴, search); it is written to %s instead", was, p.OutFile())
	}
}
