package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kb-handbook/kb/internal/web"
)

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{"127.0.0.1": true, "::1": true, "localhost": true, "LocalHost": true, "127.1.2.3": true,
		"": false, "0.0.0.0": false, "example.com": false, "192.168.1.2": false, "localhost.evil.example": false} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

// Which Host headers each policy answers: DNS rebinding sends the
// attacker's own name to a server on 127.0.0.1.
func TestHostPolicy(t *testing.T) {
	loop := PolicyFor("127.0.0.1:8080", nil)
	named := PolicyFor("0.0.0.0:80", []string{"kb.example.com"})
	open := PolicyFor("0.0.0.0:80", nil)
	for _, tc := range []struct {
		p    HostPolicy
		host string
		want bool
	}{
		{loop, "127.0.0.1:8080", true},
		{loop, "localhost:8080", true},
		{loop, "localhost.:8080", true},
		{loop, "[::1]:8080", true},
		{loop, "evil.example", false},
		{loop, "evil.example:8080", false},
		{loop, "", false},
		{named, "kb.example.com", true},
		{named, "KB.example.com:80", true},
		{named, "localhost:80", true},
		{named, "evil.example", false},
		{open, "evil.example", true},
		{PolicyFor("[::1]:0", nil), "evil.example", false},
	} {
		if got := tc.p.Allows(tc.host); got != tc.want {
			t.Errorf("%+v allows %q: %v, want %v", tc.p, tc.host, got, tc.want)
		}
	}
}

// The guard refuses foreign hosts with 421 and writing methods with 405,
// and sets the security headers on every answer, refusals included.
func TestGuard(t *testing.T) {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	texts := func() web.Messages { return web.BuiltinMessages("en") }
	g := Guard(inner, PolicyFor("127.0.0.1:0", nil), "", texts, "server.hint_allowed_hosts")
	for _, tc := range []struct {
		method, host, path string
		want               int
	}{
		{"GET", "127.0.0.1:8080", "/", http.StatusTeapot},
		{"HEAD", "localhost", "/__kb/events", http.StatusTeapot},
		{"GET", "evil.example", "/", http.StatusMisdirectedRequest},
		{"GET", "evil.example", "/api/search?q=x", http.StatusMisdirectedRequest},
		{"POST", "localhost", "/__kb/events", http.StatusMethodNotAllowed},
		{"DELETE", "localhost", "/__kb/reload.js", http.StatusMethodNotAllowed},
		{"OPTIONS", "localhost", "/", http.StatusMethodNotAllowed},
	} {
		r := httptest.NewRequest(tc.method, tc.path, nil)
		r.Host = tc.host
		w := httptest.NewRecorder()
		g.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("%s %s for %s: %d, want %d", tc.method, tc.path, tc.host, w.Code, tc.want)
		}
		// Refusals are in the texts given, the hint after the reason.
		want := map[int]string{
			http.StatusMisdirectedRequest: "This server does not answer for the host name evil.example. Start kb host with --allowed-hosts naming that host.\n",
			http.StatusMethodNotAllowed:   "This server is read-only.\n",
		}[tc.want]
		if body := w.Body.String(); want != "" && body != want {
			t.Errorf("%s %s for %s says %q, want %q", tc.method, tc.path, tc.host, body, want)
		}
		if w.Header().Get("Content-Security-Policy") != DefaultCSP || w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s for %s: headers %v", tc.method, tc.path, tc.host, w.Header())
		}
	}
}

// Both servers bound every phase of a connection, so that slow or idle
// clients cannot hold connections open (kb serve had none).
func TestHTTPServerTimeouts(t *testing.T) {
	srv := NewHTTPServer(http.NotFoundHandler(), nil)
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout,
	} {
		if d <= 0 || d > 5*time.Minute {
			t.Errorf("%s = %v, want a bound of at most five minutes", name, d)
		}
	}
	if srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > 1<<20 {
		t.Errorf("MaxHeaderBytes = %d", srv.MaxHeaderBytes)
	}
}
