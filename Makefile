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
