# dh-teardown — build, test, demo, install.
#
#   make demo     run dh_teardown on the bundled example and show what it generates
#   make test     run every test (the real-dpkg suites need root; CI=true makes skipping fail)
#   make install  PREFIX=/usr/local DESTDIR= — commands, the dh add-on, man pages

PREFIX  ?= /usr/local
DESTDIR ?=
GO      ?= go
VERSION ?= $(shell sed -n '1s/.*(\(.*\)).*/\1/p' debian/changelog 2>/dev/null || echo 0.1.0)
LDFLAGS := -X github.com/dh-teardown/dh-teardown/dh.Version=$(VERSION)

COMMANDS := dh_teardown dh_installinit teardown

.PHONY: all build test demo install bench fuzz clean

all: build

build:
	@mkdir -p bin
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/ $(addprefix ./dh/cmd/,$(COMMANDS))

test: build
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) test -count=1 -timeout 60m ./...

clean:
	rm -rf bin
