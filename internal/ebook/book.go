package ebook

import (
	"bytes"
	"crypto/sha1"
	"fmt"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"

	"github.com/kb-handbook/kb/internal/site"
)

// Paths of the book's files: the package in EPUB/, the pages in
// EPUB/xhtml/, images in EPUB/images/, the stylesheet in EPUB/css/.
const (
	mimetypeName  = "mimetype"
	containerName = "META-INF/container.xml"
	pkgDir        = "EPUB/"
	packageName   = pkgDir + "package.opf"
	navFile       = "nav.xhtml"
	navName       = pkgDir + navFile
	ncxFile       = "toc.ncx"
	ncxName       = pkgDir + ncxFile
	xhtmlDir      = "xhtml/"
	imageDir      = "images/"
	cssFile       = "css/epub.css"
	coverFile     = "cover.xhtml"
	// coverImageFile is the generated cover's name among the book's images.
	coverImageFile = "cover.svg"
)

// coreImageTypes are the image media types every EPUB 3 reading system
// supports; other images are left out of the book.
var coreImageTypes = map[string]string{
	"image/png":     ".png",
	"image/jpeg":    ".jpg",
	"image/gif":     ".gif",
	"image/svg+xml": ".svg",
}

// book is one EPUB being assembled.
type book struct {
	site     *site.Site
	sel      Selection
	theme    *bookTheme
	id       string                // dc:identifier
	files    map[*site.Page]string // page → file name in xhtmlDir
	images   map[string]string     // content path → path from a page
	media    []mediaFile           // the images, in the order found
	modified time.Time
}

// mediaFile is an image of the book.
type mediaFile struct {
	name, mediaType string // name in imageDir
	data            []byte
}

func newBook(s *site.Site, sel Selection, th *bookTheme, read ReadFunc) (*book, error) {
	modified, err := time.Parse(time.RFC3339, s.Config.Modified)
	if err != nil {
		return nil, fmt.Errorf("kb.yaml modified: %q is not an RFC 3339 date such as 2026-04-01T00:00:00Z", s.Config.Modified)
	}
	b := &book{site: s, sel: sel, theme: th, id: Identifier(sel.Title, s.Config.Version),
		files: map[*site.Page]string{}, images: map[string]string{}, modified: modified.UTC()}
	used := map[string]bool{coverFile: true}
	for _, p := range sel.Pages {
		b.files[p] = uniqueName(pageFileBase(p), used)
	}
	return b, b.addImages(read)
}

// Identifier is the book's dc:identifier: a UUID (version 5, URL namespace)
// derived from the title and the version, so each release has its own.
func Identifier(title, version string) string {
	namespaceURL := []byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(namespaceURL)
	h.Write([]byte(title + " " + version))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// pageFileBase derives a readable, ASCII file name from the page's URL:
// "07-procedures/05-technical/" → "p-07-procedures_05-technical".
func pageFileBase(p *site.Page) string {
	dir := strings.Trim(p.URL, "/")
	if dir == "" {
		return "p-top"
	}
	var b strings.Builder
	b.WriteString("p-")
	for _, r := range dir {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		case r == '/':
			b.WriteByte('_')
		default:
			b.WriteByte('x')
		}
	}
	return b.String()
}

// uniqueName returns base.xhtml, or base-2.xhtml … when that is taken.
func uniqueName(base string, used map[string]bool) string {
	name := base + ".xhtml"
	for n := 2; used[name]; n++ {
		name = fmt.Sprintf("%s-%d.xhtml", base, n)
	}
	used[name] = true
	return name
}

// addImages embeds the images shown on the selected pages. Images of a type
// reading systems need not support stay out and are described in the text.
func (b *book) addImages(read ReadFunc) error {
	for _, p := range b.sel.Pages {
		for _, l := range p.Doc.Links {
			t, ok := p.Target(l.Dest)
			if !l.Image || !ok || t.File == "" || t.Generated {
				continue
			}
			if _, done := b.images[t.File]; done {
				continue
			}
			data, err := read(t.File)
			if err != nil {
				return fmt.Errorf("%s: image %s: %w", p.Source.File, l.Dest, err)
			}
			mediaType := mimetype.Detect(data).String()
			mediaType, _, _ = strings.Cut(mediaType, ";")
			ext, core := coreImageTypes[mediaType]
			if !core {
				continue
			}
			name := fmt.Sprintf("img-%03d%s", len(b.media)+1, ext)
			b.media = append(b.media, mediaFile{name: name, mediaType: mediaType, data: data})
			b.images[t.File] = "../" + imageDir + name
		}
	}
	return nil
}

// navParent is the page's nearest ancestor in the book, not counting the
// top page, whose children are the chapters; nil for a top-level entry.
func (b *book) navParent(p *site.Page) *site.Page {
	for a := p.Parent; a != nil && a.Parent != nil; a = a.Parent {
		if _, ok := b.files[a]; ok {
			return a
		}
	}
	return nil
}

// coverPage writes the cover page.
func (b *book) coverPage() ([]byte, error) {
	cfg := b.site.Config
	c := coverView{Image: "../" + imageDir + coverImageFile, Title: cfg.Title, Edition: b.sel.Edition,
		Version: cfg.Version, Date: b.modified.Format(b.theme.messages.Get("epub.date_format")),
		Publisher: cfg.Publisher, Description: cfg.Description}
	if cfg.Author != cfg.Publisher {
		c.Author = cfg.Author
	}
	var w bytes.Buffer
	err := b.theme.execute(&w, "cover", &docData{Title: b.theme.messages.Get("epub.cover"), CSS: "../" + cssFile, Cover: c})
	return w.Bytes(), err
}
