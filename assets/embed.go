// Package assets holds the default theme's stylesheets and scripts. A site's
// own assets/ folder overrides them file by file and may add more.
package assets

import "embed"

// FS holds the default assets.
//
//go:embed *.css *.js
var FS embed.FS
