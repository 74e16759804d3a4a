package search

import (
	"strings"
	"testing"
)

func TestSnippetMergesOverlappingMarks(t *testing.T) {
	text := "表計算ソフトで情報資産台帳を作ります。"
	start := strings.Index(text, "情報")
	// The bigrams of 情報資産台帳, as the index reports them.
	var spans []span
	for i := 0; i < 5; i++ {
		spans = append(spans, span{start + 3*i, start + 3*i + 6})
	}
	got := snippet(text, spans)
	want := "表計算ソフトで<mark>情報資産台帳</mark>を作ります。"
	if got != want {
		t.Errorf("snippet = %q, want %q", got, want)
	}
}

func TestSnippetMergesAcrossSpacesOnly(t *testing.T) {
	text := "EDR 導入、EDR と導入"
	spans := []span{{0, 3}, {4, 10}, {13, 16}, {20, 26}}
	got := snippet(text, spans)
	want := "<mark>EDR 導入</mark>、<mark>EDR</mark> と<mark>導入</mark>"
	if got != want {
		t.Errorf("snippet = %q, want %q", got, want)
	}
}

func TestSnippetEscapes(t *testing.T) {
	text := `<i>"x"</i> & 鍵 'q'`
	i := strings.Index(text, "鍵")
	got := snippet(text, []span{{i, i + 3}})
	want := `&lt;i&gt;&#34;x&#34;&lt;/i&gt; &amp; <mark>鍵</mark> &#39;q&#39;`
	if got != want {
		t.Errorf("snippet = %q, want %q", got, want)
	}
	if got := markAll("<b>", []span{{0, 3}}); got != "<mark>&lt;b&gt;</mark>" {
		t.Errorf("markAll = %q", got)
	}
}

func TestSnippetCutsAroundTheMatches(t *testing.T) {
	text := strings.Repeat("前置きの文です。", 30) + "ここに鍵があります。" + strings.Repeat("後書きの文です。", 30)
	i := strings.Index(text, "鍵")
	got := snippet(text, []span{{i, i + 3}})
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("a cut snippet should show where it was cut: %q", got)
	}
	if !strings.Contains(got, "ここに<mark>鍵</mark>があります") {
		t.Errorf("snippet lost the match: %q", got)
	}
	if n := len([]rune(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got))); n > snippetRunes+2 {
		t.Errorf("snippet has %d characters", n)
	}
	// Without a match the snippet is the start of the text.
	if got := snippet(text, nil); !strings.HasPrefix(got, "前置き") || !strings.HasSuffix(got, "…") {
		t.Errorf("snippet without matches = %q", got)
	}
}

func TestSnippetClampsBadSpans(t *testing.T) {
	text := "鍵の管理"
	// Offsets past the end and inside a character must not panic or split it.
	got := snippet(text, []span{{1, 2}, {12, 20}, {-5, 0}})
	if got != "<mark>鍵</mark>の管理" {
		t.Errorf("snippet = %q", got)
	}
}
