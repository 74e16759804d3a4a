package markdown

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
)

// Slug turns heading text into an ID by GitHub's rule, keeping Japanese:
// lowercase, drop punctuation and symbols except '-' and '_', spaces to '-'.
func Slug(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(text)) {
		switch {
		case r == ' ' || r == '\t':
			b.WriteByte('-')
		case r == '-' || r == '_':
			b.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// linkMarkup matches the destination part of inline links and images, which
// must not leak into heading IDs.
var linkMarkup = regexp.MustCompile(`\]\([^)]*\)`)

// htmlTag matches inline HTML tags and comments, which GitHub leaves out of
// the text a heading's ID is made from.
var htmlTag = regexp.MustCompile(`<!--.*?-->|</?[A-Za-z][^<>]*>`)

// headingIDs generates GitHub-style IDs and makes them unique on a page by
// appending -1, -2 … It implements parser.IDs.
type headingIDs struct {
	used map[string]bool
	slug func(string) string
}

// ReservedIDs are the IDs the theme gives to parts of every page; a
// heading taking one would break the page's links and scripts.
var ReservedIDs = []string{"main", "sidebar", "top", "search-q", "search-results",
	"page-toc-title", "child-pages-title", "revisions-title", "term-popover"}

// newHeadingIDs starts a page's IDs with the theme's taken, so that a
// heading whose text reads "main" becomes main-1.
func newHeadingIDs(rule string) *headingIDs {
	used := map[string]bool{}
	for _, id := range ReservedIDs {
		used[id] = true
	}
	slug := Slug
	if rule == SlugVitePress {
		slug = VitePressSlug
	}
	return &headingIDs{used: used, slug: slug}
}

// Heading ID rules for Options.SlugRule.
const (
	SlugGitHub    = "github"
	SlugVitePress = "vitepress"
)

// vitePressSpecial is the run of characters VitePress's slugify turns into one '-'.
var vitePressSpecial = regexp.MustCompile("[\\s~`!@#$%^&*()\\-_+=\\[\\]{}|\\\\;:\"'“”‘’<>,.?/]+")

// VitePressSlug turns heading text into an ID by VitePress's rule: runs of
// spaces and ASCII punctuation become one '-', none at either end, a leading
// digit gets '_', letters are lowercased; Japanese punctuation is kept.
// (VitePress also applies Unicode NFKD first, which kb leaves out.)
func VitePressSlug(text string) string {
	var b strings.Builder
	for _, r := range text {
		if r >= 0x20 && !(r >= 0x300 && r <= 0x36f) {
			b.WriteRune(r)
		}
	}
	s := strings.Trim(vitePressSpecial.ReplaceAllString(b.String(), "-"), "-")
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		s = "_" + s
	}
	return strings.ToLower(s)
}

// Generate returns a fresh ID for a heading whose raw Markdown line is value.
func (s *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	// The rendered text: without link destinations, inline HTML and the
	// marks of emphasis and code, which the GitHub rule drops anyway.
	text := htmlTag.ReplaceAllString(linkMarkup.ReplaceAllString(string(value), "]"), "")
	base := s.slug(strings.NewReplacer("*", "", "`", "", "[", "", "]", "").Replace(text))
	if base == "" {
		base = "section"
	}
	id := base
	for n := 1; s.used[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	s.used[id] = true
	return []byte(id)
}

// Put records an ID the author gave explicitly.
func (s *headingIDs) Put(value []byte) {
	s.used[string(value)] = true
}
