package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/kb-handbook/kb/internal/search"
)

var (
	errNoIndex     = errors.New("no search index")
	errBrokenIndex = errors.New("search index damaged")
)

// requestError is a bad parameter, answered with 400 and its message.
type requestError struct{ msg string }

func (e *requestError) Error() string { return e.msg }

// searchParams are the parameters of the API and the search page.
var searchParams = map[string]bool{"q": true, "role": true, "chapter": true, "level": true, "from": true, "size": true}

// parseRequest reads a search request from a URL's query string. Unknown
// parameters are errors when strict (the API) and ignored otherwise (the
// page, whose links may carry others); a parameter given twice is an error.
func parseRequest(rawQuery string, strict bool) (search.Request, error) {
	var req search.Request
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return req, &requestError{"URL のパラメーターを読み取れません。"}
	}
	for name, vs := range values {
		if !searchParams[name] {
			if strict {
				return req, &requestError{"不明なパラメーター「" + clip(name) + "」です。使えるのは q、role、chapter、level、from、size です。"}
			}
			continue
		}
		if len(vs) > 1 {
			return req, &requestError{"パラメーター「" + name + "」が複数あります。"}
		}
		if !utf8.ValidString(vs[0]) {
			return req, &requestError{"パラメーター「" + name + "」に読み取れない文字が含まれています。"}
		}
	}
	req.Query = values.Get("q")
	req.Role = values.Get("role")
	req.Chapter = values.Get("chapter")
	req.Level = values.Get("level")
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
			return req, &requestError{"パラメーター「" + p.name + "」は整数で指定してください。"}
		}
		*p.dst = n
	}
	if values.Has("size") && req.Size == 0 {
		return req, &requestError{"件数（size）は1以上で指定してください。"}
	}
	return req, nil
}

// clip shortens user input quoted in a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

// apiResult is the JSON answer of the search API.
type apiResult struct {
	Query string `json:"query"`
	*search.Result
}

// serveAPI answers GET /api/search with JSON.
func (h *Handler) serveAPI(w http.ResponseWriter, r *http.Request, st *state) {
	req, err := parseRequest(r.URL.RawQuery, true)
	if err == nil {
		var res *search.Result
		if res, err = h.search(r.Context(), st, req); err == nil {
			writeJSON(w, r, http.StatusOK, apiResult{Query: req.Query, Result: res})
			return
		}
	}
	status, msg := h.errorStatus(err)
	writeJSON(w, r, status, map[string]string{"error": msg})
}

// errorStatus maps a search error to an HTTP status and a message for the reader.
func (h *Handler) errorStatus(err error) (int, string) {
	var qerr *search.QueryError
	var rerr *requestError
	switch {
	case errors.As(err, &qerr):
		return http.StatusBadRequest, qerr.Msg
	case errors.As(err, &rerr):
		return http.StatusBadRequest, rerr.msg
	case errors.Is(err, errBrokenIndex):
		return http.StatusServiceUnavailable, "検索インデックスが壊れているため検索できません。kb build でサイトを作り直してください。"
	case errors.Is(err, errNoIndex):
		return http.StatusServiceUnavailable, "このサイトには検索インデックスがありません。kb build でサイトを作り直してください。"
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "検索に時間がかかりすぎました。語を増やして絞り込んでください。"
	case errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, "検索が中断されました。"
	}
	h.logf("search: %v", err)
	return http.StatusInternalServerError, "検索中にエラーが発生しました。"
}

func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status, data = http.StatusInternalServerError, []byte(`{"error":"内部エラーが発生しました。"}`)
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json; charset=utf-8")
	hdr.Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(append(data, '\n'))
	}
}
