package ebook

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/site"
	"github.com/kb-handbook/kb/internal/web"
)

// Sites the tests build.
const (
	fixtureRoot = "testdata/site"
	bundledRoot = "../.."
)

// loadSite loads and resolves a site, failing with every diagnostic.
func loadSite(t testing.TB, root string) *site.Site {
	t.Helper()
	s, diags := pipeline.Load(root, nil)
	if len(diags) > 0 {
		var lines []string
		for _, d := range diags {
			lines = append(lines, d.String())
		}
		what := root
		if root == bundledRoot {
			what = "the bundled knowledge base (its content is still being written; fix the content, not the EPUB)"
		}
		t.Fatalf("%s has %d content problem(s):\n%s", what, len(diags), strings.Join(lines, "\n"))
	}
	return s
}

func readFrom(root string) ReadFunc {
	return func(rel string) ([]byte, error) { return content.ReadFile(root, "", rel) }
}

// themeOf loads the theme of the site at root: kb's layouts with the
// site's own laid over them.
func themeOf(t testing.TB, root string) *web.Theme {
	t.Helper()
	theme, err := pipeline.Theme(root)
	if err != nil {
		t.Fatal(err)
	}
	return theme
}

// buildBook builds one selection in the site's theme, failing the test on error.
func buildBook(t testing.TB, s *site.Site, sel Selection, root string) []byte {
	t.Helper()
	data, err := Build(s, themeOf(t, root), sel, readFrom(root))
	if err != nil {
		t.Fatalf("build %s: %v", sel.File, err)
	}
	return data
}

// selections lists the whole book, the configured editions and, when asked,
// one edition per role.
func selections(t testing.TB, s *site.Site, root string, perRole bool) []Selection {
	m := themeOf(t, root).Messages(s.Config.Language)
	sels := []Selection{Whole(s)}
	for _, e := range s.Config.Editions {
		sels = append(sels, EditionOf(s, e, m))
	}
	if perRole {
		for _, r := range sortedKeys(s.Config.Roles) {
			sels = append(sels, EditionOf(s, config.Edition{ID: "role-" + r, Roles: []string{r}}, m))
		}
	}
	return sels
}

func sortedKeys(m map[string]string) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// unpacked is an EPUB's archive read into memory.
type unpacked struct {
	order []*zip.File
	files map[string][]byte
}

func unpack(t testing.TB, data []byte) *unpacked {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	u := &unpacked{order: zr.File, files: map[string][]byte{}}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		u.files[f.Name] = b
	}
	return u
}

// opf is the part of the package document the tests read.
type opf struct {
	Metadata struct {
		Identifier  string `xml:"identifier"`
		Title       string `xml:"title"`
		Language    string `xml:"language"`
		Creator     string `xml:"creator"`
		Publisher   string `xml:"publisher"`
		Description string `xml:"description"`
		Meta        []struct {
			Property string `xml:"property,attr"`
			Value    string `xml:",chardata"`
		} `xml:"meta"`
	} `xml:"metadata"`
	Items []struct {
		ID        string `xml:"id,attr"`
		Href      string `xml:"href,attr"`
		MediaType string `xml:"media-type,attr"`
	} `xml:"manifest>item"`
	Spine []struct {
		IDRef string `xml:"idref,attr"`
	} `xml:"spine>itemref"`
}

func (o *opf) meta(property string) string {
	for _, m := range o.Metadata.Meta {
		if m.Property == property {
			return m.Value
		}
	}
	return ""
}

// xhtmlDoc is what the link check needs from one content document.
type xhtmlDoc struct {
	ids   map[string]int
	links []docLink
	lang  [2]string // lang, xml:lang of the html element
	h1    string    // the text of the first h1
	text  string
}

type docLink struct {
	tag, attr, value string
}

// parseXHTML checks that data is well-formed XML and collects its IDs, links
// and text from the HTML parse a reading system would build.
func parseXHTML(data []byte) (*xhtmlDoc, error) {
	if err := wellFormed(data); err != nil {
		return nil, err
	}
	root, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	d := &xhtmlDoc{ids: map[string]int{}}
	var text strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			text.WriteString(n.Data)
		case html.ElementNode:
			if n.Data == "h1" && d.h1 == "" {
				d.h1 = textOf(n)
			}
			for _, a := range n.Attr {
				switch {
				case a.Key == "id":
					d.ids[a.Val]++
				case n.Data == "html" && a.Key == "lang":
					d.lang[0] = a.Val
				case n.Data == "html" && a.Key == "xml:lang":
					d.lang[1] = a.Val
				case a.Key == "href" || a.Key == "src":
					d.links = append(d.links, docLink{n.Data, a.Key, a.Val})
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	d.text = text.String()
	return d, nil
}

// wellFormed checks that data is one XML document: the XML declaration,
// one root element and nothing but white space outside it, and no
// attribute given twice (which Go's decoder lets through).
func wellFormed(data []byte) error {
	if !bytes.HasPrefix(data, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		return errors.New("not well-formed: no XML declaration at the start")
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("not well-formed: %w", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
			seen := map[xml.Name]bool{}
			for _, a := range tok.Attr {
				if seen[a.Name] {
					return fmt.Errorf("not well-formed: <%s> repeats attribute %s", tok.Name.Local, a.Name.Local)
				}
				seen[a.Name] = true
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(tok)) > 0 {
				return fmt.Errorf("not well-formed: text %q outside the root element", bytes.TrimSpace(tok))
			}
		}
	}
	if roots != 1 {
		return fmt.Errorf("not well-formed: %d root elements", roots)
	}
	return nil
}

// navEntry is an entry of the nav document or the NCX.
type navEntry struct {
	Label, Href string
	Children    []navEntry
}

// parseNav reads the toc nav of the nav document.
func parseNav(data []byte) ([]navEntry, error) {
	root, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var toc *html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "nav" && attr(n, "epub:type") == "toc" {
			toc = n
		}
		for c := n.FirstChild; c != nil && toc == nil; c = c.NextSibling {
			find(c)
		}
	}
	find(root)
	if toc == nil {
		return nil, errors.New("no toc nav")
	}
	var list func(ol *html.Node) []navEntry
	list = func(ol *html.Node) []navEntry {
		var entries []navEntry
		for li := ol.FirstChild; li != nil; li = li.NextSibling {
			if li.Type != html.ElementNode || li.Data != "li" {
				continue
			}
			var e navEntry
			for c := li.FirstChild; c != nil; c = c.NextSibling {
				switch {
				case c.Type == html.ElementNode && c.Data == "a":
					e.Href, e.Label = attr(c, "href"), textOf(c)
				case c.Type == html.ElementNode && c.Data == "ol":
					e.Children = list(c)
				}
			}
			entries = append(entries, e)
		}
		return entries
	}
	for c := toc.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "ol" {
			return list(c), nil
		}
	}
	return nil, errors.New("toc nav has no list")
}

// ncxEntry mirrors a navPoint of the NCX.
type ncxEntry struct {
	Label    string          `xml:"navLabel>text"`
	Content  ncxEntryContent `xml:"content"`
	Children []ncxEntry      `xml:"navPoint"`
}

type ncxEntryContent struct {
	Src string `xml:"src,attr"`
}

func parseNCX(data []byte) ([]navEntry, string, error) {
	var ncx struct {
		Meta []struct {
			Name    string `xml:"name,attr"`
			Content string `xml:"content,attr"`
		} `xml:"head>meta"`
		Points []ncxEntry `xml:"navMap>navPoint"`
	}
	if err := xml.Unmarshal(data, &ncx); err != nil {
		return nil, "", err
	}
	uid := ""
	for _, m := range ncx.Meta {
		if m.Name == "dtb:uid" {
			uid = m.Content
		}
	}
	var conv func([]ncxEntry) []navEntry
	conv = func(ps []ncxEntry) []navEntry {
		var out []navEntry
		for _, p := range ps {
			out = append(out, navEntry{Label: p.Label, Href: p.Content.Src, Children: conv(p.Children)})
		}
		return out
	}
	return conv(ncx.Points), uid, nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// checkBook verifies an EPUB built from sel: the archive layout, the
// metadata, that the nav document and NCX mirror the site's 目次, and that
// every href and src resolves to a file and ID in the book. It returns the
// parsed content documents by archive path.
func checkBook(t *testing.T, data []byte, s *site.Site, sel Selection) map[string]*xhtmlDoc {
	t.Helper()
	u := unpack(t, data)
	cfg := s.Config
	modified, err := time.Parse(time.RFC3339, cfg.Modified)
	if err != nil {
		t.Fatal(err)
	}

	// The archive: mimetype first, stored, without extra field, at offset 38;
	// every entry dated from the configuration.
	if len(u.order) == 0 || u.order[0].Name != "mimetype" || u.order[0].Method != zip.Store {
		t.Fatalf("first entry must be a stored mimetype")
	}
	if len(data) < 58 || string(data[30:38]) != "mimetype" || data[28] != 0 || data[29] != 0 ||
		string(data[38:58]) != "application/epub+zip" {
		t.Errorf("mimetype local header is not the fixed EPUB layout: % x", data[:min(len(data), 58)])
	}
	for _, f := range u.order {
		if !f.Modified.Equal(modified.UTC().Truncate(2 * time.Second)) {
			t.Errorf("%s dated %v, want %v", f.Name, f.Modified, modified)
		}
	}
	if !bytes.Contains(u.files["META-INF/container.xml"], []byte(`full-path="EPUB/package.opf"`)) {
		t.Fatalf("container.xml does not point at EPUB/package.opf")
	}

	// Metadata.
	var pkg opf
	if err := xml.Unmarshal(u.files[packageName], &pkg); err != nil {
		t.Fatalf("package.opf: %v", err)
	}
	md := pkg.Metadata
	wantID := Identifier(sel.Title, cfg.Version)
	checks := []struct{ what, got, want string }{
		{"identifier", md.Identifier, wantID},
		{"title", md.Title, sel.Title},
		{"language", md.Language, language(s)},
		{"creator", md.Creator, cfg.Author},
		{"publisher", md.Publisher, cfg.Publisher},
		{"description", md.Description, cfg.Description},
		{"dcterms:modified", pkg.meta("dcterms:modified"), modified.UTC().Format("2006-01-02T15:04:05Z")},
		{"schema:version", pkg.meta("schema:version"), cfg.Version},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if len(wantID) != len("urn:uuid:")+36 || wantID[len("urn:uuid:")+14] != '5' {
		t.Errorf("identifier %s is not a version 5 UUID URN", wantID)
	}

	// The manifest lists exactly the files of the archive; the spine is the
	// cover, then the pages in book order.
	manifest := map[string]string{} // id → archive path
	listed := map[string]bool{}
	for _, it := range pkg.Items {
		p := path.Join("EPUB", it.Href)
		if _, ok := u.files[p]; !ok {
			t.Errorf("manifest item %s is not in the archive", it.Href)
		}
		manifest[it.ID] = p
		listed[p] = true
	}
	for name := range u.files {
		if name != "mimetype" && !strings.HasPrefix(name, "META-INF/") && name != packageName && !listed[name] {
			t.Errorf("%s is in the archive but not in the manifest", name)
		}
	}
	var spine []string
	for _, it := range pkg.Spine {
		spine = append(spine, manifest[it.IDRef])
	}
	if len(spine) != len(sel.Pages)+1 || spine[0] != "EPUB/xhtml/"+coverFile {
		t.Fatalf("spine %v: want the cover and %d pages", spine, len(sel.Pages))
	}

	// Every XML file kb writes is well-formed (the images are the site's).
	for name, b := range u.files {
		switch path.Ext(name) {
		case ".opf", ".ncx", ".xml", ".svg", ".xhtml":
			if path.Dir(name) == "EPUB/images" && path.Base(name) != coverImageFile {
				continue
			}
			if err := wellFormed(b); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}

	// Every XHTML document: well-formed, in the book's language, unique IDs.
	docs := map[string]*xhtmlDoc{}
	for name, b := range u.files {
		if !strings.HasSuffix(name, ".xhtml") {
			continue
		}
		d, err := parseXHTML(b)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if lang := language(s); d.lang != [2]string{lang, lang} {
			t.Errorf("%s: html lang, xml:lang = %q, want %s, %s", name, d.lang, lang, lang)
		}
		for id, n := range d.ids {
			if n > 1 {
				t.Errorf("%s: id %q used %d times", name, id, n)
			}
		}
		docs[name] = d
	}
	footnotes := map[string]string{}
	for name, d := range docs {
		for id := range d.ids {
			if strings.Contains(id, "fn") {
				if other, dup := footnotes[id]; dup {
					t.Errorf("footnote id %q in both %s and %s", id, other, name)
				}
				footnotes[id] = name
			}
		}
	}

	// Every href and src resolves to a file of the book and an ID in it;
	// hyperlinks only to content documents or the web.
	for name, d := range docs {
		for _, l := range d.links {
			if msg := resolveLink(name, l, u, docs, listed); msg != "" {
				t.Errorf("%s: <%s %s=%q>: %s", name, l.tag, l.attr, l.value, msg)
			}
		}
	}

	// The spine holds the pages in book order, each headed by its numbered
	// title.
	files := map[*site.Page]string{}
	for i, p := range sel.Pages {
		name := spine[i+1]
		if d := docs[name]; d == nil || d.h1 != p.NumberedTitle() {
			t.Errorf("spine item %d (%s) is not %s %q", i+1, name, p.Source.File, p.NumberedTitle())
		}
		files[p] = strings.TrimPrefix(name, "EPUB/")
	}

	// The nav document and the NCX mirror the site's 目次.
	nav, err := parseNav(u.files[navName])
	if err != nil {
		t.Fatalf("nav.xhtml: %v", err)
	}
	ncx, uid, err := parseNCX(u.files[ncxName])
	if err != nil {
		t.Fatalf("toc.ncx: %v", err)
	}
	if uid != wantID {
		t.Errorf("NCX dtb:uid = %q, want %q", uid, wantID)
	}
	if want := expectedNav(s, sel, files, true); fmt.Sprint(nav) != fmt.Sprint(want) {
		t.Errorf("nav document:\n got %v\nwant %v", nav, want)
	}
	if got, want := fmt.Sprint(ncx), fmt.Sprint(expectedNav(s, sel, files, false)); got != want {
		t.Errorf("NCX:\n got %v\nwant %v", got, fmt.Sprint(want))
	}
	return docs
}

// expectedNav is the site's 目次 restricted to the selected pages: the top
// page, then each chapter with the pages below it; a page whose parent is
// not in the book hangs under its nearest ancestor that is. With sections,
// each page lists its ## headings before the pages below it.
func expectedNav(s *site.Site, sel Selection, files map[*site.Page]string, sections bool) []navEntry {
	in := map[*site.Page]bool{}
	for _, p := range sel.Pages {
		in[p] = true
	}
	headings := func(p *site.Page) []navEntry {
		var out []navEntry
		for _, h := range p.Headings {
			if sections && h.Level == 2 {
				label := h.Text
				if h.Number != "" {
					label = h.Number + " " + h.Text
				}
				out = append(out, navEntry{Label: label, Href: files[p] + "#" + (&url.URL{Fragment: h.ID}).EscapedFragment()})
			}
		}
		return out
	}
	var below func(p *site.Page) []navEntry
	below = func(p *site.Page) []navEntry {
		var out []navEntry
		for _, c := range p.Children {
			if in[c] {
				out = append(out, navEntry{Label: c.NumberedTitle(), Href: files[c], Children: append(headings(c), below(c)...)})
			} else {
				out = append(out, below(c)...)
			}
		}
		return out
	}
	var out []navEntry
	if in[s.Root] {
		out = append(out, navEntry{Label: s.Root.NumberedTitle(), Href: files[s.Root], Children: headings(s.Root)})
	}
	return append(out, below(s.Root)...)
}

// resolveLink explains why a link of the document at name does not
// resolve, or returns "".
func resolveLink(name string, l docLink, u *unpacked, docs map[string]*xhtmlDoc, listed map[string]bool) string {
	ref, err := url.Parse(l.value)
	if err != nil {
		return err.Error()
	}
	if ref.Scheme != "" {
		if l.tag != "a" || (ref.Scheme != "https" && ref.Scheme != "http" && ref.Scheme != "mailto") {
			return "remote resource"
		}
		return ""
	}
	target := name
	if ref.Path != "" {
		target = path.Join(path.Dir(name), ref.Path)
	}
	if _, ok := u.files[target]; !ok {
		return "no file " + target
	}
	if !listed[target] {
		return target + " is not in the manifest"
	}
	if l.tag == "a" && !strings.HasSuffix(target, ".xhtml") {
		return "hyperlink to a file that is not a content document"
	}
	if ref.Fragment != "" {
		d := docs[target]
		if d == nil || d.ids[ref.Fragment] == 0 {
			return fmt.Sprintf("no id %q in %s", ref.Fragment, target)
		}
	}
	return ""
}
