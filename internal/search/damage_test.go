package search_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/search"
)

// A damaged or missing part of the index is an error from Open, never a
// panic: kb host then serves the pages and answers search with 503.
func TestOpenDamagedIndex(t *testing.T) {
	s, diags := pipeline.Load("testdata/site", nil)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	good := filepath.Join(t.TempDir(), search.IndexDir)
	if err := search.Build(s, good); err != nil {
		t.Fatal(err)
	}
	for name, damage := range map[string]func(dir string) error{
		"shard removed": func(dir string) error { return os.RemoveAll(filepath.Join(dir, "shard-00")) },
		"shard emptied": func(dir string) error {
			return filepath.WalkDir(filepath.Join(dir, "shard-00"), func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					err = os.Truncate(p, 0)
				}
				return err
			})
		},
		"segments garbled": func(dir string) error {
			return filepath.WalkDir(filepath.Join(dir, "shard-00"), func(p string, d os.DirEntry, err error) error {
				if err == nil && strings.HasSuffix(p, ".zap") {
					err = os.WriteFile(p, []byte(strings.Repeat("garbage\x00", 512)), 0o644)
				}
				return err
			})
		},
		"meta garbled": func(dir string) error {
			matches, _ := filepath.Glob(filepath.Join(dir, "*.json"))
			for _, m := range matches {
				if err := os.WriteFile(m, []byte("{"), 0o644); err != nil {
					return err
				}
			}
			return nil
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), search.IndexDir)
			if err := os.CopyFS(dir, os.DirFS(good)); err != nil {
				t.Fatal(err)
			}
			if err := damage(dir); err != nil {
				t.Fatal(err)
			}
			ix, err := search.Open(dir)
			if err == nil {
				ix.Close()
				t.Fatal("a damaged index opened")
			}
			if ix != nil {
				t.Errorf("Open returned an index with the error %v", err)
			}
		})
	}
}
