// Command kb builds a Markdown knowledge base into a static site, a search
// index and an EPUB.
package main

import (
	"os"

	"github.com/kb-handbook/kb/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
