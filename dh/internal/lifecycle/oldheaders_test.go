//go:build integration

package lifecycle

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/bench/trees"
	"github.com/dh-teardown/dh-teardown/dh/internal/debbuild"
	"github.com/dh-teardown/dh-teardown/dh/internal/dpkgroot"
)

// Multiuser from any old header (trees.HeaderSource). Real packages' init scripts do not all say
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
// daemon multiuser (Multiuser-Since defaults to 1.1) and is built with the teardown add-on.
// Upgraded from 1.0 to 1.1, downgraded back and upgraded again, each package must end with
// exactly the rc links a fresh install of the version it has makes (this root has no
// insserv: update-rc.d makes S01/K01 links from the header, and adds none while any exists).

// lchDeb builds lch VERSION once, with failure hooks, and returns the .deb of pkg.
func lchDeb(t *testing.T, version, pkg string) string {
	t.Helper()
	debs := buildSource(t, "lch "+version, func(dir string) error {
		if err := trees.Write(dir, trees.HeaderSource(version)); err != nil {
			return err
		}
		var pkgs []string
		for _, p := range trees.HeaderPackages {
			pkgs = append(pkgs, p.Name)
		}
		return debbuild.AddFailureHooks(dir, version, pkgs...)
	})
	deb, ok := debs[pkg]
	require.True(t, ok, "lch %s built no %s", version, pkg)
	return deb
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
	for _, h := range trees.HeaderPackages {
		t.Run(h.Name, func(t *testing.T) {
			t.Parallel()
			v10, v11 := lchDeb(t, "1.0", h.Name), lchDeb(t, "1.1", h.Name)
			fresh := map[string][]string{"1.0": freshLinks(t, v10, h.Name, false), "1.1": freshLinks(t, v11, h.Name, false)}
			require.NotEmpty(t, fresh["1.0"])
			assert.Equal(t, []string{"rc1.d/K01" + h.Name, "rc2.d/S01" + h.Name, "rc3.d/S01" + h.Name, "rc4.d/S01" + h.Name, "rc5.d/S01" + h.Name}, fresh["1.1"])

			s := newScenario(t, map[string]string{h.Name: h.Name})
			debs := map[string]string{"1.0": v10, "1.1": v11}
			for _, v := range []string{"1.0", "1.1", "1.0", "1.1"} {
				s.install(debs[v])
				require.Equal(t, v, s.version(h.Name))
				assert.Equal(t, fresh[v], s.r.RCLinks(h.Name), "links after dpkg -i %s %s: those of a fresh install", h.Name, v)
			}
			s.purge(h.Name)
		})
	}
}

func TestMultiuserFromEveryOldHeaderKeepsADisabledDaemonDisabled(t *testing.T) {
	for _, h := range trees.HeaderPackages {
		t.Run(h.Name, func(t *testing.T) {
			t.Parallel()
			v10, v11 := lchDeb(t, "1.0", h.Name), lchDeb(t, "1.1", h.Name)
			fresh10, fresh11 := freshLinks(t, v10, h.Name, true), freshLinks(t, v11, h.Name, true)

			s := newScenario(t, map[string]string{h.Name: h.Name})
			s.install(v10)
			s.disable(h.Name)
			s.install(v11)
			assert.Equal(t, fresh11, s.r.RCLinks(h.Name), "upgraded: the links of a fresh, then disabled, install of 1.1")
			s.install(v10)
			assert.Equal(t, fresh10, s.r.RCLinks(h.Name), "downgraded: the links of a fresh, then disabled, install of 1.0")
			assert.Empty(t, s.r.Pids(h.Name), "a disabled daemon is not started by the downgrade")
			s.install(v11)
			assert.Equal(t, fresh11, s.r.RCLinks(h.Name), "upgraded again")
			s.purge(h.Name)
		})
	}
}
