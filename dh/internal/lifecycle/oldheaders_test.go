//go:build integration

package lifecycle

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/dpkgroot"
)

// Multiuser from any old header. Real packages' init scripts do not all say
// Default-Stop: 0 1 6 before they become multiuser: rsync's and ssh's say nothing, some say
// 0 6, cups's already says 1. Source package lch builds one binary package per old header,
// each shipping a test daemon of its own name:
//
//	lch-016    Default-Stop: 0 1 6
//	lch-06     Default-Stop: 0 6
//	lch-empty  Default-Stop: (nothing)
//	lch-1      Default-Stop: 1
//
// Version 1.0 is built with plain debhelper (dh_installinit); version 1.1 declares every
// daemon multiuser (Multiuser-Since defaults to 1.1) and is built with dh --with teardown.
// Upgraded from 1.0 to 1.1, downgraded back and upgraded again, each package must end with
// exactly the rc links a fresh install of the version it has makes (this root has no
// insserv: update-rc.d makes S01/K01 links from the header, and adds none while any exists).

var oldHeaders = []struct{ pkg, daemon, stop string }{
	{"lch-016", "lch-016", "0 1 6"},
	{"lch-06", "lch-06", "0 6"},
	{"lch-empty", "lch-empty", ""},
	{"lch-1", "lch-1", "1"},
}

// lchDeb builds lch VERSION once and returns the .deb of pkg.
func lchDeb(t *testing.T, version, pkg string) string {
	t.Helper()
	debs := buildSource(t, "lch "+version, func(dir string) error { return writeLch(dir, version) })
	deb, ok := debs[pkg]
	require.True(t, ok, "lch %s built no %s", version, pkg)
	return deb
}

// writeLch writes the source tree of lch VERSION into dir.
func writeLch(dir, version string) error {
	files := map[string]string{
		"debian/changelog": fmt.Sprintf("lch (%s) unstable; urgency=medium\n\n  * Test release.\n\n -- dh-teardown tests <tests@example.org>  Sun, 29 Nov 2026 12:00:00 +0000\n", version),
		"debian/source/format": "3.0 (native)\n",
		"debian/copyright":     "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nCopyright: none\nLicense: public-domain\n",
	}
	control := "Source: lch\nSection: misc\nPriority: optional\nMaintainer: dh-teardown tests <tests@example.org>\nBuild-Depends: debhelper-compat (= 13)\nStandards-Version: 4.6.2\nRules-Requires-Root: no\n"
	rules := "#!/usr/bin/make -f\n%:\n\tdh $@\n"
	if version != "1.0" {
		rules = "#!/usr/bin/make -f\n%:\n\tdh $@ --with teardown\n"
	}
	for _, h := range oldHeaders {
		control += fmt.Sprintf("\nPackage: %s\nArchitecture: all\nPre-Depends: ${misc:Pre-Depends}\nDepends: ${misc:Depends}\nDescription: test daemon %s (old Default-Stop: %q)\n Test package of dh-teardown's lifecycle suite.\n", h.pkg, h.daemon, h.stop)
		daemon := dpkgroot.DaemonFiles(h.daemon, false)["/usr/sbin/"+h.daemon].Content
		files["bin/"+h.daemon] = daemon
		files["debian/"+h.pkg+".install"] = "bin/" + h.daemon + " usr/sbin\n"
		files["debian/"+h.pkg+".init"] = dpkgroot.InitScript(h.daemon, "2 3 4 5", h.stop)
		if version != "1.0" {
			files["debian/"+h.pkg+".teardown"] = "Daemon: " + h.daemon + "\nMultiuser: yes\n"
		}
	}
	files["debian/control"] = control
	files["debian/rules"] = rules
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if name == "debian/rules" || strings.HasPrefix(name, "bin/") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			return err
		}
	}
	var pkgs []string
	for _, h := range oldHeaders {
		pkgs = append(pkgs, h.pkg)
	}
	return addFailureHooks(dir, version, pkgs...)
}

// freshLinks installs pkg's deb into a fresh root, optionally disables its daemon as an
// administrator does, and returns the daemon's rc links.
func freshLinks(t *testing.T, deb, daemon string, disable bool) []string {
	t.Helper()
	r := dpkgroot.New(t)
	_, err := r.Dpkg("-i", debIn(t, r, deb))
	require.NoError(t, err)
	if disable {
		r.MustRun(t, "update-rc.d "+daemon+" disable >/dev/null && invoke-rc.d "+daemon+" stop")
	}
	return r.RCLinks(daemon)
}

func TestMultiuserFromEveryOldHeader(t *testing.T) {
	for _, h := range oldHeaders {
		t.Run(h.pkg, func(t *testing.T) {
			t.Parallel()
			v10, v11 := lchDeb(t, "1.0", h.pkg), lchDeb(t, "1.1", h.pkg)
			fresh := map[string][]string{"1.0": freshLinks(t, v10, h.daemon, false), "1.1": freshLinks(t, v11, h.daemon, false)}
			require.NotEmpty(t, fresh["1.0"])
			assert.Equal(t, []string{"rc1.d/K01" + h.daemon, "rc2.d/S01" + h.daemon, "rc3.d/S01" + h.daemon, "rc4.d/S01" + h.daemon, "rc5.d/S01" + h.daemon}, fresh["1.1"])

			s := newScenario(t, map[string]string{h.daemon: h.pkg})
			debs := map[string]string{"1.0": v10, "1.1": v11}
			for _, v := range []string{"1.0", "1.1", "1.0", "1.1"} {
				s.install(debs[v])
				require.Equal(t, v, s.version(h.pkg))
				assert.Equal(t, fresh[v], s.r.RCLinks(h.daemon), "links after dpkg -i %s %s: those of a fresh install", h.pkg, v)
			}
			s.purge(h.pkg)
		})
	}
}

func TestMultiuserFromEveryOldHeaderKeepsADisabledDaemonDisabled(t *testing.T) {
	for _, h := range oldHeaders {
		t.Run(h.pkg, func(t *testing.T) {
			t.Parallel()
			v10, v11 := lchDeb(t, "1.0", h.pkg), lchDeb(t, "1.1", h.pkg)
			fresh11 := freshLinks(t, v11, h.daemon, true)

			s := newScenario(t, map[string]string{h.daemon: h.pkg})
			s.install(v10)
			s.disable(h.daemon)
			s.install(v11)
			assert.Equal(t, fresh11, s.r.RCLinks(h.daemon), "upgraded: the links of a fresh, then disabled, install of 1.1")

			// Downgraded: the daemon stays disabled (no start link, not running); its stop
			// links stay those of 1.1 (the old header is not known to 1.1's postrm).
			_, err := s.r.Dpkg("-i", s.in(v10)[0])
			require.NoError(t, err)
			assert.Equal(t, "1.0", s.version(h.pkg))
			assert.Empty(t, s.r.Pids(h.daemon), "a disabled daemon is not started by the downgrade")
			for _, l := range s.r.RCLinks(h.daemon) {
				assert.NotRegexp(t, `^rc[2345]\.d/S`, l, "a disabled daemon gets no start link")
			}
			s.install(v11)
			assert.Equal(t, fresh11, s.r.RCLinks(h.daemon), "upgraded again")
			s.purge(h.pkg)
		})
	}
}
