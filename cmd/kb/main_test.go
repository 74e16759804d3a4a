package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/testsite"
)

// kbBinary is the compiled kb, built once for the integration tests.
var kbBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kb-bin-")
	if err != nil {
		panic(err)
	}
	kbBinary = filepath.Join(dir, "kb")
	if out, err := exec.Command("go", "build", "-o", kbBinary, ".").CombinedOutput(); err != nil {
		panic("building kb: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runKB runs the binary and returns its exit code, stdout and stderr.
func runKB(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(kbBinary, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), stdout.String(), stderr.String()
	default:
		t.Fatal(err)
		return -1, "", ""
	}
}

// snapshot reads every file under dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestBrokenSiteExitsOneWithEveryProblem(t *testing.T) {
	root := t.TempDir()
	testsite.WriteIn(t, root, map[string]string{
		"content/a.md": "---\ntitle: A\ntitel: x\n---\n\n[](b.md#nope)\n",
		"content/b.md": "# B\n\n## 見出し\n\n[外](../../etc/passwd)\n",
	})
	code, stdout, stderr := runKB(t, "build", "--source", root, "--out", filepath.Join(root, "public"))
	if code != 1 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	want := `content/a.md:3:1: warning: unknown front-matter key "titel" (did you mean "title"?)
content/a.md:6:1: link to missing anchor b.md#nope in content/b.md (anchors on that page: 見出し)
content/b.md:5:1: link to ../../etc/passwd leaves the content folder (link only to files under content/)
kb: 2 error(s), 1 warning(s) found; nothing was written
`
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
	if stdout != "" {
		t.Errorf("stdout: %q", stdout)
	}
	if _, err := os.Stat(filepath.Join(root, "public")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a failed build created the output folder")
	}
	// kb check reports the same.
	code, _, checkErr := runKB(t, "check", "--source", root)
	if code != 1 || checkErr != want {
		t.Errorf("check: exit %d, stderr:\n%s", code, checkErr)
	}
}

func TestWarningsBuildUnlessStrict(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "public")
	testsite.WriteIn(t, root, map[string]string{"content/a.md": "---\ntitel: A\nsidebar: auto\n---\n\n本文\n"})
	warning := `content/a.md:2:1: warning: unknown front-matter key "titel" (did you mean "title"?)` + "\n"
	code, stdout, stderr := runKB(t, "build", "--source", root, "--out", out)
	if code != 0 || stderr != warning+"kb: 1 warning(s); run with --strict to treat them as errors\n" {
		t.Fatalf("build: exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "built 2 pages") {
		t.Errorf("stdout: %q", stdout)
	}
	if _, err := os.Stat(filepath.Join(out, "a", "index.html")); err != nil {
		t.Errorf("page not written: %v", err)
	}
	code, stdout, stderr = runKB(t, "check", "--source", root)
	if code != 0 || !strings.HasPrefix(stderr, warning) || !strings.Contains(stdout, "1 warning(s), no errors") {
		t.Errorf("check: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	strictOut := filepath.Join(root, "strict")
	code, _, stderr = runKB(t, "build", "--strict", "--source", root, "--out", strictOut)
	if code != 1 || stderr != warning+"kb: 0 error(s), 1 warning(s) found; nothing was written\n" {
		t.Errorf("build --strict: exit %d, stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(strictOut); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a strict build that failed created the output folder")
	}
	if code, _, _ = runKB(t, "check", "--strict", "--source", root); code != 1 {
		t.Errorf("check --strict: exit %d, want 1", code)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"build", "--nope"}, {"build", "extra-arg"}, {"build", "--outputs", "html,pdf"}} {
		if code, _, _ := runKB(t, args...); code != 2 {
			t.Errorf("kb %v: exit %d, want 2", args, code)
		}
	}
	for _, args := range [][]string{{"--help"}, {"build", "--help"}, {"version"}} {
		if code, _, _ := runKB(t, args...); code != 0 {
			t.Errorf("kb %v: exit %d, want 0", args, code)
		}
	}
}

func TestFailedBuildLeavesPreviousOutputByteForByte(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "public")
	testsite.WriteIn(t, root, map[string]string{"content/a.md": "# A\n\n本文。\n", "content/b.md": "# B\n"})
	if code, _, stderr := runKB(t, "build", "--source", root, "--out", out); code != 0 {
		t.Fatalf("first build: %s", stderr)
	}
	before := snapshot(t, out)
	testsite.WriteIn(t, root, map[string]string{"content/a.md": "# A\n\n[壊れたリンク](c.md)\n"})
	if code, _, _ := runKB(t, "build", "--source", root, "--out", out); code != 1 {
		t.Fatalf("broken build: exit %d", code)
	}
	after := snapshot(t, out)
	if len(before) != len(after) {
		t.Fatalf("file count changed: %d → %d", len(before), len(after))
	}
	for name, data := range before {
		if after[name] != data {
			t.Errorf("%s changed", name)
		}
	}
}

func TestTwoBuildsAreByteIdentical(t *testing.T) {
	src := "../../testdata/sites/basic"
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, out := range []string{a, b} {
		if code, _, stderr := runKB(t, "build", "--source", src, "--out", out); code != 0 {
			t.Fatalf("build: %s", stderr)
		}
	}
	sa, sb := snapshot(t, a), snapshot(t, b)
	if len(sa) == 0 || len(sa) != len(sb) {
		t.Fatalf("file counts %d vs %d", len(sa), len(sb))
	}
	for name, data := range sa {
		// bleve stamps its index with the clock and orders a batch by map
		// iteration, so the index is compared by its answers instead
		// (internal/search tests that two builds answer alike).
		if strings.HasPrefix(filepath.ToSlash(name), "search.bleve/") {
			continue
		}
		if sb[name] != data {
			t.Errorf("%s differs between builds", name)
		}
	}
}

func TestSummaryLine(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	code, stdout, stderr := runKB(t, "build", "--source", "../../testdata/sites/basic", "--out", out)
	if code != 0 {
		t.Fatal(stderr)
	}
	if !strings.HasPrefix(stdout, "kb: built 9 pages in ") || !strings.HasSuffix(stdout, "→ "+out+"\n") {
		t.Errorf("summary: %q", stdout)
	}
	if stderr != "" {
		t.Errorf("progress printed when not a terminal: %q", stderr)
	}
}

func TestOutputsFlagChoosesPublications(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if code, _, stderr := runKB(t, "build", "--source", "../../testdata/sites/basic", "--out", out, "--outputs", "html"); code != 0 {
		t.Fatal(stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Error("no HTML site")
	}
	for _, other := range []string{"handbook.epub", "search.bleve"} {
		if _, err := os.Stat(filepath.Join(out, other)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s written although only html was asked for", other)
		}
	}
	if code, _, stderr := runKB(t, "build", "--source", "../../testdata/sites/basic", "--out", out); code != 0 {
		t.Fatal(stderr)
	}
	for _, all := range []string{"index.html", "handbook.epub", "search.bleve"} {
		if _, err := os.Stat(filepath.Join(out, all)); err != nil {
			t.Errorf("default build lacks %s", all)
		}
	}
}

func TestOutputsFlagTrimsNames(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if code, _, stderr := runKB(t, "build", "--source", "../../testdata/sites/basic", "--out", out, "--outputs", "html, epub"); code != 0 {
		t.Fatal(stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "handbook.epub")); err != nil {
		t.Error(`--outputs "html, epub" wrote no EPUB`)
	}
	if _, err := os.Stat(filepath.Join(out, "search.bleve")); !errors.Is(err, fs.ErrNotExist) {
		t.Error(`--outputs "html, epub" wrote the search index`)
	}
}

// An edition whose roles match no page is found by kb check, at its place in
// kb.yaml, not only when the EPUB is built.
func TestCheckFindsEmptyEdition(t *testing.T) {
	root := t.TempDir()
	testsite.WriteIn(t, root, map[string]string{
		"kb.yaml":      "title: T\nroles:\n  admin: 管理者\n  staff: 従業員\neditions:\n  - id: staff\n    roles: [staff]\n",
		"content/a.md": "---\ntitle: A\nroles: [admin]\n---\n\n本文。\n",
	})
	want := "kb.yaml:7:12: edition \"staff\" has no pages: no page has any of the roles [staff] (tag pages with one of these roles in their front matter (roles: [...]), or remove the edition)\n"
	for _, args := range [][]string{{"check"}, {"build", "--out", filepath.Join(root, "public")}} {
		code, _, stderr := runKB(t, append(args, "--source", root)...)
		if code != 1 || !strings.HasPrefix(stderr, want) {
			t.Errorf("kb %s: exit %d, stderr:\n%s\nwant first line:\n%s", args[0], code, stderr, want)
		}
	}
	// Without the EPUB, the edition does not matter.
	if code, _, stderr := runKB(t, "build", "--source", root, "--out", filepath.Join(root, "public"), "--outputs", "html"); code != 0 {
		t.Errorf("build --outputs html: exit %d, stderr:\n%s", code, stderr)
	}
}
