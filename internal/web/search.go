package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/kb-handbook/kb/internal/site"
)

// SearchDir is the folder of the search page in the output.
const SearchDir = "search/"

// SearchIndexDir is the folder of the static search index, which the
// search scripts read when no server answers searches (assets/search.js
// names it too, from the header form's data-root).
const SearchIndexDir = SearchDir + "static/"

// SearchResults is what the "search-results" template of layouts/ shows:
// the results part of the search page. The built page holds it empty;
// kb host and kb serve fill it from the search index.
type SearchResults struct {
	// Rendered is set when a server filled the results, so that the
	// page's script does not search again.
	Rendered bool
	Status   string
	Error    string
	Help     bool
	Facets   []SearchFacetGroup
	Hits     []SearchHit
	Start    int
	Size     int
	Prev     string
	Next     string
	// Suggestions are queries to try instead, when nothing was found
	// ("did you mean").
	Suggestions []SearchSuggestion

	messages Messages
}

// SearchSuggestion is a query offered instead of one that found nothing.
type SearchSuggestion struct {
	Query, Href string
}

// T returns the interface text of key, as pageData.T does: the results
// part is rendered with these as its data.
func (r *SearchResults) T(key string, pairs ...string) string {
	return r.messages.Get(key, pairs...)
}

// SearchFacetGroup is one facet (chapter, role, level) with its counted values.
type SearchFacetGroup struct {
	Name   string
	Values []SearchFacetLink
}

// SearchFacetLink is a facet value as a link that toggles the filter.
type SearchFacetLink struct {
	Param, ID, Label string
	Count            int
	Active           bool
	Href             string
	Text             string // the label with its count (search.facet_value)
}

// SearchPagerLink is a link to the previous or next page of results.
type SearchPagerLink struct {
	Rel, Href, Text string
}

// PrevLink is the link to the previous page of results, or nil.
func (r *SearchResults) PrevLink() *SearchPagerLink {
	if r.Prev == "" {
		return nil
	}
	return &SearchPagerLink{Rel: "prev", Href: r.Prev, Text: r.T("search.prev", "n", strconv.Itoa(r.Size))}
}

// NextLink is the link to the next page of results, or nil.
func (r *SearchResults) NextLink() *SearchPagerLink {
	if r.Next == "" {
		return nil
	}
	return &SearchPagerLink{Rel: "next", Href: r.Next, Text: r.T("search.next", "n", strconv.Itoa(r.Size))}
}

// SearchParts is what the "search-parts" template of layouts/ renders the
// parts of the results from, which search.js clones and fills: the
// results part with nothing in it, and one placeholder of each kind of
// item. Page selects the parts of the search page; otherwise those of the
// header box.
type SearchParts struct {
	*SearchResults
	Page        bool
	Hit         SearchHit
	Facet       SearchFacetGroup
	Value       SearchFacetLink
	ActiveValue SearchFacetLink
	Suggestion  SearchSuggestion
	Err         string
	Link        SearchPagerLink
}

// SearchParts returns the placeholder data of the parts search.js renders
// with. Optional fields hold a placeholder, so that their element is in
// the part; the script fills or removes it.
func (d *pageData) SearchParts() *SearchParts {
	const placeholder, href = "…", "#"
	return &SearchParts{
		SearchResults: &SearchResults{messages: d.Messages},
		Page:          d.Search != nil,
		Hit:           SearchHit{Href: href, Path: placeholder},
		Value:         SearchFacetLink{Href: href},
		ActiveValue:   SearchFacetLink{Href: href, Active: true},
		Suggestion:    SearchSuggestion{Href: href},
		Link:          SearchPagerLink{Rel: "next", Href: href},
	}
}

// SearchHit is one result.
type SearchHit struct {
	Href      string
	TitleHTML template.HTML // escaped by the search package, with <mark> only
	Path      string
	Snippet   template.HTML // likewise
}

// searchPage is the search page as the build writes it: the results part
// is empty, and the page's script fills it.
func searchPage(m Messages) generated {
	return generated{kind: "search", dir: SearchDir, data: pageData{Title: m.Get("search"), Search: &SearchResults{messages: m}}}
}

// searchLayouts are the templates of the search page.
var searchLayouts = []string{"base.html", "search.html", searchResultsLayout}

// SearchPage is what rendering the search page takes: its templates, from
// the site's theme, and its data as the build made it. The search index
// output saves it beside the index, so that kb host, which has only the
// built site, renders the page for any query in the site's own theme.
type SearchPage struct {
	Layouts map[string]string `json:"layouts"`
	Data    pageData          `json:"data"`
	Assets  map[string]string `json:"assets"`

	tmpl *template.Template
}

// SearchPage returns the search page of s in the theme.
func (t *Theme) SearchPage(s *site.Site) (*SearchPage, error) {
	g := searchPage(t.Messages(s.Config.Language))
	d := g.data
	t.fill(rootOf(g.dir), s, nil, &d)
	p := &SearchPage{Layouts: map[string]string{}, Data: d, Assets: t.Assets}
	for _, name := range searchLayouts {
		src, ok := t.sources[name]
		if !ok {
			return nil, fmt.Errorf("search page: the theme has no %s", name)
		}
		p.Layouts[name] = src
		if own, ok := t.sources[kbLayout+name]; ok {
			p.Layouts[kbLayout+name] = own
		}
	}
	return p, p.parse()
}

// LoadSearchPage reads a search page saved with Marshal.
func LoadSearchPage(data []byte) (*SearchPage, error) {
	p := &SearchPage{}
	if err := json.Unmarshal(data, p); err != nil {
		return nil, fmt.Errorf("search page: %w", err)
	}
	return p, p.parse()
}

// Messages returns the interface text the page was built with, which its
// scripts read too.
func (p *SearchPage) Messages() Messages { return p.Data.Messages }

// Marshal encodes the page for LoadSearchPage.
func (p *SearchPage) Marshal() ([]byte, error) { return json.Marshal(p) }

func (p *SearchPage) parse() error {
	// Encoded once for the page, which a server renders for every query.
	p.Data.scripts = scriptJSON(p.Data.Messages.Areas(ScriptAreas...))
	p.tmpl = template.New("search")
	// kb's copies of the layouts a site overrides first, as LoadTheme.
	for _, prefix := range []string{kbLayout, ""} {
		for _, name := range searchLayouts {
			src, ok := p.Layouts[prefix+name]
			if !ok {
				continue
			}
			if _, err := p.tmpl.New(name).Parse(src); err != nil {
				return fmt.Errorf("search page: %s: %w", prefix+name, err)
			}
		}
	}
	return nil
}

// Render writes the search page for query with its results.
func (p *SearchPage) Render(w io.Writer, query string, results *SearchResults) error {
	d := p.Data
	d.assets = p.Assets
	results.messages = d.Messages
	d.Search = results
	d.Query = query
	if q := strings.TrimSpace(query); q != "" {
		d.Title = d.Messages.Get("search_results_for", "q", q)
	}
	return p.tmpl.ExecuteTemplate(w, "base", &d)
}
