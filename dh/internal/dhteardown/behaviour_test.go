//go:build integration

package dhteardown

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/maintscript/simulate"
)

// behaviourDecls extends the example with an explicitly registered document outside
// /usr/share/info, so that every snippet is in the scripts.
const behaviourDecls = `Daemon: hellod
Multiuser: yes
Multiuser-Since: 1.1

Daemon: hello-legacyd
Removed-In: 2.0
Conffiles: /etc/default/hello-legacyd

Info: hello-old
File: /usr/share/hello/info/hello-old.info
Removed-In: 2.0
Registration: explicit
`

const legacyDoc = "/usr/share/hello/info/hello-old.info"

// assembledScripts builds the example with dh_installinit, dh_teardown and dh_installdeb and
// returns DEBIAN/{preinst,postinst,prerm,postrm}.
func assembledScripts(t *testing.T) map[string]string {
	t.Helper()
	dir := example(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "debian/hello.teardown"), []byte(behaviourDecls), 0o644))
	run(t, dir, "dh_installinit", "--name=hellod")
	status, _, stderr := teardown(dir)
	require.Equal(t, 0, status, stderr)
	run(t, dir, "dh_installdeb")
	scripts := map[string]string{}
	for _, s := range []string{"preinst", "postinst", "prerm", "postrm"} {
		data, err := os.ReadFile(filepath.Join(dir, "debian/hello/DEBIAN", s))
		if err == nil {
			scripts[s] = string(data)
		}
	}
	return scripts
}

// oldSystem is a system with hello 1.0 installed: both daemons with the 0 1 6 stop links,
// the legacy daemon's files present or not.
func oldSystem(t *testing.T, legacyPresent bool) *simulate.System {
	t.Helper()
	s := simulate.NewSystem()
	header := "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: %s\n# Default-Start: 2 3 4 5\n# Default-Stop: 0 1 6\n### END INIT INFO\n"
	daemons := []string{"hellod"}
	if legacyPresent {
		daemons = append(daemons, "hello-legacyd")
		require.NoError(t, s.FS.MkdirAll(filepath.Dir(legacyDoc)))
		require.NoError(t, s.FS.WriteFile(legacyDoc, "doc", 0o644))
	}
	require.NoError(t, s.FS.MkdirAll("/etc/init.d"))
	for _, d := range daemons {
		require.NoError(t, s.FS.WriteFile("/etc/init.d/"+d, strings.Replace(header, "%s", d, 1), 0o755))
		for _, rl := range []string{"0", "1", "6"} {
			require.NoError(t, s.FS.MkdirAll("/etc/rc"+rl+".d"))
			require.NoError(t, s.FS.Symlink("../init.d/"+d, "/etc/rc"+rl+".d/K01"+d))
		}
		for _, rl := range []string{"2", "3", "4", "5"} {
			require.NoError(t, s.FS.MkdirAll("/etc/rc"+rl+".d"))
			require.NoError(t, s.FS.Symlink("../init.d/"+d, "/etc/rc"+rl+".d/S01"+d))
		}
		s.Running[d] = true
	}
	return s
}

// actions lists what a script run did through the commands docs/design.md §5 is about: service and
// link changes and (de)registration; dpkg's own helpers and tests are left out.
func actions(step simulate.Step) []string {
	var out []string
	for _, c := range step.Commands {
		switch c.Argv[0] {
		case "invoke-rc.d", "update-rc.d", "install-info", "rm", "chmod":
			if c.Argv[len(c.Argv)-1] == "status" || strings.HasPrefix(c.Argv[len(c.Argv)-1], "/run/dh-teardown/") {
				continue // a query, and the removed daemon's record of what its preinst stopped
			}
			out = append(out, strings.Join(c.Argv, " "))
		}
	}
	return out
}

// TestBehaviourMatrix runs the assembled scripts through every Debian Policy invocation, with
// the legacy daemon's init script (and the removed document) present and absent, and checks
// the commands they run against docs/design.md §5.
func TestBehaviourMatrix(t *testing.T) {
	scripts := assembledScripts(t)
	const (
		stopLegacy    = "invoke-rc.d hello-legacyd stop"
		startLegacy   = "invoke-rc.d hello-legacyd start"
		removeLegacy  = "update-rc.d hello-legacyd remove"
		dropStopLinks = "rm -f /etc/rc0.d/K01hellod /etc/rc6.d/K01hellod"
		defaults      = "update-rc.d hellod defaults"
		restart       = "invoke-rc.d --skip-systemd-native hellod restart"
		start         = "invoke-rc.d --skip-systemd-native hellod start"
		chmodX        = "chmod +x /etc/init.d/hellod"
		deregister    = "install-info --quiet --remove --dir-file=/usr/share/info/dir " + legacyDoc
		purgeLogs     = "rm -f /var/log/hellod.log /var/log/hello-legacyd.log"
		register      = "install-info --quiet --dir-file=/usr/share/info/dir " + legacyDoc
	)
	type want struct{ present, absent []string }
	cases := []struct {
		script string
		args   []string
		want   want
	}{
		// preinst: the old daemon is stopped and the document deregistered when coming from
		// before 2.0 with the files there, before rm_conffile renames the init script away.
		{"preinst", []string{"install"}, want{nil, nil}},
		// (debhelper's preinst makes a config-files init script executable again.)
		{"preinst", []string{"install", "1.0", "2.0"}, want{[]string{stopLegacy, deregister, chmodX}, []string{chmodX}}},
		{"preinst", []string{"install", "2.0", "2.0"}, want{[]string{chmodX}, []string{chmodX}}},
		{"preinst", []string{"upgrade", "1.0", "2.0"}, want{[]string{stopLegacy, deregister}, nil}},
		{"preinst", []string{"upgrade", "1.1", "2.0"}, want{[]string{stopLegacy, deregister}, nil}},
		{"preinst", []string{"upgrade", "2.0", "2.0"}, want{nil, nil}},
		{"preinst", []string{"upgrade", "2.1", "2.0"}, want{nil, nil}},
		{"preinst", []string{"abort-upgrade", "2.0"}, want{nil, nil}},
		// postinst: links re-made from the multiuser header; the old 0/6 stop links dropped
		// first when configuring from before 1.1; the removed daemon's links removed.
		{"postinst", []string{"configure", ""}, want{[]string{defaults, start}, []string{defaults, start}}},
		{"postinst", []string{"configure", "1.0"}, want{[]string{dropStopLinks, defaults, restart}, []string{dropStopLinks, removeLegacy, defaults, restart}}},
		{"postinst", []string{"configure", "1.1"}, want{[]string{defaults, restart}, []string{removeLegacy, defaults, restart}}},
		{"postinst", []string{"configure", "2.0"}, want{[]string{defaults, restart}, []string{defaults, restart}}},
		{"postinst", []string{"abort-upgrade", "2.1"}, want{[]string{defaults, restart}, []string{defaults, restart}}},
		{"postinst", []string{"abort-remove"}, want{[]string{defaults, start}, []string{defaults, start}}},
		// (debhelper restarts whenever $2 is set, "in-favour" included.)
		{"postinst", []string{"abort-remove", "in-favour", "other", "1.0"}, want{[]string{defaults, restart}, []string{defaults, restart}}},
		{"postinst", []string{"abort-deconfigure", "in-favour", "other", "1.0"}, want{[]string{defaults, restart}, []string{defaults, restart}}},
		// prerm: nothing of ours; debhelper stops hellod on remove only (restart policy).
		{"prerm", []string{"remove"}, want{[]string{"invoke-rc.d --skip-systemd-native hellod stop"}, []string{"invoke-rc.d --skip-systemd-native hellod stop"}}},
		{"prerm", []string{"upgrade", "2.1"}, want{nil, nil}},
		{"prerm", []string{"failed-upgrade", "1.0", "2.0"}, want{nil, nil}},
		{"prerm", []string{"deconfigure", "in-favour", "other", "1.0"}, want{nil, nil}},
		// postrm: a failed upgrade from before 2.0 brings the old daemon back once its init
		// script is restored, and re-registers the document; a failed install from the
		// config-files state starts nothing (no version was configured).
		{"postrm", []string{"remove"}, want{[]string{"chmod -x /etc/init.d/hellod"}, []string{"chmod -x /etc/init.d/hellod"}}},
		// (the example's own postrm removes the logs on purge.)
		{"postrm", []string{"purge"}, want{[]string{purgeLogs, "update-rc.d hellod remove"}, []string{purgeLogs, "update-rc.d hellod remove"}}},
		{"postrm", []string{"upgrade", "2.1"}, want{nil, nil}},
		{"postrm", []string{"failed-upgrade", "1.0", "2.0"}, want{nil, nil}},
		{"postrm", []string{"abort-install"}, want{nil, nil}},
		{"postrm", []string{"abort-install", "1.0", "2.0"}, want{[]string{register}, nil}},
		{"postrm", []string{"abort-upgrade", "1.0", "2.0"}, want{[]string{register, startLegacy}, nil}},
		{"postrm", []string{"abort-upgrade", "2.0", "2.1"}, want{nil, nil}},
		{"postrm", []string{"disappear", "other", "1.0"}, want{nil, nil}},
	}
	for _, c := range cases {
		for _, present := range []bool{true, false} {
			name := c.script + " " + strings.Join(c.args, " ")
			if present {
				name += " (legacy present)"
			} else {
				name += " (legacy absent)"
			}
			t.Run(name, func(t *testing.T) {
				s := oldSystem(t, present)
				if c.script == "postrm" && len(c.args) == 3 && strings.HasPrefix(c.args[0], "abort-") {
					// dpkg runs it after the new preinst, which recorded what it stopped; an
					// install with versions is from the config-files state: nothing runs.
					verb := strings.TrimPrefix(c.args[0], "abort-")
					if verb == "install" {
						s.Running = map[string]bool{}
					}
					_, err := s.RunScript("hello", "preinst", scripts["preinst"], verb, c.args[1], c.args[2])
					require.NoError(t, err)
				}
				step, err := s.RunScript("hello", c.script, scripts[c.script], c.args...)
				require.NoError(t, err)
				require.Equal(t, 0, step.Exit, "the script must succeed:\n%s", step.Output)
				want := c.want.absent
				if present {
					want = c.want.present
				}
				assert.Equal(t, want, actions(step))
				for _, cmd := range step.Commands {
					assert.False(t, cmd.Unknown, "unexpected command %v", cmd.Argv)
				}
			})
		}
	}
}

// TestBehaviourUnderDpkgRoot checks that no service action or link change runs when
// DPKG_ROOT is set.
func TestBehaviourUnderDpkgRoot(t *testing.T) {
	scripts := assembledScripts(t)
	for _, c := range [][]string{{"preinst", "upgrade", "1.0", "2.0"}, {"postinst", "configure", "1.0"}, {"postrm", "abort-upgrade", "1.0", "2.0"}} {
		s := oldSystem(t, true)
		s.Root = "/target"
		step, err := s.RunScript("hello", c[0], scripts[c[0]], c[1:]...)
		require.NoError(t, err)
		require.Equal(t, 0, step.Exit, step.Output)
		assert.Empty(t, actions(step), "%v under DPKG_ROOT", c)
	}
}
