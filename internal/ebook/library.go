package ebook

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"path"
	"sync"

	epub "github.com/go-shiori/go-epub"
)

// libraryFiles has go-epub write the parts of the book it expresses as kb
// needs them: the mimetype, META-INF/container.xml, and the stylesheet and
// images stored under EPUB/css/ and EPUB/images/. kb writes the rest (see
// DESIGN.md, "EPUB"). The files are returned by archive path, as go-epub
// wrote them; go-epub's own package document, navigation and NCX, which
// kb writes itself, are not used.
func (b *book) libraryFiles() (map[string][]byte, error) {
	// go-epub's in-memory file system is one unguarded map for the
	// process: one book at a time.
	library.Lock()
	defer library.Unlock()
	useMemory.Do(func() { useMemoryErr = epub.Use(epub.MemoryFS) })
	if useMemoryErr != nil {
		return nil, useMemoryErr
	}
	e, err := epub.NewEpub(b.sel.Title)
	if err != nil {
		return nil, err
	}
	want := []string{mimetypeName, containerName, pkgDir + cssFile, pkgDir + imageDir + coverImageFile}
	if _, err := e.AddCSS(dataURL("text/css", b.theme.css), path.Base(cssFile)); err != nil {
		return nil, err
	}
	cover, err := b.coverSVG()
	if err != nil {
		return nil, err
	}
	if _, err := e.AddImage(dataURL("image/svg+xml", cover), coverImageFile); err != nil {
		return nil, err
	}
	for _, m := range b.media {
		if _, err := e.AddImage(dataURL(m.mediaType, m.data), m.name); err != nil {
			return nil, fmt.Errorf("%s: %w", m.name, err)
		}
		want = append(want, pkgDir+imageDir+m.name)
	}
	var raw bytes.Buffer
	if _, err := e.WriteTo(&raw); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(raw.Bytes()), int64(raw.Len()))
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(want))
	for _, name := range want {
		f, err := zr.Open(name)
		if err != nil {
			return nil, fmt.Errorf("go-epub wrote no %s", name)
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, err
		}
		out[name] = data
	}
	return out, nil
}

// useMemory switches go-epub to its in-memory file system once: books are
// assembled in memory, never in a temporary folder.
var (
	useMemory    sync.Once
	useMemoryErr error
	library      sync.Mutex
)

// dataURL is data as an RFC 2397 data URL, the form in which go-epub takes
// files that are not on disk.
func dataURL(mediaType string, data []byte) string {
	return "data:" + mediaType + ";base64," + base64.StdEncoding.EncodeToString(data)
}
