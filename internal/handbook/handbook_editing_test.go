package handbook_test

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kb-handbook/kb/internal/pipeline"
)

// The tests in this file hold the bundled handbook to its editing rules:
// every acronym of the prose is in the glossary and spelled out one way, the
// employee guide stays inside the employee edition, and every page can be
// read in one sitting.

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
	s, diags := pipeline.Load("../..", nil)
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
	s, diags := pipeline.Load("../..", nil)
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

// glossaryNames reads, for each term of the glossary, the English expansion
// and the Japanese name its definition opens with, as in
// "Recovery Point Objective（アールピーオー、目標復旧時点）の略で…".
func glossaryNames(t *testing.T, files []handbookFile) (english, japanese map[string]string) {
	t.Helper()
	english, japanese = map[string]string{}, map[string]string{}
	asciiName := regexp.MustCompile(`^[A-Za-z][A-Za-z ,.'&/-]+$`)
	kanji := regexp.MustCompile(`\p{Han}`)
	for _, f := range files {
		if f.path != "annex/glossary.md" {
			continue
		}
		for i := 1; i < len(f.lines); i++ {
			def, ok := strings.CutPrefix(f.lines[i].text, ": ")
			if !ok {
				continue
			}
			term := f.lines[i-1].text
			open := strings.Index(def, "（")
			close := strings.Index(def, "）")
			if open <= 0 || close < open {
				continue
			}
			if name := def[:open]; asciiName.MatchString(name) {
				english[term] = name
			}
			parts := strings.Split(def[open+len("（"):close], "、")
			if name := parts[len(parts)-1]; kanji.MatchString(name) {
				japanese[term] = name
			}
		}
	}
	if len(english) < 50 || len(japanese) < 15 {
		t.Fatalf("read %d English and %d Japanese names from the glossary, want at least 50 and 15", len(english), len(japanese))
	}
	return english, japanese
}

// spelledOut matches an acronym in brackets after the words it stands for,
// as in 目標復旧時点（RPO） or Cybersecurity Framework（CSF）.
var spelledOut = regexp.MustCompile(`([\p{Han}\p{Hiragana}\p{Katakana}ー・A-Za-z ,.-]+)（([A-Z][A-Za-z0-9/-]*[A-Z0-9])）`)

// TestHandbookExpansionsFollowGlossary fails when a page spells out an
// acronym differently from the glossary, so each acronym has one expansion.
func TestHandbookExpansionsFollowGlossary(t *testing.T) {
	files := readHandbook(t)
	english, japanese := glossaryNames(t, files)
	checked := 0
	for _, f := range files {
		if f.path == "annex/glossary.md" {
			continue
		}
		for _, l := range f.lines {
			text := linkDest.ReplaceAllString(l.text, "]")
			for _, m := range spelledOut.FindAllStringSubmatch(text, -1) {
				before, term := strings.TrimSpace(m[1]), m[2]
				want := japanese[term]
				if isASCII(before) {
					want = english[term]
				}
				if want == "" {
					continue
				}
				checked++
				if !strings.HasSuffix(before, want) {
					t.Errorf("content/%s:%d: %s is spelled out as %q; the glossary writes %s", f.path, l.no, term, before, want)
				}
			}
		}
	}
	if checked < 10 {
		t.Errorf("checked %d spelled-out acronyms, want at least 10", checked)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// maxPageChars is how much text a busy reader finishes in one sitting.
const maxPageChars = 8000

// TestHandbookPagesFitOneSitting fails when a page other than the glossary,
// which is looked up rather than read through, grows past maxPageChars
// characters of text; split it into pages under a section instead.
func TestHandbookPagesFitOneSitting(t *testing.T) {
	s, diags := pipeline.Load("../..", nil)
	if len(diags) > 0 {
		t.Fatalf("the bundled knowledge base has problems:\n%s", join(diags))
	}
	longest, longestPage := 0, ""
	for _, p := range s.Pages {
		if p == s.Glossary {
			continue
		}
		n := utf8.RuneCountInString(pageText(p))
		if n > longest {
			longest, longestPage = n, p.Source.File
		}
		if n > maxPageChars {
			t.Errorf("%s has %d characters of text, more than %d; split it into shorter pages", p.Source.File, n, maxPageChars)
		}
	}
	t.Logf("longest page: %s, %d characters", longestPage, longest)
}
