package build

import (
	"errors"
	"fmt"
	"time"

	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// Options configure a build.
type Options struct {
	Source string // site root
	Out    string // output folder
	Force  bool   // replace an output folder kb did not create
	// Outputs are the formats to write, the HTML site alone when empty;
	// the parser leaves out what none of them reads.
	Outputs  []Format
	Progress func(stage string, done, total int)
}

// Result describes a finished build.
type Result struct {
	Site     *site.Site
	Pages    int
	Duration time.Duration
}

// Run builds the site's chosen outputs into opts.Out. Content problems,
// including those the outputs' checks find, are returned as a *diag.Error;
// the previous output is left untouched on any failure.
func Run(opts Options) (*Result, error) {
	start := time.Now()
	if len(opts.Outputs) == 0 {
		opts.Outputs = []Format{HTML{}}
	}
	if err := CheckReplaceable(opts.Out, opts.Force); err != nil {
		return nil, err
	}
	var progress func(int, int)
	if opts.Progress != nil {
		progress = func(done, total int) { opts.Progress("parse", done, total) }
	}
	s, diags := load(opts.Source, progress, parserOptions(opts.Outputs), opts.Outputs)
	if len(diags) > 0 {
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
	if err := emitAll(Job{Site: s, Theme: theme, Out: out}, opts.Outputs); err != nil {
		out.Abort()
		return nil, err
	}
	if err := out.Commit(); err != nil {
		out.Abort()
		return nil, err
	}
	return &Result{Site: s, Pages: len(s.Pages), Duration: time.Since(start)}, nil
}

// copyFiles copies the images and other files that pages link to.
func copyFiles(root string, s *site.Site, w web.Writer) error {
	for _, f := range s.Files {
		data, err := content.ReadFile(root, f)
		if err != nil {
			return err
		}
		if err := w.WriteFile(f, data); err != nil {
			return err
		}
	}
	return nil
}

// emitAll runs the outputs concurrently.
func emitAll(job Job, outs []Format) error {
	errs := make(chan error, len(outs))
	for _, o := range outs {
		go func() {
			if err := o.Emit(job); err != nil {
				errs <- fmt.Errorf("%s: %w", o.Name(), err)
				return
			}
			errs <- nil
		}()
	}
	var all []error
	for range outs {
		if err := <-errs; err != nil {
			all = append(all, err)
		}
	}
	return errors.Join(all...)
}
