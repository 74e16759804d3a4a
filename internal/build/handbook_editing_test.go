package build

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// acronym matches a word of two or more capital letters, digits, and
// hyphens or slashes between them, such as SD-WAN or JPCERT/CC.
var acronym = regexp.MustCompile(`\b[A-Z][A-Z0-9]*[A-Z](?:[-/][A-Z0-9]+)*\b`)

// notGlossed lists capitalised words that are names or units, not
// abbreviations a reader needs explained.
var notGlossed = map[string]bool{
	"LV": true, "ORG": true, "HR": true, "PHY": true, "TEC": true, "JIS": true, "ISO": true, "IEC": true,
	"OK": true, "NG": true, "AND": true, "OR": true, "ID": true, "IT": true, "PC": true, "OS": true,
	"AI": true, "KB": true, "MB": true, "GB": true, "TB": true, "SE": true, "QA": true, "FAQ": true,
	// the function codes of the NIST CSF, explained where the CSF is
	"GV": true, "PR": true, "DE": true, "RS": true, "RC": true,
}

// inlineCode matches a code span, which holds commands rather than prose.
var inlineCode = regexp.MustCompile("`[^`]*`")

// calloutMark matches a callout's kind, such as [!WARNING].
var calloutMark = regexp.MustCompile(`\[![^\]]*\]`)

// serialNumber matches identifiers such as ORG-04 or IR-2026-003.
var serialNumber = regexp.MustCompile(`-\d`)

// TestHandbookAcronymsInGlossary fails when the prose of a page (code
// left out) uses an acronym the glossary does not define.
func TestHandbookAcronymsInGlossary(t *testing.T) {
	s, diags := Load("../..", nil)
	if len(diags) > 0 {
		t.Fatalf("the bundled knowledge base has problems:\n%s", join(diags))
	}
	known := map[string]bool{}
	for _, term := range s.Terms {
		known[term.Text] = true
		for _, w := range strings.FieldsFunc(term.Text, func(r rune) bool { return r == ' ' || r == '/' || r == '-' }) {
			known[w] = true
		}
	}
	missing := map[string][]string{}
	for _, f := range readHandbook(t) {
		if "content/"+f.path == s.Glossary.Source.File {
			continue
		}
		for _, l := range f.lines {
			text := inlineCode.ReplaceAllString(linkDest.ReplaceAllString(l.text, "]"), "")
			text = calloutMark.ReplaceAllString(text, "")
			for _, a := range acronym.FindAllString(text, -1) {
				covered := known[a] || notGlossed[a] || serialNumber.MatchString(a)
				for _, part := range strings.Split(a, "/") {
					covered = covered || known[part] || notGlossed[part]
				}
				where := "content/" + f.path
				if !covered && !slices.Contains(missing[a], where) {
					missing[a] = append(missing[a], where)
				}
			}
		}
	}
	var names []string
	for a := range missing {
		names = append(names, a)
	}
	sort.Strings(names)
	for _, a := range names {
		t.Errorf("%s is used in %s but not defined in the glossary (content/annex/glossary.md)", a, strings.Join(missing[a], ", "))
	}
}

// TestEmployeeGuideStaysInEdition fails when the employee guide links to a
// page that is not in the employee edition, where the link would lead nowhere.
func TestEmployeeGuideStaysInEdition(t *testing.T) {
	s, diags := Load("../..", nil)
	if len(diags) > 0 {
		t.Fatalf("the bundled knowledge base has problems:\n%s", join(diags))
	}
	guide := s.PageByPath("guides/employee.md")
	if guide == nil {
		t.Fatal("guides/employee.md is missing")
	}
	links := 0
	for _, l := range guide.Doc.Links {
		tgt, ok := guide.Target(l.Dest)
		if !ok || tgt.Page == nil {
			continue
		}
		links++
		if tgt.Page != s.Glossary && !slices.Contains(tgt.Page.Roles(), "employee") {
			t.Errorf("%s:%d:%d: links to %s, which is not in the employee edition (roles %v); link to an employee page or tag the target",
				guide.Source.File, l.Line, l.Col, tgt.Page.Source.Path, tgt.Page.Roles())
		}
	}
	if links < 10 {
		t.Errorf("the employee guide has %d internal links, want at least 10", links)
	}
}
