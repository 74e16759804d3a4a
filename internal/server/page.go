package server

import (
	"bytes"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/web"
)

// searchRoot is the way from the search page to the site root. It also
// holds for /search, whose "../" stops at the root.
const searchRoot = "../"

// servePage answers the search page with the results of its q and
// filters, rendered from the site's own templates for the page, which the
// search index output saved (web.SearchPage).
func (h *Handler) servePage(w http.ResponseWriter, r *http.Request, st *state) {
	page, err := st.searchPage()
	if errors.Is(err, fs.ErrNotExist) {
		// Built without the index: the page as built, searching the static index.
		h.serveFile(w, r, st)
		return
	}
	if err != nil {
		h.logf("search page: %v", err)
		http.Error(w, h.textsOf(st).Get("server.internal_error"), http.StatusInternalServerError)
		return
	}
	// The page's own texts, which its scripts read too.
	m := page.Messages()
	status, view := http.StatusOK, web.SearchResults{Rendered: true}
	req, err := parseRequest(r.URL.RawQuery, false)
	switch {
	case err != nil:
		status, view.Error = h.errorStatus(m, err)
		view.Status, view.Help = m.Get("search.failed"), true
	case strings.TrimSpace(req.Query) == "" && !filtered(req):
		view.Status, view.Help = m.Get("search.enter_query"), true
	default:
		res, err := h.search(r.Context(), st, req)
		if err != nil {
			status, view.Error = h.errorStatus(m, err)
			view.Status, view.Help = m.Get("search.failed"), true
			break
		}
		view = resultsView(m, req, res)
	}
	var out bytes.Buffer
	if err := page.Render(&out, req.Query, &view); err != nil {
		h.logf("search page: %v", err)
		http.Error(w, m.Get("server.internal_error"), http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(out.Bytes())
	}
}

// loadedPage is the search page a state serves, or why it has none.
type loadedPage struct {
	page *web.SearchPage
	err  error
}

// searchPage returns the state's search page, read and parsed on the first
// request that asks for it (see folderFiles). A folder without the page is
// remembered too; other errors (a read that failed) are tried again.
func (st *state) searchPage() (*web.SearchPage, error) {
	read := st.read.Load()
	if p := read.page.Load(); p != nil {
		return p.page, p.err
	}
	read.pageMu.Lock()
	defer read.pageMu.Unlock()
	if p := read.page.Load(); p != nil {
		return p.page, p.err
	}
	page, err := readPage(st)
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		read.page.Store(&loadedPage{page, err})
	}
	return page, err
}

// readPage loads the search page's templates and data saved with the
// index: in the index folder, or in the site's when it has no index.
func readPage(st *state) (*web.SearchPage, error) {
	var data []byte
	var err error
	switch {
	case st.idx != nil:
		data, err = os.ReadFile(filepath.Join(st.idx.Dir(), search.PageFile))
	case st.dir != "":
		var f *os.File
		if f, err = os.OpenInRoot(st.dir, search.IndexDir+"/"+search.PageFile); err == nil {
			defer f.Close()
			data, err = io.ReadAll(f)
		}
	default:
		err = os.ErrNotExist
	}
	if err != nil {
		return nil, err
	}
	return web.LoadSearchPage(data)
}

// resultsView lays out a result for the template, with the texts of m.
func resultsView(m web.Messages, req search.Request, res *search.Result) web.SearchResults {
	v := web.SearchResults{Rendered: true, Status: m.SearchStatus(req.Query, res.Total, res.From, len(res.Hits)),
		Start: res.From + 1, Size: res.Size, Help: res.Total == 0}
	link := func(change func(url.Values)) string {
		q := url.Values{}
		if req.Query != "" {
			q.Set("q", req.Query)
		}
		for _, k := range search.FacetKinds {
			if v := *k.Of(&req); v != "" {
				q.Set(k.Key, v)
			}
		}
		if req.Size != 0 && req.Size != search.DefaultSize {
			q.Set("size", strconv.Itoa(req.Size))
		}
		change(q)
		return "?" + q.Encode()
	}
	for _, k := range search.FacetKinds {
		counts := k.Counts(res.Facets)
		if len(counts) == 0 {
			continue
		}
		current := *k.Of(&req)
		group := web.SearchFacetGroup{Name: m.FacetName(k.Key, k.Name)}
		for _, c := range counts {
			active := current == c.ID
			group.Values = append(group.Values, web.SearchFacetLink{Param: k.Key, ID: c.ID, Label: c.Label, Count: c.Count, Active: active,
				Text: m.Get("search.facet_value", "label", c.Label, "n", strconv.Itoa(c.Count)),
				Href: link(func(q url.Values) {
					if active {
						q.Del(k.Key)
					} else {
						q.Set(k.Key, c.ID)
					}
				})})
		}
		v.Facets = append(v.Facets, group)
	}
	for _, sq := range res.Suggestions {
		v.Suggestions = append(v.Suggestions, web.SearchSuggestion{Query: sq, Href: link(func(q url.Values) { q.Set("q", sq) })})
	}
	for _, h := range res.Hits {
		v.Hits = append(v.Hits, web.SearchHit{
			Href:      searchRoot + pageHref(h.URL),
			TitleHTML: template.HTML(h.TitleHTML), // escaped by the search package, with <mark> only
			Path:      strings.Join(h.Path, " › "),
			Snippet:   template.HTML(h.Snippet), // likewise
		})
	}
	if res.From > 0 {
		v.Prev = link(func(q url.Values) {
			if from := max(0, res.From-res.Size); from > 0 {
				q.Set("from", strconv.Itoa(from))
			}
		})
	}
	if next := res.From + len(res.Hits); uint64(next) < res.Total && next <= search.MaxFrom {
		v.Next = link(func(q url.Values) { q.Set("from", strconv.Itoa(next)) })
	}
	return v
}

// pageHref turns a section URL of the index ("07-procedures/05-technical/#sase",
// "./") into the href of its HTML file relative to the site root, as the
// site's own links are written.
func pageHref(sectionURL string) string {
	p, anchor, found := strings.Cut(sectionURL, "#")
	if p == "./" {
		p = ""
	}
	href := p + "index.html"
	if found {
		href += "#" + anchor
	}
	return href
}

// filtered reports whether the request filters by any facet.
func filtered(req search.Request) bool {
	for _, k := range search.FacetKinds {
		if *k.Of(&req) != "" {
			return true
		}
	}
	return false
}
