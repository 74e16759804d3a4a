package web

import (
	"fmt"
	"path"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// minifyAsset returns a theme's script or stylesheet minified with
// esbuild, and other files as they are: readers download every page's
// scripts and the search engine's before their first answer. Scripts keep
// only ASCII (other characters as escapes), so that they read the same
// whatever character set a server declares for them.
func minifyAsset(name string, data []byte) ([]byte, error) {
	opts := api.TransformOptions{
		MinifyWhitespace: true,
		MinifySyntax:     true,
		Charset:          api.CharsetASCII,
		Sourcefile:       name,
		LegalComments:    api.LegalCommentsNone,
	}
	switch path.Ext(name) {
	case ".js":
		// Nothing newer than what the scripts are written in.
		opts.Loader, opts.Target, opts.MinifyIdentifiers = api.LoaderJS, api.ES2018, true
	case ".css":
		opts.Loader = api.LoaderCSS
	default:
		return data, nil
	}
	res := api.Transform(string(data), opts)
	if len(res.Errors) > 0 {
		var msgs []string
		for _, m := range res.Errors {
			at := name
			if m.Location != nil {
				at = fmt.Sprintf("%s:%d:%d", name, m.Location.Line, m.Location.Column+1)
			}
			msgs = append(msgs, at+": "+m.Text)
		}
		return nil, fmt.Errorf("theme asset: %s", strings.Join(msgs, "; "))
	}
	return res.Code, nil
}
