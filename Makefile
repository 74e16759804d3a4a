# kb — see README.md. `make run` builds and previews the bundled knowledge base; `make test` runs the tests.
GO ?= go
BIN := bin/kb

.PHONY: all build run test bench fuzz vet clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/kb

run: build
	./$(BIN) serve --source .

test: build
	$(GO) vet ./...
	@test -z "$$(gofmt -l cmd internal layouts assets)" || (echo "gofmt needed:"; gofmt -l cmd internal layouts assets; exit 1)
	$(GO) test -count=1 ./...

bench: build
	$(GO) test -run '^$$' -bench . -benchtime 3x -timeout 60m ./internal/bench/... ./internal/ebook/

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzRender -fuzztime 30s ./internal/markdown/

clean:
	rm -rf bin public
