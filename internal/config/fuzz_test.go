package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/diag"
)

// FuzzParse feeds arbitrary text to Parse as kb.yaml. It must not panic,
// every problem must point inside the text, and whatever comes back must
// hold what the rest of kb relies on. Seeds live in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add("title: 手引き\nroles:\n  employee: 一般従業員\n  admin: 管理者\nlevels:\n  1: 入門\neditions:\n  - id: admin\n    roles: [admin]\n")
	f.Add("base_url: /kb\nmodified: 2026-04-01T00:00:00Z\nunsafe_html: true\nepub_file: book.epub\n")
	f.Add("titel: typo\n")
	f.Add("roles: [a, b]\n")
	f.Fuzz(func(t *testing.T, src string) {
		var diags diag.List
		cfg := Parse([]byte(src), &diags)
		// Lines as editors count them: LF, CR LF and a lone CR end one.
		unified := strings.ReplaceAll(src, "\r\n", "\n")
		lines := strings.Count(unified, "\n") + strings.Count(unified, "\r") + 1
		for _, d := range diags.Sorted() {
			if d.File != FileName || d.Msg == "" || d.Line < 0 || d.Line > lines || d.Col < 0 {
				t.Errorf("diagnostic out of place: %+v", d)
			}
		}
		if !strings.HasSuffix(cfg.BaseURL, "/") {
			t.Errorf("base URL %q does not end in /", cfg.BaseURL)
		}
		ids := slices.Clone(cfg.RoleIDs())
		slices.Sort(ids)
		if len(ids) != len(cfg.Roles) || slices.ContainsFunc(ids, func(id string) bool { _, ok := cfg.Roles[id]; return !ok }) {
			t.Errorf("RoleIDs %q are not the roles %v", cfg.RoleIDs(), cfg.Roles)
		}
	})
}
