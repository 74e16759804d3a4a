package search

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/kb-handbook/kb/internal/parallel"
	"github.com/kb-handbook/kb/internal/site"
)

// IndexDir is the folder of the index in the output.
const IndexDir = "search.bleve"

// metaFile, inside the index folder, holds the facet labels.
const metaFile = "kb-search.json"

// Facet is a value of the chapter, role or level facet with its label.
type Facet struct {
	ID     string `json:"id"`
	Number string `json:"number,omitempty"` // a chapter's number, also accepted as its ID in filters
	Label  string `json:"label"`
}

// Meta lists the facet values of an index in display order.
type Meta struct {
	Chapters []Facet `json:"chapters"`
	Roles    []Facet `json:"roles"`
	Levels   []Facet `json:"levels"`
	// Shards is the number of shards the index is split into.
	Shards int `json:"shards"`
	// Synonyms are the groups of terms that a query for one of them
	// finds all of: the glossary's entries with several terms and the
	// groups of the synonyms file, merged where they share a term.
	Synonyms [][]string `json:"synonyms,omitempty"`
}

// NewMeta collects the chapters, roles and levels of the site.
func NewMeta(s *site.Site) Meta {
	var m Meta
	for _, c := range s.Root.Children {
		m.Chapters = append(m.Chapters, Facet{ID: ChapterID(c), Number: c.Number, Label: c.NumberedTitle()})
	}
	for _, r := range s.Config.RoleIDs() {
		m.Roles = append(m.Roles, Facet{ID: r, Label: s.Config.RoleLabel(r)})
	}
	for _, l := range slices.Sorted(maps.Keys(s.Config.Levels)) {
		m.Levels = append(m.Levels, Facet{ID: strconv.Itoa(l), Label: s.Config.LevelLabel(l)})
	}
	var groups [][]string
	entry := map[string]int{} // an entry's first term → its group
	for _, t := range s.Terms {
		if t.Entry == "" || t.Entry == t.Text {
			continue
		}
		i, ok := entry[t.Entry]
		if !ok {
			i = len(groups)
			entry[t.Entry] = i
			groups = append(groups, []string{t.Entry})
		}
		groups[i] = append(groups[i], t.Text)
	}
	m.Synonyms = MergeSynonyms(append(groups, s.Config.Synonyms...))
	return m
}

// termKey is what two texts share when a query for one is a query for the
// other: their terms, in order; "" for text without any.
func termKey(tokens analysis.TokenStream) string {
	var b strings.Builder
	for i, t := range tokens {
		if i > 0 {
			b.WriteByte(0)
		}
		b.Write(t.Term)
	}
	return b.String()
}

// synonymKey is the termKey of a synonym, analysed as a query word is.
func synonymKey(a analysis.Analyzer, text string) string {
	return termKey(a.Analyze([]byte(joinJapanese(text))))
}

// MergeSynonyms merges groups of synonyms that share a term (by its terms
// in the index: ＭＦＡ and mfa are MFA), keeping each term's first spelling,
// in the order first met; terms without any letter or digit are left out.
func MergeSynonyms(groups [][]string) [][]string {
	a := textAnalyzer()
	owner := map[string]int{} // term key → index in out
	var out [][]string
	var keys [][]string
	for _, g := range groups {
		target := -1
		for _, term := range g {
			if i, ok := owner[synonymKey(a, term)]; ok {
				target = i
				break
			}
		}
		if target < 0 {
			target = len(out)
			out = append(out, nil)
			keys = append(keys, nil)
		}
		for _, term := range g {
			k := synonymKey(a, term)
			if k == "" {
				continue
			}
			if i, ok := owner[k]; ok && i != target {
				// A term of a third group: move that group into this one.
				for j, kk := range keys[i] {
					owner[kk] = target
					out[target] = append(out[target], out[i][j])
					keys[target] = append(keys[target], kk)
				}
				out[i], keys[i] = nil, nil
			}
			if _, ok := owner[k]; !ok {
				owner[k] = target
				out[target] = append(out[target], term)
				keys[target] = append(keys[target], k)
			}
		}
	}
	return slices.DeleteFunc(out, func(g []string) bool { return len(g) < 2 })
}

// Build writes the index of the site into dir, which must not exist yet,
// with bleve's offline builder. It works from the parsed pages and never
// parses Markdown again.
func Build(s *site.Site, dir string) error {
	return BuildDocuments(Documents(s), NewMeta(s), dir, 0)
}

// shardDocs is about how many documents a shard holds. A site with more
// is split into shards of documents dealt round-robin in book order, built
// side by side and searched side by side, one core each. A shard's
// answers do not depend on the others: scores use the statistics of the
// whole index, so a site gives the same hits however it is split.
const shardDocs = 16384

// maxShards bounds the shards of a very large site.
const maxShards = 16

// shardCount is the number of shards for n documents.
func shardCount(n int) int {
	return min(max(1, (n+shardDocs-1)/shardDocs), maxShards)
}

// shardDir is the folder of shard k inside the index folder.
func shardDir(dir string, k int) string {
	return filepath.Join(dir, fmt.Sprintf("shard-%02d", k))
}

// BuildDocuments writes an index of docs into dir, building its shards on
// up to workers cores at once (all of them when workers < 1).
func BuildDocuments(docs []Document, meta Meta, dir string, workers int) (err error) {
	return buildShards(docs, meta, dir, shardCount(len(docs)), workers)
}

// buildShards writes docs into n shards, building up to workers at once.
func buildShards(docs []Document, meta Meta, dir string, n, workers int) (err error) {
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	// The builder writes segments into a scratch folder and renames the
	// result into place, so the scratch folder must be on the same disk.
	scratch, err := os.MkdirTemp(dir, ".build-")
	if err != nil {
		return err
	}
	defer func() {
		if rerr := os.RemoveAll(scratch); err == nil {
			err = rerr
		}
	}()
	err = parallel.DoOn(workers, n, func(k int) error {
		return buildShard(docs, k, n, shardDir(dir, k), filepath.Join(scratch, strconv.Itoa(k)))
	})
	if err != nil {
		return err
	}
	meta.Shards = n
	data, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, metaFile), data, 0o644); err != nil {
		return err
	}
	if err := writeVocabulary(docs, dir); err != nil {
		return err
	}
	return shareable(dir)
}

// buildShard indexes every n-th document, from the k-th on, into dir.
// A full disk is reported as such, with the folder: bleve's builder
// words it in many ways, or panics on it.
func buildShard(docs []Document, k, n int, dir, scratch string) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("search index: the index builder failed on %s: %v", dir, v)
		}
		if err != nil && diskFull(filepath.Dir(dir), err) {
			err = fmt.Errorf("search index: %w", &fs.PathError{Op: "write", Path: dir, Err: syscall.ENOSPC})
		}
	}()
	if err := os.Mkdir(scratch, 0o755); err != nil {
		return err
	}
	b, err := bleve.NewBuilder(dir, newMapping(), map[string]any{
		"buildPathPrefix": scratch,
		// Small batches keep memory flat and were fastest on a 1,000-page
		// corpus, merged all in one pass at the end.
		"batchSize": 500,
		"mergeMax":  1 << 30,
	})
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	// A document's ID is its position in the book, which orders hits of
	// equal score; the builder numbers the documents of a batch in no fixed
	// order. (As a field, a value unique to each document cost a tenth of
	// the index build.)
	for i := k; i < len(docs); i += n {
		if err := b.Index(strconv.Itoa(i), docs[i].record()); err != nil {
			abandon(b)
			return fmt.Errorf("search index: %s: %w", docs[i].URL, err)
		}
	}
	if err := b.Close(); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return nil
}

// shareable opens up the owner-only modes bleve gives its files, so the
// output can be copied to and served by another user like the rest of it.
func shareable(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := fs.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		return os.Chmod(p, mode)
	})
}

// diskFull reports whether err came from a full disk: it says so, or the
// file system holding dir has no room left.
func diskFull(dir string, err error) bool {
	if errors.Is(err, syscall.ENOSPC) || strings.Contains(err.Error(), syscall.ENOSPC.Error()) {
		return true
	}
	free, ok := freeSpace(dir)
	return ok && free < 64<<10
}

// abandon closes a builder that failed, only to release its files: bleve's
// Close panics on a builder whose first batch could not be written.
func abandon(b bleve.Builder) {
	defer func() { _ = recover() }()
	_ = b.Close()
}
