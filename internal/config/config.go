// Package config reads kb.yaml, the optional site configuration, and fills in
// defaults so that a bare folder of Markdown builds without one.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/layout"
	"github.com/kb-handbook/kb/internal/srcfs"
)

// FileName is the configuration file at the site root.
const FileName = "kb.yaml"

// Config is the site configuration.
type Config struct {
	Title       string            `yaml:"title"`
	Language    string            `yaml:"language"`
	Version     string            `yaml:"version"`
	Author      string            `yaml:"author"`
	Publisher   string            `yaml:"publisher"`
	Description string            `yaml:"description"`
	BaseURL     string            `yaml:"base_url"`
	Modified    string            `yaml:"modified"` // RFC 3339; the EPUB's dcterms:modified
	Roles       map[string]string `yaml:"roles"`    // role id → Japanese label
	Levels      map[int]string    `yaml:"levels"`   // level → label
	UnsafeHTML  bool              `yaml:"unsafe_html"`
	Glossary    string            `yaml:"glossary"`  // content-relative path of the glossary page
	Annexes     []string          `yaml:"annexes"`   // top-level folders numbered A, B, C …
	EPUBFile    string            `yaml:"epub_file"` // the EPUB's path in the output
	Editions    []Edition         `yaml:"editions"`
	// MaxPageSize is the largest page file kb reads, in bytes; 0 means DefaultMaxPageSize.
	MaxPageSize int64 `yaml:"max_page_size"`
	// MaxNesting is how deep lists and block quotes may nest; 0 means DefaultMaxNesting.
	MaxNesting int `yaml:"max_nesting"`
	// Callouts declare callout kinds beyond the built-in ones, or relabel them.
	Callouts []Callout `yaml:"callouts"`
	// Variables are the values {{ book.name }} stands for in pages, as in Honkit.
	Variables map[string]any `yaml:"variables"`
	// HeadingIDs is the rule heading IDs are made by: "github" (the
	// default) or "vitepress".
	HeadingIDs string `yaml:"heading_ids"`
	// ContentDir is the site-relative folder of the pages ("content").
	ContentDir string `yaml:"content_dir"`
	// Summary is the content-relative file that fixes the book's order (SUMMARY.md).
	Summary string `yaml:"summary"`
	// Search holds the settings of search.
	Search Search `yaml:"search"`
	// Synonyms are the groups of the synonyms file (Search.Synonyms).
	Synonyms [][]string `yaml:"-"`
	// Layout names the kind of book found at the root ("mdBook", "MkDocs" …), or "".
	Layout string `yaml:"-"`
	// LayoutFile is the configuration file of that tool, relative to the root.
	LayoutFile string `yaml:"-"`
	// SummaryText is a table of contents in SUMMARY.md's grammar made from
	// the layout's configuration (MkDocs' nav), and SummaryFrom the file
	// that holds it, for diagnostics.
	SummaryText []byte `yaml:"-"`
	SummaryFrom string `yaml:"-"`
	// roleOrder keeps the roles in the order kb.yaml lists them.
	roleOrder []string
	// src is the text of kb.yaml, for placing problems found after loading.
	src []byte
}

// Limits that keep a build's time and memory in proportion to its sources.
const (
	DefaultMaxPageSize = 5 << 20
	DefaultMaxNesting  = 100
)

// PageSizeLimit is the largest page file kb reads, in bytes.
func (c Config) PageSizeLimit() int64 {
	if c.MaxPageSize > 0 {
		return c.MaxPageSize
	}
	return DefaultMaxPageSize
}

// NestingLimit is how deep lists and block quotes may nest on a page.
func (c Config) NestingLimit() int {
	if c.MaxNesting > 0 {
		return c.MaxNesting
	}
	return DefaultMaxNesting
}

// Search holds the settings of search in kb.yaml.
type Search struct {
	// Synonyms is the site-relative path of a synonyms file: one group
	// of terms a line, separated by commas (, or 、); a query for one
	// term of a group finds the others too. Lines starting with # are
	// comments.
	Synonyms string `yaml:"synonyms"`
}

// maxSynonymsFile bounds the synonyms file kb reads.
const maxSynonymsFile = 1 << 20

// Callout is a callout kind declared in kb.yaml: "> [!KIND]" in pages.
type Callout struct {
	Kind  string `yaml:"kind"`
	Label string `yaml:"label"` // shown to readers; the kind when empty
	Class string `yaml:"class"` // the stylesheet's class, callout-<class>; the kind in lower case when empty
}

// calloutClass is what a callout's class may be.
var calloutClass = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Edition is an extra EPUB holding only the pages for some roles.
type Edition struct {
	ID    string   `yaml:"id"`
	Title string   `yaml:"title"`
	Roles []string `yaml:"roles"`
}

// File is the edition's EPUB path in the output: handbook-<id>.epub.
func (e Edition) File(c Config) string {
	return strings.TrimSuffix(c.EPUBFile, ".epub") + "-" + e.ID + ".epub"
}

// GeneratedFiles lists the outputs besides pages that content may link to,
// relative to the output root.
func (c Config) GeneratedFiles() []string {
	files := []string{c.EPUBFile}
	for _, e := range c.Editions {
		files = append(files, e.File(c))
	}
	return files
}

// Default returns the configuration used when kb.yaml is absent.
func Default() Config {
	return Config{
		Title:     "ナレッジベース",
		Language:  "ja",
		Version:   "0.0.0",
		Author:    "kb",
		Publisher: "kb",
		BaseURL:   "/",
		Modified:  "2000-01-01T00:00:00Z",
		Roles:     map[string]string{},
		Levels:    map[int]string{1: "LV.1", 2: "LV.2", 3: "LV.3"},
		Glossary:  "annex/glossary.md",
		Annexes:   []string{"annex", "appendix"},
		EPUBFile:  "book.epub",
	}
}

// Load reads root/kb.yaml over the defaults. A missing file is not an error;
// any other problem is reported as a diagnostic naming the file and position.
//
// A book written for another tool (book.toml, book.json, mkdocs.yml,
// .vitepress/) is recognised at root: what its configuration says comes
// first, and kb.yaml, when there is one, wins over it.
func Load(root string, diags *diag.List) Config {
	cfg := Default()
	if info := layout.Detect(root, diags); info.Name != "" {
		cfg = withLayout(cfg, info)
	}
	src, err := readFile(root)
	if errors.Is(err, fs.ErrNotExist) {
		return cfg
	}
	if err != nil {
		diags.Addf(FileName, 0, 0, "check the file's permissions", "cannot read configuration: %v", err)
		return cfg
	}
	cfg = parseOver(cfg, src, diags)
	if cfg.Search.Synonyms != "" {
		cfg.Synonyms = loadSynonyms(root, cfg, diags)
	}
	return cfg
}

// loadSynonyms reads the synonyms file kb.yaml names.
func loadSynonyms(root string, cfg Config, diags *diag.List) [][]string {
	file := cfg.Search.Synonyms
	r, err := srcfs.Open(root)
	if err == nil {
		defer r.Close()
		var src []byte
		if src, err = r.ReadFile(file, maxSynonymsFile); err == nil {
			return ParseSynonyms(file, src, diags)
		}
	}
	hint := "give the path of a text file inside the site, relative to kb.yaml"
	if errors.Is(err, fs.ErrNotExist) {
		diags.Add(cfg.Problem("$.search.synonyms", hint, "search.synonyms: %s does not exist", file))
	} else {
		diags.Add(cfg.Problem("$.search.synonyms", hint, "search.synonyms: cannot read %s: %v", file, err))
	}
	return nil
}

// ParseSynonyms reads a synonyms file: one group of terms a line,
// separated by commas (",", "、" or "，"), blank lines and lines starting
// with # ignored. Problems are reported at file:line:column.
func ParseSynonyms(file string, src []byte, diags *diag.List) [][]string {
	var groups [][]string
	src = diag.UnifyLineEnds(src)
	if !utf8.Valid(src) {
		diags.Addf(file, 1, 1, "save the file as UTF-8", "the synonyms file is not UTF-8 text")
		return nil
	}
	for i, line := range strings.Split(string(src), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		var group []string
		col := 1
		bad := false
		for _, part := range splitSynonyms(line) {
			term := strings.TrimSpace(part)
			at := col + utf8.RuneCountInString(part) - utf8.RuneCountInString(strings.TrimLeftFunc(part, unicode.IsSpace))
			col += utf8.RuneCountInString(part) + 1
			switch {
			case term == "":
				diags.Add(diag.Diagnostic{File: file, Line: i + 1, Col: at, Msg: "empty term in a synonym group",
					Hint: "write the terms of a group on one line, separated by single commas", Source: line})
				bad = true
			case slices.Contains(group, term):
				diags.Add(diag.Diagnostic{File: file, Line: i + 1, Col: at, Severity: diag.SeverityWarning,
					Msg: fmt.Sprintf("%q is twice in its group", term), Hint: "remove one", Source: line})
			default:
				group = append(group, term)
			}
		}
		if bad {
			continue
		}
		if len(group) < 2 {
			diags.Add(diag.Diagnostic{File: file, Line: i + 1, Col: 1,
				Msg:  "a synonym group needs at least two terms",
				Hint: "separate the terms with commas, such as: 多要素認証, MFA", Source: line})
			continue
		}
		groups = append(groups, group)
	}
	return groups
}

// splitSynonyms splits a line at the commas that separate terms.
func splitSynonyms(line string) []string {
	var parts []string
	start := 0
	for i, r := range line {
		if r == ',' || r == '、' || r == '，' {
			parts = append(parts, line[start:i])
			start = i + utf8.RuneLen(r)
		}
	}
	return append(parts, line[start:])
}

// withLayout sets in cfg what a book's own configuration says.
func withLayout(cfg Config, info layout.Info) Config {
	cfg.Layout, cfg.LayoutFile = info.Name, info.File
	cfg.ContentDir = info.ContentDir
	cfg.Title = cmp.Or(info.Title, cfg.Title)
	cfg.Language = cmp.Or(info.Language, cfg.Language)
	cfg.Author = cmp.Or(info.Author, cfg.Author)
	cfg.Description = cmp.Or(info.Description, cfg.Description)
	cfg.Variables = info.Vars
	cfg.Summary = info.Summary
	cfg.HeadingIDs = info.HeadingIDs
	if info.SummaryText != nil {
		cfg.SummaryText, cfg.SummaryFrom = info.SummaryText, info.File
	}
	return cfg
}

// readFile reads kb.yaml if it is a regular file inside root: a link that
// leads elsewhere would print another file's lines in diagnostics.
func readFile(root string) ([]byte, error) {
	r, err := srcfs.Open(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.ReadFile(FileName, 1<<20)
}

// Parse reads the text of a kb.yaml over the defaults, reporting problems
// as diagnostics on kb.yaml. With a problem in the YAML itself, it returns
// the defaults.
func Parse(src []byte, diags *diag.List) Config {
	return parseOver(Default(), src, diags)
}

// parseOver reads the text of a kb.yaml over base.
func parseOver(base Config, src []byte, diags *diag.List) Config {
	src = diag.UnifyLineEnds(src)
	cfg := base
	if err := DecodeYAML(src, &cfg); err != nil {
		line, col, msg := YAMLErrorPosition(err)
		diags.Add(diag.Diagnostic{File: FileName, Line: line, Col: col, Msg: "invalid configuration: " + msg,
			Hint:   "known keys: title, language, version, author, publisher, description, base_url, modified, roles, levels, unsafe_html, glossary, annexes, epub_file, editions, callouts, max_page_size, max_nesting, variables, content_dir, summary, search",
			Source: diag.LineText(src, line)})
		return base
	}
	var ordered struct {
		Roles yaml.MapSlice `yaml:"roles"`
	}
	if decode(src, &ordered) == nil {
		for _, item := range ordered.Roles {
			cfg.roleOrder = append(cfg.roleOrder, fmt.Sprint(item.Key))
		}
	}
	// A version written as a number (1.0, 2.10) keeps its digits as written,
	// which the decoder would read as a number and print as 1 and 2.1.
	if text, ok := scalarText(src, "$.version"); ok {
		cfg.Version = text
	}
	if !strings.HasSuffix(cfg.BaseURL, "/") {
		cfg.BaseURL += "/"
	}
	if cfg.Roles == nil {
		cfg.Roles = map[string]string{}
	}
	cfg.src = src
	check(src, cfg, diags)
	return cfg
}

// Problem returns a diagnostic on the value at a YAML path of kb.yaml
// ("$.editions[0].roles"), placed at its line and column, for problems that
// the later stages find in the configuration.
func (c Config) Problem(path, hint, format string, args ...any) diag.Diagnostic {
	line, col := locator(c.src)(path)
	return diag.Diagnostic{File: FileName, Line: line, Col: col, Hint: hint,
		Msg: fmt.Sprintf(format, args...), Source: diag.LineText(c.src, line)}
}

// editionID is what an edition's id may be: it becomes part of a file name.
var editionID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// check reports the values of a decoded kb.yaml that kb cannot use, each at
// its place in src.
func check(src []byte, cfg Config, diags *diag.List) {
	report := func(path, hint, format string, args ...any) {
		diags.Add(cfg.Problem(path, hint, format, args...))
	}
	if _, err := time.Parse(time.RFC3339, cfg.Modified); err != nil {
		report("$.modified", "write a date and time such as 2026-04-01T00:00:00Z",
			"modified: %q is not an RFC 3339 date", cfg.Modified)
	}
	if cfg.HeadingIDs != "" && cfg.HeadingIDs != "github" && cfg.HeadingIDs != "vitepress" {
		report("$.heading_ids", "write github or vitepress", "heading_ids: %q is not a rule kb knows", cfg.HeadingIDs)
	}
	if !outputFile(cfg.EPUBFile) {
		report("$.epub_file", "write a relative path ending in .epub, such as book.epub",
			"epub_file: %q is not a file inside the output folder", cfg.EPUBFile)
	}
	for i, c := range cfg.Callouts {
		switch {
		case c.Kind == "" || strings.ContainsAny(c.Kind, " \t]["):
			report(fmt.Sprintf("$.callouts[%d].kind", i), "write the name used in > [!KIND], without spaces or brackets",
				"callout kind %q cannot be written in a page", c.Kind)
		case !calloutClass.MatchString(cmp.Or(c.Class, strings.ToLower(c.Kind))):
			report(fmt.Sprintf("$.callouts[%d]", i), "give the kind a class of lower-case letters, digits and -, such as class: checklist",
				"callout %q needs a class for the stylesheet", c.Kind)
		}
	}
	seen := map[string]bool{}
	for i, e := range cfg.Editions {
		switch {
		case !editionID.MatchString(e.ID):
			report(fmt.Sprintf("$.editions[%d].id", i), "use letters, digits, - and _; the id becomes part of the EPUB's file name",
				"edition id %q cannot name a file", e.ID)
		case seen[e.ID]:
			report(fmt.Sprintf("$.editions[%d].id", i), "give each edition its own id", "edition id %q is used twice", e.ID)
		}
		seen[e.ID] = true
		for j, r := range e.Roles {
			if _, ok := cfg.Roles[r]; !ok {
				report(fmt.Sprintf("$.editions[%d].roles[%d]", i, j), "declare the role under roles:",
					"edition %q names unknown role %q", e.ID, r)
			}
		}
	}
}

// outputFile reports whether name is a path inside the output folder, not
// hidden, ending in .epub.
func outputFile(name string) bool {
	if !fs.ValidPath(name) || name == "." || !strings.HasSuffix(strings.ToLower(name), ".epub") {
		return false
	}
	return !slices.ContainsFunc(strings.Split(name, "/"), func(part string) bool { return strings.HasPrefix(part, ".") })
}

// locator returns a function giving the line and column of the value at a
// YAML path ("$.editions[0].roles[1]") in src: where the value is missing,
// of the nearest enclosing one; 0, 0 where it cannot tell.
// The syntax tree is only built once a problem is to be located.
func locator(src []byte) func(path string) (line, col int) {
	tree := sync.OnceValue(func() (file *ast.File) {
		defer func() { _ = recover() }() // as decode: go-yaml may panic on odd input
		file, _ = parser.ParseBytes(lineFeeds(src), 0)
		return file
	})
	find := func(path string) (line, col int) {
		defer func() { _ = recover() }()
		file := tree()
		p, err := yaml.PathString(path)
		if file == nil || err != nil {
			return 0, 0
		}
		n, err := p.FilterFile(file)
		if m, ok := n.(*ast.MappingNode); ok && err == nil && len(m.Values) > 0 {
			n = m.Values[0].Key // a mapping's token is its first colon
		}
		if err != nil || n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
			return 0, 0
		}
		return n.GetToken().Position.Line, n.GetToken().Position.Column
	}
	return func(path string) (line, col int) {
		for path != "$" {
			if line, col = find(path); line > 0 {
				return line, col
			}
			path = path[:strings.LastIndexAny(path, ".[")]
		}
		return 0, 0
	}
}

// scalarText returns the text of the plain (unquoted) number at path in
// src, as written.
func scalarText(src []byte, path string) (text string, ok bool) {
	defer func() { _ = recover() }() // as decode: go-yaml may panic on odd input
	file, err := parser.ParseBytes(lineFeeds(src), 0)
	if err != nil {
		return "", false
	}
	p, err := yaml.PathString(path)
	if err != nil {
		return "", false
	}
	n, err := p.FilterFile(file)
	if err != nil || n == nil {
		return "", false
	}
	switch n.Type() {
	case ast.IntegerType, ast.FloatType:
		return n.GetToken().Value, true
	}
	return "", false
}

// DecodeYAML decodes src into v, rejecting unknown keys. Lines may end in
// CR LF: they are decoded as LF, because go-yaml counts the lines of a
// quoted string ending in CR LF twice, and its error positions would be off.
func DecodeYAML(src []byte, v any) error {
	return decode(src, v, yaml.Strict())
}

// Decode decodes src into v like DecodeYAML, ignoring keys v has no field for.
func Decode(src []byte, v any) error {
	return decode(src, v)
}

// LineFeeds returns src with each CR LF turned into LF, as the decoders read it.
func LineFeeds(src []byte) []byte { return lineFeeds(src) }

// decode runs go-yaml on src. Its decoder panics on some odd input (a tag
// on an empty list, for one); that comes back as an error, not a crash.
func decode(src []byte, v any, opts ...yaml.DecodeOption) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("YAML that cannot be read (the decoder failed: %v); look for tags (!…) or anchors (&…) without a value", r)
		}
	}()
	return yaml.UnmarshalWithOptions(lineFeeds(src), v, opts...)
}

// lineFeeds returns src with each CR LF turned into LF.
func lineFeeds(src []byte) []byte {
	if bytes.IndexByte(src, '\r') < 0 {
		return src
	}
	return bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
}

// YAMLErrorPosition extracts the line, column and a one-line message from a
// go-yaml error, whose own text spans several lines with a source excerpt.
func YAMLErrorPosition(err error) (line, col int, msg string) {
	var yerr yaml.Error
	if errors.As(err, &yerr) {
		if tok := yerr.GetToken(); tok != nil && tok.Position != nil {
			line, col = tok.Position.Line, tok.Position.Column
		}
		return line, col, yerr.GetMessage()
	}
	text := err.Error()
	// Fallback format: "[3:1] message".
	if strings.HasPrefix(text, "[") {
		if end := strings.Index(text, "]"); end > 0 {
			parts := strings.SplitN(text[1:end], ":", 2)
			if len(parts) == 2 {
				line, _ = strconv.Atoi(parts[0])
				col, _ = strconv.Atoi(parts[1])
			}
			text = strings.TrimSpace(text[end+1:])
		}
	}
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	return line, col, text
}

// RoleIDs returns the configured roles in the order kb.yaml lists them.
func (c Config) RoleIDs() []string {
	if len(c.roleOrder) == len(c.Roles) {
		return c.roleOrder
	}
	ids := make([]string, 0, len(c.Roles))
	for id := range c.Roles {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// RoleLabel returns the label of a role, or its id when no label is configured.
func (c Config) RoleLabel(id string) string {
	if l, ok := c.Roles[id]; ok {
		return l
	}
	return id
}

// LevelLabel returns the label of a level.
func (c Config) LevelLabel(n int) string {
	if l, ok := c.Levels[n]; ok {
		return l
	}
	return fmt.Sprintf("LV.%d", n)
}
