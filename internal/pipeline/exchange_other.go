//go:build !linux

package pipeline

// exchange reports that this system has no atomic exchange of two folders;
// Commit then renames twice.
func exchange(a, b string) error { return errNoExchange }
