package search

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kb-handbook/kb/internal/pipeline"
)

func TestParseQuery(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Query
	}{
		{"", Query{}},
		{"  　 ", Query{}},
		{"EDR", Query{Terms: []Term{{Text: "EDR"}}}},
		{"バックアップ　手順", Query{Terms: []Term{{Text: "バックアップ"}, {Text: "手順"}}}},
		{`"Windows Server" 復元`, Query{Terms: []Term{{Text: "Windows Server", Quoted: true}, {Text: "復元"}}}},
		{`＂多要素 認証＂`, Query{Terms: []Term{{Text: "多要素 認証", Quoted: true}}}},
		{`“多要素 認証”`, Query{Terms: []Term{{Text: "多要素 認証", Quoted: true}}}},
		{`"unclosed phrase`, Query{Terms: []Term{{Text: "unclosed phrase", Quoted: true}}}},
		{`"" "  "`, Query{}},
		{"バックアップ -ランサムウェア", Query{Terms: []Term{{Text: "バックアップ"}, {Text: "ランサムウェア", Exclude: true}}}},
		{`-"紙に 書く"`, Query{Terms: []Term{{Text: "紙に 書く", Quoted: true, Exclude: true}}}},
		{"- x", Query{Terms: []Term{{Text: "-"}, {Text: "x"}}}},
		{"--x", Query{Terms: []Term{{Text: "-x", Exclude: true}}}},
		{"SD-WAN", Query{Terms: []Term{{Text: "SD-WAN"}}}},
		{"role:admin chapter:7 level:2 鍵", Query{Terms: []Term{{Text: "鍵"}}, Roles: []string{"admin"}, Chapters: []string{"7"}, Levels: []string{"2"}}},
		{"ROLE：ａｄｍｉｎ", Query{Roles: []string{"admin"}}},
		{"http://example.com", Query{Terms: []Term{{Text: "http://example.com"}}}},
		{`ab"cd ef"`, Query{Terms: []Term{{Text: `ab"cd`}, {Text: `ef"`}}}},
		{`"a"b`, Query{Terms: []Term{{Text: "a", Quoted: true}, {Text: "b"}}}},
	} {
		got, err := ParseQuery(c.in)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseQuery(%q) = %#v, want %#v", c.in, got, c.want)
		}
	}
}

func TestParseQueryErrors(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{strings.Repeat("鍵", MaxQueryLength+1), "query.too_long max 200"},
		{strings.Repeat("a ", MaxItems+1), "query.too_many max 10"},
		{"role:", "query.empty_filter key role example admin"},
		{"level：", "query.empty_filter key level example 2"},
		{"-role:admin", "query.excluded_filter key role"},
		{"鍵 \xff", "query.invalid_text"},
	} {
		_, err := ParseQuery(c.in)
		var qerr *QueryError
		if !errors.As(err, &qerr) || qerr.Error() != c.want {
			t.Errorf("ParseQuery(%.40q) = %v, want a QueryError %q", c.in, err, c.want)
		}
	}
	if _, err := ParseQuery(strings.Repeat("鍵", MaxQueryLength)); err != nil {
		t.Errorf("a query of exactly %d characters: %v", MaxQueryLength, err)
	}
}

// FuzzParseQuery checks that no input crashes the parser, that accepted
// queries stay within the limits, and that the canonical form parses back
// to the same query. Its seed corpus is in testdata/fuzz/FuzzParseQuery.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"EDR", `"a b" -c role:x`, "ｒｏｌｅ：ｘ　鍵"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuery(s)
		if err != nil {
			var qerr *QueryError
			if !errors.As(err, &qerr) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		items := len(q.Terms) + len(q.Roles) + len(q.Chapters) + len(q.Levels)
		if items > MaxItems {
			t.Fatalf("%d items accepted", items)
		}
		for _, term := range q.Terms {
			if term.Text == "" || !utf8.ValidString(term.Text) {
				t.Fatalf("bad term %q", term.Text)
			}
		}
		for _, list := range [][]string{q.Roles, q.Chapters, q.Levels} {
			for _, v := range list {
				if v == "" {
					t.Fatal("empty filter value")
				}
			}
		}
		canon := q.String()
		if utf8.RuneCountInString(canon) > MaxQueryLength {
			return // quotes added to an unclosed phrase can push it over
		}
		again, err := ParseQuery(canon)
		if err != nil {
			t.Fatalf("canonical form %q: %v", canon, err)
		}
		if !reflect.DeepEqual(q, again) {
			t.Fatalf("%q → %q → %#v, want %#v", s, canon, again, q)
		}
	})
}

// FuzzSearch runs any query against the fixture's index: the executor must
// answer or refuse with a QueryError, never panic, and its hits must agree
// with its counts.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"EDR", `"情報資産 台帳"`, "鍵 -暗号化", "role:admin", "バックアップ 手順", "ー", `"a`} {
		f.Add(s)
	}
	ix := fuzzIndex(f)
	f.Fuzz(func(t *testing.T, s string) {
		res, err := ix.Search(context.Background(), Request{Query: s, Size: MaxSize})
		if err != nil {
			var qerr *QueryError
			if !errors.As(err, &qerr) {
				t.Fatalf("%q: error of type %T: %v", s, err, err)
			}
			return
		}
		if uint64(len(res.Hits)) > res.Total {
			t.Fatalf("%q: %d hits of %d", s, len(res.Hits), res.Total)
		}
		seen := map[string]bool{}
		for _, h := range res.Hits {
			if seen[h.URL] || h.URL == "" {
				t.Fatalf("%q: hit %q twice or empty", s, h.URL)
			}
			seen[h.URL] = true
		}
	})
}

// fuzzIndex builds the fixture's index.
func fuzzIndex(f *testing.F) *Index {
	s, diags := pipeline.Load("testdata/site", nil)
	if s == nil || len(diags) > 0 {
		f.Fatalf("fixture: %v", diags)
	}
	dir := filepath.Join(f.TempDir(), IndexDir)
	if err := Build(s, dir); err != nil {
		f.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ix.Close() })
	return ix
}
