package cli

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestHostArguments(t *testing.T) {
	empty := t.TempDir()
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"host", "a", "b"}, ExitUsage, "unexpected argument"},
		{[]string{"host", "a", "--addr"}, ExitUsage, "flag needs an argument"},
		{[]string{"host", "--nope"}, ExitUsage, "not defined"},
		{[]string{"host", "--help"}, ExitOK, "Usage: kb host"},
		{[]string{"host", filepath.Join(empty, "missing")}, ExitContent, "not a built site"},
		{[]string{"host", empty}, ExitContent, "not a built site"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Main(tt.args, &stdout, &stderr); code != tt.code || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tt.args, code, stderr.String(), tt.code, tt.want)
		}
	}
}

// TestHostServesUntilSignaled builds a site, hosts it on a free port with
// the folder after the flags, searches it, and stops it with SIGTERM.
func TestHostServesUntilSignaled(t *testing.T) {
	hostAndSearch(t, nil, http.StatusOK, `"url":"02-measures/endpoint/#edr"`)
}

// TestHostWithoutSearch hosts a site built without its search index: the
// pages are served and the API says that search is unavailable.
func TestHostWithoutSearch(t *testing.T) {
	hostAndSearch(t, []string{"--outputs", "html"}, http.StatusServiceUnavailable, "検索インデックスがありません")
}

func hostAndSearch(t *testing.T, buildFlags []string, status int, want string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	var stderr bytes.Buffer
	args := append([]string{"build", "--source", "../search/testdata/site", "--out", out}, buildFlags...)
	if code := Main(args, io.Discard, &stderr); code != ExitOK {
		t.Fatalf("build: %d %s", code, stderr.String())
	}
	addr, done := startHost(t, "--addr", "127.0.0.1:0", out)
	top, err := http.Get(addr)
	if err != nil {
		t.Fatal(err)
	}
	top.Body.Close()
	if top.StatusCode != http.StatusOK {
		t.Fatalf("top page: %d", top.StatusCode)
	}
	resp, err := http.Get(addr + "api/search?q=EDR")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != status || !strings.Contains(string(body), want) ||
		resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("search: %d %s", resp.StatusCode, body)
	}
	stopHost(t, addr, done)
}

// startHost runs kb host with args in the test's process and returns the
// address it serves at and the channel its exit code comes on.
func startHost(t *testing.T, args ...string) (string, chan int) {
	t.Helper()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Main(append([]string{"host"}, args...), pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	addr := line[strings.Index(line, "http://") : strings.Index(line, "/ (")+1]
	if !strings.HasPrefix(addr, "http://127.0.0.1:") {
		t.Fatalf("listening on %q", line)
	}
	return addr, done
}

// stopHost stops the kb host started by startHost with SIGTERM.
func stopHost(t *testing.T, addr string, done chan int) {
	t.Helper()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("exit %d after SIGTERM", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("kb host did not stop on SIGTERM")
	}
	if _, err := http.Get(addr); err == nil {
		t.Error("still serving after SIGTERM")
	}
}

// TestHostDamagedIndexAndForeignHost hosts a site whose index lost a
// shard: pages are served, search answers 503 with the reason, and a
// request for another Host (DNS rebinding) is refused.
func TestHostDamagedIndexAndForeignHost(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if code := Main([]string{"build", "--source", "../search/testdata/site", "--out", out}, io.Discard, io.Discard); code != ExitOK {
		t.Fatalf("build: %d", code)
	}
	if err := os.RemoveAll(filepath.Join(out, "search.bleve", "shard-00")); err != nil {
		t.Fatal(err)
	}
	addr, done := startHost(t, out, "--addr", "127.0.0.1:0")
	defer stopHost(t, addr, done)
	for _, tc := range []struct {
		path, host string
		status     int
		want       string
	}{
		{"", "", http.StatusOK, "<html"},
		{"api/search?q=EDR", "", http.StatusServiceUnavailable, "壊れている"},
		{"", "evil.example", http.StatusMisdirectedRequest, "--allowed-hosts"},
		{"api/search?q=EDR", "evil.example:8080", http.StatusMisdirectedRequest, ""},
	} {
		req, _ := http.NewRequest("GET", addr+tc.path, nil)
		if tc.host != "" {
			req.Host = tc.host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
			t.Errorf("/%s for %q: %d %.200s", tc.path, tc.host, resp.StatusCode, body)
		}
	}
}
