package site

import "testing"

func TestRelURL(t *testing.T) {
	tests := []struct{ from, target, want string }{
		{"", "a/index.html", "a/index.html"},
		{"", "", "./"},
		{"a/", "", "../"},
		{"a/b/", "c/index.html", "../../c/index.html"},
	}
	for _, tt := range tests {
		if got := RelURL(tt.from, tt.target); got != tt.want {
			t.Errorf("RelURL(%q, %q) = %q, want %q", tt.from, tt.target, got, tt.want)
		}
	}
}

func TestLetterNumber(t *testing.T) {
	for n, want := range map[int]string{1: "A", 4: "D", 26: "Z", 27: "AA", 28: "AB"} {
		if got := letterNumber(n); got != want {
			t.Errorf("letterNumber(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestOutputDirAndTitles(t *testing.T) {
	for in, want := range map[string]string{"_index.md": "", "a/_index.md": "a/", "a/b.md": "a/b/", "x.md": "x/"} {
		if got := outputDir(in); got != want {
			t.Errorf("outputDir(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"03-backup-plan.md": "backup plan", "07-procedures/_index.md": "procedures"} {
		if got := titleFromName(in); got != want {
			t.Errorf("titleFromName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRelPath(t *testing.T) {
	tests := []struct{ dir, target, want string }{
		{".", "a/b.md", "a/b.md"},
		{"guides", "guides/admin.md", "admin.md"},
		{"guides", "07/x.md", "../07/x.md"},
		{"a/b", "a/c.md", "../c.md"},
	}
	for _, tt := range tests {
		if got := relPath(tt.dir, tt.target); got != tt.want {
			t.Errorf("relPath(%q, %q) = %q, want %q", tt.dir, tt.target, got, tt.want)
		}
	}
}

func TestIsExternal(t *testing.T) {
	for dest, want := range map[string]bool{
		"https://www.ipa.go.jp/": true, "mailto:a@example.jp": true, "//cdn.example.jp/x": true,
		"../07/x.md#a:b": false, "x.md": false, "#id": false, "a/b:c.md": false, "tel:0120": true,
	} {
		if got := isExternal(dest); got != want {
			t.Errorf("isExternal(%q) = %v, want %v", dest, got, want)
		}
	}
}
