package cli

import (
	"path/filepath"

	"github.com/kb-handbook/kb/internal/build"
	"github.com/kb-handbook/kb/internal/ebook"
	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// Emitters lists the outputs written beside the HTML site.
func Emitters() []build.Emitter {
	return []build.Emitter{ebook.Emit, emitSearch}
}

// emitSearch writes the search index; the search page beside it is part of
// the HTML site.
func emitSearch(s *site.Site, _ web.Writer, dir string) error {
	return search.Build(s, filepath.Join(dir, search.IndexDir))
}
