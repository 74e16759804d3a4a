package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/layouts"
)

// Messages is the theme's interface text in one language, by key.
type Messages map[string]string

// defaultLanguage is the catalogue every other falls back to, key by key.
const defaultLanguage = "ja"

// builtinCatalogues are kb's own catalogues (layouts/i18n), parsed once per
// process. They are shared by every theme: nothing may change them, and
// siteCatalogues copies one before it lays a site's texts over it.
var builtinCatalogues = sync.OnceValues(func() (map[string]Messages, error) {
	return loadMessages(layouts.FS)
})

// siteCatalogues returns the built-in catalogues with those of layoutFS (a
// site's layouts/ laid over kb's) over them key by key, so that a site's own
// file needs to hold only the texts it changes. A language the site does
// not change keeps the shared built-in map.
func siteCatalogues(layoutFS fs.FS) (map[string]Messages, error) {
	builtin, err := builtinCatalogues()
	if err != nil {
		return nil, err
	}
	own, err := ownCatalogues(layoutFS)
	if err != nil {
		return nil, err
	}
	out := maps.Clone(builtin)
	for lang, m := range own {
		merged := maps.Clone(builtin[lang])
		if merged == nil {
			merged = Messages{}
		}
		maps.Copy(merged, m)
		out[lang] = merged
	}
	return out, nil
}

// ownCatalogues reads the catalogues layoutFS holds besides kb's: those of
// the site's layer when it is laid over kb's layouts (Overlay), else all.
func ownCatalogues(layoutFS fs.FS) (map[string]Messages, error) {
	o, ok := layoutFS.(overlayFS)
	switch {
	case layoutFS == fs.FS(layouts.FS):
		return nil, nil
	case !ok || o.fallback != fs.FS(layouts.FS):
		return loadMessages(layoutFS)
	case o.primary == nil:
		return nil, nil
	}
	catalogues, err := loadMessages(o.primary)
	if errors.Is(err, fs.ErrNotExist) {
		// A site without layouts/i18n/ changes no text.
		return nil, nil
	}
	return catalogues, err
}

// ThemeMessages returns the interface text of the theme whose layouts are
// layoutFS, in language, without its templates: for the words the Markdown
// parser writes into pages (callout labels, the figure label).
func ThemeMessages(layoutFS fs.FS, language string) (Messages, error) {
	catalogues, err := siteCatalogues(layoutFS)
	if err != nil {
		return nil, err
	}
	return (&Theme{catalogues: catalogues}).Messages(language), nil
}

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
// The text is read once, left to right, so that a value holding "{n}" is
// not replaced again; assets/kb.js applies the same rule (kbText).
func (m Messages) Get(key string, pairs ...string) string {
	text, ok := m[key]
	if !ok {
		return key
	}
	return fill(text, pairs)
}

// fill replaces each {name} of text that pairs name by its value.
func fill(text string, pairs []string) string {
	if len(pairs) < 2 || !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(text[open:], '}')
		if end < 0 {
			break
		}
		name := text[open+1 : open+end]
		value, found := "", false
		for i := 0; i+1 < len(pairs); i += 2 {
			if pairs[i] == name {
				value, found = pairs[i+1], true
				break
			}
		}
		if !found {
			b.WriteString(text[:open+1])
			text = text[open+1:]
			continue
		}
		b.WriteString(text[:open])
		b.WriteString(value)
		text = text[open+end+1:]
	}
	b.WriteString(text)
	return b.String()
}

// ScriptAreas are the areas of the catalogue the page scripts read
// (assets/kb.js, search.js, search-engine.js): the theme writes their
// texts into every page (see pageData.ScriptMessages).
var ScriptAreas = []string{"search.", "query.", "ui."}

// ServerAreas are the areas the servers answer with; the HTML output
// saves their texts for kb host (MessagesFile).
var ServerAreas = []string{"search.", "query.", "server."}

// Areas returns the texts of m whose keys start with one of prefixes.
func (m Messages) Areas(prefixes ...string) Messages {
	out := Messages{}
	for k, v := range m {
		for _, p := range prefixes {
			if strings.HasPrefix(k, p) {
				out[k] = v
				break
			}
		}
	}
	return out
}

// SearchStatus is the line that says how a search went: how many sections
// matched query q (or only the filters, when q is blank), and which of them
// are shown, from the from-th (counting from 0) on. assets/search.js
// writes the same line from the same texts (statusText).
func (m Messages) SearchStatus(q string, total uint64, from, shown int) string {
	q = strings.TrimSpace(q)
	suffix := ""
	if q == "" {
		suffix = "_filtered"
	}
	n := strconv.FormatUint(total, 10)
	switch {
	case total == 0:
		return m.Get("search.none"+suffix, "q", q)
	case shown == 0:
		return m.Get("search.total"+suffix, "q", q, "n", n)
	}
	return m.Get("search.count"+suffix, "q", q, "n", n, "from", strconv.Itoa(from+1), "to", strconv.Itoa(from+shown))
}

// FacetName is what the page calls a facet (search.facet.<key>), or
// fallback when the catalogue does not name it.
func (m Messages) FacetName(key, fallback string) string {
	if text, ok := m["search.facet."+key]; ok {
		return text
	}
	return fallback
}

// MessagesFile is where the HTML output saves the texts the servers
// answer with, in the site's language. Its name starts with a dot, so
// the servers never serve it.
const MessagesFile = ".kb-messages.json"

// LoadMessages reads the texts saved in MessagesFile of a built site.
func LoadMessages(data []byte) (Messages, error) {
	m := Messages{}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", MessagesFile, err)
	}
	return m, nil
}

// builtinTheme holds kb's catalogues, merged by language on demand.
var builtinTheme = sync.OnceValue(func() *Theme {
	catalogues, err := builtinCatalogues()
	if err != nil {
		// The catalogues are embedded in kb and tested; texts show as their keys.
		catalogues = nil
	}
	return &Theme{catalogues: catalogues}
})

// BuiltinMessages returns kb's own catalogue for a language, for answers
// given where no built site says otherwise (a server before a build).
// The result is shared: callers must not change it.
func BuiltinMessages(language string) Messages {
	return builtinTheme().Messages(language)
}
