# secretscan: `make demo` and `make test` are the quick start.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
BIN      := bin/secretscan
PREFIX   ?= /usr/local

.PHONY: build demo test vet fmt-check install bench fuzz clean

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/secretscan

## demo: analyze the demo dump shipped in fixtures/demo
demo: build
	@echo '$$ secretscan analyze fixtures/demo/dump.yaml'
	@$(BIN) analyze --fail-on none fixtures/demo/dump.yaml

## test: format check, go vet, and every test with the race detector
test: fmt-check vet
	$(GO) test -race -count=1 ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## install: the binary, also as the kubectl plugin kubectl-secretscan
install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/secretscan
	ln -sf secretscan $(DESTDIR)$(PREFIX)/bin/kubectl-secretscan

clean:
	rm -rf bin

## bench: secretscan beside an encoding/json decode of the same generated dumps
## (400 namespaces, about 20k pods; generated once into $TMPDIR/secretscan-bench)
bench:
	$(GO) run ./fixtures/bench -namespaces 400 -small 100 -runs 3

## fuzz: every fuzz target for FUZZTIME each (their seed corpora also run in
## `make test`); a crasher is written to the package's testdata/fuzz/ to rerun
FUZZTIME ?= 60s
FUZZ_TARGETS := \
	./loader:FuzzLoad \
	./loader:FuzzArchiveWalker \
	./loader:FuzzFastYAML \
	./loader:FuzzDropManagedFields \
	./analyzer/messages:FuzzClassify \
	./analyzer/messages:FuzzKeywordMatcher \
	./internal/dockerconfig:FuzzParse \
	./internal/dockerconfig:FuzzSanitize \
	./analyzer/registryauth:FuzzNormalizeImage
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "== $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$$name$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s $$pkg; \
	done
