package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kb-handbook/kb/internal/server"
)

// runHost is kb host: serve a built site read-only, with search, until
// SIGINT or SIGTERM.
func runHost(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("host", "host [DIR] [--addr 127.0.0.1:8080] [--allowed-hosts NAMES]", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on; the default serves this machine only")
	allowed := fs.String("allowed-hosts", "", "comma-separated host names the site is reached by (Host header); "+
		"without it, a loopback --addr answers only localhost names and any other address answers every name")
	dir, code, ok := hostArgs(fs, args)
	if !ok {
		return code
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		fmt.Fprintf(stderr, "kb host: %s is not a built site (no index.html); run kb build first\n", dir)
		return ExitContent
	}
	logger := log.New(stderr, "kb host: ", 0)
	h := server.New(dir, nil, server.Options{Log: logger})
	defer h.Close()
	// A site built with --outputs and no search is served all the same; its
	// search page and API say that search is unavailable, as they do when
	// the index is damaged. Each new build of the folder is swapped in.
	follower := server.Follow(h, dir)
	reportLoad := func(l server.Load) {
		switch {
		case l.Err != nil:
			fmt.Fprintf(stderr, "kb host: %s has no usable search index (%v); serving the pages without search; run kb build again\n", dir, l.Err)
		case l.NoIndex:
			fmt.Fprintf(stderr, "kb host: %s has no search index (built without search); serving it without search\n", dir)
		}
	}
	reportLoad(follower.Check())
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "kb host: %v\n", err)
		return ExitContent
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go follower.Run(ctx, time.Second, func(l server.Load) {
		logger.Printf("serving a new build of %s", dir)
		reportLoad(l)
	})
	policy := server.PolicyFor(*addr, splitList(*allowed))
	guarded := server.Guard(h, policy, "", h.Messages, "server.hint_allowed_hosts")
	fmt.Fprintf(stdout, "kb: hosting %s at http://%s/ (Ctrl+C to stop)\n", dir, ln.Addr())
	if err := server.Serve(ctx, ln, guarded, log.New(stderr, "kb host: ", 0)); err != nil {
		fmt.Fprintf(stderr, "kb host: %v\n", err)
		return ExitContent
	}
	return ExitOK
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var items []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
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
