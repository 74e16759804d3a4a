package content

import (
	"bytes"
	"cmp"
	"errors"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/diag"
)

// SummaryName is the optional file at the content root that fixes the book's order.
const SummaryName = "SUMMARY.md"

var (
	summaryItem   = regexp.MustCompile(`^(\s*)[-*+]\s+\[(.*)\]\((.*)\)\s*$`)
	summaryLink   = regexp.MustCompile(`^\[(.*)\]\((.*)\)\s*$`)
	summaryRule   = regexp.MustCompile(`^-{3,}\s*$`)
	summaryHeader = regexp.MustCompile(`^#{1,6}\s`)
)

// loadSummary builds the tree from SUMMARY.md with mdBook's grammar:
//
//	# Title                      (ignored; part titles too)
//	[Prefix](intro.md)           unnumbered chapters before the list
//	- [Chapter](ch1/_index.md)   numbered chapters; indentation nests them
//	    - [Page](ch1/page.md)
//	- [Draft]()                  a draft: listed nowhere, built nowhere
//	---                          separator (ignored)
//	[Suffix](faq.md)             unnumbered chapters after the list
//
// Pages that SUMMARY.md does not list are not built, as in mdBook.
func loadSummary(base *sources, file string, src []byte, root *Page, diags *diag.List) {
	dir := base.dir
	type level struct {
		indent int
		page   *Page
	}
	var stack []level
	seen := map[string]int{}
	for i, line := range strings.Split(string(BlankComments(src)), "\n") {
		n := i + 1
		line = strings.TrimRight(line, "\r")
		trimmed := strings.TrimSpace(line)
		var title, target string
		indent := -1
		switch {
		case trimmed == "" || summaryRule.MatchString(trimmed) || summaryHeader.MatchString(trimmed):
			continue
		case summaryItem.MatchString(line):
			m := summaryItem.FindStringSubmatch(line)
			indent, title, target = len(strings.ReplaceAll(m[1], "\t", "    ")), m[2], m[3]
		case summaryLink.MatchString(trimmed):
			m := summaryLink.FindStringSubmatch(trimmed)
			title, target = m[1], m[2]
		default:
			diags.Add(diag.Diagnostic{File: file, Line: n, Col: 1, Msg: "unrecognised line in SUMMARY.md",
				Hint: "write [Title](page.md) for a prefix or suffix chapter, or - [Title](page.md) in the numbered list", Source: line})
			continue
		}
		if target == "" {
			continue // a draft chapter
		}
		col := 1 + len([]rune(line[:strings.Index(line, "](")+2]))
		if !strings.EqualFold(path.Ext(file), ".md") {
			col = 0 // a table of contents made from another file (mkdocs.yml): only the line is its
		}
		rel := summaryPath(base, target)
		if strings.HasPrefix(rel, "../") || path.IsAbs(rel) || !strings.EqualFold(path.Ext(rel), ".md") {
			diags.Add(diag.Diagnostic{File: file, Line: n, Col: col, Msg: path.Base(file) + " entry " + target + " is not a Markdown file under " + dir + "/",
				Hint: "list pages by their path relative to content/", Source: line})
			continue
		}
		if first, dup := seen[rel]; dup {
			diags.Addf(file, n, col, "list each page once", "%s is already listed on line %d", target, first)
			continue
		}
		seen[rel] = n
		if hidden(rel) {
			diags.Add(diag.Diagnostic{File: file, Line: n, Col: col, Msg: path.Base(file) + " lists " + target + ", which is in a hidden folder",
				Hint: "kb never reads names that start with a dot; move the page", Source: line})
			continue
		}
		if _, err := base.root.Lstat(base.path(rel)); errors.Is(err, fs.ErrNotExist) {
			diags.Add(diag.Diagnostic{File: file, Line: n, Col: col, Msg: path.Base(file) + " lists missing page " + target,
				Hint: "create the file or fix the path", Source: line})
			continue
		}
		if path.Dir(rel) == "." && IsIndexName(rel) {
			// The top page, which mdBook lists as the first chapter.
			if root.Synthesized {
				if page := loadPage(base, rel, diags); page != nil {
					root.setIndex(page)
				}
			}
			continue
		}
		page := loadPage(base, rel, diags)
		if page == nil || page.Front.Draft {
			continue
		}
		if page.Front.Title == "" {
			page.Front.Title = title
		}
		if indent < 0 {
			// Prefix and suffix chapters are unnumbered and never nest.
			page.Front.Number.Off = true
			root.Children = append(root.Children, page)
			stack = stack[:0]
			continue
		}
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
		parent := root
		if len(stack) > 0 {
			parent = stack[len(stack)-1].page
			parent.IsSection = true
		}
		parent.Children = append(parent.Children, page)
		stack = append(stack, level{indent, page})
	}
}

// readSummary returns the book's table of contents and its site-relative
// file: one the layout made (from MkDocs' nav), the file the configuration
// names, or SUMMARY.md at the content root, if there is one.
func readSummary(base *sources, cfg config.Config, diags *diag.List) ([]byte, string, bool) {
	if cfg.SummaryText != nil {
		return cfg.SummaryText, cfg.SummaryFrom, true
	}
	name := cmp.Or(cfg.Summary, SummaryName)
	src, err := base.root.ReadFile(base.path(name), base.maxPage)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", false
	}
	if err != nil {
		diags.Addf(base.path(name), 0, 0, "make it a regular file inside the site", "cannot read %s: %v", name, err)
		return nil, "", false
	}
	return diag.UnifyLineEnds(bytes.TrimPrefix(src, []byte("\ufeff"))), base.path(name), true
}

// summaryPath returns the content-relative Markdown file a SUMMARY.md entry
// names: x.html and x (as Honkit and GitBook write them) are x.md when it exists.
func summaryPath(base *sources, target string) string {
	rel := path.Clean(strings.TrimPrefix(target, "./"))
	if u, err := url.PathUnescape(rel); err == nil {
		rel = u
	}
	ext := strings.ToLower(path.Ext(rel))
	if ext == ".md" {
		return rel
	}
	stem := rel
	if ext == ".html" || ext == ".htm" {
		stem = strings.TrimSuffix(rel, path.Ext(rel))
	} else if ext != "" {
		return rel
	}
	for _, cand := range []string{stem + ".md", path.Join(stem, "README.md"), path.Join(stem, "index.md")} {
		if _, err := base.root.Stat(base.path(cand)); err == nil {
			return cand
		}
	}
	return rel
}

// BlankComments returns src with every HTML comment (<!-- … -->) replaced by
// spaces, keeping its line feeds, so that positions after it stay valid.
func BlankComments(src []byte) []byte {
	i := bytes.Index(src, []byte("<!--"))
	if i < 0 {
		return src
	}
	out := bytes.Clone(src)
	for i >= 0 {
		end := bytes.Index(out[i+4:], []byte("-->"))
		stop := len(out)
		if end >= 0 {
			stop = i + 4 + end + 3
		}
		for j := i; j < stop; j++ {
			if out[j] != '\n' {
				out[j] = ' '
			}
		}
		next := bytes.Index(out[stop:], []byte("<!--"))
		if next < 0 {
			break
		}
		i = stop + next
	}
	return out
}
