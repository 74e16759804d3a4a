package cli

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/kb-handbook/kb/internal/devserver"
	"github.com/kb-handbook/kb/internal/formats"
	"github.com/kb-handbook/kb/internal/server"
)

// runServe is kb serve: the editors' preview with live reload.
func runServe(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve", "serve [--source DIR] [--addr 127.0.0.1:8080] [--public]", stderr)
	source := fs.String("source", ".", "site root holding content/ and optionally kb.yaml, layouts/, assets/")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	public := fs.Bool("public", false, "allow an address that other machines can reach (the preview has no access control)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		fmt.Fprintf(stderr, "kb serve: bad --addr %q: %v\n", *addr, err)
		return ExitUsage
	}
	if !*public && !server.IsLoopback(host) {
		fmt.Fprintf(stderr, "kb serve: %s is reachable from other machines; pass --public to serve there, or use 127.0.0.1\n", *addr)
		return ExitUsage
	}
	// The preview is built into a folder of its own, never over public/.
	tmp, err := os.MkdirTemp("", "kb-serve-")
	if err != nil {
		fmt.Fprintf(stderr, "kb serve: %v\n", err)
		return ExitContent
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "kb serve: %v\n", err)
		return ExitContent
	}

	// The search index is kept up to date by the preview itself; EPUBs and
	// the print edition are built when a browser asks for them.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := devserver.New(devserver.Options{Source: *source, Out: filepath.Join(tmp, "site"), IndexDir: filepath.Join(tmp, "search"),
		OnDemand: formats.OnDemand(), Log: stderr, AnyHost: *public})
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- server.Serve(runCtx, ln, srv.Handler(), log.New(stderr, "kb serve: ", 0)) }()
	runErr := make(chan error, 1)
	go func() { runErr <- srv.Run(runCtx) }()

	<-srv.Ready()
	fmt.Fprintf(stdout, "kb: previewing %s at http://%s/ (Ctrl+C to stop)\n", *source, ln.Addr())
	code := ExitOK
	fail := func(err error) {
		if err != nil {
			fmt.Fprintf(stderr, "kb serve: %v\n", err)
			code = ExitContent
		}
	}
	select {
	case <-ctx.Done():
	case err := <-runErr:
		fail(err)
	case err := <-served:
		fail(err) // the server stopped on its own; the deferred cancel stops the builds
		return code
	}
	cancel()
	fail(<-served)
	return code
}
