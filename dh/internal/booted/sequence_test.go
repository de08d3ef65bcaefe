//go:build integration

package booted

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/bootvm"
	"github.com/dh-teardown/dh-teardown/dh/internal/debbuild"
)

// machine is a booted machine shared by the scenarios of one kind, run one after the other;
// each sequence has its own machine value bound to its test (bootvm.T.With).
type machine struct {
	*bootvm.T
	kind   bootvm.Kind
	shared *machineState
}

// machineState is what the scenarios on one machine share.
type machineState struct {
	// inGuest maps host .debs to their paths in the machine (each copied once).
	inGuest map[string]string
	// baseline is set when /var/tmp/booted-before holds the machine's files as they are with
	// no package under test installed: taken by the first sequence, kept while the scenarios
	// pass (each ends as it started), taken again after one failed.
	baseline bool
}

// bootMachine returns the test binary's shared machine of kind (bootvm.Shared) for t and its
// subtests, after checking that its PID 1 is the init system asked for.
func bootMachine(t *testing.T, kind bootvm.Kind) *machine {
	t.Helper()
	m := bootvm.Shared(t, kind)
	comm := strings.TrimSpace(m.MustRun("cat /proc/1/comm"))
	if want := map[bootvm.Kind]string{bootvm.Systemd: "systemd", bootvm.Sysvinit: "init"}[kind]; comm != want {
		t.Fatalf("PID 1 of the %s machine is %q, want %q", kind, comm, want)
	}
	return &machine{T: m, kind: kind, shared: &machineState{inGuest: map[string]string{}}}
}

// sequence is one scenario: dpkg operations on a machine, checking the invariant after every
// step. It starts with none of its packages installed and ends (in its cleanup, atEnd) with
// all of them purged, failure markers gone and systemd's failed units reset, so that the
// next sequence on the machine starts clean even when this one failed.
type sequence struct {
	t *testing.T
	m *machine
	// daemons maps every init script the packages under test ship or shipped to its package.
	daemons map[string]string
	// disabled holds the daemons the administrator disabled.
	disabled map[string]bool
	pkgs     []string
	names    []string
}

// snapshotScript lists the machine's files as piuparts compares them (type, mode, owner,
// size, link target, path), without the trees every boot or dpkg run changes: mounts of their
// own, logs, caches, dpkg's database (checked with dpkg-query), the harness's files, the
// kernel's modules.
const snapshotScript = `find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp \
	-o -path /host -o -path /var/log -o -path /var/cache -o -path /var/lib/dpkg -o -path /var/tmp \
	-o -path /usr/share/info/dir.old -o -path /usr/lib/modules -o -path /usr/lib/firmware \) -prune -o -printf '%y %m %u %g %s %l %p\n' | LC_ALL=C sort`

// newSequence opens a sequence on m for the daemons (init script name -> package); the
// machine's files with nothing installed are recorded unless they already are.
func newSequence(t *testing.T, m *machine, daemons map[string]string) *sequence {
	t.Helper()
	m = &machine{T: m.T.With(t), kind: m.kind, shared: m.shared}
	s := &sequence{t: t, m: m, daemons: daemons, disabled: map[string]bool{}}
	for name, pkg := range daemons {
		s.names = append(s.names, name)
		if !slices.Contains(s.pkgs, pkg) {
			s.pkgs = append(s.pkgs, pkg)
		}
	}
	slices.Sort(s.names)
	slices.Sort(s.pkgs)
	// Whatever state the sequence left: purged, markers gone; the baseline is taken again
	// after a failure.
	t.Cleanup(func() {
		if t.Failed() {
			m.shared.baseline = false
		}
	})
	atEnd(t, m.T, "rm -rf /run/debbuild-fail\n"+
		"dpkg --purge --force-all "+strings.Join(s.pkgs, " ")+" >/dev/null 2>&1\n"+
		"for d in "+strings.Join(s.names, " ")+"; do pkill -x \"$d\"; rm -f \"/run/$d.pid\"; done")
	if !m.shared.baseline {
		m.MustRun(snapshotScript + " >/var/tmp/booted-before")
		m.shared.baseline = true
	}
	return s
}

// atEnd runs script on the machine when t ends, passed or failed (after t's own cleanups
// registered later), and resets the units systemd saw fail: a test on a shared machine
// (bootvm.Shared) leaves it as it found it.
func atEnd(t *testing.T, m *bootvm.T, script string) {
	t.Cleanup(func() {
		if _, err := m.Run(script+"\n[ -d /run/systemd/system ] && systemctl reset-failed\nexit 0\n", bootvm.DefaultTimeout); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
}

// run runs a script that must succeed and returns its output.
func (s *sequence) run(script string) string {
	s.t.Helper()
	return s.m.MustRun(script)
}

// in returns the machine's paths of the host .debs.
func (s *sequence) in(debs ...string) []string {
	s.t.Helper()
	var paths []string
	for _, deb := range debs {
		if p, ok := s.m.shared.inGuest[deb]; ok {
			paths = append(paths, p)
			continue
		}
		p := s.m.MustCopy(deb)[0]
		s.m.shared.inGuest[deb] = p
		paths = append(paths, p)
	}
	return paths
}

// dpkg runs dpkg with args, requires it to succeed and checks the invariant.
func (s *sequence) dpkg(args ...string) string {
	s.t.Helper()
	start := time.Now()
	out, status := s.m.RunErr("dpkg " + strings.Join(args, " ") + " 2>&1")
	s.t.Logf("%s: dpkg %s: %s", s.m.kind, shortArgs(args), time.Since(start).Round(100*time.Millisecond))
	require.Zero(s.t, status, "dpkg %s\n%s", strings.Join(args, " "), out)
	s.check("after dpkg " + shortArgs(args))
	return out
}

// dpkgFails runs dpkg with args and requires it to fail by an injected failure.
func (s *sequence) dpkgFails(args ...string) string {
	s.t.Helper()
	out, status := s.m.RunErr("dpkg " + strings.Join(args, " ") + " 2>&1")
	require.NotZero(s.t, status, "dpkg %s should fail\n%s", strings.Join(args, " "), out)
	require.Contains(s.t, out, debbuild.FailureMessage, "dpkg %s failed, but not by the injected failure", strings.Join(args, " "))
	return out
}

// shortArgs names the .debs in dpkg's arguments by their base names.
func shortArgs(args []string) string {
	var short []string
	for _, a := range args {
		if i := strings.LastIndex(a, "/"); i >= 0 && strings.HasSuffix(a, ".deb") {
			a = a[i+1:]
		}
		short = append(short, a)
	}
	return strings.Join(short, " ")
}

// install runs dpkg -i on the host .debs.
func (s *sequence) install(debs ...string) string {
	s.t.Helper()
	return s.dpkg(append([]string{"-i"}, s.in(debs...)...)...)
}

// purge purges pkgs; the invariant then also compares the machine's files with those before
// the first install.
func (s *sequence) purge(pkgs ...string) {
	s.t.Helper()
	s.dpkg(append([]string{"--purge"}, pkgs...)...)
}

// failAt makes the failure hook of pkg VERSION's script fail when run with action.
func (s *sequence) failAt(pkg, version, script, action string) {
	s.t.Helper()
	marker := debbuild.FailureMarker(pkg, version, script, action)
	s.run("mkdir -p /run/debbuild-fail && touch " + marker)
}

// heal removes every failure marker.
func (s *sequence) heal() {
	s.t.Helper()
	s.run("rm -rf /run/debbuild-fail")
}

// disable disables the daemon as an administrator of the machine's kind does: systemctl
// disable and stop on systemd (disable hands a System V script to update-rc.d; `disable --now`
// would not stop a unit the sysv generator made), update-rc.d disable and invoke-rc.d stop on
// sysvinit.
func (s *sequence) disable(name string) {
	s.t.Helper()
	if s.m.kind == bootvm.Systemd {
		s.run("systemctl disable " + name + ".service 2>&1 && systemctl stop " + name + ".service")
	} else {
		s.run("update-rc.d " + name + " disable >/dev/null && invoke-rc.d " + name + " stop")
	}
	s.disabled[name] = true
	s.check("after disabling " + name)
}

// state queries the machine.
func (s *sequence) state() *state {
	s.t.Helper()
	st, err := parseState(s.run(stateScript(s.pkgs, s.names)), s.pkgs, s.names)
	require.NoError(s.t, err)
	return st
}

// check asserts the invariant for every daemon and package under test: a daemon runs, once,
// exactly when an installed and configured version of its package ships its init script and
// the administrator did not disable it (on systemd: `systemctl is-active` says so too, and no
// unit failed); its rc links are those of the installed script's LSB header; every conffile of
// an installed version is on disk; once no package is left, the machine's files are those
// before the first install.
func (s *sequence) check(step string) *state {
	s.t.Helper()
	st := s.state()
	for _, name := range s.names {
		pkg := s.daemons[name]
		status := st.status[pkg]
		shipped := status != "not-installed" && st.ships(pkg, name)
		wantRunning := status == "installed" && shipped && !s.disabled[name]
		pids := st.pids[name]
		if wantRunning {
			assert.Len(s.t, pids, 1, "%s: %s %s (%s) ships %s: it must run, once", step, pkg, st.version[pkg], status, name)
			assert.Contains(s.t, pids, st.pidfile[name], "%s: /run/%s.pid names no running %s", step, name, name)
		} else {
			assert.Empty(s.t, pids, "%s: %s must not run (%s %s is %s, ships it: %v, disabled: %v)", step, name, pkg, st.version[pkg], status, shipped, s.disabled[name])
		}
		if st.systemd {
			want := map[bool]string{true: "active", false: "inactive"}[wantRunning]
			assert.Equal(s.t, want, st.active[name], "%s: systemctl is-active %s.service", step, name)
		}
		if status == "installed" || status == "config-files" || status == "not-installed" {
			var want []string
			if shipped {
				h := st.header[name]
				if assert.NotNil(s.t, h, "%s: /etc/init.d/%s has no LSB header", step, name) {
					want = headerLinks(h, s.disabled[name])
				}
			}
			assert.Equal(s.t, want, st.links[name], "%s: rc links of %s (%s %s is %s)", step, name, pkg, st.version[pkg], status)
		}
	}
	assert.Empty(s.t, st.failed, "%s: systemctl --failed", step)
	allGone := true
	for _, pkg := range s.pkgs {
		if st.status[pkg] != "not-installed" {
			allGone = false
		}
		if st.status[pkg] != "installed" {
			continue
		}
		for _, c := range st.conffiles[pkg] {
			if !c.obsolete {
				assert.NotContains(s.t, st.missing[pkg], c.path, "%s: conffile %s of %s %s", step, c.path, pkg, st.version[pkg])
			}
		}
	}
	if allGone {
		diff, _ := s.m.RunErr(snapshotScript + " >/var/tmp/booted-now; diff /var/tmp/booted-before /var/tmp/booted-now")
		assert.Empty(s.t, diff, "%s: the machine's files differ from before the first install", step)
	}
	return st
}

// noStopLinksAtShutdown asserts that the daemon has no link in rc0.d or rc6.d.
func (s *sequence) noStopLinksAtShutdown(name string) {
	s.t.Helper()
	for _, l := range s.state().links[name] {
		assert.NotRegexp(s.t, `^rc[06]\.d/`, l, "%s keeps a link for shutdown or reboot", name)
	}
}

// pid returns the daemon's pid from its pid file, 0 when there is none.
func (s *sequence) pid(name string) int {
	s.t.Helper()
	return s.state().pidfile[name]
}

// String names the sequence's machine.
func (s *sequence) String() string { return fmt.Sprintf("%s machine", s.m.kind) }
