package ebook

import (
	"fmt"
	"slices"

	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/site"
)

// Format is the EPUB of the whole book and of each edition as an output of
// the build.
type Format struct{}

// Name implements pipeline.Format.
func (Format) Name() string { return "epub" }

// Needs implements pipeline.Format: pages are written as XHTML.
func (Format) Needs() pipeline.Needs { return pipeline.Needs{XHTML: true} }

// Check implements pipeline.Format: an edition must hold at least one page
// besides the glossary.
func (Format) Check(s *site.Site, diags *diag.List) {
	for i, e := range s.Config.Editions {
		if pages := editionPages(s, e); len(pages) == 0 || len(pages) == 1 && pages[0] == s.Glossary {
			diags.Add(s.Config.Problem(fmt.Sprintf("$.editions[%d].roles", i),
				"tag pages with one of these roles in their front matter (roles: [...]), or remove the edition",
				"edition %q has no pages: no page has any of the roles %v", e.ID, e.Roles))
		}
	}
}

// Writes implements pipeline.OnDemand: the EPUBs of the book and of its
// editions.
func (Format) Writes(s *site.Site, name string) bool {
	return slices.Contains(s.Config.GeneratedFiles(), name)
}

// Emit implements pipeline.Format. Linked images are read from the build,
// where they were copied before the formats run.
func (Format) Emit(job pipeline.Job) error {
	return Write(job.Site, job.Theme, job.Out, job.Out.ReadFile)
}
