// Package layouts holds the default theme's html/template files: the HTML
// site's, and under epub/ the EPUB's content documents, cover and
// stylesheet. A site's own layouts/ folder overrides them file by file.
package layouts

import "embed"

// FS holds the default templates.
//
//go:embed *.html i18n/*.yaml epub/*
var FS embed.FS
