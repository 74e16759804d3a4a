//go:build unix

package search

import "golang.org/x/sys/unix"

// freeSpace returns the bytes that an unprivileged writer has left on the
// file system holding dir.
func freeSpace(dir string) (uint64, bool) {
	var st unix.Statfs_t
	if unix.Statfs(dir, &st) != nil {
		return 0, false
	}
	return st.Bavail * uint64(st.Bsize), true
}
