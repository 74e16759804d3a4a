//go:build !unix

package search

// freeSpace is unknown here; full disks are known by their error alone.
func freeSpace(string) (uint64, bool) { return 0, false }
