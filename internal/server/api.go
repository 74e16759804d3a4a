package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/web"
)

var (
	errNoIndex     = errors.New("no search index")
	errBrokenIndex = errors.New("search index damaged")
)

// requestError is a bad parameter, answered with 400 and the text of key
// (server.* of the catalogue) with its slots filled from args (pairs).
type requestError struct {
	key  string
	args []string
}

func (e *requestError) Error() string { return e.key + " " + strings.Join(e.args, " ") }

// searchParams are the parameters of the API and the search page: the
// query, a filter per facet, and paging.
var searchParams = func() map[string]bool {
	m := map[string]bool{"q": true, "from": true, "size": true}
	for _, k := range search.FacetKinds {
		m[k.Key] = true
	}
	return m
}()

// parseRequest reads a search request from a URL's query string. Unknown
// parameters are errors when strict (the API) and ignored otherwise (the
// page, whose links may carry others); a parameter given twice is an error.
func parseRequest(rawQuery string, strict bool) (search.Request, error) {
	var req search.Request
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return req, &requestError{key: "server.bad_query_string"}
	}
	for name, vs := range values {
		if !searchParams[name] {
			if strict {
				return req, &requestError{key: "server.unknown_param", args: []string{"name", clip(name)}}
			}
			continue
		}
		if len(vs) > 1 {
			return req, &requestError{key: "server.repeated_param", args: []string{"name", name}}
		}
		if !utf8.ValidString(vs[0]) {
			return req, &requestError{key: "server.unreadable_param", args: []string{"name", name}}
		}
	}
	req.Query = values.Get("q")
	for _, k := range search.FacetKinds {
		*k.Of(&req) = values.Get(k.Key)
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"from", &req.From}, {"size", &req.Size}} {
		v := values.Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return req, &requestError{key: "server.integer_param", args: []string{"name", p.name}}
		}
		*p.dst = n
	}
	if values.Has("size") && req.Size == 0 {
		return req, &requestError{key: "server.size_zero"}
	}
	return req, nil
}

// paramNames are the parameters in the order messages name them: q,
// chapter, role, level, from, size.
var paramNames = func() []string {
	names := []string{"q"}
	for _, k := range search.FacetKinds {
		names = append(names, k.Key)
	}
	return append(names, "from", "size")
}()

// clip shortens user input quoted in a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

// apiResult is the JSON answer of the search API: the result, which the
// cache shares between requests, with the facets named in the site's
// language.
type apiResult struct {
	Query string `json:"query"`
	*search.Result
	Kinds []search.FacetKind `json:"facet_kinds"`
}

// serveAPI answers GET /api/search with JSON.
func (h *Handler) serveAPI(w http.ResponseWriter, r *http.Request, st *state) {
	req, err := parseRequest(r.URL.RawQuery, true)
	if err == nil {
		var res *search.Result
		if res, err = h.search(r.Context(), st, req); err == nil {
			m := h.textsOf(st)
			writeJSON(w, r, http.StatusOK, apiResult{Query: req.Query, Result: res, Kinds: search.NamedKinds(m.FacetName)}, m)
			return
		}
	}
	m := h.textsOf(st)
	status, msg := h.errorStatus(m, err)
	writeJSON(w, r, status, map[string]string{"error": msg}, m)
}

// errorStatus maps a search error to an HTTP status and a message for the
// reader, in m.
func (h *Handler) errorStatus(m web.Messages, err error) (int, string) {
	var qerr *search.QueryError
	var rerr *requestError
	switch {
	case errors.As(err, &qerr):
		return http.StatusBadRequest, queryText(m, qerr)
	case errors.As(err, &rerr):
		args := rerr.args
		if rerr.key == "server.unknown_param" {
			args = append(args, "list", strings.Join(paramNames, m.Get("server.list_separator")))
		}
		return http.StatusBadRequest, m.Get(rerr.key, args...)
	case errors.Is(err, errBrokenIndex):
		return http.StatusServiceUnavailable, m.Get("server.index_broken")
	case errors.Is(err, errNoIndex):
		return http.StatusServiceUnavailable, m.Get("server.no_index")
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, m.Get("server.timeout")
	case errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, m.Get("server.canceled")
	}
	h.logf("search: %v", err)
	return http.StatusInternalServerError, m.Get("server.search_error")
}

// writeJSON answers v as JSON, or the internal error in m when it cannot
// be encoded.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any, m web.Messages) {
	data, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		data, _ = json.Marshal(map[string]string{"error": m.Get("server.internal_error")})
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json; charset=utf-8")
	hdr.Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(append(data, '\n'))
	}
}
