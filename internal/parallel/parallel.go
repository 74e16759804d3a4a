// Package parallel runs independent pieces of work on all cores.
package parallel

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// Do runs fn(0) … fn(n-1) on up to GOMAXPROCS goroutines and returns the
// first error; once one has failed, no new piece is started. A panic in
// fn becomes an error, so that a long-running server survives it.
func Do(n int, fn func(i int) error) error {
	return DoOn(runtime.GOMAXPROCS(0), n, fn)
}

// DoOn is Do on at most workers goroutines (at least one), for background
// work that should leave cores to other work.
func DoOn(workers, n int, fn func(i int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  int
	)
	for range min(n, max(workers, 1)) {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				stop := first != nil
				mu.Unlock()
				if i >= n || stop {
					return
				}
				if err := call(fn, i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return first
}

func call(fn func(int) error, i int) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("internal error (please report it): %v\n%s", v, debug.Stack())
		}
	}()
	return fn(i)
}
