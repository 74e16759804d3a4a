// Package cli parses kb's command line and wires the pipeline stages together.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/formats"
	"github.com/kb-handbook/kb/internal/pipeline"
)

// Version is kb's version, set at link time with -ldflags "-X ...cli.Version=…".
var Version = "dev"

// Exit codes.
const (
	ExitOK      = 0
	ExitContent = 1 // the content has problems
	ExitUsage   = 2 // the command line is wrong
)

const usage = `kb — Markdown knowledge base → static site, search index and EPUB

Usage:
  kb build [--source DIR] [--out DIR] [--force] [--strict] [--outputs html,search,epub]
                                                  build the site, search index and EPUB into DIR (default public)
  kb check [--source DIR] [--strict]              report problems without writing anything
  kb serve [--source DIR] [--addr 127.0.0.1:8080] preview with live reload while you edit
  kb host [DIR] [--addr 127.0.0.1:8080]           serve a built site (default public) with search
  kb migrate [--source DIR] [--write]             show (or write) the kb.yaml and SUMMARY.md for a book of another tool
  kb version                                      print the version

Run "kb COMMAND --help" for the flags of a command.
`

// Main runs kb with args (without the program name) and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitUsage
	}
	switch args[0] {
	case "build":
		return runBuild(args[1:], stdout, stderr)
	case "check":
		return runCheck(args[1:], stdout, stderr)
	case "serve":
		return runServe(args[1:], stdout, stderr)
	case "host":
		return runHost(args[1:], stdout, stderr)
	case "migrate":
		return runMigrate(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "kb %s\n", Version)
		return ExitOK
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return ExitOK
	default:
		fmt.Fprintf(stderr, "kb: unknown command %q\n\n%s", args[0], usage)
		return ExitUsage
	}
}

// newFlags returns a flag set that prints its usage to stderr and never exits.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: kb %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and reports the exit code to use when parsing stops the command.
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, false
		}
		return ExitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "kb %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return ExitUsage, false
	}
	return 0, true
}

func runBuild(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("build", "build [--source DIR] [--out DIR] [--force] [--strict] [--outputs LIST]", stderr)
	source := fs.String("source", ".", "site root holding content/ and optionally kb.yaml, layouts/, assets/")
	out := fs.String("out", "public", "output folder")
	force := fs.Bool("force", false, "replace the output folder even if kb did not create it")
	strict := fs.Bool("strict", false, "fail on warnings too, not only on errors")
	outputList := fs.String("outputs", formats.Names(), "outputs to write, comma-separated (html is always written)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	chosen, err := formats.Select(*outputList)
	if err != nil {
		fmt.Fprintf(stderr, "kb build: %v\n", err)
		return ExitUsage
	}
	opts := pipeline.Options{Source: *source, Out: *out, Force: *force, Strict: *strict, Outputs: chosen, Progress: progressPrinter(stderr)}
	res, err := pipeline.Run(opts)
	clearProgress(stderr)
	if code := report(err, stderr); code != ExitOK {
		return code
	}
	printWarnings(res.Warnings, stderr)
	if res.MovedAside != "" {
		fmt.Fprintf(stderr, "kb build: %s was not created by kb; it was moved to %s, not deleted\n", *out, res.MovedAside)
	}
	fmt.Fprintf(stdout, "kb: built %d pages in %s → %s\n", res.Pages, res.Duration.Round(time.Millisecond), *out)
	return ExitOK
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("check", "check [--source DIR] [--strict]", stderr)
	source := fs.String("source", ".", "site root holding content/ and optionally kb.yaml")
	strict := fs.Bool("strict", false, "fail on warnings too, not only on errors")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	start := time.Now()
	s, diags := pipeline.Check(*source, formats.All())
	fmt.Fprintln(stdout, layoutLine(s.Config))
	if diag.Fatal(diags, *strict) {
		return report(&diag.Error{Diagnostics: diags}, stderr)
	}
	printWarnings(diags, stderr)
	if len(diags) > 0 {
		fmt.Fprintf(stdout, "kb: checked %d pages in %s, %d warning(s), no errors\n", len(s.Pages), time.Since(start).Round(time.Millisecond), len(diags))
		return ExitOK
	}
	fmt.Fprintf(stdout, "kb: checked %d pages in %s, no problems found\n", len(s.Pages), time.Since(start).Round(time.Millisecond))
	return ExitOK
}

// layoutLine says how kb read the book: as its own, or by another tool's configuration.
func layoutLine(c config.Config) string {
	dir := c.ContentDir
	if dir == "" {
		dir = content.Dir
	}
	if c.Layout == "" {
		return fmt.Sprintf("kb: layout kb (pages in %s/)", dir)
	}
	return fmt.Sprintf("kb: layout %s (from %s; pages in %s/)", c.Layout, c.LayoutFile, dir)
}

// printWarnings prints the warnings of a build or check that went on.
func printWarnings(diags []diag.Diagnostic, stderr io.Writer) {
	for _, d := range diags {
		fmt.Fprintln(stderr, d.String())
	}
	if len(diags) > 0 {
		fmt.Fprintf(stderr, "kb: %d warning(s); run with --strict to treat them as errors\n", len(diags))
	}
}

// report prints err and returns the exit code for it.
func report(err error, stderr io.Writer) int {
	if err == nil {
		return ExitOK
	}
	var derr *diag.Error
	if errors.As(err, &derr) {
		for _, d := range derr.Diagnostics {
			fmt.Fprintln(stderr, d.String())
		}
		errs, warns := diag.Count(derr.Diagnostics)
		fmt.Fprintf(stderr, "kb: %d error(s), %d warning(s) found; nothing was written\n", errs, warns)
		return ExitContent
	}
	fmt.Fprintf(stderr, "kb: %v\n", err)
	return ExitContent
}

// isTerminal reports whether w is a terminal, where progress is shown.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func progressPrinter(w io.Writer) func(stage string, done, total int) {
	if !isTerminal(w) {
		return nil
	}
	return func(stage string, done, total int) {
		if done == total || done%50 == 0 {
			fmt.Fprintf(w, "\r%s %d/%d", stage, done, total)
		}
	}
}

func clearProgress(w io.Writer) {
	if isTerminal(w) {
		fmt.Fprint(w, "\r\033[K")
	}
}
