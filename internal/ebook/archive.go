package ebook

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kb-handbook/kb/internal/parallel"
	"github.com/kb-handbook/kb/internal/site"
)

// member is one file of the book: its path in the archive and how to write it.
type member struct {
	name  string
	write func() ([]byte, error)
	page  *site.Page // the page the file shows, for errors
}

func constant(data []byte) func() ([]byte, error) {
	return func() ([]byte, error) { return data, nil }
}

// members lists every file of the book, in archive order: mimetype first,
// as EPUB requires, then META-INF, then the rest by name.
func (b *book) members(library map[string][]byte) []member {
	t := b.pageTree()
	members := []member{
		{name: packageName, write: b.packageDocument},
		{name: navName, write: func() ([]byte, error) { return b.navDocument(t) }},
		{name: ncxName, write: func() ([]byte, error) { return b.ncx(t) }},
		{name: pkgDir + xhtmlDir + coverFile, write: b.coverPage},
	}
	for name, data := range library {
		members = append(members, member{name: name, write: constant(data)})
	}
	for _, p := range b.sel.Pages {
		members = append(members, member{name: pkgDir + xhtmlDir + b.files[p], write: func() ([]byte, error) { return b.page(p) }, page: p})
	}
	rank := func(n string) int {
		switch {
		case n == mimetypeName:
			return 0
		case strings.HasPrefix(n, "META-INF/"):
			return 1
		}
		return 2
	}
	slices.SortFunc(members, func(x, y member) int {
		if rx, ry := rank(x.name), rank(y.name); rx != ry {
			return rx - ry
		}
		return strings.Compare(x.name, y.name)
	})
	return members
}

// pack writes and compresses every file of the book on all cores and
// returns the archive. Entries carry the configuration's modified time, so
// that the same input always gives the same bytes.
func (b *book) pack() ([]byte, error) {
	library, err := b.libraryFiles()
	if err != nil {
		return nil, err
	}
	members := b.members(library)
	entries := make([]entry, len(members))
	err = parallel.Do(len(members), func(i int) error {
		m := members[i]
		data, err := m.write()
		if err == nil {
			entries[i], err = compress(m.name, data)
		}
		switch {
		case err == nil:
			return nil
		case m.page != nil:
			return fmt.Errorf("%s: %w", m.page.Source.File, err)
		default:
			return fmt.Errorf("%s: %w", m.name, err)
		}
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

// compress deflates a file of the book; mimetype is stored, as EPUB requires.
func compress(name string, data []byte) (entry, error) {
	e := entry{name: name, method: zip.Store, data: data, crc: crc32.ChecksumIEEE(data), size: uint64(len(data))}
	if name == mimetypeName {
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
