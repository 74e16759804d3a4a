//go:build !unix

package staticsearch_test

// processCPU is not measured on this system; the CPU metrics are left out.
func processCPU() (float64, bool) { return 0, false }
