package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/kb-handbook/kb/internal/testsite"
)

// openPTY opens a pseudo-terminal and returns its controlling side and
// the terminal a program writes to.
func openPTY(t *testing.T) (control, term *os.File) {
	t.Helper()
	control, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var n uint32
	unlock := int32(0)
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, control.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		t.Skipf("TIOCGPTN: %v", errno)
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, control.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		t.Skipf("TIOCSPTLCK: %v", errno)
	}
	term, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("opening the terminal: %v", err)
	}
	t.Cleanup(func() { control.Close(); term.Close() })
	return control, term
}

// On a terminal, kb build shows its progress on one line and clears it
// before the summary; the tests elsewhere run without one.
func TestBuildShowsProgressOnATerminal(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{"content/_index.md": "# トップ\n"}
	for i := range 120 {
		files[fmt.Sprintf("content/p%03d.md", i)] = fmt.Sprintf("# ページ %d\n\n本文\n", i)
	}
	testsite.WriteIn(t, root, files)
	control, term := openPTY(t)
	cmd := exec.Command(kbBinary, "build", "--source", root, "--out", filepath.Join(root, "public"), "--outputs", "html")
	cmd.Stdout, cmd.Stderr = term, term
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	term.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(control) // ends with EIO once the terminal is closed
	got := string(out)
	for _, want := range []string{"\rparse 50/121", "\rparse 121/121", "\r\x1b[K", "built 121 pages"} {
		if !strings.Contains(got, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, got)
		}
	}
	if strings.Index(got, "\r\x1b[K") > strings.Index(got, "built 121 pages") {
		t.Errorf("the progress line is cleared after the summary:\n%q", got)
	}
}
