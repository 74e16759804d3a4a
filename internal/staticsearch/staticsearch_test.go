package staticsearch

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/search"
	"github.com/kb-handbook/kb/internal/testsite"
)

// parse reads a file of the index back: its name and data.
func parse(t *testing.T, file []byte, into any) string {
	t.Helper()
	inner, ok := bytes.CutPrefix(file, []byte(`kbSearchData("`))
	if !ok || !bytes.HasSuffix(inner, []byte("\");\n")) {
		t.Fatalf("not a registering script: %.80s", file)
	}
	name, text, ok := strings.Cut(strings.TrimSuffix(string(inner), "\");\n"), `","`)
	if !ok || strings.ContainsAny(text, "\"\\\n\r\x00") || !utf8.ValidString(text) {
		t.Fatalf("not a name and a string: %.80s", file)
	}
	packed, err := unpack(text)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(flate.NewReader(bytes.NewReader(packed)))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(body, into); err != nil {
		t.Fatal(err)
	}
	return name
}

// buildDocs builds the bleve index of docs and the static index from it.
func buildDocs(t *testing.T, docs []search.Document, meta search.Meta) map[string][]byte {
	t.Helper()
	dir := filepath.Join(t.TempDir(), search.IndexDir)
	if err := search.BuildDocuments(docs, meta, dir, 0); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	files, err := Build(ix, docs, meta)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestBuild(t *testing.T) {
	docs := []search.Document{
		{URL: "a/", Number: "1", Title: "鍵の管理", Body: "公開鍵と𠮷野家の鍵を管理する。", Chapter: "a", Roles: []string{"admin"}, Level: 2},
		{URL: "a/#x", Title: "EDR", Body: "EDR で鍵を守る", Chapter: "a"},
	}
	meta := search.Meta{Chapters: []search.Facet{{ID: "a", Number: "1", Label: "1 A"}},
		Roles: []search.Facet{{ID: "admin", Label: "管理者"}}, Levels: []search.Facet{{ID: "2", Label: "中級"}}}
	files := buildDocs(t, docs, meta)
	// Files are written on all cores; a second build writes the same bytes.
	again := buildDocs(t, docs, meta)
	if !reflect.DeepEqual(files, again) {
		t.Error("two builds of the same sections differ")
	}
	var m struct {
		Docs       int               `json:"docs"`
		TermChunks int               `json:"termChunks"`
		OwnFiles   []string          `json:"ownFiles"`
		Lengths    []string          `json:"lengths"`
		Values     map[string]string `json:"values"`
	}
	if name := parse(t, files["meta.js"], &m); name != "meta" {
		t.Errorf("meta.js registers as %q", name)
	}
	values := map[string][]int{}
	for k, v := range m.Values {
		values[k] = decodeNumbers(v)
	}
	// Runs of sections with the same values: sections, a count, the
	// positions of the values.
	if want := map[string][]int{"chapter": {2, 1, 0}, "role": {1, 1, 0, 1, 0}, "level": {1, 1, 0, 1, 0}}; m.Docs != 2 || !reflect.DeepEqual(values, want) {
		t.Errorf("meta = %+v, values %v", m, values)
	}
	if n := decodeNumbers(m.Lengths[1])[0]; n != len(search.Analyze(docs[0].Body)) {
		t.Errorf("body length %d, want the number of tokens %d", n, len(search.Analyze(docs[0].Body)))
	}

	// Every term is in the chunk its hash names, and so are its positions.
	terms := termsOf(t, files, m.TermChunks, m.OwnFiles)
	// Per section: twice the distance from the last; positions apart.
	if got := numbersOf(t, terms["鍵を"][1]); !slices.Equal(got, []int{0, 2}) {
		t.Errorf("鍵を in bodies: %v", got)
	}
	if got := numbersOf(t, terms[PositionsKey("鍵を")][1]); !slices.Equal(got, []int{9, 3}) { // section 0 at position 9; section 1 at 3
		t.Errorf("鍵を's positions in bodies: %v", got)
	}
	if got := numbersOf(t, terms["edr"][0]); !slices.Equal(got, []int{2}) {
		t.Errorf("edr in titles: %v", got)
	}
	// A Japanese character lists the bigrams around it, most frequent first.
	if e := terms["鍵"]; len(e) != 4 || string(e[2]) != `["鍵を","鍵と","鍵の"]` || string(e[3]) != `["で鍵","の鍵","開鍵"]` {
		t.Errorf("鍵: %s", e)
	}

	var chunk [][]json.RawMessage
	parse(t, files["d-000.js"], &chunk)
	if len(chunk) != 2 || len(chunk[0]) != 8 {
		t.Errorf("d-000.js holds %d records of %d fields, want 2 of 8", len(chunk), len(chunk[0]))
	}
	if !strings.Contains(string(chunk[0][4]), "𠮷野家") {
		t.Error("the stored body lost its text")
	}
}

// termsOf reads every term's entry from the term chunks, and requires each
// to be where the script looks for it: in its own file when ownFiles lists
// it, else in the chunk its hash names.
func termsOf(t *testing.T, files map[string][]byte, chunks int, ownFiles []string) map[string][]json.RawMessage {
	t.Helper()
	terms := map[string][]json.RawMessage{}
	for i := range chunks + len(ownFiles) {
		var chunk map[string][]json.RawMessage
		parse(t, files[fmt.Sprintf("t-%03d.js", i)], &chunk)
		for term, e := range chunk {
			want := int(Hash(ChunkKey(term)) % uint32(chunks))
			if k := slices.Index(ownFiles, term); k >= 0 {
				want = chunks + k
			}
			if i != want {
				t.Errorf("%q is in chunk %d, the script looks in %d", term, i, want)
			}
			terms[term] = e
		}
	}
	if _, ok := files[fmt.Sprintf("t-%03d.js", chunks+len(ownFiles))]; ok {
		t.Errorf("a term chunk past the %d hashed and %d own files", chunks, len(ownFiles))
	}
	return terms
}

// TestOwnFiles requires a term with a large entry to get a file of its
// own, which holds that term alone.
func TestOwnFiles(t *testing.T) {
	var docs []search.Document
	for i := range 5000 {
		docs = append(docs, search.Document{URL: fmt.Sprintf("p%d/", i), Title: "EDR", Body: fmt.Sprintf("鍵 %d", i)})
	}
	files := buildDocs(t, docs, search.Meta{})
	var m struct {
		TermChunks int      `json:"termChunks"`
		OwnFiles   []string `json:"ownFiles"`
	}
	parse(t, files["meta.js"], &m)
	// edr is in every title; 鍵 in every body, and so is its entry as a
	// lone kanji (" 鍵*"); so are their positions; each number in one body.
	if !slices.Equal(m.OwnFiles, []string{" 鍵*", "!edr", "!鍵", "edr", "鍵"}) {
		t.Fatalf("own files for %q", m.OwnFiles)
	}
	terms := termsOf(t, files, m.TermChunks, m.OwnFiles)
	var own map[string]json.RawMessage
	parse(t, files[fmt.Sprintf("t-%03d.js", m.TermChunks+slices.Index(m.OwnFiles, "edr"))], &own)
	if len(own) != 1 || own["edr"] == nil {
		t.Errorf("edr's own file holds %d terms", len(own))
	}
	if got := numbersOf(t, terms["edr"][0]); len(got) != len(docs) {
		t.Errorf("edr in titles: %d numbers, want %d", len(got), len(docs))
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

// decodeNumbers reads what numbers writes, as the script does.
func decodeNumbers(s string) []int {
	var out []int
	n, shift := 0, 1
	for i := range len(s) {
		d := strings.IndexByte(digits, s[i])
		if d >= 32 {
			n += (d - 32) * shift
			shift *= 32
			continue
		}
		out = append(out, n+d*shift)
		n, shift = 0, 1
	}
	return out
}

func numbersOf(t *testing.T, raw json.RawMessage) []int {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	return decodeNumbers(s)
}

func TestPostingList(t *testing.T) {
	var p postingList
	p.add(0, []int32{4})
	p.add(3, []int32{2, 7, 9})
	p.add(40, []int32{1})
	// 0 once; 3 (+3) three times; 40 (+37) once. Positions apart: 4; 2,
	// 7, 9; 1, as distances.
	if !slices.Equal(p.counts.flat, []int32{0, 7, 1, 74}) || !slices.Equal(p.positions, []int32{4, 2, 5, 2, 1}) {
		t.Errorf("counts = %v, positions %v", p.counts.flat, p.positions)
	}
}

func TestNumbers(t *testing.T) {
	list := []int{0, 1, 31, 32, 33, 1023, 1024, 1 << 20, 123456789}
	if got := decodeNumbers(numbers(list)); !slices.Equal(got, list) {
		t.Errorf("numbers round trip: %v", got)
	}
	if got := numbers([]int{0, 31, 32}); got != "Af gB" && got != "AfgB" {
		t.Errorf("numbers(0, 31, 32) = %q", got)
	}
}

// The static index names the facets in the site's language, as kb host's
// API does.
func TestFacetNamesInSiteLanguage(t *testing.T) {
	root := testsite.Write(t, map[string]string{
		"kb.yaml":           "title: Handbook\nlanguage: en\n",
		"content/_index.md": "# Handbook\n\nBackups.\n",
	})
	out := filepath.Join(t.TempDir(), "public")
	if _, err := pipeline.Run(pipeline.Options{Source: root, Out: out, Outputs: []pipeline.Format{pipeline.HTML{}, Format{}}}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(Dir), "meta.js"))
	if err != nil {
		t.Fatal(err)
	}
	var m meta
	parse(t, data, &m)
	var names []string
	for _, k := range m.Kinds {
		names = append(names, k.Name)
	}
	if want := []string{"Chapter", "Role", "Level"}; !slices.Equal(names, want) {
		t.Errorf("facet names %v, want %v", names, want)
	}
}

// TestPack packs bytes of every kind, around every length where the last
// group of seven bits is padded or unsafe, and reads them back.
func TestPack(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var inputs [][]byte
	for n := range 40 {
		random := make([]byte, n)
		for i := range random {
			random[i] = byte(rng.Uint32())
		}
		inputs = append(inputs, random, bytes.Repeat([]byte{0}, n), bytes.Repeat([]byte{0xff}, n),
			bytes.Repeat([]byte{'"'}, n), bytes.Repeat([]byte{0x5c, 0xb9, 0x72}, n))
	}
	for _, in := range inputs {
		var b bytes.Buffer
		pack(&b, in)
		text := b.String()
		if !utf8.ValidString(text) || strings.ContainsAny(text, "\"\\\n\r\x00") {
			t.Fatalf("pack(%x) = %q: not a safe string", in, text)
		}
		out, err := unpack(text)
		if err != nil || !bytes.Equal(out, in) {
			t.Fatalf("unpack(pack(%x)) = %x, %v", in, out, err)
		}
		if max := (len(in)*8 + 6) / 7 * 2; len(text) > max {
			t.Errorf("pack(%x) takes %d bytes, more than %d", in, len(text), max)
		}
	}
	if _, err := unpack("a\u00e9"); err == nil {
		t.Error("unpack took a character that pack never writes")
	}
}

// TestWordEntries checks the entries of words against the counts the
// server's phrase matcher gives: sections where the whole phrase occurs,
// how often, and the sections of its rarest position.
func TestWordEntries(t *testing.T) {
	docs := []search.Document{
		{URL: "a/", Title: "バックアップ", Body: "バックアップとバックアップ。バック"},
		{URL: "b/", Title: "アップ", Body: "バックの話"},
		{URL: "c/", Title: "手順", Body: "バックアップ手順とバックアップ"},
		{URL: "d/", Title: "鍵", Body: "公開鍵と鍵束"},
	}
	dir := filepath.Join(t.TempDir(), search.IndexDir)
	if err := search.BuildDocuments(docs, search.Meta{}, dir, 0); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	files, err := Build(ix, docs, search.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		TermChunks int      `json:"termChunks"`
		OwnFiles   []string `json:"ownFiles"`
	}
	parse(t, files["meta.js"], &m)
	terms := termsOf(t, files, m.TermChunks, m.OwnFiles)
	for _, tc := range []struct {
		word        string
		title, body []int // numbers of countList
		df          [2]int
	}{
		// Titles: section 0 once. Bodies: 0 twice (2×0+1, 2−2), 2 twice
		// (2×2+1, 0). Rarest position: ップ (sections 0 and 2 in
		// bodies; 0 in titles, since アップ's title has no バ).
		{"バックアップ", []int{0}, []int{1, 0, 5, 0}, [2]int{1, 2}},
		// A lone kanji: 鍵 and the bigrams around it, added up; 鍵 is
		// among its own expansions, so a title of 鍵 alone counts it twice,
		// as the server's matcher does. Bodies: 開鍵, 鍵と, と鍵, 鍵束.
		{"鍵", []int{7, 0}, []int{7, 2}, [2]int{1, 1}},
	} {
		key := WordKey(ix.Phrase(tc.word))
		e, ok := terms[key]
		if !ok || len(e) != 4 {
			t.Errorf("%s: entry %q is %s", tc.word, key, e)
			continue
		}
		var df [2]int
		json.Unmarshal(e[2], &df[0])
		json.Unmarshal(e[3], &df[1])
		if got := numbersOf(t, e[0]); !slices.Equal(got, tc.title) {
			t.Errorf("%s in titles: %v, want %v", tc.word, got, tc.title)
		}
		if got := numbersOf(t, e[1]); !slices.Equal(got, tc.body) {
			t.Errorf("%s in bodies: %v, want %v", tc.word, got, tc.body)
		}
		if df != tc.df {
			t.Errorf("%s: sections of the rarest position %v, want %v", tc.word, df, tc.df)
		}
	}
}
