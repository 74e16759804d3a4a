package server

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/staticsearch"
)

// fixtureSite is the search package's test knowledge base.
const fixtureSite = "../search/testdata/site"

// buildSite builds the site at src, with its search index, into a new
// folder under the test's temporary folder and returns that folder.
func buildSite(t testing.TB, src string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	if _, err := pipeline.Run(pipeline.Options{Source: src, Out: out, Outputs: withIndex}); err != nil {
		t.Fatal(err)
	}
	return out
}

// withIndex are the outputs of a site that kb host serves with search.
var withIndex = []pipeline.Format{pipeline.HTML{}, search.Format{}, staticsearch.Format{}}

var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureErr  error
)

// fixture returns the built fixture site, built once per test binary into a
// folder that outlives single tests; the handler tests only read it.
func fixture(t testing.TB) string {
	t.Helper()
	fixtureOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kb-server-fixture-")
		if err != nil {
			fixtureErr = err
			return
		}
		fixtureDir = filepath.Join(dir, "public")
		_, fixtureErr = pipeline.Run(pipeline.Options{Source: fixtureSite, Out: fixtureDir, Outputs: withIndex})
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureDir
}

// newHandler serves the built site in dir with its index.
func newHandler(t testing.TB, dir string) *Handler {
	t.Helper()
	idx, err := search.Open(filepath.Join(dir, search.IndexDir))
	if err != nil {
		t.Fatal(err)
	}
	h := New(dir, idx, Options{})
	t.Cleanup(func() { h.Close() })
	return h
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(filepath.Dir(fixtureDir))
	}
	os.Exit(code)
}
