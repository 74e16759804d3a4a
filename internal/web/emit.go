package web

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"maps"
	"net/url"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/markdown"
	"github.com/kb-handbook/kb/internal/parallel"
	"github.com/kb-handbook/kb/internal/site"
)

// Writer receives output files by path relative to the output folder.
type Writer interface {
	WriteFile(name string, data []byte) error
}

// link is an entry in navigation or a page list.
type link struct {
	Href     string
	Number   string
	Title    string
	Summary  string
	Current  bool
	Children []link
}

// group is a titled list on a generated page.
type group struct {
	ID, Title, Href, Lead string
	Items                 []link
	Rows                  []revisionRow
	Empty                 string // shown when a filtered list has no pages
}

type revisionRow struct {
	Date, Href, Title, Note string
}

// pageData is what the templates see.
type pageData struct {
	Config        config.Config
	Title         string
	Description   string
	Root          string        // relative path from the page to the site root
	Nav           []link        // the sidebar as data, for themes that lay it out themselves
	NavHTML       template.HTML // the sidebar as the default theme shows it
	Page          *site.Page
	Body          template.HTML
	Crumbs        []link
	TOC           []site.Heading // the page's table of contents, for themes that lay it out themselves
	TOCHTML       template.HTML  // its list items as the default theme shows them
	Roles         []link
	Level         *link
	Children      []link
	ChildrenTitle string
	Prev, Next    *link
	Lead          string
	Groups        []group
	Search        *SearchResults // the search page's results
	Query         string         // the search page's query, shown in the header's search box
	Updated       string         // the date of the page's latest revision, shown as 最終更新
	Messages      Messages       // the interface text in the site's language
	Outputs       Outputs        // the formats the site offers besides its pages, for links to them
	assets        map[string]string
	scripts       template.JS // the part of Messages the page scripts read, as JSON
}

// ScriptMessages returns the texts the page's scripts show (ScriptAreas)
// as the JSON the theme writes into the page for them. The theme encodes
// them once per language (Theme.scriptMessages), not once per page.
func (d *pageData) ScriptMessages() template.JS {
	if d.scripts == "" {
		d.scripts = scriptJSON(d.Messages.Areas(ScriptAreas...))
	}
	return d.scripts
}

// scriptJSON encodes texts for a script element as html/template writes a
// map there: JSON with <, >, & and U+2028/U+2029 escaped, so that no text
// can end the element. TestScriptJSONIsTheTemplates holds the two equal.
func scriptJSON(m Messages) template.JS {
	data, err := json.Marshal(m)
	if err != nil {
		// A map of strings always encodes; invalid UTF-8 becomes U+FFFD.
		panic(err)
	}
	return template.JS(data) // escaped as above
}

// T returns the interface text of key in the site's language; pairs fill
// its {name} slots (name, value, …).
func (d *pageData) T(key string, pairs ...string) string {
	return d.Messages.Get(key, pairs...)
}

// Asset returns the relative URL of a fingerprinted theme asset.
func (d *pageData) Asset(name string) string {
	return d.Root + d.assets[name]
}

// Emit writes the HTML site for s to w: every page and the site-wide files.
// outs names the other formats the site offers, which its pages link to.
func Emit(s *site.Site, theme *Theme, outs Outputs, w Writer) error {
	if err := EmitPages(s, theme, outs, w, s.Pages); err != nil {
		return err
	}
	return EmitSiteWide(s, theme, outs, w)
}

// EmitPages renders and writes the given pages of the book on all cores.
func EmitPages(s *site.Site, theme *Theme, outs Outputs, w Writer, pages []*site.Page) error {
	return EmitPagesOn(runtime.GOMAXPROCS(0), s, theme, outs, w, pages)
}

// EmitPagesOn is EmitPages on at most workers cores, for work in the
// background that leaves cores to other work.
func EmitPagesOn(workers int, s *site.Site, theme *Theme, outs Outputs, w Writer, pages []*site.Page) error {
	pages = writeOrder(pages)
	return parallel.DoOn(workers, len(pages), func(i int) error {
		p := pages[i]
		data, err := RenderPage(s, theme, outs, p)
		if err != nil {
			return fmt.Errorf("%s: %w", p.Source.File, err)
		}
		return w.WriteFile(p.OutFile(), data)
	})
}

// EmitSiteWide writes what is not a page of the book: the theme's assets,
// the generated pages (目次, role and level lists, 改版履歴, search),
// 404.html and sitemap.xml.
func EmitSiteWide(s *site.Site, theme *Theme, outs Outputs, w Writer) error {
	for _, name := range slices.Sorted(maps.Keys(theme.Files)) {
		if err := w.WriteFile(name, theme.Files[name]); err != nil {
			return err
		}
	}
	for _, g := range generatedPages(s, theme.Messages(s.Config.Language)) {
		g.data.Outputs = outs
		data, err := theme.execute(g.kind, g.dir, s, nil, &g.data)
		if err != nil {
			return err
		}
		if err := w.WriteFile(g.dir+"index.html", data); err != nil {
			return err
		}
	}
	// 404.html is served for any missing path, at any depth, so its links
	// start from the site's root path instead of its own folder.
	notFound, err := theme.executeAt("404", SitePath(s.Config.BaseURL), s, nil, &pageData{Title: theme.Messages(s.Config.Language).Get("not_found"), Outputs: outs})
	if err != nil {
		return err
	}
	if err := w.WriteFile("404.html", notFound); err != nil {
		return err
	}
	if err := w.WriteFile("sitemap.xml", sitemap(s)); err != nil {
		return err
	}
	// The servers answer in the site's language: kb host has only the
	// built folder to learn it from.
	texts, err := json.Marshal(theme.Messages(s.Config.Language).Areas(ServerAreas...))
	if err != nil {
		return err
	}
	return w.WriteFile(MessagesFile, texts)
}

// writeOrder deals the pages round-robin by the folder their own folder is
// made in, so that the workers, taking them in turn, mostly create folders
// in different parents at the same moment: file systems serialise the
// creations in one folder.
func writeOrder(pages []*site.Page) []*site.Page {
	var parents []string
	byParent := map[string][]*site.Page{}
	for _, p := range pages {
		parent := path.Dir(path.Dir(p.OutFile()))
		if _, ok := byParent[parent]; !ok {
			parents = append(parents, parent)
		}
		byParent[parent] = append(byParent[parent], p)
	}
	out := make([]*site.Page, 0, len(pages))
	for round := 0; len(out) < len(pages); round++ {
		for _, parent := range parents {
			if list := byParent[parent]; round < len(list) {
				out = append(out, list[round])
			}
		}
	}
	return out
}

// RenderPage returns the HTML of one page of the book, whose links to the
// files of other formats lead to them only when outs offers them.
func RenderPage(s *site.Site, theme *Theme, outs Outputs, p *site.Page) ([]byte, error) {
	m := theme.Messages(s.Config.Language)
	var body bytes.Buffer
	res := site.LinkResolver{Site: s, Page: p, Decide: outs.decide(m)}
	if err := markdown.Render(&body, p.Doc, res, markdown.RenderOptions{HeadingLinkLabel: m.Get("heading_link")}); err != nil {
		return nil, err
	}
	d := &pageData{
		Title:       p.NumberedTitle(),
		Description: p.Summary(),
		Page:        p,
		Body:        template.HTML(body.String()), // rendered by goldmark, raw HTML escaped unless unsafe_html
		Outputs:     outs,
	}
	if p.Parent == nil {
		d.Title = ""
	}
	if revs := p.Revisions(); len(revs) > 0 {
		d.Updated = slices.MaxFunc(revs, func(a, b content.Revision) int { return strings.Compare(a.Date, b.Date) }).Date
	}
	for _, a := range p.Ancestors() {
		l := pageLink(p.URL, a)
		if a.Parent == nil {
			l.Title = m.Get("home")
		}
		d.Crumbs = append(d.Crumbs, l)
	}
	for _, h := range p.Headings {
		if h.Level >= 2 && h.Level <= 4 {
			d.TOC = append(d.TOC, h)
		}
	}
	d.TOCHTML = tocHTML(d.TOC)
	for _, r := range p.Roles() {
		d.Roles = append(d.Roles, link{Href: site.RelURL(p.URL, roleDir(r)+"index.html"), Title: s.Config.RoleLabel(r)})
	}
	if lv := p.Level(); lv != 0 {
		d.Level = &link{Href: site.RelURL(p.URL, levelDir(lv)+"index.html"), Title: s.Config.LevelLabel(lv)}
	}
	d.ChildrenTitle = m.Get("chapter_pages")
	if p.Parent == nil {
		d.ChildrenTitle = m.Get("chapters")
	}
	for _, c := range p.Children {
		l := pageLink(p.URL, c)
		l.Summary = c.Summary()
		d.Children = append(d.Children, l)
	}
	if p.Prev != nil {
		l := pageLink(p.URL, p.Prev)
		d.Prev = &l
	}
	if p.Next != nil {
		l := pageLink(p.URL, p.Next)
		d.Next = &l
	}
	return theme.execute("page", p.URL, s, p, d)
}

// execute fills the common fields and runs the template of a page kind.
// themeMarkup is about how many bytes the default theme adds around a
// page's body, sidebar and TOC (header, breadcrumbs, prev/next, footer).
const themeMarkup = 8 << 10

func (t *Theme) execute(kind, dir string, s *site.Site, current *site.Page, d *pageData) ([]byte, error) {
	return t.executeAt(kind, rootOf(dir), s, current, d)
}

// rootOf is the relative path from a page in the folder dir to the site root.
func rootOf(dir string) string {
	return strings.Repeat("../", strings.Count(dir, "/"))
}

// executeAt runs a page kind's template with every link to the site starting
// with root: "../" repeated up from the page's folder, or a path from the
// server's root for a page served at any URL.
func (t *Theme) executeAt(kind, root string, s *site.Site, current *site.Page, d *pageData) ([]byte, error) {
	t.fill(root, s, current, d)
	var out bytes.Buffer
	// The page is mostly the body, the sidebar and the page TOC; sizing the
	// buffer for them and the theme's markup saves its doublings on the way.
	out.Grow(len(d.Body) + len(d.NavHTML) + len(d.TOCHTML) + themeMarkup)
	if err := t.templates[kind].ExecuteTemplate(&out, "base", d); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// fill sets the fields every page has, for a page whose links to the site
// start with root.
func (t *Theme) fill(root string, s *site.Site, current *site.Page, d *pageData) {
	d.Config = s.Config
	d.Messages = t.Messages(s.Config.Language)
	d.scripts = t.scriptMessages(s.Config.Language)
	d.Root = root
	if root == "" {
		d.Root = "./"
	}
	d.Nav = navigation(s, root, current)
	d.NavHTML = navHTML(d.Nav)
	d.assets = t.Assets
}

func pageLink(fromDir string, p *site.Page) link {
	return link{Href: site.RelURL(fromDir, p.OutFile()), Number: p.Number, Title: p.Title}
}

// SitePath returns the path part of the base URL, with a trailing slash:
// "/" for "https://example.org/", "/kb/" for "https://example.org/kb/".
func SitePath(baseURL string) string {
	p := baseURL
	if u, err := url.Parse(baseURL); err == nil {
		p = u.EscapedPath()
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// navigation lists every chapter and, under the current page's chapter, that
// chapter's pages, so that each page's size does not grow with the book.
func navigation(s *site.Site, root string, current *site.Page) []link {
	var chapter *site.Page
	if current != nil {
		chapter = current.Chapter()
	}
	var nav []link
	for _, c := range s.Root.Children {
		l := rootLink(root, c)
		l.Current = c == current
		if c == chapter {
			l.Children = subtree(root, c, current)
		}
		nav = append(nav, l)
	}
	return nav
}

// navHTML writes the sidebar list. It is built in Go rather than in the
// template because it is the largest part of every page.
func navHTML(nav []link) template.HTML {
	var b strings.Builder
	writeNavList(&b, nav)
	return template.HTML(b.String()) // every field is escaped below
}

// tocHTML writes the list items of a page's table of contents. Like the
// sidebar, it is built in Go: a template range over every heading of every
// page cost a tenth of the HTML build.
func tocHTML(toc []site.Heading) template.HTML {
	var b strings.Builder
	for _, h := range toc {
		b.WriteString(`<li class="toc-level-`)
		b.WriteString(strconv.Itoa(h.Level))
		b.WriteString(`"><a href="#`)
		writeURLEscaped(&b, h.ID)
		b.WriteString(`">`)
		writeNumberedTitle(&b, h.Number, h.Text)
		b.WriteString("</a></li>\n")
	}
	return template.HTML(b.String()) // every field is escaped above
}

// writeNumberedTitle writes a title after its number, if it has one.
func writeNumberedTitle(b *strings.Builder, number, title string) {
	if number != "" {
		b.WriteString(`<span class="secno">`)
		b.WriteString(escapeText(number))
		b.WriteString("</span> ")
	}
	b.WriteString(escapeText(title))
}

// escapeText escapes text for HTML as html/template does, '+' and NUL included.
var escapeText = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;").Replace

// writeURLEscaped percent-encodes s for a URL fragment the way html/template
// does: every byte but RFC 3986's unreserved ones, in lower-case hex.
func writeURLEscaped(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
}

func writeNavList(b *strings.Builder, list []link) {
	if len(list) == 0 {
		return
	}
	b.WriteString("<ul>\n")
	for _, l := range list {
		b.WriteString("<li")
		if l.Current {
			b.WriteString(` class="current"`)
		}
		b.WriteString(`><a href="`)
		b.WriteString(escapeText(l.Href))
		b.WriteByte('"')
		if l.Current {
			b.WriteString(` aria-current="page"`)
		}
		b.WriteByte('>')
		writeNumberedTitle(b, l.Number, l.Title)
		b.WriteString("</a>")
		writeNavList(b, l.Children)
		b.WriteString("</li>\n")
	}
	b.WriteString("</ul>")
}

// rootLink links to p from a page whose path to the site root is root.
func rootLink(root string, p *site.Page) link {
	return link{Href: root + p.OutFile(), Number: p.Number, Title: p.Title}
}

func subtree(root string, p, current *site.Page) []link {
	var list []link
	for _, c := range p.Children {
		l := rootLink(root, c)
		l.Current = c == current
		l.Children = subtree(root, c, current)
		list = append(list, l)
	}
	return list
}

func roleDir(role string) string { return "roles/" + role + "/" }

func levelDir(level int) string { return "levels/" + strconv.Itoa(level) + "/" }

type generated struct {
	kind, dir string
	data      pageData
}

// GeneratedFolders lists the folders whose index.html the theme writes
// besides the book's pages: the 目次, the role and level views, the
// revision history and the search page. No page of the book may take one.
// It is cheap, for every rebuild of kb serve; TestGeneratedFoldersAreThoseWritten
// keeps it in step with generatedPages.
func GeneratedFolders(cfg config.Config) []string {
	out := []string{"toc/", "roles/"}
	for _, r := range cfg.RoleIDs() {
		out = append(out, roleDir(r))
	}
	out = append(out, "levels/")
	for _, lv := range slices.Sorted(maps.Keys(cfg.Levels)) {
		out = append(out, levelDir(lv))
	}
	return append(out, "revisions/", SearchDir)
}

// generatedPages builds the 目次, the role and level views and the revision history.
// m gives their titles and leads.
func generatedPages(s *site.Site, m Messages) []generated {
	var out []generated
	toc := generated{kind: "list", dir: "toc/", data: pageData{Title: m.Get("toc"), Lead: m.Get("toc_lead")}}
	for _, c := range s.Root.Children {
		l := pageLink(toc.dir, c)
		l.Children = tocChildren(toc.dir, c)
		toc.data.Groups = append(toc.data.Groups, group{Items: []link{l}})
	}
	out = append(out, toc)

	roles := s.Config.RoleIDs()
	rolesIndex := generated{kind: "list", dir: "roles/", data: pageData{Title: m.Get("roles_title"), Lead: m.Get("roles_lead")}}
	for _, r := range roles {
		label := s.Config.RoleLabel(r)
		g := generated{kind: "list", dir: roleDir(r), data: pageData{Title: m.Get("role_pages", "role", label)}}
		g.data.Groups = []group{{Items: filterPages(s, g.dir, func(p *site.Page) bool { return slices.Contains(p.Roles(), r) }),
			Empty: m.Get("no_role_pages")}}
		out = append(out, g)
		rolesIndex.data.Groups = append(rolesIndex.data.Groups, group{Title: label, Href: site.RelURL("roles/", roleDir(r)+"index.html"),
			Lead: m.Get("page_count", "n", strconv.Itoa(len(g.data.Groups[0].Items)))})
	}
	out = append(out, rolesIndex)

	levels := slices.Sorted(maps.Keys(s.Config.Levels))
	levelsIndex := generated{kind: "list", dir: "levels/", data: pageData{Title: m.Get("levels_title"), Lead: m.Get("levels_lead")}}
	for _, lv := range levels {
		label := s.Config.LevelLabel(lv)
		g := generated{kind: "list", dir: levelDir(lv), data: pageData{Title: label}}
		g.data.Groups = []group{{Items: filterPages(s, g.dir, func(p *site.Page) bool { return p.Level() == lv }),
			Empty: m.Get("no_level_pages")}}
		out = append(out, g)
		levelsIndex.data.Groups = append(levelsIndex.data.Groups, group{Title: label, Href: site.RelURL("levels/", levelDir(lv)+"index.html"),
			Lead: m.Get("page_count", "n", strconv.Itoa(len(g.data.Groups[0].Items)))})
	}
	out = append(out, levelsIndex)

	rev := generated{kind: "list", dir: "revisions/", data: pageData{Title: m.Get("revisions"), Lead: m.Get("revisions_lead")}}
	var rows []revisionRow
	for _, p := range s.Pages {
		for _, r := range p.Revisions() {
			rows = append(rows, revisionRow{Date: r.Date, Href: site.RelURL(rev.dir, p.OutFile()), Title: p.NumberedTitle(), Note: r.Note})
		}
	}
	slices.SortStableFunc(rows, func(a, b revisionRow) int { return strings.Compare(b.Date, a.Date) })
	rev.data.Groups = []group{{Rows: rows}}
	out = append(out, rev)
	out = append(out, searchPage(m))
	return out
}

func tocChildren(dir string, p *site.Page) []link {
	var list []link
	for _, c := range p.Children {
		l := pageLink(dir, c)
		l.Children = tocChildren(dir, c)
		list = append(list, l)
	}
	return list
}

func filterPages(s *site.Site, dir string, keep func(*site.Page) bool) []link {
	var list []link
	for _, p := range s.Pages {
		if keep(p) {
			l := pageLink(dir, p)
			l.Summary = p.Summary()
			list = append(list, l)
		}
	}
	return list
}

// sitemap lists every page under the configured base URL.
func sitemap(s *site.Site) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, p := range s.Pages {
		b.WriteString("  <url><loc>")
		_ = xml.EscapeText(&b, []byte(s.Config.BaseURL+p.URL))
		b.WriteString("</loc>")
		if revs := p.Revisions(); len(revs) > 0 {
			last := slices.MaxFunc(revs, func(a, b2 content.Revision) int { return strings.Compare(a.Date, b2.Date) })
			b.WriteString("<lastmod>")
			_ = xml.EscapeText(&b, []byte(last.Date))
			b.WriteString("</lastmod>")
		}
		b.WriteString("</url>\n")
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}
