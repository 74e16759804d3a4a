package site

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "abc…"},
		{"情報セキュリティ", 2, "情報…"},
		{"ab cd", 3, "ab…"},
		{"😀😀😀😀", 2, "😀😀…"},
	} {
		if got := Clip(tc.in, tc.n); got != tc.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
	long := strings.Repeat("あ", 1<<20)
	if got := Clip(long, SummaryLength); !utf8.ValidString(got) || utf8.RuneCountInString(got) != SummaryLength+1 {
		t.Errorf("a long text clipped to %d characters", utf8.RuneCountInString(got))
	}
}
