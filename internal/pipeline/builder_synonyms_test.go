package pipeline

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/kb-handbook/kb/internal/testsite"
)

// TestBuilderRereadsSynonyms: kb serve watches the synonyms file kb.yaml
// names and reads it again when it changes, as it does kb.yaml.
func TestBuilderRereadsSynonyms(t *testing.T) {
	src := testsite.Write(t, map[string]string{
		"kb.yaml":             "title: t\nsearch:\n  synonyms: search/synonyms.txt\n",
		"search/synonyms.txt": "MFA、多要素認証\n",
		"content/_index.md":   "# t\n\n本文\n",
	})
	if names := SourceNames(src); !slices.Contains(names, "search") {
		t.Errorf("the synonyms file's folder is not watched: %v", names)
	}
	r := NewBuilder(BuilderOptions{Root: src, Formats: []Format{HTML{}}, Open: Dir(filepath.Join(t.TempDir(), "out"))})
	s, _, err := r.Load(nil)
	if err != nil || !reflect.DeepEqual(s.Config.Synonyms, [][]string{{"MFA", "多要素認証"}}) {
		t.Fatalf("synonyms %v, %v", s.Config.Synonyms, err)
	}
	if err := os.WriteFile(filepath.Join(src, "search", "synonyms.txt"), []byte("VPN、仮想専用線\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, _, err = r.Load([]string{"search/synonyms.txt"})
	if err != nil || !reflect.DeepEqual(s.Config.Synonyms, [][]string{{"VPN", "仮想専用線"}}) {
		t.Errorf("after the edit, synonyms %v, %v", s.Config.Synonyms, err)
	}
}
