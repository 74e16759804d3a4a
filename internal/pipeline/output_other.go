//go:build !unix

package pipeline

// noFollow is zero where the system has no such flag; links in a recycled
// tree are still removed when the tree is claimed.
const noFollow = 0
