//go:build integration

package booted

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/bench/trees"
	"github.com/dh-teardown/dh-teardown/dh/internal/bootvm"
)

// The life-cycle scenarios of dh/internal/lifecycle, on booted machines: the same packages
// (examples/hello 1.0, 1.1, 2.0; lcpol 1.0, 2.0 for the upgrade policies), the same
// invariant, but a real PID 1 — on systemd invoke-rc.d hands every action to systemctl and
// the daemon's state is read from systemd; on sysvinit insserv orders the links. All
// scenarios of a kind run one after the other on one machine (a boot costs more than a
// sequence under software emulation); each leaves the machine as it found it.

// helloDaemons are the init scripts the releases of examples/hello ship: hellod in all,
// hello-legacyd in 1.0 and 1.1 (Removed-In: 2.0).
var helloDaemons = map[string]string{"hellod": "hello", "hello-legacyd": "hello"}

// lifecycleScenarios are run in this order on each kind of machine.
var lifecycleScenarios = []struct {
	name string
	run  func(t *testing.T, m *machine)
}{
	{"install remove reinstall purge 1.0", func(t *testing.T, m *machine) {
		s := newSequence(t, m, helloDaemons)
		s.install(hello(t, "1.0"))
		first := s.pid("hellod")
		s.dpkg("--remove", "hello")
		s.install(hello(t, "1.0"))
		assert.NotEqual(t, first, s.pid("hellod"), "reinstall after remove starts the daemon again")
		s.dpkg("--remove", "hello")
		s.purge("hello")
	}},
	{"install 2.0 purge", func(t *testing.T, m *machine) {
		s := newSequence(t, m, helloDaemons)
		s.install(hello(t, "2.0"))
		assert.Equal(t, []string{"rc1.d/K", "rc2.d/S", "rc3.d/S", "rc4.d/S", "rc5.d/S"}, s.state().links["hellod"])
		s.purge("hello")
	}},
	{"upgrade 1.0 to 1.1 (multiuser) to 2.0 (removed in)", func(t *testing.T, m *machine) {
		s := newSequence(t, m, helloDaemons)
		s.install(hello(t, "1.0"))
		links := s.state().links["hellod"]
		assert.Contains(t, links, "rc0.d/K")
		assert.Contains(t, links, "rc6.d/K")
		old := s.pid("hellod")
		s.install(hello(t, "1.1"))
		s.noStopLinksAtShutdown("hellod")
		assert.NotEqual(t, old, s.pid("hellod"), "the upgrade restarts hellod")
		s.install(hello(t, "2.0"))
		s.legacyGone()
		s.purge("hello")
	}},
	{"upgrade 1.0 to 2.0 keeps a disabled daemon disabled", func(t *testing.T, m *machine) {
		s := newSequence(t, m, helloDaemons)
		s.install(hello(t, "1.0"))
		s.disable("hellod")
		s.install(hello(t, "2.0"))
		s.noStopLinksAtShutdown("hellod")
		s.legacyGone()
		s.purge("hello")
	}},
	{"upgrade from the config-files state of 1.1 to 2.0", func(t *testing.T, m *machine) {
		s := newSequence(t, m, helloDaemons)
		s.install(hello(t, "1.1"))
		s.dpkg("--remove", "hello")
		s.install(hello(t, "2.0"))
		s.legacyGone()
		s.purge("hello")
	}},
	{"failed preinst of 2.0 is unwound", func(t *testing.T, m *machine) {
		s := newSequence(t, m, helloDaemons)
		s.install(hello(t, "1.1"))
		legacy := s.pid("hello-legacyd")
		// 2.0's preinst stops hello-legacyd, then fails: 2.0's postrm abort-upgrade starts it
		// again and 1.1's postinst abort-upgrade runs.
		s.failAt("hello", "2.0", "preinst", "upgrade")
		s.dpkgFails("-i", s.in(hello(t, "2.0"))[0])
		st := s.check("after the failed preinst of 2.0")
		assert.Equal(t, "1.1", st.version["hello"])
		assert.NotEqual(t, legacy, st.pidfile["hello-legacyd"], "hello-legacyd was stopped and started again")
		s.heal()
		s.install(hello(t, "2.0"))
		s.legacyGone()
		s.purge("hello")
	}},
	{"failed postrm upgrade of 1.0 is unwound", func(t *testing.T, m *machine) {
		s := newSequence(t, m, helloDaemons)
		s.install(hello(t, "1.0"))
		// The new files are unpacked when 1.0's postrm upgrade and 2.0's postrm failed-upgrade
		// fail: dpkg puts 1.0 back and runs 2.0's postrm abort-upgrade.
		s.failAt("hello", "1.0", "postrm", "upgrade")
		s.failAt("hello", "2.0", "postrm", "failed-upgrade")
		s.dpkgFails("-i", s.in(hello(t, "2.0"))[0])
		st := s.check("after the failed postrm upgrade of 1.0")
		assert.Equal(t, "1.0", st.version["hello"])
		s.heal()
		s.install(hello(t, "2.0"))
		s.legacyGone()
		s.purge("hello")
	}},
	{"downgrade 2.0 to 1.1", func(t *testing.T, m *machine) {
		s := newSequence(t, m, helloDaemons)
		s.install(hello(t, "2.0"))
		st := s.stateAfterInstall(hello(t, "1.1"))
		assert.Equal(t, "1.1", st.version["hello"])
		assert.Len(t, st.pids["hello-legacyd"], 1, "the downgrade brings hello-legacyd back")
		s.purge("hello")
	}},
	{"upgrade policies", func(t *testing.T, m *machine) {
		daemons := map[string]string{}
		var old, new []string
		for _, p := range trees.Policies {
			daemons[trees.PolicyPackage(p)] = trees.PolicyPackage(p)
			old = append(old, policyDeb(t, "1.0", p))
			new = append(new, policyDeb(t, "2.0", p))
		}
		s := newSequence(t, m, daemons)
		s.install(old...)
		before := s.state()
		out, status := s.m.RunErr("dpkg --unpack " + strings.Join(s.in(new...), " ") + " 2>&1")
		require.Zero(t, status, out)
		unpacked := s.state()
		for _, p := range trees.Policies {
			pkg := trees.PolicyPackage(p)
			if p == "stop-then-start" {
				assert.Empty(t, unpacked.pids[pkg], "%s: stopped before the new version is unpacked", pkg)
			} else {
				assert.Equal(t, []int{before.pidfile[pkg]}, unpacked.pids[pkg], "%s: still running, unchanged, while 2.0 waits to be configured", pkg)
			}
		}
		s.dpkg("--configure", "-a")
		after := s.state()
		for _, p := range trees.Policies {
			pkg := trees.PolicyPackage(p)
			switch p {
			case "restart", "stop-then-start":
				assert.NotEqual(t, before.pidfile[pkg], after.pidfile[pkg], "%s: a new process", pkg)
			case "none":
				assert.Equal(t, before.pidfile[pkg], after.pidfile[pkg], "%s: the same process", pkg)
			case "reload":
				assert.Equal(t, before.pidfile[pkg], after.pidfile[pkg], "%s: the same process", pkg)
				want := fmt.Sprintf("start %d\nreload %d\n", before.pidfile[pkg], before.pidfile[pkg])
				assert.Eventually(t, func() bool {
					out, _ := s.m.RunErr("cat /run/" + pkg + ".log")
					return out == want
				}, time.Minute, time.Second, "%s: reloaded once", pkg)
			}
		}
		var pkgs []string
		for _, p := range trees.Policies {
			pkgs = append(pkgs, trees.PolicyPackage(p))
		}
		s.purge(pkgs...)
	}},
}

// legacyGone asserts that hello-legacyd's files and links are gone.
func (s *sequence) legacyGone() {
	s.t.Helper()
	out, _ := s.m.RunErr("ls -d /etc/init.d/hello-legacyd* /etc/default/hello-legacyd* /etc/rc?.d/*hello-legacyd 2>/dev/null; pgrep -x hello-legacyd")
	assert.Empty(s.t, out, "hello-legacyd's files, links or process are left")
	if s.m.kind == bootvm.Systemd {
		out, _ := s.m.RunErr("systemctl list-unit-files --no-legend hello-legacyd.service; ls /run/systemd/generator.late/*hello-legacyd* 2>/dev/null")
		assert.Empty(s.t, out, "systemd still knows hello-legacyd")
	}
}

// stateAfterInstall installs the .debs and returns the state the invariant was checked on.
func (s *sequence) stateAfterInstall(debs ...string) *state {
	s.t.Helper()
	s.install(debs...)
	return s.state()
}

// TestLifecycle runs the life-cycle scenarios on the shared systemd machine and on the shared
// sysvinit machine, in parallel.
func TestLifecycle(t *testing.T) {
	for _, kind := range []bootvm.Kind{bootvm.Systemd, bootvm.Sysvinit} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			m := bootMachine(t, kind)
			for _, sc := range lifecycleScenarios {
				t.Run(sc.name, func(t *testing.T) {
					start := time.Now()
					sc.run(t, m)
					t.Logf("%s: %s", kind, time.Since(start).Round(time.Second))
				})
			}
		})
	}
}
