package cli

import (
	"bufio"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestKilledBuildsUnderLoad runs the real kb: kb host serves a folder
// while builds into it are killed with SIGKILL at random moments, swaps
// included, and readers fetch pages all along. No request may fail: the
// folder always holds one whole build. The next build removes the
// temporary folders the killed ones left.
func TestKilledBuildsUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the kb binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kb")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/kb").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "public")
	build := func() *exec.Cmd {
		return exec.Command(bin, "build", "--source", "../search/testdata/site", "--out", out, "--outputs", "html,search")
	}
	if msg, err := build().CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, msg)
	}
	host := exec.Command(bin, "host", out, "--addr", "127.0.0.1:0")
	stdout, err := host.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := host.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = host.Process.Kill(); _ = host.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	addr := line[strings.Index(line, "http://") : strings.Index(line, "/ (")+1]

	var requests, failures atomic.Int64
	var failed sync.Map
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, p := range []string{"", "02-measures/endpoint/", "api/search?q=EDR"} {
					resp, err := http.Get(addr + p)
					requests.Add(1)
					if err != nil {
						failures.Add(1)
						failed.Store(p, err.Error())
						continue
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						failures.Add(1)
						failed.Store(p, resp.Status)
					}
				}
			}
		})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 12 {
		cmd := build()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.IntN(600)) * time.Millisecond)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	if msg, err := build().CombinedOutput(); err != nil {
		t.Fatalf("build after the kills: %v\n%s", err, msg)
	}
	time.Sleep(1500 * time.Millisecond) // kb host notices the build
	close(stop)
	wg.Wait()
	t.Logf("%d requests", requests.Load())
	if n := failures.Load(); n > 0 {
		failed.Range(func(k, v any) bool { t.Errorf("/%s: %v", k, v); return true })
		t.Errorf("%d of %d requests failed", n, requests.Load())
	}
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".kb-tmp-") {
			left = append(left, e.Name())
		}
	}
	if len(left) > 0 {
		t.Errorf("temporaries left after a good build: %v", left)
	}
}
