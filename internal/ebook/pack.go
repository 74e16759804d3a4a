package ebook

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"html"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kb-handbook/kb/internal/parallel"
)

// Paths inside the archive written by go-epub.
const (
	mimetypeName  = "mimetype"
	packageName   = "EPUB/package.opf"
	navName       = "EPUB/nav.xhtml"
	ncxName       = "EPUB/toc.ncx"
	metaInfPrefix = "META-INF/"
)

var (
	modifiedMeta = regexp.MustCompile(`<meta property="dcterms:modified">[^<]*</meta>`)
	manifest     = regexp.MustCompile(`(?s)(<manifest>\n)(.*?)(\n\s*</manifest>)`)
	coverNCXItem = regexp.MustCompile(`(?s)\s*<navPoint id="[^"]*">\s*<navLabel>\s*<text>[^<]*</text>\s*</navLabel>\s*<content src="` + regexp.QuoteMeta(xhtmlDir+coverFile) + `"></content>\s*</navPoint>`)
	ncxHead      = regexp.MustCompile(`(?s)<head>.*?</head>`)
	ncxPointID   = regexp.MustCompile(`<navPoint id="navPoint-\d+">`)
	ncxAuthor    = regexp.MustCompile(`(?s)<docAuthor>.*?</docAuthor>`)
	bodyEnd      = regexp.MustCompile(`</body>`)
)

// normalize rewrites the archive go-epub wrote into the final book: the
// metadata, nav document and NCX completed, every document marked as
// Japanese and left-to-right, and the entries in a fixed order with fixed
// times so that the same input always gives the same bytes. Entries are
// patched and compressed on all cores.
func (b *book) normalize(raw []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, err
	}
	files := entryOrder(zr.File)
	for _, name := range []string{mimetypeName, packageName, navName, ncxName} {
		if !slices.ContainsFunc(files, func(f *zip.File) bool { return f.Name == name }) {
			return nil, fmt.Errorf("go-epub wrote no %s", name)
		}
	}
	entries := make([]entry, len(files))
	err = parallel.Do(len(files), func(i int) error {
		var err error
		entries[i], err = b.pack(files[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	date, tm := msDOSTime(b.modified)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range entries {
		// Written raw: mimetype stored, the rest already deflated; no extra
		// fields (EPUB forbids them on mimetype) and no data descriptors.
		// Modified would add an extended-timestamp extra field, hence the MS-DOS fields.
		//lint:ignore SA1019 see above
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: e.method, ModifiedDate: date, ModifiedTime: tm,
			CRC32: e.crc, CompressedSize64: uint64(len(e.data)), UncompressedSize64: e.size})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// flateWriters reuses compressors, whose state is large. Level 5 is what
// archive/zip uses.
var flateWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, 5) // a valid level never fails
	return w
}}

// entry is an archive entry ready to be written.
type entry struct {
	name   string
	method uint16
	data   []byte // compressed unless method is zip.Store
	crc    uint32
	size   uint64
}

// pack reads, patches and compresses one entry of go-epub's archive.
func (b *book) pack(f *zip.File) (entry, error) {
	data, err := readEntry(f)
	if err != nil {
		return entry{}, err
	}
	if data, err = b.patch(f.Name, data); err != nil {
		return entry{}, fmt.Errorf("%s: %w", f.Name, err)
	}
	e := entry{name: f.Name, method: zip.Store, data: data, crc: crc32.ChecksumIEEE(data), size: uint64(len(data))}
	if f.Name == mimetypeName {
		return e, nil
	}
	var z bytes.Buffer
	fw := flateWriters.Get().(*flate.Writer)
	defer flateWriters.Put(fw)
	fw.Reset(&z)
	if _, err := fw.Write(data); err != nil {
		return entry{}, err
	}
	if err := fw.Close(); err != nil {
		return entry{}, err
	}
	e.method, e.data = zip.Deflate, z.Bytes()
	return e, nil
}

// patch applies kb's changes to one file of go-epub's archive.
func (b *book) patch(name string, data []byte) ([]byte, error) {
	var fix func(string) (string, error)
	switch {
	case name == packageName:
		fix = b.patchPackage
	case name == navName:
		fix = func(s string) (string, error) {
			s, err := b.patchNav(s)
			if err != nil {
				return "", err
			}
			return b.patchLanguage(s)
		}
	case name == ncxName:
		fix = b.patchNCX
	case strings.HasSuffix(name, ".xhtml"):
		fix = b.patchLanguage
	default:
		return data, nil
	}
	s, err := fix(string(data))
	return []byte(s), err
}

func readEntry(f *zip.File) ([]byte, error) {
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// entryOrder puts mimetype first, as EPUB requires, then META-INF, then the
// rest by name.
func entryOrder(files []*zip.File) []*zip.File {
	rank := func(n string) int {
		switch {
		case n == mimetypeName:
			return 0
		case strings.HasPrefix(n, metaInfPrefix):
			return 1
		}
		return 2
	}
	order := slices.Clone(files)
	slices.SortFunc(order, func(a, b *zip.File) int {
		if ra, rb := rank(a.Name), rank(b.Name); ra != rb {
			return ra - rb
		}
		return strings.Compare(a.Name, b.Name)
	})
	return order
}

// msDOSTime converts t to the date and time fields of a zip header, which
// count from 1980 in two-second steps.
func msDOSTime(t time.Time) (date, tm uint16) {
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	date = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	tm = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, tm
}

// replaceOnce replaces the single match of re in s, failing when go-epub's
// output no longer has the expected shape.
func replaceOnce(s string, re *regexp.Regexp, repl string) (string, error) {
	if n := len(re.FindAllStringIndex(s, -1)); n != 1 {
		return "", fmt.Errorf("expected one match of %s, found %d", re, n)
	}
	return re.ReplaceAllLiteralString(s, repl), nil
}

// patchPackage sets dcterms:modified from the configuration (go-epub writes
// the clock time), adds the publisher, version and accessibility metadata,
// and sorts the manifest
// (go-epub lists media in map order).
func (b *book) patchPackage(opf string) (string, error) {
	cfg := b.site.Config
	var meta strings.Builder
	fmt.Fprintf(&meta, `<meta property="dcterms:modified">%s</meta>`, b.modified.Format("2006-01-02T15:04:05Z"))
	if cfg.Publisher != "" {
		fmt.Fprintf(&meta, "\n    <dc:publisher>%s</dc:publisher>", html.EscapeString(cfg.Publisher))
	}
	if cfg.Version != "" {
		fmt.Fprintf(&meta, "\n    <meta property=\"schema:version\">%s</meta>", html.EscapeString(cfg.Version))
	}
	meta.WriteString(b.accessibilityMeta())
	opf, err := replaceOnce(opf, modifiedMeta, meta.String())
	if err != nil {
		return "", err
	}
	m := manifest.FindStringSubmatchIndex(opf)
	if m == nil {
		return "", fmt.Errorf("no manifest")
	}
	items := strings.Split(opf[m[4]:m[5]], "\n")
	slices.Sort(items)
	// The generated cover is the book's cover image (go-epub sets the
	// property only with a cover page of its own).
	coverItem := ` href="images/` + coverImageFile + `"`
	found := false
	for i, item := range items {
		if strings.Contains(item, coverItem) {
			items[i] = strings.Replace(item, coverItem, coverItem+` properties="cover-image"`, 1)
			found = true
		}
	}
	if !found {
		return "", fmt.Errorf("no manifest item for the cover image")
	}
	return opf[:m[4]] + strings.Join(items, "\n") + opf[m[5]:], nil
}

// patchNav replaces go-epub's table of contents with kb's (a Japanese
// heading, no cover, the pages as in the site's 目次 with their ## sections)
// and adds landmarks for
// the cover and the start of the text. (A landmark for the table of contents
// itself would point outside the spine, which epubcheck rejects.)
func (b *book) patchNav(nav string) (string, error) {
	nav, err := replaceOnce(nav, tocNav, b.tocNavHTML())
	if err != nil {
		return "", err
	}
	landmarks := fmt.Sprintf(`    <nav epub:type="landmarks" hidden="hidden">
      <h2>ガイド</h2>
      <ol>
        <li><a epub:type="cover" href="%s">表紙</a></li>
        <li><a epub:type="bodymatter" href="%s">本文</a></li>
      </ol>
    </nav>
</body>`, xhtmlDir+coverFile, xhtmlDir+b.files[b.sel.Pages[0]])
	return replaceOnce(nav, bodyEnd, landmarks)
}

// patchNCX completes the NCX head (go-epub writes one meta, misnamed) and
// author, drops the cover as in the nav document and numbers the entries.
func (b *book) patchNCX(ncx string) (string, error) {
	head := fmt.Sprintf(`<head>
    <meta name="dtb:uid" content="%s"></meta>
    <meta name="dtb:depth" content="%d"></meta>
    <meta name="dtb:totalPageCount" content="0"></meta>
    <meta name="dtb:maxPageNumber" content="0"></meta>
  </head>`, html.EscapeString(b.epub.Identifier()), b.navDepth)
	ncx, err := replaceOnce(ncx, ncxHead, head)
	if err != nil {
		return "", err
	}
	author := "<docAuthor>\n    <text>" + html.EscapeString(b.site.Config.Author) + "</text>\n  </docAuthor>"
	if ncx, err = replaceOnce(ncx, ncxAuthor, author); err != nil {
		return "", err
	}
	if ncx, err = replaceOnce(ncx, coverNCXItem, ""); err != nil {
		return "", err
	}
	// go-epub numbers nested navPoints in map order; number them in reading order.
	n := 0
	return ncxPointID.ReplaceAllStringFunc(ncx, func(string) string {
		n++
		return fmt.Sprintf(`<navPoint id="navPoint-%d" playOrder="%d">`, n, n)
	}), nil
}

// patchLanguage marks an XHTML document as written in the book's language,
// left to right. The first <html and <body tags are the document's own: the
// text of a page cannot hold a literal tag, since kb escapes raw HTML.
func (b *book) patchLanguage(doc string) (string, error) {
	lang := html.EscapeString(b.lang)
	doc, err := replaceFirst(doc, `<html xmlns="http://www.w3.org/1999/xhtml"`,
		`<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="`+lang+`" lang="`+lang+`" dir="ltr"`)
	if err != nil {
		return "", err
	}
	return replaceFirst(doc, `<body dir="auto">`, `<body dir="ltr">`)
}

// replaceFirst replaces the first old in s, failing when there is none.
func replaceFirst(s, old, repl string) (string, error) {
	if !strings.Contains(s, old) {
		return "", fmt.Errorf("no %s", old)
	}
	return strings.Replace(s, old, repl, 1), nil
}
