package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A build's temporary folder is .<name>.kb-tmp-<random> beside the output
// <name>; while the build runs it holds a lock on the file of the same
// name with ".lock" added. A folder whose lock can be taken belongs to a
// build that was killed.

// tmpPrefix starts the names of the temporary folders of the output dest.
func tmpPrefix(dest string) string {
	return "." + filepath.Base(dest) + ".kb-tmp-"
}

// createLocked creates a new lock file for a temporary folder beside dest,
// locked, and returns it with the folder's name.
func createLocked(dest string) (*os.File, string, error) {
	f, err := os.CreateTemp(filepath.Dir(dest), tmpPrefix(dest)+"*.lock")
	if err != nil {
		return nil, "", err
	}
	if !tryLock(f) && lockWorks {
		f.Close()
		_ = os.Remove(f.Name())
		return nil, "", errors.New("cannot lock " + f.Name())
	}
	return f, strings.TrimSuffix(f.Name(), ".lock"), nil
}

// abandonedAge is how old a temporary folder without a lock file (left by
// a kb that did not lock them) must be to count as abandoned.
const abandonedAge = time.Hour

// removeAbandoned removes the temporary folders that killed builds of dest
// left behind: those whose lock no running build holds, and old ones
// without a lock file. Only folders holding kb's marker are removed, so a
// folder kb did not write is never deleted, even under a kb-like name.
func removeAbandoned(dest string) {
	parent, prefix := filepath.Dir(dest), tmpPrefix(dest)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	locks := map[string]bool{}
	for _, e := range entries {
		if name := e.Name(); strings.HasPrefix(name, prefix) && strings.HasSuffix(name, ".lock") {
			locks[strings.TrimSuffix(name, ".lock")] = true
		}
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		p := filepath.Join(parent, name)
		switch {
		case strings.HasSuffix(name, ".lock"):
			f, err := os.OpenFile(p, os.O_RDWR, 0)
			if err != nil {
				continue
			}
			if tryLock(f) {
				dir := strings.TrimSuffix(p, ".lock")
				removeOwned(dir)
				removeOwned(dir + ".old")
				// A build killed right after making its folder left it
				// empty, before its marker: the lock's name says whose it
				// is, and only an empty folder goes.
				_ = os.Remove(dir)
				_ = os.Remove(p)
			}
			f.Close()
		case e.IsDir() && !locks[strings.TrimSuffix(name, ".old")]:
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > abandonedAge {
				removeOwned(p)
			}
		}
	}
}

// removeOwned removes the folder dir if kb's marker is in it.
func removeOwned(dir string) {
	if info, err := os.Lstat(filepath.Join(dir, MarkerFile)); err == nil && info.Mode().IsRegular() {
		_ = os.RemoveAll(dir)
	}
}
