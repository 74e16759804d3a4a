package layout

import (
	"path"
	"regexp"
	"strings"
)

// sidebarToken matches what VitePressSidebar follows in a config script:
// text and link strings, the opening of an items list, braces and brackets.
var sidebarToken = regexp.MustCompile("(text|link)\\s*:\\s*(?:'([^']*)'|\"([^\"]*)\"|`([^`]*)`)|items\\s*:\\s*\\[|[{}\\[\\]]")

// VitePressSidebar reads the sidebar of a VitePress config script as a
// table of contents in SUMMARY.md's grammar, or "" when it has none. The
// script is read as text, not run: entries written as literals are found,
// ones computed by code are not. A group without a link of its own lends
// nothing; its entries move up a level.
func VitePressSidebar(src string) string {
	start := regexp.MustCompile(`sidebar\s*:\s*`).FindStringIndex(src)
	if start == nil {
		return ""
	}
	type item struct {
		text, link string
		emitted    bool
	}
	var (
		out    strings.Builder
		items  []*item
		arrays []bool // for each open [, whether it is an items list that nests
		depth  int
		open   int
	)
	emit := func(it *item) {
		if it.emitted || it.text == "" || it.link == "" || strings.Contains(it.link, "://") {
			return
		}
		it.emitted = true
		out.WriteString(strings.Repeat("    ", depth) + "- [" + it.text + "](" + sidebarFile(it.link) + ")\n")
	}
	for _, loc := range sidebarToken.FindAllStringSubmatchIndex(src[start[1]:], -1) {
		tok := src[start[1]+loc[0] : start[1]+loc[1]]
		switch {
		case tok == "{" || tok == "[":
			open++
			if tok == "{" {
				items = append(items, &item{})
			} else {
				arrays = append(arrays, false)
			}
		case tok == "}" || tok == "]":
			open--
			if tok == "}" && len(items) > 0 {
				emit(items[len(items)-1])
				items = items[:len(items)-1]
			} else if tok == "]" && len(arrays) > 0 {
				if arrays[len(arrays)-1] {
					depth--
				}
				arrays = arrays[:len(arrays)-1]
			}
		case strings.HasPrefix(tok, "items"):
			open++
			nests := false
			if len(items) > 0 {
				top := items[len(items)-1]
				emit(top)
				nests = top.emitted
			}
			if nests {
				depth++
			}
			arrays = append(arrays, nests)
		default:
			value := ""
			for g := 2; g <= 4; g++ {
				if loc[2*g] >= 0 {
					value = src[start[1]+loc[2*g] : start[1]+loc[2*g+1]]
				}
			}
			if len(items) > 0 {
				if strings.HasPrefix(tok, "text") {
					items[len(items)-1].text = value
				} else {
					items[len(items)-1].link = value
				}
			}
		}
		if open == 0 {
			break
		}
	}
	return out.String()
}

// sidebarFile turns a VitePress link ("/guide/start", "/guide/") into the
// content-relative Markdown file it shows.
func sidebarFile(link string) string {
	link, _, _ = strings.Cut(link, "#")
	link = strings.TrimPrefix(link, "/")
	switch {
	case link == "" || strings.HasSuffix(link, "/"):
		return link + "index.md"
	case strings.HasSuffix(link, ".html"):
		return strings.TrimSuffix(link, ".html") + ".md"
	case path.Ext(link) == ".md":
		return link
	}
	return link + ".md"
}
