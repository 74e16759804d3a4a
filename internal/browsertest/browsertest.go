// Package browsertest starts headless Chromium for tests that look at pages
// as a reader would. Under go test -short the tests that need it are
// skipped; otherwise Chromium is required: CI installs Debian's package, and a
// missing browser fails the test instead of skipping it.
package browsertest

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// ExecPath is where Debian installs Chromium.
const ExecPath = "/usr/bin/chromium"

// Require skips the test under go test -short, which runs without a browser.
// Tests that prepare a page before calling New call it first.
func Require(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs headless Chromium: not run with -short")
	}
}

// New returns a browser context that lives until the test ends, with a
// window of the given width in CSS pixels.
func New(t testing.TB, width, height int) context.Context {
	t.Helper()
	return start(t, width, height, true)
}

// NewWithoutFileAccess is New with Chromium's default rules for file://
// pages, which may not fetch other files: a page that works there works
// for a reader who opens it from a file share.
func NewWithoutFileAccess(t testing.TB, width, height int) context.Context {
	t.Helper()
	return start(t, width, height, false)
}

func start(t testing.TB, width, height int, fileAccess bool) context.Context {
	t.Helper()
	Require(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(width, height),
	}
	if fileAccess {
		opts = append(opts, chromedp.Flag("allow-file-access-from-files", true))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	// The first call starts the browser; it must not carry a deadline, which
	// would stop the browser with it. Later actions get one.
	if err := chromedp.Do(browserCtx); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("starting Chromium: %v", err)
	}
	// Headless windows are at least 500 pixels wide; the viewport is set
	// exactly, and below 600 pixels as a phone's (overlay scrollbars,
	// the viewport meta tag honoured).
	metrics := emulation.SetDeviceMetricsOverrideParams{Width: int64(width), Height: int64(height), DeviceScaleFactor: 1, Mobile: width < 600}
	if _, err := chromedp.Call(browserCtx, emulation.SetDeviceMetricsOverride, metrics); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("setting the viewport: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(browserCtx, 60*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelBrowser()
		cancelAlloc()
	})
	return ctx
}

// chromiumPath returns where Chromium is, or fails the test.
func chromiumPath(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(ExecPath); err == nil {
		return ExecPath
	}
	found, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("headless Chromium is required for this test: %s not found (apt-get install chromium fonts-ipafont-gothic)", ExecPath)
	}
	return found
}

// ReportPath is where a page run by Reporter.Run posts its report.
const ReportPath = "/kb-report"

// Reporter serves files and takes the report a page posts to ReportPath,
// for measurements in a browser with no debugger attached: DevTools,
// which New's browser is driven through, hears of every request and every
// change to the page, which slows what a reader's browser does not do.
type Reporter struct {
	files   http.Handler
	reports chan []byte
}

// NewReporter returns a Reporter that serves files.
func NewReporter(files http.Handler) *Reporter {
	return &Reporter{files: files, reports: make(chan []byte, 1)}
}

func (r *Reporter) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.URL.Path != ReportPath {
		r.files.ServeHTTP(w, req)
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if req.Method != http.MethodPost || err != nil {
		http.Error(w, "a report is a POST", http.StatusBadRequest)
		return
	}
	select {
	case r.reports <- body:
	default:
	}
}

// Run opens url, a page of the Reporter's server, in headless Chromium
// with no debugger attached, and returns the page's report; it fails the
// test when none comes within timeout.
func (r *Reporter) Run(t testing.TB, url string, timeout time.Duration) []byte {
	t.Helper()
	Require(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, chromiumPath(t), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--no-default-browser-check", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), url)
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	defer func() {
		cancel()
		_ = cmd.Wait()
	}()
	select {
	case report := <-r.reports:
		return report
	case <-time.After(timeout):
		t.Fatalf("%s posted no report to %s within %v", url, ReportPath, timeout)
		return nil
	}
}

// WaitTrue evaluates the JavaScript expression expr in the page until it is
// true, for up to 15 seconds. Errors while the page reloads are retried.
func WaitTrue(t testing.TB, ctx context.Context, expr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s did not become true (last error: %v)", expr, last)
}

// Eval evaluates the JavaScript expression expr in the page and fails the
// test on an error.
func Eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// EvalAsync evaluates the JavaScript expression expr, which gives a
// promise, and returns what the promise resolves to.
func EvalAsync[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// AxeViolation is one rule axe-core found broken, with the elements breaking it.
type AxeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// AxeVersion is the axe-core release the accessibility tests run; .ci/run
// installs it from npm into .cache/npm at the module's root.
const AxeVersion = "4.14.1"

// axeSource finds axe.min.js: $KB_AXE, or .cache/npm/node_modules/axe-core
// in the module's root (the first parent folder holding go.mod).
func axeSource(t testing.TB) string {
	t.Helper()
	path := os.Getenv("KB_AXE")
	if path == "" {
		dir, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				t.Fatal("no go.mod above the test's folder")
			}
			dir = parent
		}
		path = filepath.Join(dir, ".cache", "npm", "node_modules", "axe-core", "axe.min.js")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("axe-core is required for this test: %v (npm install --prefix .cache/npm axe-core@%s, or set KB_AXE)", err, AxeVersion)
	}
	return string(src)
}

// Axe runs axe-core in the current page against WCAG 2.0 and 2.1, levels A
// and AA, and returns the violations of serious or critical impact.
func Axe(t testing.TB, ctx context.Context) []AxeViolation {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource(t)+";true")); err != nil {
		t.Fatalf("loading axe-core: %v", err)
	}
	const run = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r =>
  r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary)})))`
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]AxeViolation](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe-core: %v", err)
	}
	return out
}
