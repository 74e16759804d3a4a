package content

import (
	"reflect"
	"testing"

	"github.com/kb-handbook/kb/internal/diag"
)

func TestFrontMatterAliasesAndParams(t *testing.T) {
	src := "---\ntitle: T\ndescription: 概要です\nsidebar: auto\ntags: [a, b]\nroles: admin\n---\n# 本文\n"
	var diags diag.List
	p := &Page{File: "content/a.md"}
	ParseFrontMatter(p, []byte(src), &diags)
	if diags.Len() != 0 {
		t.Fatalf("diagnostics: %v", diags.Sorted())
	}
	if p.Front.Summary != "概要です" {
		t.Errorf("description not read as summary: %q", p.Front.Summary)
	}
	if !reflect.DeepEqual([]string(p.Front.Roles), []string{"admin"}) {
		t.Errorf("roles = %v", p.Front.Roles)
	}
	want := map[string]any{"sidebar": "auto", "tags": []any{"a", "b"}}
	if !reflect.DeepEqual(p.Params, want) {
		t.Errorf("params = %#v, want %#v", p.Params, want)
	}
	if got := p.FrontPos["roles"]; got != (Pos{6, 8}) {
		t.Errorf("position of roles = %v, want 6:8", got)
	}
	if p.BodyLine != 8 || string(p.Body) != "# 本文\n" {
		t.Errorf("body at line %d: %q", p.BodyLine, p.Body)
	}
}

func TestSummaryWinsOverDescription(t *testing.T) {
	var diags diag.List
	p := &Page{File: "content/a.md"}
	ParseFrontMatter(p, []byte("---\ndescription: b\nsummary: a\n---\n"), &diags)
	if p.Front.Summary != "a" || diags.Len() != 0 {
		t.Errorf("summary = %q, diagnostics %v", p.Front.Summary, diags.Sorted())
	}
}
