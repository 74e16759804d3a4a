//go:build !unix

package srcfs

// nonBlock is zero where the system has no such flag; the file's type is
// checked before it is opened.
const nonBlock = 0
