package cli

import (
	"github.com/kb-handbook/kb/internal/build"
	"github.com/kb-handbook/kb/internal/ebook"
)

// Emitters lists the outputs written beside the HTML site.
func Emitters() []build.Emitter {
	return []build.Emitter{ebook.Emit}
}
