package staticsearch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/search"
)

// parse reads a file of the index back: its name and data.
func parse(t *testing.T, file []byte, into any) string {
	t.Helper()
	rest, ok := bytes.CutPrefix(file, []byte("kbSearchData("))
	if !ok || !bytes.HasSuffix(rest, []byte(");\n")) {
		t.Fatalf("not a registering script: %.80s", file)
	}
	rest = bytes.TrimSuffix(rest, []byte(");\n"))
	var name string
	dec := json.NewDecoder(bytes.NewReader(rest))
	if err := dec.Decode(&name); err != nil {
		t.Fatal(err)
	}
	body := rest[dec.InputOffset():]
	body, _ = bytes.CutPrefix(body, []byte(","))
	if err := json.Unmarshal(body, into); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestBuild(t *testing.T) {
	docs := []search.Document{
		{URL: "a/", Number: "1", Title: "鍵の管理", Body: "公開鍵と𠮷野家の鍵を管理する。", Chapter: "a", Roles: []string{"admin"}, Level: 2},
		{URL: "a/#x", Title: "EDR", Body: "EDR で鍵を守る", Chapter: "a"},
	}
	meta := search.Meta{Chapters: []search.Facet{{ID: "a", Number: "1", Label: "1 A"}},
		Roles: []search.Facet{{ID: "admin", Label: "管理者"}}, Levels: []search.Facet{{ID: "2", Label: "中級"}}}
	files, err := Build(docs, meta)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Docs       int                `json:"docs"`
		TermChunks int                `json:"termChunks"`
		Lengths    [][]int            `json:"lengths"`
		Values     map[string][][]int `json:"values"`
	}
	if name := parse(t, files["meta.js"], &m); name != "meta" {
		t.Errorf("meta.js registers as %q", name)
	}
	if want := map[string][][]int{"chapter": {{0}, {0}}, "role": {{0}, {}}, "level": {{0}, {}}}; m.Docs != 2 || !reflect.DeepEqual(m.Values, want) {
		t.Errorf("meta = %+v", m)
	}
	if len(search.Analyze(docs[0].Body)) != m.Lengths[1][0] {
		t.Errorf("body length %d, want the number of tokens %d", m.Lengths[1][0], len(search.Analyze(docs[0].Body)))
	}

	// Every term is in the chunk its hash names, with its positions.
	terms := map[string][]json.RawMessage{}
	for i := range m.TermChunks {
		var chunk map[string][]json.RawMessage
		parse(t, files[fmt.Sprintf("t-%03d.js", i)], &chunk)
		for term, e := range chunk {
			if Hash(term)%uint32(m.TermChunks) != uint32(i) {
				t.Errorf("%q is in chunk %d, its hash names %d", term, i, Hash(term)%uint32(m.TermChunks))
			}
			terms[term] = e
		}
	}
	if got := string(terms["鍵を"][1]); got != "[0,1,9,1,1,3]" { // section 0 at position 9; section 1 at 3
		t.Errorf("鍵を in bodies: %s", got)
	}
	if got := string(terms["edr"][0]); got != "[1,1,1]" {
		t.Errorf("edr in titles: %s", got)
	}
	// A Japanese character lists the bigrams around it, most frequent first.
	if e := terms["鍵"]; len(e) != 4 || string(e[2]) != `["鍵を","鍵と","鍵の"]` || string(e[3]) != `["で鍵","の鍵","開鍵"]` {
		t.Errorf("鍵: %s", e)
	}

	// Offsets count UTF-16 code units: 𠮷 takes two.
	var chunk [][]json.RawMessage
	parse(t, files["d-000.js"], &chunk)
	var offsets []int
	if err := json.Unmarshal(chunk[0][9], &offsets); err != nil {
		t.Fatal(err)
	}
	body := docs[0].Body
	tokens := search.Analyze(body)
	start := 0
	utf16 := func(byteOffset int) int {
		n := 0
		for _, r := range body[:byteOffset] {
			n++
			if r > 0xFFFF {
				n++
			}
		}
		return n
	}
	for i, tok := range tokens {
		start += offsets[2*i]
		if start != utf16(tok.Start) || start+offsets[2*i+1] != utf16(tok.End) {
			t.Errorf("token %q at %d+%d, want %d–%d", tok.Term, start, offsets[2*i+1], utf16(tok.Start), utf16(tok.End))
		}
	}
	if !strings.Contains(string(files["d-000.js"]), "𠮷野家") {
		t.Error("the stored body lost its text")
	}
}

func TestHash(t *testing.T) {
	// Values from the script's hash (search-engine.js) in Node.
	for term, want := range map[string]uint32{"": 0x811c9dc5, "a": 0xe40c292c, "鍵": 0xef2b1f10, "𠮷野": 0xe33e2da8} {
		if got := Hash(term); got != want {
			t.Errorf("Hash(%q) = %#x, want %#x", term, got, want)
		}
	}
}
