// Package expand puts in, before a page is parsed, what the tools a book was
// written for fill in themselves: mdBook's {{#include}}, {{#rustdoc_include}}
// and {{#title}}, Honkit's {{ book.x }} variables, {% include %},
// {% raw %}, GitBook's {% hint %}, [import](file) code listings and MkDocs'
// admonitions (!!! note, ??? note) as ::: containers. What
// it does not understand outside code is reported as a warning, so that
// nothing is shown as source without a word.
package expand

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/srcfs"
)

// Book is what expansion needs to know about the book.
type Book struct {
	// Root is the folder that includes may read from: the site root.
	Root string
	// ContentDir is the site-relative folder of the pages.
	ContentDir string
	// Vars are the variables {{ book.x }} reads (book.json's "variables").
	Vars map[string]any
}

// Result is a page's body with everything put in.
type Result struct {
	// Body is the expanded Markdown; Origin the file line of each of its
	// lines, or nil when nothing was put in (Body is then the input).
	Body   []byte
	Origin []int
	// Title is set by {{#title …}}.
	Title string
	// Problems are located in the page's file; File is left empty.
	Problems []diag.Diagnostic
	// Read lists the files put in, site-relative with forward slashes,
	// each once: a page must be expanded again when one of them changes.
	Read []string
}

// maxDepth bounds includes within includes, as mdBook does.
const maxDepth = 10

var (
	mdbookDirective = regexp.MustCompile(`\\?\{\{\s*#(\w+)\s*(.*?)\s*\}\}`)
	honkitVariable  = regexp.MustCompile(`\{\{-?\s*(book|config|page|file|gitbook)\.([\w.]+)\s*-?\}\}`)
	templateExpr    = regexp.MustCompile(`\{\{.*?\}\}|\{%.*?%\}`)
	templateTag     = regexp.MustCompile(`^\s*\{%-?\s*(\w+)\s*(.*?)\s*-?%\}\s*$`)
	importListing   = regexp.MustCompile(`^\s*\[import(?::\s*["']?([^"',\]]*)["']?)?(?:\s*,\s*title:\s*["']([^"']*)["'])?\]\(([^)\s]+)\)\s*$`)
	hintStyle       = regexp.MustCompile(`style\s*=\s*["'](\w+)["']`)
	admonition      = regexp.MustCompile(`^(!!!|\?\?\?\+?)\s+([\w-]+)(?:\s+"([^"]*)")?\s*$`)
	codeSpan        = regexp.MustCompile("`+[^`]*`+")
)

// hintKinds maps GitBook's hint styles to kb's ::: containers.
var hintKinds = map[string]string{"info": "info", "success": "tip", "tip": "tip", "warning": "warning", "danger": "danger"}

// admonitionKinds maps MkDocs admonition types to kb's ::: containers.
var admonitionKinds = map[string]string{
	"abstract": "info", "summary": "info", "tldr": "info", "todo": "info", "hint": "tip", "success": "tip",
	"check": "tip", "done": "tip", "question": "note", "help": "note", "faq": "note", "example": "note",
	"quote": "note", "cite": "note", "attention": "warning", "failure": "danger", "fail": "danger",
	"missing": "danger", "error": "danger", "bug": "danger",
}

// Expand returns body, the Markdown of the page file (site-relative, for
// diagnostics) in the folder dir whose first line is line firstLine, with
// the directives put in.
func (b Book) Expand(file, dir string, body []byte, firstLine int) Result {
	if !bytes.Contains(body, []byte("{{")) && !bytes.Contains(body, []byte("{%")) && !bytes.Contains(body, []byte("[import")) &&
		!bytes.Contains(body, []byte("!!! ")) && !bytes.Contains(body, []byte("??? ")) && !bytes.Contains(body, []byte("???+ ")) {
		return Result{Body: body}
	}
	x := &expander{book: b, file: file}
	lines := strings.SplitAfter(string(body), "\n")
	x.lines(lines, dir, firstLine, 0, true)
	if x.admonition && len(x.origin) > 0 {
		x.emit("\n:::\n", x.origin[len(x.origin)-1])
	}
	if !x.changed {
		return Result{Body: body, Problems: x.problems, Read: x.files}
	}
	return Result{Body: []byte(x.out.String()), Origin: x.origin, Title: x.title, Problems: x.problems, Read: x.files}
}

// expander holds the state of one page's expansion.
type expander struct {
	book     Book
	file     string
	out      strings.Builder
	origin   []int
	title    string
	problems []diag.Diagnostic
	changed  bool
	fence    string // the open code fence, or ""
	raw      bool   // inside {% raw %}
	// admonition is true inside an MkDocs admonition, whose lines are indented.
	admonition bool
	// reported holds the columns of the current line already reported on.
	reported map[int]bool
	// files lists the files put in (Result.Read).
	files []string
}

// emit writes text, all of which stems from file line line.
func (x *expander) emit(text string, line int) {
	x.out.WriteString(text)
	for range strings.Count(text, "\n") {
		x.origin = append(x.origin, line)
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		x.origin = append(x.origin, line) // the last line, without a line feed
	}
}

func (x *expander) problem(line, col int, severity diag.Severity, msg, hint string) {
	if line == 0 {
		return // in an included file: reported where it is included, if at all
	}
	if x.reported == nil {
		x.reported = map[int]bool{}
	}
	x.reported[col] = true
	x.problems = append(x.problems, diag.Diagnostic{Line: line, Col: col, Severity: severity, Msg: msg, Hint: hint})
}

// lines expands lines of a file in dir; the first is file line first of
// the page when top, else every line stems from line first.
func (x *expander) lines(lines []string, dir string, first, depth int, top bool) {
	for i, line := range lines {
		n := first
		if top {
			n = first + i
		}
		report := n
		if !top {
			report = 0
		}
		x.line(line, dir, n, report, depth)
	}
}

// line expands one line; report is its file line for diagnostics, 0 when
// it comes from an included file.
func (x *expander) line(line, dir string, n, report, depth int) {
	trimmed := strings.TrimSpace(line)
	if x.raw {
		if m := templateTag.FindStringSubmatch(trimmed); m != nil && m[1] == "endraw" {
			x.raw, x.changed = false, true
			return
		}
		x.emit(line, n)
		return
	}
	if x.admonition {
		if trimmed != "" && !strings.HasPrefix(line, "    ") && !strings.HasPrefix(line, "\t") {
			x.emit(":::\n", n) // the admonition ended on the line before
			x.admonition, x.fence = false, ""
		} else {
			line = strings.TrimPrefix(strings.TrimPrefix(line, "    "), "\t")
			trimmed = strings.TrimSpace(line)
		}
	}
	if x.fence == "" && !x.admonition {
		if m := admonition.FindStringSubmatch(line); m != nil {
			kind := strings.ToLower(m[2])
			if k, ok := admonitionKinds[kind]; ok {
				kind = k
			}
			if m[1] != "!!!" {
				kind = "details"
			}
			x.emit("::: "+kind+" "+m[3]+"\n", n)
			x.admonition, x.changed = true, true
			return
		}
	}
	if m := templateTag.FindStringSubmatch(trimmed); m != nil {
		if x.tag(m[1], m[2], dir, n, report, depth) {
			x.changed = true
			return
		}
	}
	if x.fence == "" {
		if m := importListing.FindStringSubmatch(line); m != nil {
			x.importListing(m[1], m[2], m[3], dir, n, report)
			x.changed = true
			return
		}
	}
	inCode := x.fence != ""
	x.trackFence(trimmed)
	clear(x.reported)
	out := mdbookDirective.ReplaceAllStringFunc(line, func(d string) string {
		if strings.HasPrefix(d, `\`) {
			x.changed = true
			return d[1:]
		}
		m := mdbookDirective.FindStringSubmatch(d)
		col := 1 + len([]rune(line[:strings.Index(line, d)]))
		text, ok := x.directive(m[1], m[2], dir, n, report, col, depth)
		if !ok {
			return d
		}
		x.changed = true
		return text
	})
	out = honkitVariable.ReplaceAllStringFunc(out, func(v string) string {
		m := honkitVariable.FindStringSubmatch(v)
		if m[1] != "book" {
			return v // reported below as not understood
		}
		val, ok := lookup(x.book.Vars, m[2])
		if !ok {
			col := 1 + len([]rune(out[:strings.Index(out, v)]))
			x.problem(report, col, diag.SeverityWarning, "unknown variable book."+m[2],
				"define it under variables in book.json; the expression is shown as text")
			return v
		}
		x.changed = true
		return fmt.Sprint(val)
	})
	if !inCode {
		outside := codeSpan.ReplaceAllStringFunc(out, func(s string) string { return strings.Repeat(" ", len(s)) })
		for _, loc := range templateExpr.FindAllStringIndex(outside, -1) {
			expr := out[loc[0]:loc[1]]
			col := 1 + len([]rune(out[:loc[0]]))
			if x.reported[col] {
				continue
			}
			x.problem(report, col, diag.SeverityWarning, "template "+expr+" is not understood and is shown as text",
				"kb expands mdBook's {{#include}} and {{#title}}, Honkit's {{ book.x }}, {% include %}, {% raw %} and {% hint %}; write the text out instead")
		}
	}
	x.emit(out, n)
}

// trackFence follows ``` and ~~~ code fences.
func (x *expander) trackFence(trimmed string) {
	for _, c := range []string{"```", "~~~"} {
		if !strings.HasPrefix(trimmed, c) {
			continue
		}
		run := trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, c[:1]))]
		switch {
		case x.fence == "":
			x.fence = run
		case strings.HasPrefix(run, x.fence) && strings.TrimSpace(trimmed[len(run):]) == "":
			x.fence = ""
		}
	}
}

// tag handles a {% … %} line and reports whether it understood it.
func (x *expander) tag(name, args, dir string, n, report, depth int) bool {
	switch name {
	case "raw":
		x.raw = true
		return true
	case "include":
		target := strings.Trim(strings.TrimSpace(args), `"'`)
		text, err := x.read(dir, target, true)
		if err != nil {
			x.problem(report, 1, diag.SeverityError, "cannot include "+target+": "+err.Error(), "fix the path; it is relative to the page or the book's root")
			return true
		}
		if depth < maxDepth {
			x.lines(strings.SplitAfter(ensureNewline(text), "\n"), filepath.Dir(x.resolve(dir, target)), n, depth+1, false)
		}
		return true
	case "hint":
		kind := "info"
		if m := hintStyle.FindStringSubmatch(args); m != nil {
			if k, ok := hintKinds[m[1]]; ok {
				kind = k
			}
		}
		x.emit("::: "+kind+"\n", n)
		return true
	case "endhint":
		x.emit(":::\n", n)
		return true
	}
	return false
}

// directive returns the text of an mdBook directive, or false when it is not one kb knows.
func (x *expander) directive(name, args, dir string, n, report, col, depth int) (string, bool) {
	switch name {
	case "title":
		x.title = args
		return "", true
	case "include", "rustdoc_include", "playground", "playpen":
	default:
		x.problem(report, col, diag.SeverityWarning, "mdBook directive {{#"+name+"}} is not understood and is shown as text",
			"kb understands {{#include}}, {{#rustdoc_include}}, {{#playground}} and {{#title}}")
		return "", false
	}
	target, sel := splitSelector(args)
	text, err := x.read(dir, target, false)
	if err != nil {
		x.problem(report, col, diag.SeverityError, "cannot include "+target+": "+err.Error(), "fix the path; it is relative to the page")
		return "", false
	}
	text, err = selectLines(text, sel)
	if err != nil {
		x.problem(report, col, diag.SeverityError, "cannot include "+args+": "+err.Error(), "name lines as file:3:10 or an anchor as file:name (ANCHOR: name … ANCHOR_END: name)")
		return "", false
	}
	if name == "rustdoc_include" {
		text = dropHiddenRust(text)
	}
	if depth < maxDepth && strings.Contains(text, "{{#") {
		sub := &expander{book: x.book, file: x.file}
		sub.lines(strings.SplitAfter(text, "\n"), filepath.Dir(x.resolve(dir, target)), n, depth+1, false)
		text = sub.out.String()
	}
	return strings.TrimSuffix(text, "\n"), true
}

// importListing writes an [import](file) line as a fenced code block.
func (x *expander) importListing(marker, title, target, dir string, n, report int) {
	text, err := x.read(dir, target, false)
	if err != nil {
		x.problem(report, 1, diag.SeverityError, "cannot import "+target+": "+err.Error(), "fix the path; it is relative to the page")
		x.emit("\n", n)
		return
	}
	if marker != "" {
		if text, err = selectMarker(text, marker); err != nil {
			x.problem(report, 1, diag.SeverityError, "cannot import "+target+": "+err.Error(), "mark the lines with [marker] comments or give a range such as 3-10")
		}
	}
	if title != "" {
		x.emit("**"+title+"**\n\n", n)
	}
	fence := "```"
	for strings.Contains(text, fence) {
		fence += "`"
	}
	lang := strings.TrimPrefix(path.Ext(target), ".")
	x.emit(fence+lang+"\n"+ensureNewline(text)+fence+"\n", n)
}

// resolve returns the absolute path of target written in dir.
func (x *expander) resolve(dir, target string) string {
	return filepath.Join(dir, filepath.FromSlash(target))
}

// read reads target relative to dir (or, with fromRoot, to the book's root
// when not found there); it must stay inside the book.
func (x *expander) read(dir, target string, fromRoot bool) (string, error) {
	if target == "" {
		return "", fmt.Errorf("no file named")
	}
	candidates := []string{x.resolve(dir, target)}
	if fromRoot {
		candidates = append(candidates, x.resolve(x.book.Root, strings.TrimPrefix(target, "/")))
	}
	var lastErr error
	for _, p := range candidates {
		root, err := filepath.Abs(x.book.Root)
		if err != nil {
			return "", err
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", err
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			lastErr = fmt.Errorf("the file is outside the book")
			continue
		}
		data, err := readInside(root, filepath.ToSlash(rel))
		if err != nil {
			lastErr = err
			continue
		}
		if !slices.Contains(x.files, filepath.ToSlash(rel)) {
			x.files = append(x.files, filepath.ToSlash(rel))
		}
		return string(diag.UnifyLineEnds(data)), nil
	}
	return "", lastErr
}

// readInside reads the regular file rel under root through srcfs, so that a
// link inside the book cannot lead an include to a file outside it.
func readInside(root, rel string) ([]byte, error) {
	r, err := srcfs.Open(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := r.ReadFile(rel, maxInclude)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("no such file")
	case errors.Is(err, srcfs.ErrOutside):
		return nil, fmt.Errorf("the file is outside the book")
	}
	return data, err
}

// maxInclude is the largest file an include reads, as a page's own limit.
const maxInclude = 5 << 20

// splitSelector splits "file.rs:3:10" or "file.rs:anchor" into the file and the selector.
func splitSelector(args string) (file, sel string) {
	file, sel, _ = strings.Cut(strings.TrimSpace(args), ":")
	return strings.TrimSpace(file), sel
}

// selectLines applies an mdBook selector: "" (everything), "N", "N:M",
// "N:", ":M" (1-based, inclusive) or an anchor name. Anchor marker lines
// are never included.
func selectLines(text, sel string) (string, error) {
	lines := strings.SplitAfter(ensureNewline(text), "\n")
	lines = lines[:len(lines)-1]
	keep := func(from, to int) string {
		var b strings.Builder
		for i := max(from, 1); i <= min(to, len(lines)); i++ {
			if !isAnchorLine(lines[i-1]) {
				b.WriteString(lines[i-1])
			}
		}
		return b.String()
	}
	if sel == "" {
		return keep(1, len(lines)), nil
	}
	first, last, ranged := strings.Cut(sel, ":")
	if a, errA := strconv.Atoi(first); errA == nil || first == "" && ranged {
		from, to := a, a
		if first == "" {
			from = 1
		}
		if ranged {
			to = len(lines)
			if last != "" {
				b, err := strconv.Atoi(last)
				if err != nil {
					return "", fmt.Errorf("line %q is not a number", last)
				}
				to = b
			}
		}
		return keep(from, to), nil
	}
	var b strings.Builder
	in, found := false, false
	for _, l := range lines {
		switch {
		case anchorLine(l, "ANCHOR:") == sel:
			in, found = true, true
		case anchorLine(l, "ANCHOR_END:") == sel:
			in = false
		case in && !isAnchorLine(l):
			b.WriteString(l)
		}
	}
	if !found {
		return "", fmt.Errorf("no anchor %q in the file", sel)
	}
	return b.String(), nil
}

// anchorLine returns the name after marker ("ANCHOR:") on line l, or "".
func anchorLine(l, marker string) string {
	i := strings.Index(l, marker)
	if i < 0 {
		return ""
	}
	name := strings.Fields(l[i+len(marker):])
	if len(name) == 0 {
		return ""
	}
	return strings.TrimRight(name[0], "*/->")
}

func isAnchorLine(l string) bool {
	return strings.Contains(l, "ANCHOR:") || strings.Contains(l, "ANCHOR_END:")
}

// selectMarker returns the lines of an [import:"marker"](file): between two
// lines holding [marker], or a line range written 3-10.
func selectMarker(text, marker string) (string, error) {
	lines := strings.SplitAfter(ensureNewline(text), "\n")
	if from, to, ok := strings.Cut(marker, "-"); ok {
		a, errA := strconv.Atoi(from)
		b, errB := strconv.Atoi(to)
		if errA == nil && errB == nil && a >= 1 && a <= b {
			return strings.Join(lines[min(a-1, len(lines)):min(b, len(lines))], ""), nil
		}
	}
	var b strings.Builder
	in, found := false, false
	for _, l := range lines {
		if strings.Contains(l, "["+marker+"]") {
			in, found = !in, true
			continue
		}
		if in {
			b.WriteString(l)
		}
	}
	if !found {
		return text, fmt.Errorf("no [%s] marker in the file", marker)
	}
	return b.String(), nil
}

// dropHiddenRust removes the lines rustdoc hides: "#" alone or "# " first.
func dropHiddenRust(text string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(text, "\n") {
		t := strings.TrimSpace(l)
		if t == "#" || strings.HasPrefix(t, "# ") {
			continue
		}
		b.WriteString(l)
	}
	return b.String()
}

// lookup reads a dotted key ("links.home") from nested maps.
func lookup(vars map[string]any, key string) (any, bool) {
	var cur any = vars
	for _, part := range strings.Split(key, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func ensureNewline(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}
