package web

import (
	"io/fs"
	"maps"
	"path"
	"strings"

	"github.com/kb-handbook/kb/internal/config"
)

// Messages is the theme's interface text in one language, by key.
type Messages map[string]string

// defaultLanguage is the catalogue every other falls back to, key by key.
const defaultLanguage = "ja"

// loadMessages reads the catalogues of the theme, i18n/<language>.yaml.
func loadMessages(layoutFS fs.FS) (map[string]Messages, error) {
	entries, err := fs.ReadDir(layoutFS, "i18n")
	if err != nil {
		return nil, err
	}
	catalogues := map[string]Messages{}
	for _, e := range entries {
		lang, ok := strings.CutSuffix(e.Name(), ".yaml")
		if !ok || e.IsDir() {
			continue
		}
		src, err := fs.ReadFile(layoutFS, path.Join("i18n", e.Name()))
		if err != nil {
			return nil, err
		}
		m := Messages{}
		if err := config.DecodeYAML(src, &m); err != nil {
			return nil, &fs.PathError{Op: "read", Path: "layouts/i18n/" + e.Name(), Err: err}
		}
		catalogues[lang] = m
	}
	return catalogues, nil
}

// Messages returns the interface text for a language ("ja", "en-US"): its
// own catalogue, or its base language's, over the default one.
// The result is shared: callers must not change it.
func (t *Theme) Messages(language string) Messages {
	if m, ok := t.merged.Load(language); ok {
		return m.(Messages)
	}
	m := maps.Clone(t.catalogues[defaultLanguage])
	if m == nil {
		m = Messages{}
	}
	base, _, _ := strings.Cut(language, "-")
	for _, lang := range []string{base, language} {
		if lang != defaultLanguage {
			maps.Copy(m, t.catalogues[lang])
		}
	}
	t.merged.Store(language, m)
	return m
}

// Get returns the text of key with each {name} replaced by its value in
// pairs (name, value, …); a missing key shows as itself, so that it is seen.
func (m Messages) Get(key string, pairs ...string) string {
	text, ok := m[key]
	if !ok {
		return key
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		text = strings.ReplaceAll(text, "{"+pairs[i]+"}", pairs[i+1])
	}
	return text
}
