//go:build linux

package pipeline

import (
	"errors"

	"golang.org/x/sys/unix"
)

// exchange swaps the folders a and b in one step, so that b's name never
// stands empty. It returns errNoExchange where the file system cannot.
func exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOTSUP) {
		return errNoExchange
	}
	return err
}
