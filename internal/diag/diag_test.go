package diag

import "testing"

func TestPosition(t *testing.T) {
	src := []byte("一行目\n二行目のリンク[x](y)\n")
	tests := []struct{ offset, line, col int }{
		{0, 1, 1},
		{len("一行目\n"), 2, 1},
		{len("一行目\n二行目のリンク"), 2, 8},
	}
	for _, tt := range tests {
		if l, c := Position(src, tt.offset); l != tt.line || c != tt.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tt.offset, l, c, tt.line, tt.col)
		}
	}
}

func TestSuggest(t *testing.T) {
	candidates := []string{"backup", "restore-test", "多要素認証-mfa"}
	tests := []struct{ want, got string }{
		{"bakup", "backup"},
		{"restore", "restore-test"},
		{"多要素認証", "多要素認証-mfa"},
		{"completely-unrelated-anchor", ""},
	}
	for _, tt := range tests {
		if s := Suggest(tt.want, candidates); s != tt.got {
			t.Errorf("Suggest(%q) = %q, want %q", tt.want, s, tt.got)
		}
	}
}

func TestSortedAndString(t *testing.T) {
	var l List
	l.Addf("b.md", 2, 1, "", "second")
	l.Addf("a.md", 9, 3, "fix it", "first")
	l.Addf("b.md", 1, 5, "", "between")
	l.Addf("b.md", 1, 5, "", "between")
	got := l.Sorted()
	if len(got) != 3 {
		t.Fatalf("duplicates not removed: %v", got)
	}
	want := []string{"a.md:9:3: first (fix it)", "b.md:1:5: between", "b.md:2:1: second"}
	for i, d := range got {
		if d.String() != want[i] {
			t.Errorf("%d: %s, want %s", i, d.String(), want[i])
		}
	}
	if (Diagnostic{File: "kb.yaml", Msg: "m"}).String() != "kb.yaml: m" {
		t.Error("position-less diagnostic not formatted as file: message")
	}
}

func TestUnifyLineEnds(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"a\nb", "a\nb"},
		{"a\r\nb\r\n", "a\r\nb\r\n"},
		{"a\rb\r", "a\nb\n"},
		{"a\r\r\nb", "a\n\r\nb"},
		{"\r", "\n"},
	}
	for _, tt := range tests {
		in := []byte(tt.in)
		if got := string(UnifyLineEnds(in)); got != tt.want {
			t.Errorf("UnifyLineEnds(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if string(in) != tt.in {
			t.Errorf("UnifyLineEnds(%q) changed its argument to %q", tt.in, in)
		}
	}
}

func TestSeverity(t *testing.T) {
	var l List
	l.Warnf("a.md", 2, 1, "did you mean \"title\"?", "unknown front-matter key %q", "tilte")
	warnings := l.Sorted()
	if got := warnings[0].String(); got != `a.md:2:1: warning: unknown front-matter key "tilte" (did you mean "title"?)` {
		t.Errorf("warning formatted as %s", got)
	}
	if Fatal(warnings, false) || !Fatal(warnings, true) {
		t.Error("a warning alone must stop only a strict build")
	}
	l.Addf("a.md", 3, 1, "", "broken")
	all := l.Sorted()
	if !Fatal(all, false) {
		t.Error("an error must stop the build")
	}
	if e, w := Count(all); e != 1 || w != 1 {
		t.Errorf("Count = %d errors, %d warnings", e, w)
	}
	if Fatal(nil, true) {
		t.Error("no diagnostics must not stop a build")
	}
}
