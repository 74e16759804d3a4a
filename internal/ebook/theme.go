package ebook

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"strings"

	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// The theme's EPUB files, under its layouts/. Each content document kind
// combines documentFile, the XHTML document around the body, with the
// kind's file, which defines "body".
const (
	layoutDir    = "epub/"
	documentFile = "document.xhtml"
	coverSVGFile = "cover.svg"
	cssLayout    = "epub.css"
)

// docKinds are the content documents' templates.
var docKinds = []string{"page", "cover", "nav"}

// bookTheme is what the books of one build take from the theme: the
// templates, the stylesheet with the code colours, the interface text in
// the book's language, and the language's direction.
type bookTheme struct {
	docs     map[string]*template.Template
	coverSVG *template.Template
	css      []byte
	messages web.Messages
	lang     string
	dir      string
}

// loadTheme parses the EPUB templates of the theme for a book in lang.
func loadTheme(t *web.Theme, lang string) (*bookTheme, error) {
	if t == nil || t.Layouts == nil {
		return nil, fmt.Errorf("epub: no theme")
	}
	th := &bookTheme{docs: map[string]*template.Template{}, messages: t.Messages(lang), lang: lang, dir: direction(lang)}
	for _, kind := range docKinds {
		tmpl, err := template.New(documentFile).ParseFS(t.Layouts, layoutDir+documentFile, layoutDir+kind+".xhtml")
		if err != nil {
			return nil, layoutError(err)
		}
		th.docs[kind] = tmpl
	}
	var err error
	if th.coverSVG, err = template.New(coverSVGFile).ParseFS(t.Layouts, layoutDir+coverSVGFile); err != nil {
		return nil, layoutError(err)
	}
	css, err := fs.ReadFile(t.Layouts, layoutDir+cssLayout)
	if err != nil {
		return nil, layoutError(err)
	}
	var w bytes.Buffer
	w.Write(css)
	if err := markdown.WriteStyles(&w, markdown.LightCodeStyle, ""); err != nil {
		return nil, err
	}
	th.css = w.Bytes()
	return th, nil
}

// layoutError names the layouts folder in an error about its files.
func layoutError(err error) error {
	return fmt.Errorf("layouts/%s: %w", layoutDir, err)
}

// rtlLanguages are the languages written right to left, by base subtag.
var rtlLanguages = map[string]bool{"ar": true, "arc": true, "ckb": true, "dv": true, "fa": true, "he": true,
	"ks": true, "ps": true, "sd": true, "ug": true, "ur": true, "yi": true}

// direction is the dir of text in lang: "rtl" or "ltr".
func direction(lang string) string {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	if rtlLanguages[base] {
		return "rtl"
	}
	return "ltr"
}

// docData is what a content document's template reads. Every kind has
// the fields up to Messages; the others belong to one kind.
type docData struct {
	Lang, Dir string
	// Title is the document's <title>.
	Title string
	// CSS is the stylesheet's path from the document.
	CSS      string
	Messages web.Messages

	// page
	Page     *site.Page
	Body     template.HTML // the rendered Markdown
	Roles    []string      // role labels
	Level    string        // level label
	Children []link        // pages below this one in the book

	// cover
	Cover coverView

	// nav
	Nav       []*navItem
	Landmarks landmarks
}

// T returns the interface text of key, as {{.T "key"}} in the HTML theme.
func (d *docData) T(key string, pairs ...string) string { return d.Messages.Get(key, pairs...) }

// link is an entry of a list of pages.
type link struct{ Href, Title string }

// coverView is the text of the cover page.
type coverView struct {
	Image                          string // the cover image's path from the cover page
	Title, Edition, Version, Date  string
	Author, Publisher, Description string
}

// landmarks are the targets of the nav document's landmarks.
type landmarks struct{ Cover, Body string }

// navItem is an entry of the table of contents.
type navItem struct {
	Href, Title string
	Children    []*navItem
}

// execute writes a content document of the kind: the XML declaration,
// which html/template would escape as text, then the template's document.
func (th *bookTheme) execute(w io.Writer, kind string, d *docData) error {
	d.Lang, d.Dir, d.Messages = th.lang, th.dir, th.messages
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	if err := th.docs[kind].Execute(w, d); err != nil {
		return layoutError(err)
	}
	return nil
}
