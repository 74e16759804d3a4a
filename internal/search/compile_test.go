package search

import "testing"

func TestJoinJapanese(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ログ の 監視", "ログの監視"},
		{"バックアップ　を", "バックアップを"},
		{"Windows Server", "Windows Server"},
		{"USB メモリ", "USB メモリ"},
		{"UTM を使う", "UTM を使う"},
		{"情報資産  台帳 ", "情報資産台帳 "},
		{"鍵", "鍵"},
	} {
		if got := joinJapanese(c.in); got != c.want {
			t.Errorf("joinJapanese(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
