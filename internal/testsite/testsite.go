// Package testsite writes throwaway sites for tests: a map of
// slash-separated path → contents becomes files in a folder.
package testsite

import (
	"os"
	"path/filepath"
	"testing"
)

// Write writes files into a new temporary folder and returns it.
func Write(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	WriteIn(t, root, files)
	return root
}

// WriteIn writes files into root, creating folders as needed.
func WriteIn(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
