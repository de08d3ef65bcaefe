# dh-teardown — build, test, demo, install.
#
#   make demo     run dh_teardown on the bundled example and show what it generates
#   make test     run every test as CI does: needs root; a skipped test fails (go test ./... is the
#                 quick, hermetic tier a contributor runs: no root, no network, under a minute)
#   make install  PREFIX=/usr/local DESTDIR= — commands, the dh add-on, man pages

PREFIX  ?= /usr/local
DESTDIR ?=
GO      ?= go
VERSION ?= $(shell sed -n '1s/.*(\(.*\)).*/\1/p' debian/changelog 2>/dev/null || echo 0.1.0)
LDFLAGS := -X github.com/dh-teardown/dh-teardown/dh/internal/srctree.Version=$(VERSION)

COMMANDS := dh_teardown dh_installinit teardown

.PHONY: all build test test-booted demo install bench fuzz clean deps

# Debian packages the demo and the tests need.
DEB_DEPS := debhelper dpkg-dev lintian shellcheck devscripts dash fakeroot build-essential \
	hyperfine init-system-helpers sysvinit-utils procps util-linux perl install-info time \
	qemu-system-x86 debootstrap e2fsprogs git

all: build

# CGO_ENABLED=0: no libc linked in (net and os/user, pulled in by dependencies, fall back to
# pure Go; the commands look up neither hosts nor users): each run starts ~1 ms sooner and
# peaks 1.3 MB lower (measured with perf stat and GNU time on this project's trees).
# Go's default build mode (a static executable), not -buildmode=pie: a static PIE relocates
# every pointer of its 10 MB image at start, which cost dh_teardown 1.1 ms of CPU (4.8 -> 3.7 ms
# at 1 package) and 1 MB of memory per run. The commands run in package builds on the
# package's own files; address randomisation of their code buys little there, and lintian
# asks PIE only of dynamically linked executables.
build:
	@mkdir -p bin
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/ $(addprefix ./dh/cmd/,$(COMMANDS))

# Install the Debian packages above when one is missing (needs root, as the tests do).
deps:
	@missing=$$(dpkg-query -W -f='$${db:Status-Abbrev} $${Package}\n' $(DEB_DEPS) 2>&1 | awk '$$1 != "ii" {print}'); \
	if [ -n "$$missing" ]; then \
		echo "installing: $(DEB_DEPS)"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_DEPS) >/dev/null; \
	fi

# Go modules of their own inside the checkout (examples that import the library as another
# project would); make test checks and tests each as it does the main one.
MODULES := $(patsubst %/go.mod,%,$(wildcard examples/*/go.mod))

# make test: everything CI runs, as root with CI=true (every suite must run; a skip fails):
# static checks, the hermetic tier as an ordinary user (.ci/hermetic), every integration suite
# but the booted machines' (go test -tags integration: real dpkg, debhelper of three versions,
# example builds; about 7 minutes with cold caches on 2 cores), then, in a go test of their own
# so that their machines do not compete with the debootstraps, the booted machines' suites
# (dh/internal/booted: one qemu machine whose PID 1 is systemd and one whose PID 1 is
# sysvinit, software emulation, each booted once and shared by all the scenarios of its kind;
# 13 to 16 minutes with the images cached on 2 cores — 923 s and 782 s in two runs in a row on
# a quiet machine, 16.5 min under load 6-10 — plus about 5 minutes to build the two images on
# first use). .ci/testsummary.go prints what failed or was skipped and the totals of each go
# test.
#
# make test-booted: the booted machines' suites alone, as make test runs them.
BOOTED := ./dh/internal/booted
BOOTED_TEST = set -o pipefail; CI=true $(GO) test -count=1 -json -tags integration -timeout 60m $(BOOTED) | \
	$(GO) run .ci/testsummary.go -noskip
test: SHELL := /bin/bash
test: deps build
	$(GO) vet ./...
	$(GO) vet -tags integration ./...
	@test -z "$$(gofmt -l .)" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) mod tidy -diff
	@for m in $(MODULES); do echo "module $$m: go vet, go mod tidy -diff"; \
		(cd $$m && $(GO) vet ./... && $(GO) mod tidy -diff) || exit 1; done
	GO=$(GO) .ci/hermetic
	set -o pipefail; CI=true $(GO) test -count=1 -json -tags integration -timeout 60m \
		$$($(GO) list -tags integration ./... | grep -v '/dh/internal/booted$$') | \
		$(GO) run .ci/testsummary.go -noskip
	$(BOOTED_TEST)

test-booted: SHELL := /bin/bash
test-booted: deps
	$(BOOTED_TEST)

# The main job on the bundled example: build examples/hello/2.0 with dpkg-buildpackage, with
# dh-teardown staged from this checkout, and show what dh_teardown put in its scripts.
demo: deps build
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(MAKE) -s install DESTDIR=$$tmp/stage PREFIX=/usr >/dev/null; \
	cp -a examples/hello/2.0 $$tmp/hello-2.0; \
	echo "### teardown render examples/hello/2.0"; bin/teardown render examples/hello/2.0; \
	echo "### dpkg-buildpackage -b (dh_installinit, then dh_teardown, then dh_installdeb)"; \
	( cd $$tmp/hello-2.0 && PATH=$$tmp/stage/usr/bin:$$PATH PERL5LIB=$$tmp/stage/usr/share/perl5 \
	  DH_TEARDOWN_BIN=$$tmp/stage/usr/lib/dh-teardown/bin dpkg-buildpackage -b -uc -us -d ) >$$tmp/build.log 2>&1 \
	  || { cat $$tmp/build.log; exit 1; }; \
	dpkg-deb -e $$tmp/hello_2.0_all.deb $$tmp/DEBIAN; \
	for s in preinst postinst prerm postrm; do \
	  [ -f $$tmp/DEBIAN/$$s ] && { echo "### DEBIAN/$$s of hello_2.0_all.deb"; cat $$tmp/DEBIAN/$$s; }; \
	done; \
	echo "### /etc/init.d/hellod in the package:"; \
	dpkg-deb --fsys-tarfile $$tmp/hello_2.0_all.deb | tar -xOf - ./etc/init.d/hellod | sed -n '/BEGIN INIT INFO/,/END INIT INFO/p'; \
	cp -a examples/hello/1.1 $$tmp/hello-1.1; \
	( cd $$tmp/hello-1.1 && PATH=$$tmp/stage/usr/bin:$$PATH PERL5LIB=$$tmp/stage/usr/share/perl5 \
	  DH_TEARDOWN_BIN=$$tmp/stage/usr/lib/dh-teardown/bin dpkg-buildpackage -b -uc -us -d ) >$$tmp/build-1.1.log 2>&1 \
	  || { cat $$tmp/build-1.1.log; exit 1; }; \
	echo "### teardown check hello_1.1_all.deb hello_2.0_all.deb: what 2.0 drops, and whether it handles it"; \
	bin/teardown check $$tmp/hello_1.1_all.deb $$tmp/hello_2.0_all.deb

# Fuzz the declaration parser and the renderer (FUZZTIME=1m by default).
FUZZTIME ?= 1m
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzDeclarations -fuzztime $(FUZZTIME) ./maintscript/

clean:
	rm -rf bin

# make bench: measure what docs/design.md §7 asks (dh/internal/bench: commands against debhelper's, daemon
# downtime per upgrade policy, rc0.d/rc6.d links) and write BENCHMARKS.md. Needs root for the
# throwaway dpkg roots; BENCH_WORK must be on the root file system (the roots read the
# packages built there through their overlay). Needs GNU time (/usr/bin/time). The parts on
# the host take about two minutes on 2 cores; the booted parts (shutdown, shutdowntoys,
# bootdowntime: 20 boots of qemu machines under software emulation, plus the
# real-daemons image's build) take about an hour more. `go run ./dh/internal/bench -parts …`
# runs some parts only (BENCHMARKS.md says which run each section comes from).
BENCH_WORK ?= /var/tmp/dh-teardown-bench

bench: build
	rm -rf $(BENCH_WORK)
	mkdir -p $(BENCH_WORK)
	$(MAKE) --no-print-directory install DESTDIR=$(BENCH_WORK)/stage PREFIX=/usr >/dev/null
	$(GO) run ./dh/internal/bench -stage $(BENCH_WORK)/stage -work $(BENCH_WORK) -o BENCHMARKS.md
	rm -rf $(BENCH_WORK)

# ---------------------------------------------------------------------------
# Man pages and installation.
#
#   make man                          POD sources in dh/man/ -> bin/man/*.1
#   make install DESTDIR=… PREFIX=…   after `make build`
#
# Layout (PREFIX=/usr):
#   /usr/bin/dh_teardown, /usr/bin/teardown
#   /usr/lib/dh-teardown/bin/dh_installinit   the drop-in, off the default PATH
#   /usr/share/perl5/Debian/Debhelper/Sequence/teardown.pm   the dh add-on
#   /usr/share/man/man1/{dh_teardown,dh_installinit-teardown,teardown}.1
# Man pages are installed uncompressed: dh_compress gzips them in a package
# build, and man reads either form.

BINDIR     ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/lib/dh-teardown/bin
MANDIR     ?= $(PREFIX)/share/man
# A directory Debian's perl has in @INC for that prefix: the vendor directory
# for /usr, the version-independent site directory for /usr/local. Any other
# prefix needs PERL5LIB (or PERL5DIR=…) for dh to find the add-on.
PERL5DIR   ?= $(if $(filter /usr,$(PREFIX)),/usr/share/perl5,$(if $(filter /usr/local,$(PREFIX)),/usr/local/lib/site_perl,$(PREFIX)/share/perl5))
INSTALL    ?= install
POD2MAN    ?= pod2man

# The drop-in's page is dh_installinit-teardown(1), so that it does not clash
# with debhelper's dh_installinit(1).
MANPAGES := bin/man/dh_teardown.1 bin/man/dh_installinit-teardown.1 bin/man/teardown.1

.PHONY: man

man: $(MANPAGES)

bin/man/dh_installinit-teardown.1: dh/man/dh_installinit.pod
	@mkdir -p bin/man
	$(POD2MAN) --utf8 --section=1 --center=dh-teardown --release='dh-teardown $(VERSION)' --name=DH_INSTALLINIT-TEARDOWN $< $@

bin/man/%.1: dh/man/%.pod
	@mkdir -p bin/man
	$(POD2MAN) --utf8 --section=1 --center=dh-teardown --release='dh-teardown $(VERSION)' --name='$(shell echo $* | tr a-z A-Z)' $< $@

install: man
	@for c in $(COMMANDS); do test -x bin/$$c || { echo "install: bin/$$c is missing; run 'make build' first" >&2; exit 1; }; done
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(PERL5DIR)/Debian/Debhelper/Sequence $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 0755 bin/dh_teardown bin/teardown $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0755 bin/dh_installinit $(DESTDIR)$(LIBEXECDIR)/
	$(INSTALL) -m 0644 dh/perl/Debian/Debhelper/Sequence/teardown.pm \
		$(DESTDIR)$(PERL5DIR)/Debian/Debhelper/Sequence/
	$(INSTALL) -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1/
