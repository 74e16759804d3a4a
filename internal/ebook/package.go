package ebook

import (
	"encoding/xml"
	"fmt"
)

// Media types of the package's files.
const (
	mediaXHTML = "application/xhtml+xml"
	mediaNCX   = "application/x-dtbncx+xml"
	mediaCSS   = "text/css"
	mediaSVG   = "image/svg+xml"
)

// opfPackage is the package document, EPUB/package.opf.
type opfPackage struct {
	XMLName          xml.Name    `xml:"http://www.idpf.org/2007/opf package"`
	Version          string      `xml:"version,attr"`
	UniqueIdentifier string      `xml:"unique-identifier,attr"`
	Metadata         opfMetadata `xml:"metadata"`
	Items            []opfItem   `xml:"manifest>item"`
	Spine            opfSpine    `xml:"spine"`
}

type opfMetadata struct {
	XMLNSDC     string    `xml:"xmlns:dc,attr"`
	Identifier  opfDC     `xml:"dc:identifier"`
	Title       string    `xml:"dc:title"`
	Language    string    `xml:"dc:language"`
	Creator     *opfDC    `xml:"dc:creator"`
	Publisher   string    `xml:"dc:publisher,omitempty"`
	Description string    `xml:"dc:description,omitempty"`
	Meta        []opfMeta `xml:"meta"`
}

// opfDC is a Dublin Core element with an ID.
type opfDC struct {
	ID    string `xml:"id,attr,omitempty"`
	Value string `xml:",chardata"`
}

// opfMeta is a <meta>: an EPUB 3 property, or the EPUB 2 name and content.
type opfMeta struct {
	Refines  string `xml:"refines,attr,omitempty"`
	Property string `xml:"property,attr,omitempty"`
	Scheme   string `xml:"scheme,attr,omitempty"`
	Name     string `xml:"name,attr,omitempty"`
	Content  string `xml:"content,attr,omitempty"`
	Value    string `xml:",chardata"`
}

type opfItem struct {
	ID         string `xml:"id,attr"`
	Href       string `xml:"href,attr"`
	MediaType  string `xml:"media-type,attr"`
	Properties string `xml:"properties,attr,omitempty"`
}

type opfSpine struct {
	TOC       string       `xml:"toc,attr"`
	Direction string       `xml:"page-progression-direction,attr"`
	Items     []opfItemref `xml:"itemref"`
}

type opfItemref struct {
	IDRef string `xml:"idref,attr"`
}

// Manifest IDs of the files besides the pages and images, whose IDs are
// their file names ("p-top.xhtml", "img-001.png").
const (
	navID        = "nav"
	ncxID        = "ncx"
	cssID        = "css"
	coverID      = "cover"
	coverImageID = "cover-image"
)

// packageDocument writes the package document: the metadata, the manifest
// (the navigation, the stylesheet, the images, then the cover and the
// pages in reading order) and the spine (the cover, then the pages).
func (b *book) packageDocument() ([]byte, error) {
	cfg := b.site.Config
	md := opfMetadata{XMLNSDC: "http://purl.org/dc/elements/1.1/", Identifier: opfDC{ID: "pub-id", Value: b.id},
		Title: b.sel.Title, Language: b.theme.lang, Publisher: cfg.Publisher, Description: cfg.Description}
	if cfg.Author != "" {
		md.Creator = &opfDC{ID: "creator", Value: cfg.Author}
		md.Meta = append(md.Meta, opfMeta{Refines: "#creator", Property: "role", Scheme: "marc:relators", Value: "aut"})
	}
	md.Meta = append(md.Meta, opfMeta{Property: "dcterms:modified", Value: b.modified.Format("2006-01-02T15:04:05Z")})
	if cfg.Version != "" {
		md.Meta = append(md.Meta, opfMeta{Property: "schema:version", Value: cfg.Version})
	}
	md.Meta = append(md.Meta, b.accessibilityMeta()...)
	// For EPUB 2 reading systems, which do not read the cover-image property.
	md.Meta = append(md.Meta, opfMeta{Name: "cover", Content: coverImageID})

	items := []opfItem{
		{ID: navID, Href: navFile, MediaType: mediaXHTML, Properties: "nav"},
		{ID: ncxID, Href: ncxFile, MediaType: mediaNCX},
		{ID: cssID, Href: cssFile, MediaType: mediaCSS},
		{ID: coverImageID, Href: imageDir + coverImageFile, MediaType: mediaSVG, Properties: "cover-image"},
	}
	for _, m := range b.media {
		items = append(items, opfItem{ID: m.name, Href: imageDir + m.name, MediaType: m.mediaType})
	}
	items = append(items, opfItem{ID: coverID, Href: xhtmlDir + coverFile, MediaType: mediaXHTML})
	spine := opfSpine{TOC: ncxID, Direction: b.theme.dir, Items: []opfItemref{{IDRef: coverID}}}
	for _, p := range b.sel.Pages {
		f := b.files[p]
		items = append(items, opfItem{ID: f, Href: xhtmlDir + f, MediaType: mediaXHTML})
		spine.Items = append(spine.Items, opfItemref{IDRef: f})
	}
	return marshalXML(opfPackage{Version: "3.0", UniqueIdentifier: "pub-id", Metadata: md, Items: items, Spine: spine})
}

// ncxDocument is the EPUB 2 table of contents, EPUB/toc.ncx, for reading
// systems that do not read the nav document.
type ncxDocument struct {
	XMLName xml.Name    `xml:"http://www.daisy.org/z3986/2005/ncx/ ncx"`
	Version string      `xml:"version,attr"`
	Meta    []ncxMeta   `xml:"head>meta"`
	Title   string      `xml:"docTitle>text"`
	Author  *ncxText    `xml:"docAuthor"`
	Points  []*ncxPoint `xml:"navMap>navPoint"`
}

type ncxMeta struct {
	Name    string `xml:"name,attr"`
	Content string `xml:"content,attr"`
}

type ncxText struct {
	Text string `xml:"text"`
}

type ncxPoint struct {
	ID        string      `xml:"id,attr"`
	PlayOrder int         `xml:"playOrder,attr"`
	Label     string      `xml:"navLabel>text"`
	Content   ncxContent  `xml:"content"`
	Children  []*ncxPoint `xml:"navPoint"`
}

type ncxContent struct {
	Src string `xml:"src,attr"`
}

// ncx writes the NCX: the pages as in the nav document, without their
// sections, numbered in reading order.
func (b *book) ncx(t pageTree) ([]byte, error) {
	n, depth := 0, 0
	var points func(items []*navItem, level int) []*ncxPoint
	points = func(items []*navItem, level int) []*ncxPoint {
		var out []*ncxPoint
		for _, it := range items {
			n++
			depth = max(depth, level)
			p := &ncxPoint{ID: fmt.Sprintf("navPoint-%d", n), PlayOrder: n, Label: it.Title, Content: ncxContent{Src: it.Href}}
			p.Children = points(it.Children, level+1)
			out = append(out, p)
		}
		return out
	}
	doc := ncxDocument{Version: "2005-1", Title: b.sel.Title, Points: points(b.navItems(t, t.top, false), 1)}
	doc.Meta = []ncxMeta{{"dtb:uid", b.id}, {"dtb:depth", fmt.Sprint(depth)}, {"dtb:totalPageCount", "0"}, {"dtb:maxPageNumber", "0"}}
	if a := b.site.Config.Author; a != "" {
		doc.Author = &ncxText{Text: a}
	}
	return marshalXML(doc)
}

// marshalXML writes v as an indented XML document.
func marshalXML(v any) ([]byte, error) {
	out, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(append([]byte(xml.Header), out...), '\n'), nil
}
