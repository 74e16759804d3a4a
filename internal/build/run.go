package build

import (
	"errors"
	"fmt"
	"time"

	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// Options configure a build.
type Options struct {
	Source string // site root
	Out    string // output folder
	Force  bool   // replace an output folder kb did not create
	// Strict fails the build on warnings as well as on errors.
	Strict bool
	// NoEPUB tells the parser that no emitter renders XHTML, which it can then skip.
	NoEPUB bool
	// NoSearch tells the parser that no emitter indexes the text of the
	// sections, so it keeps only the page lead.
	NoSearch bool
	Progress func(stage string, done, total int)
}

// Result describes a finished build.
type Result struct {
	Site     *site.Site
	Pages    int
	Duration time.Duration
	// Warnings lists what kb reported without stopping the build.
	Warnings []diag.Diagnostic
}

// Emitter writes one more output of the site (search index, EPUB) into dir.
type Emitter func(s *site.Site, out web.Writer, dir string) error

// Run builds the site into opts.Out. Content errors (and warnings, with
// opts.Strict) are returned as a *diag.Error; the previous output is left
// untouched on any failure.
func Run(opts Options, extra ...Emitter) (*Result, error) {
	start := time.Now()
	if err := CheckReplaceable(opts.Out, opts.Force); err != nil {
		return nil, err
	}
	var progress func(int, int)
	if opts.Progress != nil {
		progress = func(done, total int) { opts.Progress("parse", done, total) }
	}
	s, diags := load(opts.Source, progress, markdown.Options{NoXHTML: opts.NoEPUB, LeadOnly: opts.NoSearch})
	if diag.Fatal(diags, opts.Strict) {
		return &Result{Site: s}, &diag.Error{Diagnostics: diags}
	}
	theme, err := Theme(opts.Source)
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	out, err := NewOutput(opts.Out, opts.Force)
	if err != nil {
		return nil, err
	}
	if err := copyFiles(opts.Source, s, out); err != nil {
		out.Abort()
		return nil, err
	}
	if err := emitAll(s, theme, out, extra); err != nil {
		out.Abort()
		return nil, err
	}
	if err := out.Commit(); err != nil {
		out.Abort()
		return nil, err
	}
	return &Result{Site: s, Pages: len(s.Pages), Duration: time.Since(start), Warnings: diags}, nil
}

// copyFiles copies the images and other files that pages link to.
func copyFiles(root string, s *site.Site, w web.Writer) error {
	for _, f := range s.Files {
		data, err := content.ReadFileIn(root, s.Config.ContentDir, f)
		if err != nil {
			return err
		}
		if err := w.WriteFile(f, data); err != nil {
			return err
		}
	}
	return nil
}

// emitAll runs the HTML emitter and the extra ones concurrently.
func emitAll(s *site.Site, theme *web.Theme, out *Output, extra []Emitter) error {
	errs := make(chan error, len(extra)+1)
	go func() { errs <- web.Emit(s, theme, out) }()
	for _, e := range extra {
		go func() { errs <- e(s, out, out.Dir()) }()
	}
	var all []error
	for range len(extra) + 1 {
		if err := <-errs; err != nil {
			all = append(all, err)
		}
	}
	return errors.Join(all...)
}
