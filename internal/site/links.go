package site

import (
	"cmp"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/diag"
)

// resolution is the outcome of resolving one destination from one folder.
type resolution struct {
	target        Target
	problem, hint string
}

// resolveLinks classifies every link of p and reports each one that leads
// nowhere. cache holds what was resolved for other pages: a relative
// destination means the same from every page of a folder.
func (s *Site) resolveLinks(p *Page, cache map[string]resolution, diags *diag.List) {
	p.links = make(map[string]link, len(p.Doc.Links))
	p.files, p.anchored = nil, nil
	for _, l := range p.Doc.Links {
		key := p.Source.Dir() + "\x00" + l.Dest
		if strings.HasPrefix(l.Dest, "#") {
			key = p.Source.Path + "\x00" + l.Dest
		}
		r, ok := cache[key]
		if !ok {
			r.target, r.problem, r.hint = s.resolve(p, l.Dest, s.fileSet)
			cache[key] = r
		}
		t := r.target
		if r.problem != "" {
			diags.Add(diag.Diagnostic{File: p.Source.File, Line: l.Line, Col: l.Col, Msg: r.problem, Hint: r.hint,
				Source: diag.LineText(p.Source.Body, l.Line-p.Source.BodyLine+1)})
			t = Target{External: l.Dest}
		}
		if t.File != "" && !t.Generated && !slices.Contains(p.files, t.File) {
			p.files = append(p.files, t.File)
		}
		var to string
		if t.Page != nil {
			to, t.Page = t.Page.Source.Path, nil
			if t.Anchor != "" && !slices.Contains(p.anchored, to) {
				p.anchored = append(p.anchored, to)
			}
		}
		p.links[l.Dest] = link{target: t, page: to}
	}
}

// isExternal reports whether dest has a scheme or is protocol-relative.
func isExternal(dest string) bool {
	if strings.HasPrefix(dest, "//") {
		return true
	}
	// A scheme ends at the first colon, before any path, query or fragment;
	// most links are relative paths and need no URL parsing.
	colon := strings.IndexByte(dest, ':')
	if colon < 0 || strings.ContainsAny(dest[:colon], "/?#") {
		return false
	}
	u, err := url.Parse(dest)
	return err == nil && u.Scheme != ""
}

// resolve finds the target of dest written on page p, or explains why there is none.
func (s *Site) resolve(p *Page, dest string, files map[string]bool) (t Target, problem, hint string) {
	if dest == "" {
		return Target{}, "empty link destination", "write the path of a page, e.g. ../07-procedures/05-technical.md"
	}
	if isExternal(dest) {
		return Target{External: dest}, "", ""
	}
	rawPath, anchor, _ := strings.Cut(dest, "#")
	target := rawPath
	if strings.Contains(rawPath, "%") {
		var err error
		if target, err = url.PathUnescape(rawPath); err != nil {
			return Target{}, "malformed link " + dest, "escape the path correctly"
		}
	}
	if strings.Contains(anchor, "%") {
		if a, err := url.PathUnescape(anchor); err == nil {
			anchor = a
		}
	}
	target, _, _ = strings.Cut(target, "?")
	if target == "" {
		return s.pageTarget(p, anchor, dest)
	}
	from := p.Source.Dir()
	if strings.HasPrefix(target, "/") {
		// Site-root links, as mdBook, MkDocs and VitePress resolve them: from
		// the content folder, or for a file from its public/ or static/ folder.
		from, target = ".", strings.TrimLeft(target, "/")
		for _, static := range []string{"public", "static"} {
			if f := path.Join(static, target); files[f] {
				return Target{File: f, Anchor: anchor}, "", ""
			}
		}
	}
	joined := path.Clean(path.Join(from, target))
	if joined == ".." || strings.HasPrefix(joined, "../") {
		return Target{}, "link to " + dest + " leaves the content folder", "link only to files under content/"
	}
	if s.unreadable[joined] {
		return Target{}, "link to " + dest + ", which could not be read", "see the problem reported for " + path.Join(cmp.Or(s.Config.ContentDir, content.Dir), joined)
	}
	ext := strings.ToLower(path.Ext(joined))
	switch {
	case ext == ".md":
		if tp := s.byPath[joined]; tp != nil {
			return s.pageTarget(tp, anchor, dest)
		}
		return Target{}, "link to missing page " + dest, s.suggestPage(p, joined)
	case ext == ".html" || ext == ".htm":
		// A link to the page as another tool publishes it: x.html is x.md, index.html its folder.
		stem := strings.TrimSuffix(joined, path.Ext(joined))
		if path.Base(stem) == "index" {
			stem = path.Dir(stem)
		}
		if tp := s.pageAt(stem); tp != nil {
			return s.pageTarget(tp, anchor, dest)
		}
		if files[joined] {
			return Target{File: joined, Anchor: anchor}, "", ""
		}
		return Target{}, "link to missing page " + dest, s.suggestPage(p, stem+".md")
	case strings.HasSuffix(target, "/") || ext == "" || joined == ".":
		if tp := s.pageAt(joined); tp != nil {
			return s.pageTarget(tp, anchor, dest)
		}
		if files[joined] {
			return Target{File: joined, Anchor: anchor}, "", ""
		}
		return Target{}, "link to missing page " + dest, s.suggestPage(p, joined+".md")
	}
	if files[joined] {
		return Target{File: joined, Anchor: anchor}, "", ""
	}
	if slices.Contains(s.Config.GeneratedFiles(), joined) {
		return Target{File: joined, Generated: true}, "", ""
	}
	return Target{}, "link to missing file " + dest, "put the file under content/ next to the page, or fix the path"
}

// pageAt returns the page a path without extension names: the page stem.md,
// or the landing page of the folder stem.
func (s *Site) pageAt(stem string) *Page {
	if stem == "." {
		return s.Root
	}
	if tp := s.byPath[stem+".md"]; tp != nil {
		return tp
	}
	for _, name := range content.IndexNames {
		if tp := s.byPath[path.Join(stem, name)]; tp != nil {
			return tp
		}
	}
	return nil
}

// pageTarget checks that anchor exists on tp.
func (s *Site) pageTarget(tp *Page, anchor, dest string) (Target, string, string) {
	t := Target{Page: tp, Anchor: anchor}
	if anchor == "" {
		return t, "", ""
	}
	if tp.hasID(anchor) {
		return t, "", ""
	}
	ids := pageIDs(tp)
	hint := "anchors on that page: " + strings.Join(firstN(ids, 6), ", ")
	if sug := diag.Suggest(anchor, ids); sug != "" {
		hint = "did you mean #" + sug + "?"
	}
	return Target{}, "link to missing anchor " + dest + " in " + tp.Source.File, hint
}

// hasID reports whether a link can point at id on the page.
func (p *Page) hasID(id string) bool {
	return id != "" && p.Doc.HasAnchor(id)
}

// pageIDs lists the IDs a link can point at on a page: headings, figures and glossary entries.
func pageIDs(p *Page) []string {
	var ids []string
	if p.Doc.TitleID != "" {
		ids = append(ids, p.Doc.TitleID)
	}
	for _, h := range p.Doc.Headings {
		ids = append(ids, h.ID)
	}
	for _, f := range p.Figures {
		if f.ID != "" {
			ids = append(ids, f.ID)
		}
	}
	ids = append(ids, p.Doc.TermIDs()...)
	return ids
}

func firstN(list []string, n int) []string {
	if len(list) > n {
		return append(slices.Clone(list[:n]), "…")
	}
	return list
}

// suggestPage proposes the page whose path is closest to the missing one,
// written relative to the linking page.
func (s *Site) suggestPage(from *Page, missing string) string {
	var paths []string
	for _, p := range s.Pages {
		paths = append(paths, p.Source.Path)
	}
	best := diag.Suggest(missing, paths)
	if best == "" {
		// Fall back to the same file name anywhere in the book.
		for _, p := range paths {
			if path.Base(p) == path.Base(missing) {
				best = p
				break
			}
		}
	}
	if best == "" {
		return "check the file name; pages are .md files under content/"
	}
	return "did you mean " + relPath(from.Source.Dir(), best) + "?"
}

// relPath writes target (content-relative) relative to the folder dir.
func relPath(dir, target string) string {
	if dir == "." {
		return target
	}
	from := strings.Split(dir, "/")
	to := strings.Split(target, "/")
	common := 0
	for common < len(from) && common < len(to)-1 && from[common] == to[common] {
		common++
	}
	return strings.Repeat("../", len(from)-common) + strings.Join(to[common:], "/")
}
