package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/server"
)

// runHost is kb host: serve a built site read-only, with search, until
// SIGINT or SIGTERM.
func runHost(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("host", "host [DIR] [--addr 127.0.0.1:8080]", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on; the default serves this machine only")
	dir, code, ok := hostArgs(fs, args)
	if !ok {
		return code
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		fmt.Fprintf(stderr, "kb host: %s is not a built site (no index.html); run kb build first\n", dir)
		return ExitContent
	}
	// A site built with --outputs and no search is served all the same; its
	// search page and API say that search is unavailable.
	var idx *search.Index
	indexDir := filepath.Join(dir, search.IndexDir)
	if _, err := os.Stat(indexDir); err == nil {
		if idx, err = search.Open(indexDir); err != nil {
			fmt.Fprintf(stderr, "kb host: %s has no usable search index (%v); run kb build again\n", dir, err)
			return ExitContent
		}
	} else {
		fmt.Fprintf(stderr, "kb host: %s has no search index (built without search); serving it without search\n", dir)
	}
	h := server.New(dir, idx, server.Options{Log: log.New(stderr, "kb host: ", 0)})
	defer h.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "kb host: %v\n", err)
		return ExitContent
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "kb: hosting %s at http://%s/ (Ctrl+C to stop)\n", dir, ln.Addr())
	if err := host(ctx, ln, h, stderr); err != nil {
		fmt.Fprintf(stderr, "kb host: %v\n", err)
		return ExitContent
	}
	return ExitOK
}

// hostArgs parses the flags and the optional folder, which may come before
// or after them.
func hostArgs(fs *flag.FlagSet, args []string) (dir string, code int, ok bool) {
	dir = "public"
	parse := func(args []string) bool {
		if err := fs.Parse(args); err != nil {
			code = ExitUsage
			if errors.Is(err, flag.ErrHelp) {
				code = ExitOK
			}
			return false
		}
		return true
	}
	if !parse(args) {
		return "", code, false
	}
	if fs.NArg() > 0 {
		dir = fs.Arg(0)
		if !parse(fs.Args()[1:]) {
			return "", code, false
		}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "kb host: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return "", ExitUsage, false
	}
	return dir, 0, true
}

// host serves on ln until ctx is done, then lets the requests in flight
// finish for up to five seconds.
func host(ctx context.Context, ln net.Listener, h http.Handler, stderr io.Writer) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(stderr, "kb host: ", 0),
	}
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
