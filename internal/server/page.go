package server

import (
	"bytes"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/web"
)

// searchRoot is the way from the search page to the site root. It also
// holds for /search, whose "../" stops at the root.
const searchRoot = "../"

// results is what the results template sees.
type results struct {
	Status string
	Error  string
	Help   bool
	Facets []facetGroup
	Hits   []hitView
	Start  int
	Size   int
	Prev   string
	Next   string
}

type facetGroup struct {
	Name   string
	Values []facetLink
}

type facetLink struct {
	Param, ID, Label string
	Count            int
	Active           bool
	Href             string
}

type hitView struct {
	Href      string
	TitleHTML template.HTML
	Path      string
	Snippet   template.HTML
}

// resultsTemplate renders the results part of the search page; search.js
// renders the same markup from the API.
var resultsTemplate = template.Must(template.New("results").Parse(`<div class="search-live" data-kb-search>
<p id="search-status" class="search-status" role="status" aria-live="polite">{{.Status}}</p>
{{with .Error}}<p class="search-error">{{.}}</p>
{{end}}{{if .Help}}<ul class="search-help">
<li>語を空白で区切ると、すべての語を含む節を探します。</li>
<li><code>"…"</code> で囲むと、空白を含む語句をそのまま探します。</li>
<li><code>-語</code> で、その語を含む節を除きます。</li>
<li><code>role:admin</code>、<code>chapter:7</code>、<code>level:2</code> で、役割・章・レベルを絞り込めます。</li>
</ul>
{{end}}{{if .Facets}}<details class="search-facets" open><summary>絞り込み</summary><div class="search-facet-list">
{{range .Facets}}<div class="search-facet"><p class="search-facet-name">{{.Name}}</p><p class="page-meta">{{range .Values}}<a class="tag{{if .Active}} active{{end}}" href="{{.Href}}" data-param="{{.Param}}" data-value="{{.ID}}"{{if .Active}} aria-current="true"{{end}}>{{.Label}}（{{.Count}}）</a> {{end}}</p></div>
{{end}}</div></details>
{{end}}{{if .Hits}}<ol class="search-results" start="{{.Start}}">
{{range .Hits}}<li><a href="{{.Href}}">{{.TitleHTML}}</a>{{with .Path}}<p class="path">{{.}}</p>{{end}}<p class="snippet">{{.Snippet}}</p></li>
{{end}}</ol>
{{end}}{{if or .Prev .Next}}<nav class="search-pager" aria-label="検索結果のページ">{{with .Prev}}<a rel="prev" href="{{.}}">前の{{$.Size}}件</a> {{end}}{{with .Next}}<a rel="next" href="{{.}}">次の{{$.Size}}件</a>{{end}}</nav>
{{end}}</div>`))

// servePage answers the search page with the results of its q and filters
// in place of the notice the build wrote into it.
func (h *Handler) servePage(w http.ResponseWriter, r *http.Request, st *state) {
	page, err := readPage(st.dir)
	if err != nil {
		h.notFound(w, r, st)
		return
	}
	status, view := http.StatusOK, results{}
	req, err := parseRequest(r.URL.RawQuery, false)
	switch {
	case err != nil:
		status, view.Error = h.errorStatus(err)
		view.Status, view.Help = "検索できませんでした。", true
	case strings.TrimSpace(req.Query) == "" && req.Role == "" && req.Chapter == "" && req.Level == "":
		view.Status, view.Help = "検索語を入力してください。", true
	default:
		res, err := h.search(r.Context(), st, req)
		if err != nil {
			status, view.Error = h.errorStatus(err)
			view.Status, view.Help = "検索できませんでした。", true
			break
		}
		view = resultsView(req, res)
	}
	var region bytes.Buffer
	if err := resultsTemplate.Execute(&region, view); err != nil {
		h.logf("search page: %v", err)
		http.Error(w, "内部エラーが発生しました。", http.StatusInternalServerError)
		return
	}
	out := splice(page, region.Bytes(), req.Query)
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(out)
	}
}

func readPage(dir string) ([]byte, error) {
	if dir == "" {
		return nil, os.ErrNotExist
	}
	f, err := os.OpenInRoot(dir, web.SearchDir+"index.html")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// splice puts the results between the page's markers, the query into the
// header search box and the page title.
func splice(page, region []byte, q string) []byte {
	start := bytes.Index(page, []byte(web.SearchResultsStart))
	end := bytes.Index(page, []byte(web.SearchResultsEnd))
	if start < 0 || end < start {
		return page
	}
	var b bytes.Buffer
	head := page[:start]
	if q != "" {
		escaped := template.HTMLEscapeString(q)
		head = bytes.Replace(head, []byte(`id="search-q"`), []byte(`id="search-q" value="`+escaped+`"`), 1)
		head = bytes.Replace(head, []byte("<title>検索"), []byte("<title>「"+escaped+"」の検索結果"), 1)
	}
	b.Write(head)
	b.Write(region)
	b.Write(page[end+len(web.SearchResultsEnd):])
	return b.Bytes()
}

// statusText describes a result in the page's live region.
func statusText(q string, res *search.Result) string {
	subject := "「" + strings.TrimSpace(q) + "」に一致する節"
	if strings.TrimSpace(q) == "" {
		subject = "条件に合う節"
	}
	if res.Total == 0 {
		return subject + "は見つかりませんでした。"
	}
	first := res.From + 1
	last := res.From + len(res.Hits)
	if len(res.Hits) == 0 {
		return subject + "は" + strconv.FormatUint(res.Total, 10) + "件です。"
	}
	return subject + "は" + strconv.FormatUint(res.Total, 10) + "件です（" + strconv.Itoa(first) + "〜" + strconv.Itoa(last) + "件目）。"
}

// resultsView lays out a result for the template.
func resultsView(req search.Request, res *search.Result) results {
	v := results{Status: statusText(req.Query, res), Start: res.From + 1, Size: res.Size, Help: res.Total == 0}
	link := func(change func(url.Values)) string {
		q := url.Values{}
		for name, value := range map[string]string{"q": req.Query, "role": req.Role, "chapter": req.Chapter, "level": req.Level} {
			if value != "" {
				q.Set(name, value)
			}
		}
		if req.Size != 0 && req.Size != search.DefaultSize {
			q.Set("size", strconv.Itoa(req.Size))
		}
		change(q)
		return "?" + q.Encode()
	}
	for _, g := range []struct {
		name, param, current string
		counts               []search.FacetCount
	}{
		{"章", "chapter", req.Chapter, res.Facets.Chapters},
		{"役割", "role", req.Role, res.Facets.Roles},
		{"レベル", "level", req.Level, res.Facets.Levels},
	} {
		if len(g.counts) == 0 {
			continue
		}
		group := facetGroup{Name: g.name}
		for _, c := range g.counts {
			active := g.current == c.ID
			group.Values = append(group.Values, facetLink{Param: g.param, ID: c.ID, Label: c.Label, Count: c.Count, Active: active,
				Href: link(func(q url.Values) {
					if active {
						q.Del(g.param)
					} else {
						q.Set(g.param, c.ID)
					}
				})})
		}
		v.Facets = append(v.Facets, group)
	}
	for _, h := range res.Hits {
		v.Hits = append(v.Hits, hitView{
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
