package simulate

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The scripts debhelper 13 generates for a package with an init script
// (autoscripts postinst-init-restart, prerm-init-norestart, postrm-init,
// preinst-init-chmod), filled in for hellod.
const (
	daemonPreinst = `#!/bin/sh
set -e
# Automatically added by dh_installinit/13.11.4
if [ "$1" = "install" ] && [ -n "$2" ] && [ -e "/etc/init.d/hellod" ] ; then
	chmod +x "/etc/init.d/hellod" >/dev/null || true
fi
# End automatically added section
`
	daemonPostinst = `#!/bin/sh
set -e
# Automatically added by dh_installinit/13.11.4
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ] ; then
	if [ -z "${DPKG_ROOT:-}" ] && [ -x "/etc/init.d/hellod" ]; then
		update-rc.d hellod defaults >/dev/null
		if [ -n "$2" ]; then
			_dh_action=restart
		else
			_dh_action=start
		fi
		invoke-rc.d --skip-systemd-native hellod $_dh_action || exit 1
	fi
fi
# End automatically added section
`
	daemonPrerm = `#!/bin/sh
set -e
# Automatically added by dh_installinit/13.11.4
if [ -z "${DPKG_ROOT:-}" ] && [ "$1" = remove ] && [ -x "/etc/init.d/hellod" ] ; then
	invoke-rc.d --skip-systemd-native hellod stop || exit 1
fi
# End automatically added section
`
	daemonPostrm = `#!/bin/sh
set -e
# Automatically added by dh_installinit/13.11.4
if [ "$1" = "remove" ] && [ -x "/etc/init.d/hellod" ] ; then
	chmod -x "/etc/init.d/hellod" >/dev/null || true
fi
if [ -z "${DPKG_ROOT:-}" ] && [ "$1" = "purge" ] ; then
	update-rc.d hellod remove >/dev/null
fi
# End automatically added section
`
)

// The scripts of a version that no longer ships hellod (docs/design.md §5,
// "daemon removed in 2.0-1").
const (
	removedPreinst = `#!/bin/sh
set -e
if [ -z "${DPKG_ROOT:-}" ] && { [ "$1" = install ] || [ "$1" = upgrade ]; } && [ -n "$2" ] && dpkg --compare-versions "$2" lt 2.0-1 && [ -x /etc/init.d/hellod ]; then
	invoke-rc.d hellod stop || exit 1
fi
dpkg-maintscript-helper rm_conffile /etc/init.d/hellod 2.0-1~ -- "$@"
`
	removedPostinst = `#!/bin/sh
set -e
dpkg-maintscript-helper rm_conffile /etc/init.d/hellod 2.0-1~ -- "$@"
if [ "$1" = configure ] && [ -n "$2" ] && dpkg --compare-versions "$2" lt 2.0-1; then
	update-rc.d hellod remove >/dev/null
fi
`
	removedPostrm = `#!/bin/sh
set -e
dpkg-maintscript-helper rm_conffile /etc/init.d/hellod 2.0-1~ -- "$@"
if [ -z "${DPKG_ROOT:-}" ] && { [ "$1" = abort-install ] || [ "$1" = abort-upgrade ]; } && [ -n "$2" ] && dpkg --compare-versions "$2" lt 2.0-1 && [ -x /etc/init.d/hellod ]; then
	invoke-rc.d hellod start || exit 1
fi
`
)

// hello returns a version of package hello that ships the daemon.
func hello(v string) Package {
	return Package{
		Name:    "hello",
		Version: v,
		Scripts: map[string]string{"preinst": daemonPreinst, "postinst": daemonPostinst, "prerm": daemonPrerm, "postrm": daemonPostrm},
		Files: []File{
			{Path: "/etc/init.d/hellod", Mode: 0o755, Content: hellodInit, Conffile: true},
			{Path: "/etc/default/hellod", Mode: 0o644, Content: "DAEMON_OPTS=\n", Conffile: true},
			{Path: "/usr/sbin/hellod", Mode: 0o755, Content: "hellod " + v},
		},
	}
}

// helloWithoutDaemon returns version 2.0-1 of hello, which dropped hellod.
func helloWithoutDaemon() Package {
	return Package{
		Name:    "hello",
		Version: "2.0-1",
		Scripts: map[string]string{"preinst": removedPreinst, "postinst": removedPostinst, "postrm": removedPostrm},
		Files: []File{
			{Path: "/etc/default/hellod", Mode: 0o644, Content: "DAEMON_OPTS=\n", Conffile: true},
			{Path: "/usr/bin/hello", Mode: 0o755, Content: "hello 2.0-1"},
		},
	}
}

var allLinks = []string{"rc0.d/K01hellod", "rc1.d/K01hellod", "rc2.d/S01hellod", "rc3.d/S01hellod",
	"rc4.d/S01hellod", "rc5.d/S01hellod", "rc6.d/K01hellod"}

// installed returns a system with hello v installed and hellod running.
func installed(t *testing.T, v string) *System {
	t.Helper()
	s := NewSystem()
	_, err := s.Install(hello(v))
	require.NoError(t, err)
	require.True(t, s.Running["hellod"])
	return s
}

func content(t *testing.T, s *System, p string) string {
	t.Helper()
	c, err := s.FS.ReadFile(p)
	require.NoError(t, err, p)
	return c
}

func TestFreshInstall(t *testing.T) {
	s := NewSystem()
	tr, err := s.Install(hello("1.0-1"))
	require.NoError(t, err)
	assert.Equal(t, []string{"new preinst install", "new postinst configure ''"}, tr.Calls())
	assert.Equal(t, []string{"update-rc.d hellod defaults", "invoke-rc.d --skip-systemd-native hellod start"}, tr.Commands())
	assert.Equal(t, Installed, tr.Status)
	assert.True(t, s.Running["hellod"])
	assert.Equal(t, allLinks, s.RcLinks("hellod"))
	assert.Equal(t, "1.0-1", s.DB["hello"].ConfigVersion)
	n, err := s.FS.Stat("/etc/init.d/hellod")
	require.NoError(t, err)
	assert.Equal(t, 0o755, int(n.Mode))
	assert.False(t, s.FS.Exists("/etc/init.d/hellod.dpkg-new"))
	assert.Empty(t, tr.Unknown())
}

func TestUpgradeDowngradeReinstall(t *testing.T) {
	for _, c := range []struct{ from, to string }{{"1.0-1", "1.1-1"}, {"1.1-1", "1.0-1"}, {"1.0-1", "1.0-1"}} {
		s := installed(t, c.from)
		tr, err := s.Install(hello(c.to))
		require.NoError(t, err)
		assert.Equal(t, []string{
			"old prerm upgrade " + c.to,
			"new preinst upgrade " + c.from + " " + c.to,
			"old postrm upgrade " + c.to,
			"new postinst configure " + c.from,
		}, tr.Calls(), "%s -> %s", c.from, c.to)
		assert.Equal(t, []string{"update-rc.d hellod defaults", "invoke-rc.d --skip-systemd-native hellod restart"}, tr.Commands())
		assert.True(t, s.Running["hellod"])
		assert.Equal(t, "hellod "+c.to, content(t, s, "/usr/sbin/hellod"))
		assert.Equal(t, Installed, s.Status("hello"))
		assert.Equal(t, c.to, s.DB["hello"].Version)
	}
}

func TestRemoveAndPurge(t *testing.T) {
	s := installed(t, "1.0-1")
	tr, err := s.Remove("hello")
	require.NoError(t, err)
	assert.Equal(t, []string{"old prerm remove", "old postrm remove"}, tr.Calls())
	assert.Equal(t, ConfigFiles, tr.Status)
	assert.False(t, s.Running["hellod"])
	assert.False(t, s.FS.Exists("/usr/sbin/hellod"))
	n, err := s.FS.Stat("/etc/init.d/hellod")
	require.NoError(t, err, "conffiles survive remove")
	assert.Equal(t, 0o644, int(n.Mode), "postrm remove cleared the exec bit")
	assert.Equal(t, allLinks, s.RcLinks("hellod"), "links stay until purge")
	assert.Equal(t, []string{"/etc/default/hellod", "/etc/init.d/hellod"}, s.DB["hello"].Files)
	assert.Equal(t, []string{"postrm"}, sortedKeys(s.DB["hello"].Scripts))

	tr, err = s.Purge("hello")
	require.NoError(t, err)
	assert.Equal(t, []string{"old postrm purge"}, tr.Calls())
	assert.Equal(t, NotInstalled, tr.Status)
	assert.Empty(t, s.RcLinks("hellod"))
	assert.False(t, s.FS.Exists("/etc/init.d/hellod"))
	assert.False(t, s.FS.Exists("/etc/default/hellod"))
	assert.NotContains(t, s.DB, "hello")
}

func TestPurgeOfAnInstalledPackageRemovesFirst(t *testing.T) {
	s := installed(t, "1.0-1")
	tr, err := s.Purge("hello")
	require.NoError(t, err)
	assert.Equal(t, []string{"old prerm remove", "old postrm remove", "old postrm purge"}, tr.Calls())
	assert.Equal(t, NotInstalled, s.Status("hello"))
}

func TestReinstallFromConfigFiles(t *testing.T) {
	s := installed(t, "1.0-1")
	_, err := s.Remove("hello")
	require.NoError(t, err)
	tr, err := s.Install(hello("1.1-1"))
	require.NoError(t, err)
	assert.Equal(t, []string{"new preinst install 1.0-1 1.1-1", "new postinst configure 1.0-1"}, tr.Calls())
	// preinst-init-chmod restores the bit: dpkg keeps the unchanged conffile.
	assert.Equal(t, []string{"chmod +x /etc/init.d/hellod", "update-rc.d hellod defaults",
		"invoke-rc.d --skip-systemd-native hellod restart"}, tr.Commands())
	n, err := s.FS.Stat("/etc/init.d/hellod")
	require.NoError(t, err)
	assert.Equal(t, 0o755, int(n.Mode))
	assert.True(t, s.Running["hellod"])
}

func TestFailureInjection(t *testing.T) {
	cases := []struct {
		name    string
		fails   []Option
		calls   []string
		status  Status
		version string
		running bool
		failed  bool
	}{
		{
			name:  "new preinst",
			fails: []Option{Fail{Script: "preinst", Version: New}},
			calls: []string{"old prerm upgrade 1.1-1", "new preinst upgrade 1.0-1 1.1-1 -> exit 1",
				"new postrm abort-upgrade 1.0-1 1.1-1", "old postinst abort-upgrade 1.1-1"},
			status: Installed, version: "1.0-1", running: true, failed: true,
		},
		{
			name:  "new preinst and its unwind",
			fails: []Option{Fail{Script: "preinst", Version: New}, Fail{Script: "postrm", Version: New, Action: "abort-upgrade"}},
			calls: []string{"old prerm upgrade 1.1-1", "new preinst upgrade 1.0-1 1.1-1 -> exit 1",
				"new postrm abort-upgrade 1.0-1 1.1-1 -> exit 1"},
			status: HalfInstalled, version: "1.0-1", running: true, failed: true,
		},
		{
			name:  "old prerm, rescued by the new prerm",
			fails: []Option{Fail{Script: "prerm", Version: Old, Action: "upgrade"}},
			calls: []string{"old prerm upgrade 1.1-1 -> exit 1", "new prerm failed-upgrade 1.0-1 1.1-1",
				"new preinst upgrade 1.0-1 1.1-1", "old postrm upgrade 1.1-1", "new postinst configure 1.0-1"},
			status: Installed, version: "1.1-1", running: true,
		},
		{
			name:  "old prerm and new prerm",
			fails: []Option{Fail{Script: "prerm"}},
			calls: []string{"old prerm upgrade 1.1-1 -> exit 1", "new prerm failed-upgrade 1.0-1 1.1-1 -> exit 1",
				"old postinst abort-upgrade 1.1-1"},
			status: Installed, version: "1.0-1", running: true, failed: true,
		},
		{
			name:  "old prerm, new prerm and old postinst",
			fails: []Option{Fail{Script: "prerm"}, Fail{Script: "postinst", Version: Old}},
			calls: []string{"old prerm upgrade 1.1-1 -> exit 1", "new prerm failed-upgrade 1.0-1 1.1-1 -> exit 1",
				"old postinst abort-upgrade 1.1-1 -> exit 1"},
			status: HalfConfigured, version: "1.0-1", running: true, failed: true,
		},
		{
			name:  "old postrm, rescued by the new postrm",
			fails: []Option{Fail{Script: "postrm", Version: Old, Action: "upgrade"}},
			calls: []string{"old prerm upgrade 1.1-1", "new preinst upgrade 1.0-1 1.1-1", "old postrm upgrade 1.1-1 -> exit 1",
				"new postrm failed-upgrade 1.0-1 1.1-1", "new postinst configure 1.0-1"},
			status: Installed, version: "1.1-1", running: true,
		},
		{
			name:  "old postrm and new postrm failed-upgrade",
			fails: []Option{Fail{Script: "postrm", Version: Old, Action: "upgrade"}, Fail{Script: "postrm", Version: New, Action: "failed-upgrade"}},
			calls: []string{"old prerm upgrade 1.1-1", "new preinst upgrade 1.0-1 1.1-1", "old postrm upgrade 1.1-1 -> exit 1",
				"new postrm failed-upgrade 1.0-1 1.1-1 -> exit 1", "old preinst abort-upgrade 1.1-1",
				"new postrm abort-upgrade 1.0-1 1.1-1", "old postinst abort-upgrade 1.1-1"},
			status: Installed, version: "1.0-1", running: true, failed: true,
		},
		{
			name: "old postrm, new postrm failed-upgrade and old preinst abort-upgrade",
			fails: []Option{Fail{Script: "postrm", Version: Old, Action: "upgrade"}, Fail{Script: "postrm", Version: New, Action: "failed-upgrade"},
				Fail{Script: "preinst", Version: Old}},
			calls: []string{"old prerm upgrade 1.1-1", "new preinst upgrade 1.0-1 1.1-1", "old postrm upgrade 1.1-1 -> exit 1",
				"new postrm failed-upgrade 1.0-1 1.1-1 -> exit 1", "old preinst abort-upgrade 1.1-1 -> exit 1"},
			status: HalfInstalled, version: "1.0-1", running: true, failed: true,
		},
		{
			name:  "unpack",
			fails: []Option{Fail{Script: "unpack"}},
			calls: []string{"old prerm upgrade 1.1-1", "new preinst upgrade 1.0-1 1.1-1",
				"new postrm abort-upgrade 1.0-1 1.1-1", "old postinst abort-upgrade 1.1-1"},
			status: Installed, version: "1.0-1", running: true, failed: true,
		},
		{
			name:  "new postinst configure",
			fails: []Option{Fail{Script: "postinst", Version: New, Action: "configure"}},
			calls: []string{"old prerm upgrade 1.1-1", "new preinst upgrade 1.0-1 1.1-1", "old postrm upgrade 1.1-1",
				"new postinst configure 1.0-1 -> exit 1"},
			status: HalfConfigured, version: "1.1-1", running: true, failed: true,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := installed(t, "1.0-1")
			tr, err := s.Install(hello("1.1-1"), c.fails...)
			assert.Equal(t, c.calls, tr.Calls())
			assert.Equal(t, c.status, s.Status("hello"))
			assert.Equal(t, c.version, s.DB["hello"].Version)
			assert.Equal(t, c.running, s.Running["hellod"])
			if c.failed {
				var dpkgErr *Error
				require.ErrorAs(t, err, &dpkgErr)
				assert.Equal(t, tr.Error, err.Error())
				if c.status == Installed {
					assert.Equal(t, "hellod 1.0-1", content(t, s, "/usr/sbin/hellod"), "files restored")
				}
			} else {
				require.NoError(t, err)
			}
		})
	}
}

// TestFailureAfterTheScriptRan checks Fail.After: the script runs (its commands are in the
// trace), then fails, and dpkg unwinds as for any failure of it.
func TestFailureAfterTheScriptRan(t *testing.T) {
	s := installed(t, "1.0-1")
	tr, err := s.Install(hello("1.1-1"), Fail{Script: "postinst", Version: New, Action: "configure", After: true})
	require.Error(t, err)
	calls := tr.Calls()
	assert.Equal(t, "new postinst configure 1.0-1 -> exit 1", calls[len(calls)-1])
	last := tr.Steps[len(tr.Steps)-1]
	assert.True(t, last.Injected)
	var argvs []string
	for _, c := range last.Commands {
		argvs = append(argvs, strings.Join(c.Argv, " "))
	}
	assert.Contains(t, argvs, "invoke-rc.d --skip-systemd-native hellod restart", "the script ran before it failed")
	assert.Equal(t, HalfConfigured, s.Status("hello"))

	// A version without the script: After fails it all the same.
	s = installed(t, "1.0-1")
	pkg := hello("1.1-1")
	delete(pkg.Scripts, "preinst")
	tr, err = s.Install(pkg, Fail{Script: "preinst", Version: New, After: true})
	require.Error(t, err)
	assert.Equal(t, "new preinst upgrade 1.0-1 1.1-1 -> exit 1", tr.Calls()[1])
}

func TestFailedUnpackRestoresFiles(t *testing.T) {
	s := installed(t, "1.0-1")
	tr, err := s.Install(hello("1.1-1"), Fail{Script: "unpack"})
	require.Error(t, err)
	var events []string
	for _, st := range tr.Steps {
		if st.Kind == StepDpkg {
			events = append(events, st.Event)
		}
	}
	assert.Equal(t, []string{"unpack 1.1-1", "unpack failed (injected)", "restore the files replaced by 1.1-1"}, events)
	assert.Equal(t, "hellod 1.0-1", content(t, s, "/usr/sbin/hellod"))
	assert.False(t, s.FS.Exists("/etc/init.d/hellod.dpkg-new"))
}

func TestFailedConfigureIsRetriedWithTheLastConfiguredVersion(t *testing.T) {
	s := NewSystem()
	tr, err := s.Install(hello("1.0-1"), Fail{Script: "postinst"})
	require.Error(t, err)
	assert.Equal(t, "dpkg: error processing package hello: installed hello package post-installation script subprocess returned error exit status 1", err.Error())
	assert.Equal(t, []string{"new preinst install", "new postinst configure '' -> exit 1"}, tr.Calls())
	assert.Equal(t, HalfConfigured, s.Status("hello"))
	assert.False(t, s.Running["hellod"])

	tr, err = s.Configure("hello")
	require.NoError(t, err)
	assert.Equal(t, []string{"new postinst configure ''"}, tr.Calls())
	assert.True(t, s.Running["hellod"])

	// An upgrade that fails to configure passes the old configured version again.
	_, err = s.Install(hello("1.1-1"), Fail{Script: "postinst", Action: "configure"})
	require.Error(t, err)
	tr, err = s.Configure("hello")
	require.NoError(t, err)
	assert.Equal(t, []string{"new postinst configure 1.0-1"}, tr.Calls())
	assert.Equal(t, Installed, s.Status("hello"))
}

func TestFreshInstallFailures(t *testing.T) {
	s := NewSystem()
	tr, err := s.Install(hello("1.0-1"), Fail{Script: "preinst"})
	require.Error(t, err)
	assert.Equal(t, []string{"new preinst install -> exit 1", "new postrm abort-install"}, tr.Calls())
	assert.Equal(t, NotInstalled, s.Status("hello"))
	assert.False(t, s.FS.Exists("/usr/sbin/hellod"))

	s = installed(t, "1.0-1")
	_, err = s.Remove("hello")
	require.NoError(t, err)
	tr, err = s.Install(hello("1.1-1"), Fail{Script: "preinst"})
	require.Error(t, err)
	assert.Equal(t, []string{"new preinst install 1.0-1 1.1-1 -> exit 1", "new postrm abort-install 1.0-1 1.1-1"}, tr.Calls())
	assert.Equal(t, ConfigFiles, s.Status("hello"))
}

func TestRemoveFailures(t *testing.T) {
	s := installed(t, "1.0-1")
	tr, err := s.Remove("hello", Fail{Script: "prerm"})
	require.Error(t, err)
	assert.Equal(t, []string{"old prerm remove -> exit 1", "old postinst abort-remove"}, tr.Calls())
	assert.Equal(t, Installed, s.Status("hello"))
	assert.True(t, s.Running["hellod"])
	assert.True(t, s.FS.Exists("/usr/sbin/hellod"))

	tr, err = s.Remove("hello", Fail{Script: "postrm"})
	require.Error(t, err)
	assert.Equal(t, []string{"old prerm remove", "old postrm remove -> exit 1"}, tr.Calls())
	assert.Equal(t, HalfInstalled, s.Status("hello"))

	_, err = s.Remove("hello")
	require.NoError(t, err)
	tr, err = s.Purge("hello", Fail{Script: "postrm", Action: "purge"})
	require.Error(t, err)
	assert.Equal(t, []string{"old postrm purge -> exit 1"}, tr.Calls())
	assert.Equal(t, ConfigFiles, s.Status("hello"))
}

func TestDaemonRemovedInAVersion(t *testing.T) {
	s := installed(t, "1.0-1")
	tr, err := s.Install(helloWithoutDaemon())
	require.NoError(t, err)
	assert.Equal(t, []string{"old prerm upgrade 2.0-1", "new preinst upgrade 1.0-1 2.0-1",
		"old postrm upgrade 2.0-1", "new postinst configure 1.0-1"}, tr.Calls())
	assert.Equal(t, []string{
		"dpkg --compare-versions 1.0-1 lt 2.0-1", "invoke-rc.d hellod stop",
		"dpkg-maintscript-helper rm_conffile /etc/init.d/hellod 2.0-1~ -- upgrade 1.0-1 2.0-1",
		"dpkg-maintscript-helper rm_conffile /etc/init.d/hellod 2.0-1~ -- configure 1.0-1",
		"dpkg --compare-versions 1.0-1 lt 2.0-1", "update-rc.d hellod remove",
	}, tr.Commands())
	assert.Empty(t, tr.Unknown())
	assert.False(t, s.Running["hellod"])
	assert.Empty(t, s.RcLinks("hellod"))
	assert.False(t, s.FS.Exists("/etc/init.d/hellod"))
	assert.False(t, s.FS.Exists("/etc/init.d/hellod.dpkg-remove"))
	assert.False(t, s.FS.Exists("/usr/sbin/hellod"))
	assert.True(t, s.DB["hello"].Conffiles["/etc/init.d/hellod"].Obsolete)
	assert.Contains(t, s.DB["hello"].Files, "/etc/init.d/hellod")

	_, err = s.Purge("hello")
	require.NoError(t, err)
	assert.False(t, s.FS.Exists("/etc/default/hellod"))
	assert.NotContains(t, s.DB, "hello")
}

func TestDaemonRemovedFailedUpgradeBringsItBack(t *testing.T) {
	s := installed(t, "1.0-1")
	tr, err := s.Install(helloWithoutDaemon(), Fail{Script: "unpack"})
	require.Error(t, err)
	assert.Equal(t, []string{"old prerm upgrade 2.0-1", "new preinst upgrade 1.0-1 2.0-1",
		"new postrm abort-upgrade 1.0-1 2.0-1", "old postinst abort-upgrade 2.0-1"}, tr.Calls())
	assert.Equal(t, Installed, s.Status("hello"))
	assert.True(t, s.Running["hellod"])
	assert.Equal(t, hellodInit, content(t, s, "/etc/init.d/hellod"))
	assert.False(t, s.FS.Exists("/etc/init.d/hellod.dpkg-remove"))
	assert.Equal(t, allLinks, s.RcLinks("hellod"))
}

func TestModifiedObsoleteConffileIsKeptAsDpkgBak(t *testing.T) {
	s := installed(t, "1.0-1")
	require.NoError(t, s.FS.WriteFile("/etc/init.d/hellod", hellodInit+"# local change\n", 0o755))
	tr, err := s.Install(helloWithoutDaemon())
	require.NoError(t, err)
	assert.Contains(t, tr.Steps[1].Commands[2].Effects, "renamed /etc/init.d/hellod to /etc/init.d/hellod.dpkg-backup")
	assert.True(t, s.FS.Exists("/etc/init.d/hellod.dpkg-bak"))
	assert.Contains(t, tr.Steps[len(tr.Steps)-1].Output, "Obsolete conffile /etc/init.d/hellod has been modified by you.")
	_, err = s.Purge("hello")
	require.NoError(t, err)
	assert.False(t, s.FS.Exists("/etc/init.d/hellod.dpkg-bak"), "the helper's postrm purge removes it")
}

func TestConffileHandlingAtConfigure(t *testing.T) {
	s := installed(t, "1.0-1")
	require.NoError(t, s.FS.WriteFile("/etc/default/hellod", "DAEMON_OPTS=-v\n", 0o644))
	changed := hello("1.1-1")
	changed.Files[1].Content = "DAEMON_OPTS=\nNEW=1\n"
	changed.Files[0].Content = hellodInit + "# 1.1\n"
	_, err := s.Install(changed)
	require.NoError(t, err)
	assert.Equal(t, "DAEMON_OPTS=-v\n", content(t, s, "/etc/default/hellod"), "modified: kept")
	assert.Equal(t, "DAEMON_OPTS=\nNEW=1\n", content(t, s, "/etc/default/hellod.dpkg-dist"))
	assert.Equal(t, hellodInit+"# 1.1\n", content(t, s, "/etc/init.d/hellod"), "unmodified: replaced")
}

func TestRunScriptsUnderDpkgRoot(t *testing.T) {
	s := NewSystem()
	s.Root = "/target"
	tr, err := s.Install(hello("1.0-1"))
	require.NoError(t, err)
	assert.Empty(t, tr.Commands(), "the debhelper snippets skip service actions under DPKG_ROOT")
	assert.True(t, s.FS.Exists("/target/etc/init.d/hellod"))
	assert.False(t, s.FS.Exists("/etc/init.d/hellod"))
}

func TestFailValidation(t *testing.T) {
	s := NewSystem()
	_, err := s.Install(hello("1.0-1"), Fail{Script: "config"})
	require.Error(t, err)
	_, err = s.Install(hello("1.0-1"), Fail{Script: "preinst", Version: "older"})
	require.Error(t, err)
	assert.NotContains(t, s.DB, "hello", "nothing ran")
}

func TestTraceIsJSONFriendly(t *testing.T) {
	s := NewSystem()
	tr, err := s.Install(hello("1.0-1"))
	require.NoError(t, err)
	data, err := json.Marshal(tr)
	require.NoError(t, err)
	var back Trace
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, *tr, back)
}
