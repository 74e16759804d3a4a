package browsertest

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// FirefoxPath is where Debian installs Firefox ESR.
const FirefoxPath = "/usr/bin/firefox-esr"

// Firefox is a headless Firefox driven over WebDriver BiDi, for the few
// tests that must hold in a second engine (file:// rules differ between
// browsers). It has one tab.
type Firefox struct {
	t    testing.TB
	conn *websocket.Conn
	tab  string

	mu      sync.Mutex
	next    int
	waiting map[int]chan bidiReply
}

type bidiReply struct {
	Type    string          `json:"type"`
	ID      int             `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
}

// NewFirefox starts headless Firefox with a fresh profile, for the length
// of the test. Like New, it is skipped under -short and fails when the
// browser is missing.
func NewFirefox(t testing.TB) *Firefox {
	t.Helper()
	Require(t)
	path := FirefoxPath
	if _, err := os.Stat(path); err != nil {
		found, lookErr := exec.LookPath("firefox")
		if lookErr != nil {
			t.Fatalf("headless Firefox is required for this test: %s not found (apt-get install firefox-esr)", FirefoxPath)
		}
		path = found
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, path, "--headless", "--no-remote", "--profile", t.TempDir(), "--remote-debugging-port=0", "about:blank")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("starting Firefox: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	// Firefox prints the address of its WebDriver BiDi endpoint.
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if _, a, ok := strings.Cut(sc.Text(), "WebDriver BiDi listening on "); ok {
				addr <- strings.TrimSpace(a)
			}
		}
	}()
	var url string
	select {
	case url = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatal("Firefox did not open its WebDriver BiDi endpoint within 30 s")
	}
	dialCtx, cancelDial := context.WithTimeout(ctx, 10*time.Second)
	defer cancelDial()
	conn, _, err := websocket.Dial(dialCtx, url+"/session", nil)
	if err != nil {
		t.Fatalf("connecting to Firefox: %v", err)
	}
	conn.SetReadLimit(64 << 20)
	f := &Firefox{t: t, conn: conn, waiting: map[int]chan bidiReply{}}
	go f.read(ctx)
	f.call("session.new", map[string]any{"capabilities": map[string]any{}}, nil)
	var tree struct {
		Contexts []struct {
			Context string `json:"context"`
		} `json:"contexts"`
	}
	f.call("browsingContext.getTree", map[string]any{}, &tree)
	if len(tree.Contexts) == 0 {
		t.Fatal("Firefox has no tab")
	}
	f.tab = tree.Contexts[0].Context
	return f
}

// read hands each reply to the call waiting for it; events are dropped.
func (f *Firefox) read(ctx context.Context) {
	for {
		_, data, err := f.conn.Read(ctx)
		if err != nil {
			return
		}
		var r bidiReply
		if json.Unmarshal(data, &r) != nil || r.Type == "event" {
			continue
		}
		f.mu.Lock()
		ch := f.waiting[r.ID]
		delete(f.waiting, r.ID)
		f.mu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
}

// call sends a command and decodes its result into out (when not nil).
func (f *Firefox) call(method string, params any, out any) {
	f.t.Helper()
	f.mu.Lock()
	f.next++
	id := f.next
	ch := make(chan bidiReply, 1)
	f.waiting[id] = ch
	f.mu.Unlock()
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		f.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := f.conn.Write(ctx, websocket.MessageText, msg); err != nil {
		f.t.Fatalf("%s: %v", method, err)
	}
	select {
	case r := <-ch:
		if r.Type == "error" {
			f.t.Fatalf("%s: %s: %s", method, r.Error, r.Message)
		}
		if out != nil {
			if err := json.Unmarshal(r.Result, out); err != nil {
				f.t.Fatalf("%s: %v", method, err)
			}
		}
	case <-ctx.Done():
		f.t.Fatalf("%s: no answer from Firefox", method)
	}
}

// Navigate opens url in the tab and waits for the page to load.
func (f *Firefox) Navigate(url string) {
	f.t.Helper()
	f.call("browsingContext.navigate", map[string]any{"context": f.tab, "url": url, "wait": "complete"}, nil)
}

// EvalJSON evaluates the JavaScript expression expr, which must give a
// string, in the page and returns that string (pass JSON.stringify(…) for
// structured values). An exception fails the test.
func (f *Firefox) EvalJSON(expr string) string {
	f.t.Helper()
	var res struct {
		Type   string `json:"type"`
		Result struct {
			Type  string `json:"type"`
			Value any    `json:"value"`
		} `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	f.call("script.evaluate", map[string]any{"expression": expr, "target": map[string]any{"context": f.tab}, "awaitPromise": true}, &res)
	if res.Type == "exception" {
		f.t.Fatalf("%s: %s", expr, res.ExceptionDetails.Text)
	}
	s, ok := res.Result.Value.(string)
	if !ok {
		f.t.Fatalf("%s gave %s %v, not a string", expr, res.Result.Type, res.Result.Value)
	}
	return s
}

// WaitTrue evaluates expr until it is true, for up to 15 seconds.
func (f *Firefox) WaitTrue(expr string) {
	f.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if f.EvalJSON("String(Boolean("+expr+"))") == "true" {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	f.t.Fatalf("%s did not become true in Firefox", expr)
}
