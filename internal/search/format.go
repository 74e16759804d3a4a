package search

import (
	"os"
	"path/filepath"

	"github.com/kb-handbook/kb/internal/build"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/site"
)

// Format is the search index as an output of the build, written to
// IndexDir with the search page's templates for the servers. The search
// page itself is part of the HTML site.
type Format struct{}

// Name implements build.Format.
func (Format) Name() string { return "search" }

// Needs implements build.Format: every section's text is indexed.
func (Format) Needs() build.Needs { return build.Needs{SectionText: true} }

// Check implements build.Format; the index takes any site.
func (Format) Check(*site.Site, *diag.List) {}

// Emit implements build.Format.
func (Format) Emit(job build.Job) error {
	dir, err := job.Out.Folder(IndexDir)
	if err != nil {
		return err
	}
	if err := Build(job.Site, dir); err != nil {
		return err
	}
	page, err := job.Theme.SearchPage(job.Site)
	if err != nil {
		return err
	}
	data, err := page.Marshal()
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, PageFile), data, 0o644)
}

// PageFile, inside the index folder, holds the search page's templates
// and data (web.SearchPage), from which kb host and kb serve render the
// page with the results of a query.
const PageFile = "kb-search-page.json"
