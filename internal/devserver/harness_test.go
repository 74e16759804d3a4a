package devserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// harness runs a Server on a copy of a site, with an HTTP server on a random port.
type harness struct {
	t        testing.TB
	src, out string
	srv      *Server
	ts       *httptest.Server
	log      *syncBuffer
}

// syncBuffer is a log that the test reads while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start copies testdata/site (or the folder fill writes) and serves it.
func start(t testing.TB, fill func(dir string), options ...func(*Options)) *harness {
	t.Helper()
	src := filepath.Join(t.TempDir(), "site")
	if fill == nil {
		copyDir(t, "testdata/site", src)
	} else {
		fill(src)
	}
	h := &harness{t: t, src: src, out: filepath.Join(t.TempDir(), "out"), log: &syncBuffer{}}
	opts := Options{Source: src, Out: h.out, Quiet: 40 * time.Millisecond, Log: h.log}
	for _, o := range options {
		o(&opts)
	}
	h.srv = New(opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.srv.Run(ctx) }()
	<-h.srv.Ready()
	h.ts = httptest.NewServer(h.srv.Handler())
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		h.ts.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", h.log.String())
		}
	})
	return h
}

func copyDir(t testing.TB, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}

func (h *harness) write(rel, text string) {
	h.t.Helper()
	p := filepath.Join(h.src, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) edit(rel, old, new string) {
	h.t.Helper()
	data, err := os.ReadFile(filepath.Join(h.src, filepath.FromSlash(rel)))
	if err != nil {
		h.t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		h.t.Fatalf("%s does not contain %q", rel, old)
	}
	h.write(rel, strings.Replace(string(data), old, new, 1))
}

// get fetches a path and returns the status and body.
func (h *harness) get(p string) (int, string) {
	h.t.Helper()
	resp, err := http.Get(h.ts.URL + p)
	if err != nil {
		h.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

var genAttr = regexp.MustCompile(`data-gen="(\d+)"`)

// pageGen is the build number injected into a served page.
func pageGen(body string) uint64 {
	m := genAttr.FindStringSubmatch(body)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseUint(m[1], 10, 64)
	return n
}

// event is one Server-Sent Event as a test client receives it.
type event struct {
	name string
	data eventData
}

// stream is an open event stream.
type stream struct {
	events chan event
	cancel context.CancelFunc
}

// subscribe opens the event stream as the script on page, served at gen, would.
func (h *harness) subscribe(page string, gen uint64) *stream {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	q := url.Values{"gen": {strconv.FormatUint(gen, 10)}, "page": {page}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.ts.URL+eventsPath+"?"+q.Encode(), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		h.t.Fatal(err)
	}
	s := &stream{events: make(chan event, 64), cancel: cancel}
	connected := make(chan struct{})
	go func() {
		defer func() { _ = resp.Body.Close() }()
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		var name, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == ": connected":
				close(connected)
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = strings.TrimPrefix(line, "data: ")
			case line == "" && name != "":
				var d eventData
				if err := json.Unmarshal([]byte(data), &d); err != nil {
					panic(err)
				}
				s.events <- event{name, d}
				name, data = "", ""
			}
		}
	}()
	select {
	case <-connected:
	case <-time.After(5 * time.Second):
		h.t.Fatal("the event stream did not open")
	}
	h.t.Cleanup(cancel)
	return s
}

// next waits for the next event.
func (s *stream) next(t testing.TB) event {
	t.Helper()
	select {
	case e, ok := <-s.events:
		if !ok {
			t.Fatal("the event stream closed")
		}
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no event arrived")
		return event{}
	}
}

// expect waits for the next event and checks its name.
func (s *stream) expect(t testing.TB, name string) eventData {
	t.Helper()
	e := s.next(t)
	if e.name != name {
		t.Fatalf("got event %q %+v, want %q", e.name, e.data, name)
	}
	return e.data
}

// quiet checks that no event arrives for a while.
func (s *stream) quiet(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case e := <-s.events:
		t.Fatalf("unexpected event %q %+v", e.name, e.data)
	case <-time.After(d):
	}
}

// eventually retries check until it passes or 10 s have gone by.
func eventually(t testing.TB, check func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var errNotYet = errors.New("not yet")
