package formats

import (
	"slices"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/web"
)

func names(t *testing.T, list string) string {
	t.Helper()
	chosen, err := Select(list)
	if err != nil {
		t.Fatalf("Select(%q): %v", list, err)
	}
	var n []string
	for _, f := range chosen {
		n = append(n, f.Name())
	}
	return strings.Join(n, ",")
}

func TestSelect(t *testing.T) {
	for _, tc := range []struct{ list, want string }{
		{"html,search,epub", "html,search,epub"},
		{"html, epub", "html,epub"},
		{" epub ,search", "html,search,epub"}, // registry order, html always
		{"", "html"},
		{"search,,", "html,search"},
	} {
		if got := names(t, tc.list); got != tc.want {
			t.Errorf("Select(%q) = %s, want %s", tc.list, got, tc.want)
		}
	}
}

func TestSelectUnknown(t *testing.T) {
	_, err := Select("html,pdf")
	if err == nil || !strings.Contains(err.Error(), `"pdf"`) || !strings.Contains(err.Error(), Names()) {
		t.Fatalf("Select(html,pdf) = %v, want an error naming pdf and the choices", err)
	}
}

func TestNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range All() {
		if seen[f.Name()] || f.Name() == "" || strings.ContainsAny(f.Name(), ", ") {
			t.Errorf("format name %q is empty, repeated or holds a separator", f.Name())
		}
		seen[f.Name()] = true
	}
}

// TestThemeKnowsRegisteredNames keeps the format names that the HTML theme
// and its links ask for in step with the registry.
func TestThemeKnowsRegisteredNames(t *testing.T) {
	for _, name := range []string{web.EPUBOutput, web.PrintOutput} {
		if len(Named(name)) != 1 {
			t.Errorf("the theme asks for output %q, which is not registered (%s)", name, Names())
		}
	}
}

// kb serve builds the EPUBs and the print edition when asked for them; the
// HTML site and the search indexes it keeps up to date itself.
func TestOnDemand(t *testing.T) {
	var names []string
	for _, f := range OnDemand() {
		names = append(names, f.Name())
	}
	if want := []string{"epub", "print"}; !slices.Equal(names, want) {
		t.Errorf("on demand: %v, want %v", names, want)
	}
}
