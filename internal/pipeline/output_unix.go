//go:build unix

package pipeline

import "syscall"

// noFollow makes opening a path that is a link fail instead of following it.
const noFollow = syscall.O_NOFOLLOW
