//go:build unix

package pipeline

import (
	"os"
	"syscall"
)

// lockWorks tells that tryLock really locks here.
const lockWorks = true

// tryLock takes an exclusive lock on f without waiting; it fails while the
// build that holds it runs, and succeeds once that build has ended,
// however it ended: the system drops the locks of a killed process.
func tryLock(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
