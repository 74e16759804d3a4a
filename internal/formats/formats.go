// Package formats is the registry of kb's outputs: every format that
// kb build --outputs can name, that kb check runs the checks of, and that
// kb serve can build on demand. Adding an output is one package that
// implements pipeline.Format and one line in registry.
package formats

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kb-handbook/kb/internal/ebook"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/printbook"
	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/staticsearch"
)

// registry lists the formats in the order they are named in help texts.
var registry = []pipeline.Format{
	pipeline.HTML{},
	search.Format{},
	staticsearch.Format{},
	ebook.Format{},
	printbook.Format{},
}

// All returns every format.
func All() []pipeline.Format { return slices.Clone(registry) }

// Names lists the names of all formats, comma-separated: the default of
// kb build --outputs.
func Names() string {
	names := make([]string, len(registry))
	for i, f := range registry {
		names[i] = f.Name()
	}
	return strings.Join(names, ",")
}

// Select returns the formats named in list (comma-separated, spaces
// around names ignored), in registry order. The HTML site is always built:
// the other formats link to it and read the files it copies.
func Select(list string) ([]pipeline.Format, error) {
	chosen := map[string]bool{pipeline.HTML{}.Name(): true}
	for n := range strings.SplitSeq(list, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if !slices.ContainsFunc(registry, func(f pipeline.Format) bool { return f.Name() == n }) {
			return nil, fmt.Errorf("unknown output %q (choose from %s)", n, Names())
		}
		chosen[n] = true
	}
	return slices.DeleteFunc(All(), func(f pipeline.Format) bool { return !chosen[f.Name()] }), nil
}

// Named returns the formats with the given names, in registry order,
// ignoring names that are not registered.
func Named(names ...string) []pipeline.Format {
	return slices.DeleteFunc(All(), func(f pipeline.Format) bool { return !slices.Contains(names, f.Name()) })
}

// OnDemand returns the formats that kb serve builds when one of their files
// is asked for, in registry order.
func OnDemand() []pipeline.OnDemand {
	var out []pipeline.OnDemand
	for _, f := range registry {
		if o, ok := f.(pipeline.OnDemand); ok {
			out = append(out, o)
		}
	}
	return out
}
