package cli

import "github.com/kb-handbook/kb/internal/build"

// Emitters lists the outputs written beside the HTML site.
func Emitters() []build.Emitter {
	return nil
}
