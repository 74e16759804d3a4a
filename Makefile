# kb — see README.md. `make run` builds and previews the bundled knowledge base; `make test` runs the tests.
GO ?= go
BIN := bin/kb

.PHONY: all build run test bench fuzz pgo clean screenshots

all: build

build:
	$(GO) build -o $(BIN) ./cmd/kb

run: build
	./$(BIN) build --source . --out public
	./$(BIN) serve --source . --addr 127.0.0.1:8080

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

test: build
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@test -z "$$(gofmt -l cmd internal layouts assets)" || (echo "gofmt needed:"; gofmt -l cmd internal layouts assets; exit 1)
	$(GO) test -count=1 ./...

# Benchmarks report ratios against baselines measured in the same run (Hugo, pandoc
# where installed; the HTML build for the index and the EPUB). Not part of `make test`.
# In-process benchmarks are compiled with the same profile-guided optimization as bin/kb.
PGO := $(CURDIR)/cmd/kb/default.pgo

bench: build
	$(GO) test -pgo=$(PGO) -run '^$$' -bench . -benchtime 3x -timeout 90m \
		./internal/bench/... ./internal/search/ ./internal/staticsearch/ ./internal/ebook/ ./internal/server/ ./internal/devserver/

# pgo refreshes cmd/kb/default.pgo, the CPU profile `go build` optimizes kb with:
# the HTML build, the search index build, queries and the EPUB on the generated corpus.
pgo:
	set -e; tmp=$$(mktemp -d /tmp/kb-pgo-XXXXXX); \
	$(GO) test -pgo=off -run '^$$' -bench 'BuildInProcess' -benchtime 5x -outputdir $$tmp -cpuprofile html.prof ./internal/bench/; \
	KB_PAGEFIND=off $(GO) test -pgo=off -run '^$$' -bench '(IndexBuild|Query)/pages=1000' -benchtime 3x -outputdir $$tmp -cpuprofile search.prof ./internal/search/; \
	$(GO) test -pgo=off -run '^$$' -bench 'EPUB' -benchtime 3x -outputdir $$tmp -cpuprofile epub.prof ./internal/ebook/; \
	$(GO) tool pprof -proto $$tmp/html.prof $$tmp/search.prof $$tmp/epub.prof > $$tmp/merged.pgo; \
	mv $$tmp/merged.pgo $(PGO); \
	rm -rf $$tmp

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzRender -fuzztime 30s ./internal/markdown/
	$(GO) test -run '^$$' -fuzz FuzzParseQuery -fuzztime 30s ./internal/search/
	$(GO) test -run '^$$' -fuzz FuzzSearch -fuzztime 30s ./internal/search/
	$(GO) test -run '^$$' -fuzz FuzzParseFrontMatter -fuzztime 30s ./internal/content/
	$(GO) test -run '^$$' -fuzz FuzzSummary -fuzztime 30s ./internal/content/
	$(GO) test -run '^$$' -fuzz FuzzLoadTree -fuzztime 30s ./internal/content/
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./internal/config/

# screenshots writes PNGs of the bundled handbook (desktop, phone, dark, search, EPUB, print)
# into testdata/screenshots/ for a person to look at. Needs Chromium; not part of `make test`.
screenshots: build
	.ci/screenshots.sh

clean:
	rm -rf bin public .public.kb-spare .public.kb-tmp-*
