package cli

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/goccy/go-yaml"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/content"
	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/layout"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/srcfs"
)

// migratedConfig is the kb.yaml kb migrate writes: what kb read from the
// other tool's configuration, so that the book no longer needs it.
type migratedConfig struct {
	Title       string         `yaml:"title,omitempty"`
	Language    string         `yaml:"language,omitempty"`
	Author      string         `yaml:"author,omitempty"`
	Description string         `yaml:"description,omitempty"`
	ContentDir  string         `yaml:"content_dir,omitempty"`
	HeadingIDs  string         `yaml:"heading_ids,omitempty"`
	Summary     string         `yaml:"summary,omitempty"`
	Variables   map[string]any `yaml:"variables,omitempty"`
}

// migrationFile is a file kb migrate writes, relative to the site root.
type migrationFile struct {
	name string
	data []byte
}

func runMigrate(args []string, stdout, stderr io.Writer) int {
	flags := newFlags("migrate", "migrate [--source DIR] [--write]", stderr)
	source := flags.String("source", ".", "root of the book written for another tool")
	write := flags.Bool("write", false, "write kb.yaml (and SUMMARY.md where the order lives in code) instead of showing them")
	if code, ok := parseFlags(flags, args); !ok {
		return code
	}
	s, diags := pipeline.Load(*source, nil)
	cfg := s.Config
	fmt.Fprintln(stdout, layoutLine(cfg))
	if cfg.Layout == "" {
		fmt.Fprintln(stdout, "kb: no other tool's configuration found (book.toml, book.json, mkdocs.yml, .vitepress/); nothing to migrate")
		return ExitOK
	}
	errs, warns := diag.Count(diags)
	fmt.Fprintf(stdout, "  title %q, language %q, author %q\n", cfg.Title, cfg.Language, cfg.Author)
	fmt.Fprintf(stdout, "  %d pages, %d variables; %d error(s) and %d warning(s) (kb check lists them)\n", len(s.Pages), len(cfg.Variables), errs, warns)
	files := []migrationFile{}
	dir := cmp.Or(cfg.ContentDir, content.Dir)
	summary := filepath.ToSlash(filepath.Join(dir, cmp.Or(cfg.Summary, content.SummaryName)))
	_, err := os.Stat(filepath.Join(*source, filepath.FromSlash(summary)))
	hasSummary := err == nil
	switch {
	case hasSummary:
		fmt.Fprintf(stdout, "  order from %s\n", summary)
	case cfg.SummaryText != nil:
		fmt.Fprintf(stdout, "  order from the nav in %s\n", cfg.SummaryFrom)
	case cfg.Layout == "VitePress":
		if toc := layout.VitePressSidebar(string(readInSite(*source, cfg.LayoutFile))); toc != "" {
			fmt.Fprintf(stdout, "  order from the sidebar in %s, which is code: it becomes %s\n", cfg.LayoutFile, summary)
			files = append(files, migrationFile{summary, []byte("# Summary\n\n" + toc)})
		} else {
			fmt.Fprintln(stdout, "  order from file names")
		}
	default:
		fmt.Fprintln(stdout, "  order from file names")
	}
	def := config.Default()
	unlessDefault := func(v, d string) string {
		if v == d {
			return ""
		}
		return v
	}
	conf, err := yaml.Marshal(migratedConfig{Title: unlessDefault(cfg.Title, def.Title), Language: cfg.Language,
		Author: unlessDefault(cfg.Author, def.Author), Description: cfg.Description, ContentDir: cfg.ContentDir,
		HeadingIDs: cfg.HeadingIDs, Summary: cfg.Summary, Variables: cfg.Variables})
	if err != nil {
		fmt.Fprintf(stderr, "kb migrate: %v\n", err)
		return ExitContent
	}
	files = append([]migrationFile{{config.FileName, conf}}, files...)
	for _, f := range files {
		p := filepath.Join(*source, filepath.FromSlash(f.name))
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(stderr, "kb migrate: %s exists; move it away to let kb write its own\n", f.name)
			return ExitContent
		}
	}
	for _, f := range files {
		if !*write {
			fmt.Fprintf(stdout, "\nwould write %s:\n%s", f.name, f.data)
			continue
		}
		if err := os.WriteFile(filepath.Join(*source, filepath.FromSlash(f.name)), f.data, 0o644); err != nil {
			fmt.Fprintf(stderr, "kb migrate: %v\n", err)
			return ExitContent
		}
		fmt.Fprintf(stdout, "kb: wrote %s\n", f.name)
	}
	if !*write {
		fmt.Fprintln(stdout, "\nrun kb migrate --write to write them")
	}
	return ExitOK
}

// readInSite reads the site-relative file rel without leaving the site
// root; nil when it cannot.
func readInSite(root, rel string) []byte {
	r, err := srcfs.Open(root)
	if err != nil {
		return nil
	}
	defer r.Close()
	data, _ := r.ReadFile(rel, 1<<20)
	return data
}
