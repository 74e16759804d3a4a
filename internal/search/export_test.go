package search

import (
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// Export gives every term of the text fields with the documents and
// positions that Analyze gives for the same text, and each field's number
// of tokens, the same however the index is split into shards.
func TestExport(t *testing.T) {
	docs := []Document{
		{URL: "a/", Title: "鍵の管理", Body: "公開鍵と𠮷野家の鍵を管理する。EDR と edr。"},
		{URL: "b/", Title: "EDR", Body: "ＥＤＲ で鍵を守る。ウィルス対策"},
		{URL: "c/", Title: "", Body: "バックアップ"},
		{URL: "d/", Title: "問合せ", Body: "鍵 鍵 鍵 EDR で鍵を"},
	}
	// What Analyze gives: term → field → document → positions.
	want := map[string][TextFields]map[int][]int{}
	var lengths [TextFields][]int
	for d, doc := range docs {
		for f, text := range []string{doc.Title, doc.Body} {
			tokens := Analyze(text)
			lengths[f] = append(lengths[f], len(tokens))
			for _, tok := range tokens {
				w := want[tok.Term]
				if w[f] == nil {
					w[f] = map[int][]int{}
				}
				w[f][d] = append(w[f][d], tok.Position)
				want[tok.Term] = w
			}
		}
	}
	for _, shards := range []int{1, 3} {
		dir := filepath.Join(t.TempDir(), IndexDir)
		if err := buildShards(docs, Meta{}, dir, shards, 0); err != nil {
			t.Fatal(err)
		}
		ix, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := ix.Export()
		if err != nil {
			t.Fatal(err)
		}
		if terms := slices.Sorted(maps.Keys(want)); !slices.Equal(ex.Terms(), terms) {
			t.Errorf("%d shards: terms %q, want %q", shards, ex.Terms(), terms)
		}
		for _, term := range ex.Terms() {
			postings, err := ex.Term(term)
			if err != nil {
				t.Fatal(err)
			}
			for f, p := range postings {
				got := map[int][]int{}
				for i, d := range p.Docs {
					if i > 0 && d <= p.Docs[i-1] {
						t.Errorf("%d shards: %q: documents out of order: %v", shards, term, p.Docs)
					}
					for _, pos := range p.Positions(i) {
						got[int(d)] = append(got[int(d)], int(pos))
					}
					if int(p.Lengths[i]) != lengths[f][d] {
						t.Errorf("%d shards: %q: field %d of document %d has %d tokens, want %d", shards, term, f, d, p.Lengths[i], lengths[f][d])
					}
				}
				if w := want[term][f]; len(got)+len(w) > 0 && !reflect.DeepEqual(got, w) {
					t.Errorf("%d shards: %q in field %d: %v, want %v", shards, term, f, got, w)
				}
			}
		}
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
