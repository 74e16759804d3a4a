package search

import (
	"github.com/kb-handbook/kb/internal/build"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/site"
)

// Format is the search index as an output of the build, written to IndexDir.
// The search page beside it is part of the HTML site.
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
	return Build(job.Site, dir)
}
