// Package layout recognises books written for other tools by the
// configuration file at their root — mdBook's book.toml, Honkit's and
// GitBook's book.json, MkDocs' mkdocs.yml, VitePress's .vitepress/ — and
// reads from it where the pages are, the book's title and language, and
// its order where that is data (MkDocs' nav).
package layout

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/srcfs"
)

// Info is what a book's own configuration says.
type Info struct {
	// Name is the tool ("mdBook", "Honkit", "MkDocs", "VitePress"); "" when none was found.
	Name string
	// File is the configuration file read, relative to the root.
	File string
	// ContentDir is the site-relative folder of the pages.
	ContentDir string
	Title      string
	Language   string
	Author     string
	// Description is the book's description, if it gives one.
	Description string
	// Vars are Honkit's variables, read by {{ book.x }}.
	Vars map[string]any
	// Summary is the content-relative table of contents file, when the tool names one.
	Summary string
	// SummaryText is the order from MkDocs' nav, in SUMMARY.md's grammar,
	// one entry on the line of mkdocs.yml it comes from.
	SummaryText []byte
}

// configFiles are the files whose change may change what Detect finds.
var configFiles = []string{"book.toml", "book.json", "mkdocs.yml", "mkdocs.yaml"}

// IsConfig reports whether the site-relative path p is a file Detect reads.
func IsConfig(p string) bool {
	for _, f := range configFiles {
		if p == f {
			return true
		}
	}
	return strings.HasPrefix(p, ".vitepress/config.")
}

// Detect looks for another tool's configuration at root. Problems reading
// one are added to diags; an Info with an empty Name means none was found.
func Detect(root string, diags *diag.List) Info {
	src, err := srcfs.Open(root)
	if err != nil {
		return Info{}
	}
	defer src.Close()
	// Only regular files inside the site are read: a link to a file
	// elsewhere would put its lines into diagnostics.
	read := func(name string) ([]byte, bool) {
		data, err := src.ReadFile(name, 1<<20)
		if err != nil {
			return nil, false
		}
		return diag.UnifyLineEnds(data), true
	}
	if src, ok := read("book.toml"); ok {
		return mdBook(src, diags)
	}
	if src, ok := read("book.json"); ok {
		return honkit(src, diags)
	}
	for _, name := range []string{"mkdocs.yml", "mkdocs.yaml"} {
		if src, ok := read(name); ok {
			return mkDocs(name, src, diags)
		}
	}
	for _, name := range []string{"config.mts", "config.ts", "config.mjs", "config.js"} {
		if src, ok := read(filepath.Join(".vitepress", name)); ok {
			return vitePress(".vitepress/"+name, string(src))
		}
	}
	if info, err := os.Stat(filepath.Join(root, ".vitepress")); err == nil && info.IsDir() {
		return Info{Name: "VitePress", File: ".vitepress/", ContentDir: "."}
	}
	return Info{}
}

// mdBook reads book.toml: [book] src, title, language, authors, description.
func mdBook(src []byte, diags *diag.List) Info {
	info := Info{Name: "mdBook", File: "book.toml", ContentDir: "src"}
	var conf struct {
		Book struct {
			Src         string   `toml:"src"`
			Title       string   `toml:"title"`
			Language    string   `toml:"language"`
			Authors     []string `toml:"authors"`
			Description string   `toml:"description"`
		} `toml:"book"`
	}
	if _, err := toml.Decode(string(src), &conf); err != nil {
		line, col := 0, 0
		var perr toml.ParseError
		if pe, ok := err.(toml.ParseError); ok {
			perr = pe
			line, col = perr.Position.Line, perr.Position.Col
		}
		diags.Add(diag.Diagnostic{File: info.File, Line: line, Col: col, Msg: "cannot read book.toml: " + firstLine(err.Error()),
			Hint: "fix the TOML; kb reads [book] src, title, language, authors and description", Source: diag.LineText(src, line)})
		return info
	}
	b := conf.Book
	if b.Src != "" {
		info.ContentDir = cleanDir(b.Src)
	}
	info.Title, info.Language, info.Description = b.Title, b.Language, b.Description
	if len(b.Authors) > 0 {
		info.Author = strings.Join(b.Authors, ", ")
	}
	return info
}

// honkit reads book.json: root, title, language, author, description,
// variables, structure.summary.
func honkit(src []byte, diags *diag.List) Info {
	info := Info{Name: "Honkit", File: "book.json", ContentDir: "."}
	var conf struct {
		Root        string         `json:"root"`
		Title       string         `json:"title"`
		Language    string         `json:"language"`
		Author      string         `json:"author"`
		Description string         `json:"description"`
		Variables   map[string]any `json:"variables"`
		Structure   struct {
			Summary string `json:"summary"`
		} `json:"structure"`
	}
	if err := json.Unmarshal(src, &conf); err != nil {
		line, col := 0, 0
		if serr, ok := err.(*json.SyntaxError); ok {
			line, col = diag.Position(src, int(serr.Offset))
		}
		diags.Add(diag.Diagnostic{File: info.File, Line: line, Col: col, Msg: "cannot read book.json: " + err.Error(),
			Hint: "fix the JSON; kb reads root, title, language, author, description, variables and structure.summary", Source: diag.LineText(src, line)})
		return info
	}
	if conf.Root != "" {
		info.ContentDir = cleanDir(conf.Root)
	}
	info.Title, info.Language, info.Author, info.Description = conf.Title, conf.Language, conf.Author, conf.Description
	info.Vars, info.Summary = conf.Variables, conf.Structure.Summary
	return info
}

// vitePress reads srcDir, title, description and lang from the config
// script by pattern: it is code, which kb does not run.
func vitePress(file, src string) Info {
	info := Info{Name: "VitePress", File: file, ContentDir: "."}
	field := func(name string) string {
		m := regexp.MustCompile(`(?m)^\s{0,4}` + name + `\s*:\s*['"` + "`" + `]([^'"` + "`" + `]*)['"` + "`" + `]`).FindStringSubmatch(src)
		if m == nil {
			return ""
		}
		return m[1]
	}
	if dir := field("srcDir"); dir != "" {
		info.ContentDir = cleanDir(dir)
	}
	info.Title, info.Description = field("title"), field("description")
	if lang := field("lang"); lang != "" {
		info.Language = strings.ToLower(strings.SplitN(lang, "-", 2)[0])
	}
	return info
}

// mkDocs reads mkdocs.yml: docs_dir, site_name, site_description,
// site_author, theme.language and nav. It walks the syntax tree, because
// MkDocs files carry Python tags (!!python/name:…) that no decoder takes.
func mkDocs(file string, src []byte, diags *diag.List) (info Info) {
	info = Info{Name: "MkDocs", File: file, ContentDir: "docs"}
	defer func() {
		if r := recover(); r != nil {
			diags.Add(diag.Diagnostic{File: file, Severity: diag.SeverityWarning, Msg: fmt.Sprintf("cannot read %s: %v", file, r),
				Hint: "kb reads docs_dir, site_name, site_description, site_author, theme.language and nav"})
		}
	}()
	tree, err := parser.ParseBytes(blankTags(src), 0)
	if err != nil || len(tree.Docs) == 0 {
		line := 0
		msg := "empty file"
		if err != nil {
			msg = firstLine(err.Error())
		}
		diags.Add(diag.Diagnostic{File: file, Line: line, Severity: diag.SeverityWarning, Msg: "cannot read " + file + ": " + msg,
			Hint: "fix the YAML; kb reads docs_dir, site_name, site_description, site_author, theme.language and nav"})
		return info
	}
	top := mapping(tree.Docs[0].Body)
	if top == nil {
		return info
	}
	for _, kv := range top.Values {
		switch kv.Key.GetToken().Value {
		case "docs_dir":
			info.ContentDir = cleanDir(scalar(kv.Value))
		case "site_name":
			info.Title = scalar(kv.Value)
		case "site_description":
			info.Description = scalar(kv.Value)
		case "site_author":
			info.Author = scalar(kv.Value)
		case "theme":
			if m := mapping(kv.Value); m != nil {
				for _, t := range m.Values {
					if t.Key.GetToken().Value == "language" {
						info.Language = scalar(t.Value)
					}
				}
			}
		case "nav":
			lines := make([]string, strings.Count(string(src), "\n")+1)
			if seq, ok := kv.Value.(*ast.SequenceNode); ok {
				navLines(seq, 0, lines)
				info.SummaryText = []byte(strings.Join(lines, "\n"))
			}
		}
	}
	return info
}

// yamlTag matches a YAML tag such as !!python/name:mod.func or !ENV.
var yamlTag = regexp.MustCompile(`(?m)(^|[\s:\-\[,])(!!?[A-Za-z][\w/.:-]*)`)

// blankTags replaces the tags in src by spaces, keeping positions: MkDocs'
// Python tags are not YAML that go-yaml reads, and kb needs none of them.
func blankTags(src []byte) []byte {
	return yamlTag.ReplaceAllFunc(src, func(m []byte) []byte {
		sub := yamlTag.FindSubmatchIndex(m)
		out := []byte(string(m))
		for i := sub[4]; i < sub[5]; i++ {
			out[i] = ' '
		}
		return out
	})
}

// navLines writes the entries of a nav list into lines, each on the line
// of its node, nested by depth. A section without a page of its own takes
// the folder page among its children (index.md, README.md), or else its
// children move up a level.
func navLines(seq *ast.SequenceNode, depth int, lines []string) {
	for _, item := range seq.Values {
		title, target := "", ""
		var children *ast.SequenceNode
		switch n := item.(type) {
		case *ast.StringNode, *ast.LiteralNode:
			target = scalar(n)
			title = strings.TrimSuffix(path.Base(target), path.Ext(target))
		default:
			m := mapping(n)
			if m == nil || len(m.Values) == 0 {
				continue
			}
			kv := m.Values[0]
			title = kv.Key.GetToken().Value
			if s, ok := kv.Value.(*ast.SequenceNode); ok {
				children = s
			} else {
				target = scalar(kv.Value)
			}
		}
		line := item.GetToken().Position.Line
		if children != nil {
			if idx := folderPage(children); idx != nil {
				lines[line-1] = entry(depth, title, scalar(idx.value))
				navLines(withoutItem(children, idx.item), depth+1, lines)
			} else {
				navLines(children, depth, lines)
			}
			continue
		}
		if strings.Contains(target, "://") || target == "" {
			continue // an external link in the nav
		}
		lines[line-1] = entry(depth, title, target)
	}
}

// navPage is a nav item that names a page.
type navPage struct {
	item  ast.Node
	value ast.Node
}

// folderPage returns the child of a nav section that is a folder page.
func folderPage(children *ast.SequenceNode) *navPage {
	for _, c := range children.Values {
		var value ast.Node = c
		if m := mapping(c); m != nil && len(m.Values) > 0 {
			value = m.Values[0].Value
		}
		if _, isSeq := value.(*ast.SequenceNode); isSeq {
			continue
		}
		base := path.Base(scalar(value))
		if base == "index.md" || base == "README.md" || base == "_index.md" {
			return &navPage{item: c, value: value}
		}
	}
	return nil
}

func withoutItem(seq *ast.SequenceNode, item ast.Node) *ast.SequenceNode {
	out := &ast.SequenceNode{BaseNode: seq.BaseNode, Start: seq.Start}
	for _, v := range seq.Values {
		if v != item {
			out.Values = append(out.Values, v)
		}
	}
	return out
}

func entry(depth int, title, target string) string {
	title = strings.NewReplacer("[", `\[`, "]", `\]`).Replace(title)
	return strings.Repeat("    ", depth) + "- [" + title + "](" + target + ")"
}

func mapping(n ast.Node) *ast.MappingNode {
	switch n := n.(type) {
	case *ast.MappingNode:
		return n
	case *ast.MappingValueNode:
		return &ast.MappingNode{Values: []*ast.MappingValueNode{n}}
	case *ast.TagNode:
		return mapping(n.Value)
	}
	return nil
}

func scalar(n ast.Node) string {
	if n == nil || n.GetToken() == nil {
		return ""
	}
	if t, ok := n.(*ast.TagNode); ok {
		return scalar(t.Value)
	}
	return n.GetToken().Value
}

// cleanDir makes a configured folder site-relative with forward slashes.
func cleanDir(dir string) string {
	dir = path.Clean(filepath.ToSlash(strings.TrimPrefix(dir, "./")))
	if dir == "" {
		return "."
	}
	return dir
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
