//go:build unix

package staticsearch_test

import "syscall"

// processCPU returns the CPU seconds, user and system, that the process has
// used so far, as the kernel counts them.
func processCPU() (float64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9, true
}
