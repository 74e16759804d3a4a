package search

import (
	"os"
	"path/filepath"

	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// Format is the search index as an output of the build, written to
// IndexDir with the search page's templates for the servers. The search
// page itself is part of the HTML site.
type Format struct{}

// Name implements pipeline.Format.
func (Format) Name() string { return "search" }

// Needs implements pipeline.Format: every section's text is indexed.
func (Format) Needs() pipeline.Needs { return pipeline.Needs{SectionText: true} }

// Check implements pipeline.Format; the index takes any site.
func (Format) Check(*site.Site, *diag.List) {}

// Emit implements pipeline.Format.
func (Format) Emit(job pipeline.Job) error {
	dir, err := job.Out.Folder(IndexDir)
	if err != nil {
		return err
	}
	if err := Build(job.Site, dir); err != nil {
		return err
	}
	return WritePage(job.Site, job.Theme, dir)
}

// WritePage saves the search page's templates and data in the theme into
// the index folder dir, for the servers to render the page of a query.
func WritePage(s *site.Site, theme *web.Theme, dir string) error {
	page, err := theme.SearchPage(s)
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
