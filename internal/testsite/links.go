package testsite

import (
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// BrokenLinks reads every HTML file of a built site in dir and returns each
// reference (href, src, action) to a file of the site that is not there,
// or to an ID that the target page does not have, as "file: reference
// (why)". Links to other sites are not followed. A root-relative link, as
// the 404 page writes them, is read from sitePath ("/" or "/kb/"), the
// site's path on its server.
func BrokenLinks(dir, sitePath string) ([]string, error) {
	docs := map[string]*htmlFile{}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() || path.Ext(rel) != ".html" {
			return nil
		}
		files = append(files, rel)
		return nil
	})
	if err != nil {
		return nil, err
	}
	load := func(name string) (*htmlFile, error) {
		if f, ok := docs[name]; ok {
			return f, nil
		}
		f, err := parseHTML(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return nil, err
		}
		docs[name] = f
		return f, nil
	}
	var broken []string
	for _, name := range files {
		f, err := load(name)
		if err != nil {
			return nil, err
		}
		for _, ref := range f.refs {
			target, anchor, ok, why := resolveRef(name, ref, sitePath)
			if !ok {
				if why != "" {
					broken = append(broken, fmt.Sprintf("%s: %s (%s)", name, ref, why))
				}
				continue
			}
			info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(target)))
			if err == nil && info.IsDir() {
				target = path.Join(target, "index.html")
				_, err = os.Stat(filepath.Join(dir, filepath.FromSlash(target)))
			}
			if err != nil {
				broken = append(broken, fmt.Sprintf("%s: %s (no file %s)", name, ref, target))
				continue
			}
			if anchor == "" || path.Ext(target) != ".html" {
				continue
			}
			t, err := load(target)
			if err != nil {
				return nil, err
			}
			if !t.ids[anchor] {
				broken = append(broken, fmt.Sprintf("%s: %s (no id %q in %s)", name, ref, anchor, target))
			}
		}
	}
	slices.Sort(broken)
	return broken, nil
}

// htmlFile is what BrokenLinks reads from a page: its references and IDs.
type htmlFile struct {
	refs []string
	ids  map[string]bool
}

func parseHTML(file string) (*htmlFile, error) {
	r, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	doc, err := html.Parse(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	f := &htmlFile{ids: map[string]bool{}}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		for _, a := range n.Attr {
			switch {
			case a.Key == "id" || a.Key == "name" && n.Data == "a":
				f.ids[a.Val] = true
			case a.Key == "href" && (n.Data == "a" || n.Data == "link"),
				a.Key == "src" && (n.Data == "img" || n.Data == "script" || n.Data == "iframe" || n.Data == "source"),
				a.Key == "action" && n.Data == "form":
				f.refs = append(f.refs, a.Val)
			}
		}
	}
	return f, nil
}

// resolveRef returns the site file (slash-separated, relative to the site
// root) and the ID that ref, written in the file name, points at. ok is
// false for a reference that leaves the site, with why saying what is
// wrong when it is a mistake rather than an external link.
func resolveRef(name, ref, sitePath string) (target, anchor string, ok bool, why string) {
	u, err := url.Parse(ref)
	if err != nil {
		return "", "", false, "malformed: " + err.Error()
	}
	if u.Scheme != "" || u.Host != "" {
		return "", "", false, ""
	}
	anchor = u.Fragment
	p := u.Path
	switch {
	case p == "":
		return name, anchor, true, ""
	case strings.HasPrefix(p, "/"):
		rest, found := strings.CutPrefix(p, sitePath)
		if !found {
			return "", "", false, "outside the site path " + sitePath
		}
		p = rest
	default:
		p = path.Join(path.Dir(name), p)
	}
	p = path.Clean(p)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", "", false, "leaves the site"
	}
	return p, anchor, true, ""
}
