package search

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/kb-handbook/kb/internal/pipeline"
)

// A site gives the same answers however its index is split into shards:
// the same totals, facets, hits, snippets and scores.
func TestShardsAnswerAlike(t *testing.T) {
	s, diags := pipeline.Load("../..", nil)
	if len(diags) > 0 {
		t.Fatal(diags[0])
	}
	docs, meta := Documents(s), NewMeta(s)
	open := func(shards int) *Index {
		dir := filepath.Join(t.TempDir(), IndexDir)
		if err := buildShards(docs, meta, dir, shards, 0); err != nil {
			t.Fatal(err)
		}
		ix, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		if len(ix.shards) != shards {
			t.Fatalf("opened %d shards, want %d", len(ix.shards), shards)
		}
		return ix
	}
	one, three := open(1), open(3)
	data, err := os.ReadFile("testdata/relevance/handbook.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct{ Q string }
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	cases = append(cases, struct{ Q string }{"role:admin"}, struct{ Q string }{"鍵 -暗号化"})
	for _, c := range cases {
		req := Request{Query: c.Q, Size: MaxSize}
		a, errA := one.Search(context.Background(), req)
		b, errB := three.Search(context.Background(), req)
		if (errA == nil) != (errB == nil) {
			t.Fatalf("%q: errors differ: %v, %v", c.Q, errA, errB)
		}
		if errA != nil {
			continue
		}
		a.Took, a.TookMS, b.Took, b.TookMS = 0, 0, 0, 0
		for i := range a.Hits {
			// Sums of the same terms in another order may differ in the last bit.
			if i < len(b.Hits) && approx(a.Hits[i].Score, b.Hits[i].Score) {
				b.Hits[i].Score = a.Hits[i].Score
			}
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%q: one shard and three shards answer differently:\n%+v\n%+v", c.Q, a, b)
		}
	}
}

func approx(a, b float64) bool { return a == b || (a-b)/(a+b) < 1e-12 && (b-a)/(a+b) < 1e-12 }
