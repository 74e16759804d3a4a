package ebook

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kb-handbook/kb/internal/pipeline"
)

// epubcheckJar is where Debian's epubcheck package installs the validator.
// (/usr/bin/epubcheck runs it through binfmt, which CI machines lack.)
const epubcheckJar = "/usr/share/java/epubcheck.jar"

var epubcheckSummary = regexp.MustCompile(`Messages: (\d+) fatals? / (\d+) errors? / (\d+) warnings?`)

// epubcheck validates the EPUB at file and fails the test unless it has no
// fatal error, error or warning.
func epubcheck(t *testing.T, file string) {
	t.Helper()
	requireEPUBCheck(t)
	java, err := exec.LookPath("java")
	if err != nil {
		t.Fatalf("java is not installed: install a Java runtime (Debian: default-jre-headless; CI: .ci/run) to validate EPUBs")
	}
	if _, err := os.Stat(epubcheckJar); err != nil {
		t.Fatalf("epubcheck is not installed (%v): install Debian's epubcheck package (CI: .ci/run)", err)
	}
	// The larger stack avoids a StackOverflowError on big books; the client
	// compiler and serial collector keep this short run light on CPU.
	cmd := exec.Command(java, "-Xss64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", epubcheckJar, file)
	out, _ := cmd.CombinedOutput() // epubcheck exits non-zero on errors; the summary says which
	m := epubcheckSummary.FindSubmatch(out)
	if m == nil {
		t.Fatalf("epubcheck %s gave no summary:\n%s", filepath.Base(file), out)
	}
	if string(m[1]) != "0" || string(m[2]) != "0" || string(m[3]) != "0" {
		var report []string
		for line := range strings.Lines(string(out)) {
			if strings.HasPrefix(line, "FATAL") || strings.HasPrefix(line, "ERROR") || strings.HasPrefix(line, "WARNING") {
				report = append(report, strings.TrimSpace(line))
			}
		}
		t.Errorf("epubcheck %s: %s\n%s", filepath.Base(file), m[0], strings.Join(report, "\n"))
	}
}

// requireEPUBCheck skips the test under go test -short, which runs without
// Java and epubcheck.
func requireEPUBCheck(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs epubcheck and Java: not run with -short")
	}
}

// TestEPUBCheckFixture validates the books and editions that kb build
// writes for the fixture sites, in Japanese and in English.
func TestEPUBCheckFixture(t *testing.T) {
	requireEPUBCheck(t)
	for _, root := range []string{fixtureRoot, englishRoot} {
		s := loadSite(t, root)
		out := filepath.Join(t.TempDir(), "public")
		if _, err := pipeline.Run(pipeline.Options{Source: root, Out: out, Outputs: []pipeline.Format{pipeline.HTML{}, Format{}}}); err != nil {
			t.Fatal(err)
		}
		for _, f := range s.Config.GeneratedFiles() {
			t.Run(filepath.Base(root)+"/"+f, func(t *testing.T) { epubcheck(t, filepath.Join(out, f)) })
		}
	}
}

// TestEPUBCheckBundled validates the bundled knowledge base as a book, its
// configured editions and an edition for each role.
func TestEPUBCheckBundled(t *testing.T) {
	requireEPUBCheck(t)
	s := loadSite(t, bundledRoot)
	dir := t.TempDir()
	for _, sel := range selections(t, s, bundledRoot, true) {
		t.Run(sel.File, func(t *testing.T) {
			file := filepath.Join(dir, filepath.Base(sel.File))
			if err := os.WriteFile(file, buildBook(t, s, sel, bundledRoot), 0o644); err != nil {
				t.Fatal(err)
			}
			epubcheck(t, file)
		})
	}
}
