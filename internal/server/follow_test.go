package server

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/search"
)

// hits returns how many results the API finds for q.
func hits(t *testing.T, h http.Handler, q string) (int, int) {
	t.Helper()
	w := get(h, "GET", "/api/search?q="+q)
	var res struct {
		Total int `json:"total"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &res)
	return w.Code, res.Total
}

// After a rebuild of the hosted folder, the follower swaps the new index
// in: a word that only the new build holds is found, while requests go on
// answering throughout.
func TestFollowerSwapsInNewBuild(t *testing.T) {
	src := t.TempDir()
	write := func(word string) {
		t.Helper()
		for name, text := range map[string]string{
			"content/_index.md": "# トップ\n",
			"content/page.md":   "# ページ\n\n本文に" + word + "と書きます。\n",
		} {
			p := filepath.Join(src, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("ファイアウォール")
	out := filepath.Join(t.TempDir(), "public")
	rebuild := func() {
		t.Helper()
		if _, err := pipeline.Run(pipeline.Options{Source: src, Out: out, Outputs: withIndex}); err != nil {
			t.Fatal(err)
		}
	}
	rebuild()
	h := New(out, nil, Options{})
	defer h.Close()
	f := Follow(h, out)
	if l := f.Check(); !l.Changed || l.Err != nil || l.NoIndex {
		t.Fatalf("first check: %+v", l)
	}
	if code, n := hits(t, h, "ファイアウォール"); code != 200 || n != 1 {
		t.Fatalf("old word: %d, %d hits", code, n)
	}
	if l := f.Check(); l.Changed {
		t.Fatal("a check without a new build swapped")
	}

	// Requests keep being answered while builds are swapped in.
	var failed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if w := get(h, "GET", "/api/search?q=%E3%83%9A%E3%83%BC%E3%82%B8"); w.Code != 200 {
					failed.Add(1)
				}
				if w := get(h, "GET", "/page/"); w.Code != 200 {
					failed.Add(1)
				}
			}
		})
	}
	write("多要素認証")
	rebuild()
	l := f.Check()
	rebuild()
	l2 := f.Check()
	close(stop)
	wg.Wait()
	if !l.Changed || !l2.Changed {
		t.Fatalf("checks after rebuilds: %+v %+v", l, l2)
	}
	if code, n := hits(t, h, "多要素認証"); code != 200 || n != 1 {
		t.Errorf("new word: %d, %d hits", code, n)
	}
	if _, n := hits(t, h, "ファイアウォール"); n != 0 {
		t.Errorf("old word still found %d times", n)
	}
	if n := failed.Load(); n > 0 {
		t.Errorf("%d requests failed during swaps", n)
	}
}

// A damaged index: the pages are served, search answers 503 saying why.
func TestFollowerServesPagesOverDamagedIndex(t *testing.T) {
	out := buildSite(t, fixtureSite)
	if err := os.RemoveAll(filepath.Join(out, search.IndexDir, "shard-00")); err != nil {
		t.Fatal(err)
	}
	h := New(out, nil, Options{})
	defer h.Close()
	if l := Follow(h, out).Check(); l.Err == nil {
		t.Fatalf("damaged index loaded: %+v", l)
	}
	if w := get(h, "GET", "/"); w.Code != 200 {
		t.Errorf("top page: %d", w.Code)
	}
	for _, target := range []string{"/api/search?q=EDR", "/search?q=EDR"} {
		w := get(h, "GET", target)
		if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "壊れている") {
			t.Errorf("%s: %d %s", target, w.Code, w.Body.String())
		}
	}
}
