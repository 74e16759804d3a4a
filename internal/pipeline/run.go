package pipeline

import (
	"errors"
	"fmt"
	"time"

	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/site"
)

// Options configure a build.
type Options struct {
	Source string // site root
	Out    string // output folder
	Force  bool   // replace an output folder kb did not create
	// Strict fails the build on warnings as well as on errors.
	Strict bool
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
	// MovedAside is where the folder kb did not create, replaced with
	// --force, was moved; "" when there was none.
	MovedAside string
	// Warnings lists what kb reported without stopping the build.
	Warnings []diag.Diagnostic
}

// Run builds the site's chosen outputs into opts.Out. Content errors,
// including those the outputs' checks find (and warnings, with
// opts.Strict), are returned as a *diag.Error; the previous output is left
// untouched on any failure.
func Run(opts Options) (*Result, error) {
	start := time.Now()
	if len(opts.Outputs) == 0 {
		opts.Outputs = []Format{HTML{}}
	}
	if err := CheckOutputPlace(opts.Source, opts.Out); err != nil {
		return nil, err
	}
	if err := CheckReplaceable(opts.Out, opts.Force); err != nil {
		return nil, err
	}
	var progress func(int, int)
	if opts.Progress != nil {
		progress = func(done, total int) { opts.Progress("parse", done, total) }
	}
	var out *Output
	b := NewBuilder(BuilderOptions{Root: opts.Source, Formats: opts.Outputs, Strict: opts.Strict, Progress: progress,
		Open: func() (Sink, error) {
			var err error
			out, err = NewOutput(opts.Out, opts.Force)
			return out, err
		}})
	ch, err := b.Build(nil)
	if err == nil {
		err = out.Commit()
	}
	if err != nil {
		if out != nil {
			out.Abort()
		}
		if ch != nil {
			return &Result{Site: ch.Site}, err
		}
		return nil, err
	}
	return &Result{Site: ch.Site, Pages: len(ch.Site.Pages), Duration: time.Since(start), MovedAside: out.MovedAside, Warnings: ch.Warnings}, nil
}

// emitAll runs the outputs concurrently, each Follower after the outputs
// it follows.
func emitAll(job Job, outs []Format) error {
	errs := make(chan error, len(outs))
	done := map[string]chan struct{}{}
	for _, o := range outs {
		done[o.Name()] = make(chan struct{})
	}
	for _, o := range outs {
		go func() {
			defer close(done[o.Name()])
			if f, ok := o.(Follower); ok {
				for _, name := range f.After() {
					if ch := done[name]; ch != nil {
						<-ch
					}
				}
			}
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
