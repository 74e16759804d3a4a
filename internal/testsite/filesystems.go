package testsite

import (
	"os"
	"strings"
)

// FileSystems returns the folders that benchmarks of writing files compare,
// by name: "disk" (the temporary folder's file system), "tmpfs" (/dev/shm)
// where there is one, and those KB_BENCH_DIRS names, as in
// "ext4-journal=/mnt/a,xfs=/mnt/b".
func FileSystems() map[string]string {
	places := map[string]string{"disk": os.TempDir()}
	if info, err := os.Stat("/dev/shm"); err == nil && info.IsDir() {
		places["tmpfs"] = "/dev/shm"
	}
	for _, item := range strings.Split(os.Getenv("KB_BENCH_DIRS"), ",") {
		if name, dir, ok := strings.Cut(strings.TrimSpace(item), "="); ok {
			places[name] = dir
		}
	}
	return places
}
