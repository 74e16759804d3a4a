// Package layouts holds the default theme's html/template files. A site's
// own layouts/ folder overrides them file by file.
package layouts

import "embed"

// FS holds the default templates.
//
//go:embed *.html i18n/*.yaml
var FS embed.FS
