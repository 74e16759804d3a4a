package server

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kb-handbook/kb/internal/web"
)

// HostPolicy says which Host headers a server answers. A server on a
// loopback address answers only loopback names by default, so that a page
// elsewhere cannot reach it through DNS rebinding (a name of its own that
// resolves to 127.0.0.1) and read the site or the API.
type HostPolicy struct {
	// Allowed are host names (without port) answered besides loopback ones.
	Allowed []string
	// Any answers every Host.
	Any bool
}

// PolicyFor returns the policy of a server listening on addr: the allowed
// names when given; otherwise loopback names only on a loopback address,
// and any name on an address other machines reach, where the names the
// server is known by cannot be guessed.
func PolicyFor(addr string, allowed []string) HostPolicy {
	if len(allowed) > 0 {
		return HostPolicy{Allowed: allowed}
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	return HostPolicy{Any: !IsLoopback(host)}
}

// Allows reports whether a request with the Host header hostport is answered.
func (p HostPolicy) Allows(hostport string) bool {
	if p.Any {
		return true
	}
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	return IsLoopback(host) || slices.ContainsFunc(p.Allowed, func(a string) bool { return strings.EqualFold(a, host) })
}

// IsLoopback reports whether host (a name or an IP, without port) stays on this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// SetSecurityHeaders sets the headers every response of kb's servers
// carries: the content security policy, no MIME sniffing, no framing by
// other sites, and no referrer sent elsewhere.
func SetSecurityHeaders(h http.Header, csp string) {
	if csp == "" {
		csp = DefaultCSP
	}
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
}

// Guard wraps the handler of kb host or kb serve: requests for a Host the
// policy does not allow get 421, methods other than GET and HEAD get 405
// (both servers are read-only, their own /__kb/ paths included), and every
// response carries the security headers. The refusals are in the texts of
// the served site (Handler.Messages); hintKey names the text that tells a
// refused client how to start the server for its Host.
func Guard(next http.Handler, p HostPolicy, csp string, texts func() web.Messages, hintKey string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetSecurityHeaders(w.Header(), csp)
		if !p.Allows(r.Host) {
			m := texts()
			http.Error(w, m.Get("server.wrong_host", "host", clip(r.Host))+m.Get(hintKey), http.StatusMisdirectedRequest)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, texts().Get("server.read_only"), http.StatusMethodNotAllowed)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// NewHTTPServer returns the HTTP server of kb host and kb serve, with
// timeouts that keep slow or idle clients from holding connections. A
// handler that streams for longer (kb serve's events) lifts the write
// deadline itself with http.ResponseController.
func NewHTTPServer(h http.Handler, errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          errorLog,
	}
}

// Serve is the life of kb host's and kb serve's HTTP server: it serves h on
// ln until ctx is done, then lets the requests in flight finish for up to
// five seconds.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, errorLog *log.Logger) error {
	srv := NewHTTPServer(h, errorLog)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
