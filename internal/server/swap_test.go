package server

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kb-handbook/kb/internal/search"
)

func TestSwapKeepsInFlightRequestsOnTheOldIndex(t *testing.T) {
	// A second build of the fixture with one more page.
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(fixtureSite)); err != nil {
		t.Fatal(err)
	}
	page := "---\ntitle: 追加のページ\n---\n\n## 新しい節 {#new}\n\n差し替えの確認に使う珍語です。\n"
	if err := os.WriteFile(filepath.Join(src, "content", "02-measures", "extra.md"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	second := buildSite(t, src)

	h := newHandler(t, fixture(t))
	count := func() string {
		w := get(h, "GET", "/api/search?q=%E7%8F%8D%E8%AA%9E") // 珍語
		return fmt.Sprint(w.Code, " ", strings.Contains(w.Body.String(), `"total":1`))
	}
	if got := count(); got != "200 false" {
		t.Fatalf("before the swap: %s", got)
	}
	inFlight := h.acquire()
	idx, err := search.Open(filepath.Join(second, search.IndexDir))
	if err != nil {
		t.Fatal(err)
	}
	h.Swap(second, idx)
	if got := count(); got != "200 true" {
		t.Errorf("after the swap: %s", got)
	}
	if w := get(h, "GET", "/02-measures/extra/"); w.Code != 200 {
		t.Errorf("new page after the swap: %d", w.Code)
	}
	// The request that started before the swap still has its index…
	if _, err := inFlight.idx.Search(context.Background(), search.Request{Query: "EDR"}); err != nil {
		t.Errorf("old index closed under a request: %v", err)
	}
	// …until it finishes.
	inFlight.release()
	if inFlight.idx != nil {
		t.Error("old index not closed after its last request")
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if w := get(h, "GET", "/api/search?q=EDR"); w.Code != http.StatusServiceUnavailable {
		t.Errorf("after Close: %d", w.Code)
	}
}

// TestNoTraversalOverTheWire sends raw request lines, as a client that does
// not clean paths would, to a real server.
func TestNoTraversalOverTheWire(t *testing.T) {
	srv := httptest.NewServer(newHandler(t, fixture(t)))
	defer srv.Close()
	for _, target := range []string{"/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/.kb-output", "/search.bleve/index_meta.json"} {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", target)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		resp.Body.Close()
		conn.Close()
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: %d", target, resp.StatusCode)
		}
	}
}

// The search page is read once per served build: a later change to the
// file under a build being served is not seen, and the next build swapped
// in is served with its own page.
func TestSearchPageOncePerBuild(t *testing.T) {
	first := filepath.Join(t.TempDir(), "public")
	if err := os.CopyFS(first, os.DirFS(fixture(t))); err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(fixtureSite)); err != nil {
		t.Fatal(err)
	}
	config, err := os.ReadFile(filepath.Join(src, "kb.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const oldTitle, newTitle = "検索テスト用ナレッジベース", "差し替え後の手引き"
	config = []byte(strings.Replace(string(config), oldTitle, newTitle, 1))
	if err := os.WriteFile(filepath.Join(src, "kb.yaml"), config, 0o644); err != nil {
		t.Fatal(err)
	}
	second := buildSite(t, src)

	h := newHandler(t, first)
	page := func() string {
		t.Helper()
		w := get(h, "GET", "/search/?q=EDR")
		if w.Code != http.StatusOK {
			t.Fatalf("search page: %d\n%s", w.Code, w.Body)
		}
		return w.Body.String()
	}
	before := page()
	if !strings.Contains(before, oldTitle) || !strings.Contains(before, `<mark>EDR</mark>`) {
		t.Fatalf("the first build's page:\n%s", before)
	}
	// The page saved with the index, spoilt under the build being served.
	if err := os.WriteFile(filepath.Join(first, search.IndexDir, search.PageFile), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if again := page(); again != before {
		t.Errorf("the page changed without a new build:\n%s", again)
	}
	idx, err := search.Open(filepath.Join(second, search.IndexDir))
	if err != nil {
		t.Fatal(err)
	}
	h.Swap(second, idx)
	if after := page(); !strings.Contains(after, newTitle) || strings.Contains(after, oldTitle) {
		t.Errorf("after the swap the page is not the new build's:\n%s", after)
	}
}

// Requests keep being answered, each from one whole build, while the
// served folder is reloaded and new builds are swapped in (run with -race:
// the files a state reads on first use are shared by its requests).
func TestRequestsDuringReloadAndSwap(t *testing.T) {
	h := newHandler(t, fixture(t))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := range 4 {
		wg.Go(func() {
			for i := c; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				target, want := "/search/?q=EDR", "「EDR」に一致する節は4件です"
				if i%2 == 1 {
					target, want = "/api/search?q=EDR", `"total":4`
				}
				if w := get(h, "GET", target); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), want) {
					t.Errorf("%s: %d without %s:\n%.500s", target, w.Code, want, w.Body)
					return
				}
			}
		})
	}
	for range 3 {
		for range 10 {
			h.Reload()
			time.Sleep(time.Millisecond)
		}
		dir := filepath.Join(t.TempDir(), "public")
		if err := os.CopyFS(dir, os.DirFS(fixture(t))); err != nil {
			t.Fatal(err)
		}
		idx, err := search.Open(filepath.Join(dir, search.IndexDir))
		if err != nil {
			t.Fatal(err)
		}
		h.Swap(dir, idx)
	}
	close(stop)
	wg.Wait()
}
