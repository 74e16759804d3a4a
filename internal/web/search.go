package web

import (
	"html/template"

	"github.com/kb-handbook/kb/internal/site"
)

// SearchDir is the folder of the search page in the output.
const SearchDir = "search/"

// The search page's results lie between these comments, which a server
// answering searches replaces with its results. Written from disk, the
// page says there plainly that searching needs kb host or kb serve.
const (
	SearchResultsStart = "<!--kb:search-results-->"
	SearchResultsEnd   = "<!--/kb:search-results-->"
)

// searchPage is the search page as the build writes it.
func searchPage() generated {
	toc := site.RelURL(SearchDir, "toc/index.html")
	notice := `<p class="search-offline">検索は、このサイトを <code>kb host</code> または <code>kb serve</code> で配信しているときに使えます。` +
		`ファイルを直接開いたときや、ふつうの Web サーバーに置いたときは検索できません。` +
		`<a href="` + template.HTMLEscapeString(toc) + `">目次</a>からページを探してください。</p>`
	return generated{kind: "search", dir: SearchDir, data: pageData{
		Title: "検索",
		Body:  template.HTML(SearchResultsStart + notice + SearchResultsEnd), // fixed text, escaped above
	}}
}
