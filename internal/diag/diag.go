// Package diag holds the positions and diagnostics that every stage of the
// pipeline reports, so that a build can show all of its problems at once.
package diag

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Severity tells whether a diagnostic stops a build.
type Severity int

const (
	// SeverityError is a real problem, such as a broken link: nothing is written.
	SeverityError Severity = iota
	// SeverityWarning is something kb does not use or understand; the
	// build goes on unless it is run with --strict.
	SeverityWarning
)

// Diagnostic is one problem found in the sources, located at File:Line:Col.
// Line and Col are 1-based; zero means the position is unknown.
type Diagnostic struct {
	File     string // path relative to the site root, with forward slashes
	Line     int
	Col      int
	Severity Severity
	Msg      string
	Hint     string // what the author can do about it; may be empty
	// Source is the offending source line, shown in the browser overlay.
	Source string
}

// IsWarning reports whether the diagnostic is a warning.
func (d Diagnostic) IsWarning() bool { return d.Severity == SeverityWarning }

// String formats the diagnostic as "file:line:col: message (hint)", with
// "warning: " before the message of a warning.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Col > 0 {
			fmt.Fprintf(&b, ":%d", d.Col)
		}
	}
	b.WriteString(": ")
	if d.IsWarning() {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Msg)
	if d.Hint != "" {
		b.WriteString(" (")
		b.WriteString(d.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// List collects diagnostics from concurrent stages. The zero value is ready to use.
type List struct {
	mu    sync.Mutex
	items []Diagnostic
}

// Add records a diagnostic.
func (l *List) Add(d Diagnostic) {
	l.mu.Lock()
	l.items = append(l.items, d)
	l.mu.Unlock()
}

// Addf records a diagnostic built from a format string.
func (l *List) Addf(file string, line, col int, hint, format string, args ...any) {
	l.Add(Diagnostic{File: file, Line: line, Col: col, Hint: hint, Msg: fmt.Sprintf(format, args...)})
}

// Warnf records a warning built from a format string.
func (l *List) Warnf(file string, line, col int, hint, format string, args ...any) {
	l.Add(Diagnostic{File: file, Line: line, Col: col, Hint: hint, Severity: SeverityWarning, Msg: fmt.Sprintf(format, args...)})
}

// Len reports how many diagnostics were recorded.
func (l *List) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.items)
}

// Sorted returns the diagnostics ordered by file, line and column, without duplicates.
func (l *List) Sorted() []Diagnostic {
	l.mu.Lock()
	out := slices.Clone(l.items)
	l.mu.Unlock()
	slices.SortFunc(out, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col), cmp.Compare(a.Msg, b.Msg))
	})
	return slices.Compact(out)
}

// Fatal reports whether diags stop a build: any error, or with strict any warning.
func Fatal(diags []Diagnostic, strict bool) bool {
	for _, d := range diags {
		if !d.IsWarning() || strict {
			return true
		}
	}
	return false
}

// Count returns how many of diags are errors and how many warnings.
func Count(diags []Diagnostic) (errors, warnings int) {
	for _, d := range diags {
		if d.IsWarning() {
			warnings++
		} else {
			errors++
		}
	}
	return errors, warnings
}

// Error is returned by a build that found diagnostics that stop it.
type Error struct {
	Diagnostics []Diagnostic
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// UnifyLineEnds returns src with every carriage return that is not followed
// by a line feed turned into a line feed, in a copy when there is one. YAML,
// CommonMark and editors all end a line there; kb counts lines by line
// feeds. The bytes keep their offsets, so positions stay valid.
func UnifyLineEnds(src []byte) []byte {
	copied := false
	for i := bytes.IndexByte(src, '\r'); i >= 0; {
		if i+1 == len(src) || src[i+1] != '\n' {
			if !copied {
				src, copied = bytes.Clone(src), true
			}
			src[i] = '\n'
		}
		next := bytes.IndexByte(src[i+1:], '\r')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return src
}

// Position converts a byte offset in src to a 1-based line and column.
// Columns count runes, so that editors place the cursor on the right character.
func Position(src []byte, offset int) (line, col int) {
	if offset > len(src) {
		offset = len(src)
	}
	line = 1 + strings.Count(string(src[:offset]), "\n")
	start := strings.LastIndexByte(string(src[:offset]), '\n') + 1
	col = 1 + len([]rune(string(src[start:offset])))
	return line, col
}

// LineText returns line n (1-based) of src without its newline.
func LineText(src []byte, n int) string {
	lines := strings.SplitN(string(src), "\n", n+1)
	if n < 1 || n > len(lines) {
		return ""
	}
	return strings.TrimRight(lines[n-1], "\r")
}

// Suggest returns the candidate closest to want by edit distance, or "" when
// none is close enough to be a plausible typo. A candidate that starts with
// want (a shortened anchor such as "restore" for "restore-test") always counts.
func Suggest(want string, candidates []string) string {
	best, bestDist := "", -1
	limit := max(2, len([]rune(want))/2)
	for _, c := range candidates {
		d := distance(want, c)
		if d > limit && !(want != "" && strings.HasPrefix(c, want)) {
			continue
		}
		if bestDist < 0 || d < bestDist || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b, counted in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
