package cli

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kb-handbook/kb/internal/build"
	"github.com/kb-handbook/kb/internal/ebook"
	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// output is one publication written beside the HTML site.
type output struct {
	name string
	emit build.Emitter
}

// outputs are the publications besides the HTML site, by the names
// kb build --outputs takes.
var outputs = []output{{"search", emitSearch}, {"epub", ebook.Emit}}

// allOutputs is the default of kb build --outputs.
const allOutputs = "html,search,epub"

// emitters returns the emitters named in list (comma-separated); "html" is
// always built and may be named or not.
func emitters(list string) ([]build.Emitter, error) {
	var chosen []build.Emitter
	names := strings.Split(list, ",")
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n != "html" && !slices.ContainsFunc(outputs, func(o output) bool { return o.name == n }) {
			return nil, fmt.Errorf("unknown output %q (choose from %s)", n, allOutputs)
		}
	}
	for _, o := range outputs {
		if slices.Contains(names, o.name) {
			chosen = append(chosen, o.emit)
		}
	}
	return chosen, nil
}

// emitSearch writes the search index; the search page beside it is part of
// the HTML site.
func emitSearch(s *site.Site, _ web.Writer, dir string) error {
	return search.Build(s, filepath.Join(dir, search.IndexDir))
}
