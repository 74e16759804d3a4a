package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"

	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// A Format is one output written from the resolved site: the HTML site,
// the search index, the EPUB editions. Formats are listed in one registry
// (package formats); kb build --outputs chooses among them by name, kb check
// runs every Check, and kb serve builds the ones it serves on demand.
type Format interface {
	// Name is the format's name on the command line (kb build --outputs).
	Name() string
	// Needs says what the format reads from the parsed pages, so that the
	// parser can leave out what no chosen format reads.
	Needs() Needs
	// Check adds the format's own problems with the site, such as an EPUB
	// edition with no pages, to diags. It writes nothing.
	Check(s *site.Site, diags *diag.List)
	// Emit writes the format through job.Out. Formats run concurrently.
	Emit(job Job) error
}

// Needs lists the parts of a parsed page beyond its HTML that a format reads.
type Needs struct {
	XHTML       bool // the XHTML fragment of every page
	SectionText bool // the plain text of every section, not only the page lead
}

// Job is what a format is given to write.
type Job struct {
	Site  *site.Site
	Theme *web.Theme
	Out   Writer
	// Part, when not nil, asks a format that can be written in parts (the
	// HTML site) for a part only; other formats write everything.
	Part *Part
	// Published names the formats whose files the site offers: those this
	// build writes and those served on demand (kb serve's EPUBs). The HTML
	// site links only to what is published.
	Published []string
}

// Part is a part of the HTML site: kb serve writes the edited pages first,
// tells the browsers, and writes the rest after.
type Part struct {
	Pages    []*site.Page // the pages to render
	SiteWide bool         // also the files that are not pages of the book
	// Background leaves all cores but one to other work, such as the
	// build of the next edit.
	Background bool
}

// Writer is the output folder as a format sees it.
type Writer interface {
	web.Writer
	// ReadFile reads a file of the build: one copied from content/ or
	// written by a format.
	ReadFile(name string) ([]byte, error)
	// Folder returns the path of an empty folder at name inside the
	// build, for a format that writes its files itself (the bleve index).
	// The folder itself is created by the caller.
	Folder(name string) (string, error)
	// Local returns the path of the folder at name that a format of this
	// build wrote (see Folder), for a format that follows it to read;
	// an error wrapping fs.ErrNotExist when none did.
	Local(name string) (string, error)
}

// An OnDemand format can be written when one of its files is asked for
// rather than on every build (kb serve's EPUBs and print edition): Writes
// reports whether the file at name, relative to the output root, is one
// it writes for s.
type OnDemand interface {
	Format
	Writes(s *site.Site, name string) bool
}

// A Follower is a format that reads what other formats write: its Emit
// starts once those of the formats named by After that this build writes
// have finished.
type Follower interface {
	Format
	After() []string
}

// HTML is the HTML site, rendered from the theme's layouts.
type HTML struct{}

// Name implements Format.
func (HTML) Name() string { return "html" }

// Needs implements Format.
func (HTML) Needs() Needs { return Needs{} }

// Check implements Format; the site's own checks cover the HTML.
func (HTML) Check(*site.Site, *diag.List) {}

// Emit implements Format.
func (HTML) Emit(job Job) error {
	outs := web.Outputs(job.Published)
	if job.Part == nil {
		return web.Emit(job.Site, job.Theme, outs, job.Out)
	}
	workers := runtime.GOMAXPROCS(0)
	if job.Part.Background {
		workers = 1
	}
	if err := web.EmitPagesOn(workers, job.Site, job.Theme, outs, job.Out, job.Part.Pages); err != nil {
		return err
	}
	if job.Part.SiteWide {
		return web.EmitSiteWide(job.Site, job.Theme, outs, job.Out)
	}
	return nil
}

// Published names the formats the Builder writes and those served on
// demand: what a Job's Published holds.
func (b *Builder) Published() []string {
	var names []string
	for _, f := range b.opts.Formats {
		names = append(names, f.Name())
	}
	for _, f := range b.opts.OnDemand {
		names = append(names, f.Name())
	}
	return names
}

// ReadFile implements Writer.
func (o *Output) ReadFile(name string) ([]byte, error) {
	p, err := o.local(name)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}

// Folder implements Writer.
func (o *Output) Folder(name string) (string, error) {
	p, err := o.local(name)
	if err != nil {
		return "", err
	}
	if _, err := os.Lstat(p); err == nil {
		return "", fmt.Errorf("output folder %q is written twice", name)
	}
	return p, nil
}

// Local implements Writer.
func (o *Output) Local(name string) (string, error) { return existing(o.local(name)) }

// existing returns path p, found by a sink's path function, when a file or
// folder is there.
func existing(p string, err error) (string, error) {
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}

// Remove implements Sink.
func (o *Output) Remove(name string) error {
	p, err := o.local(name)
	if err != nil {
		return err
	}
	o.mu.Lock()
	delete(o.written, path.Clean(name))
	o.mu.Unlock()
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Prune implements Sink. It removes nothing: Commit removes what the build
// did not write.
func (o *Output) Prune(map[string]bool) ([]string, error) { return nil, nil }

// local returns the path of name (slash-separated, relative) inside the build.
func (o *Output) local(name string) (string, error) {
	name = path.Clean(name)
	if !fs.ValidPath(name) || name == "." {
		return "", fmt.Errorf("output file %q is outside the output folder", name)
	}
	return filepath.Join(o.tmp, filepath.FromSlash(name)), nil
}
