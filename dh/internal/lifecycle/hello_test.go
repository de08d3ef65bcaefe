//go:build integration

package lifecycle

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// helloDaemons are the init scripts the releases of examples/hello ship: hellod in all,
// hello-legacyd in 1.0 and 1.1 (Removed-In: 2.0).
var helloDaemons = map[string]string{"hellod": "hello", "hello-legacyd": "hello"}

// helloInfo is the info document hello 1.x ships in /usr/share/info (registered by
// install-info's trigger, Removed-In: 2.0).
const helloInfo = "/usr/share/info/hello-old.info.gz"

// newHello opens a scenario for the hello example.
func newHello(t *testing.T) *scenario {
	t.Parallel()
	s := newScenario(t, helloDaemons)
	s.infos[helloInfo] = "hello"
	return s
}

// purge removes and purges hello and checks that nothing is left (the invariant checks the
// snapshot once hello is gone).
func (s *scenario) purge(pkg string) {
	s.t.Helper()
	s.dpkg("--purge", pkg)
	require.Equal(s.t, "not-installed", s.status(pkg))
}

// noStopLinksAtShutdown asserts that daemon has no link in rc0.d or rc6.d.
func (s *scenario) noStopLinksAtShutdown(name string) {
	s.t.Helper()
	for _, l := range s.r.RCLinks(name) {
		assert.NotRegexp(s.t, `^rc[06]\.d/`, l, "%s keeps a link for shutdown or reboot", name)
	}
}

// legacyGone asserts that hello-legacyd's conffiles and links are gone.
func (s *scenario) legacyGone() {
	s.t.Helper()
	assert.NoFileExists(s.t, s.r.Path("/etc/init.d/hello-legacyd"))
	assert.NoFileExists(s.t, s.r.Path("/etc/default/hello-legacyd"))
	assert.Empty(s.t, s.r.RCLinks("hello-legacyd"))
	assert.Empty(s.t, s.r.Pids("hello-legacyd"))
}

func TestFreshInstallRemoveReinstallPurge(t *testing.T) {
	for _, v := range []string{"1.0", "1.1", "2.0"} {
		t.Run(v, func(t *testing.T) {
			s := newHello(t)
			deb := helloDeb(t, v)
			s.install(deb)
			assert.Equal(t, v, s.version("hello"))
			if v != "1.0" {
				s.noStopLinksAtShutdown("hellod")
				assert.Equal(t, []string{"rc1.d/K", "rc2.d/S", "rc3.d/S", "rc4.d/S", "rc5.d/S"}, linkKinds(s.r.RCLinks("hellod")))
			}
			first := s.pid("hellod")

			s.dpkg("--remove", "hello")
			assert.Equal(t, "config-files", s.status("hello"))
			s.install(deb)
			assert.NotEqual(t, first, s.pid("hellod"), "reinstall after remove starts the daemon again")
			s.dpkg("--remove", "hello")
			s.purge("hello")
		})
	}
}

func TestUpgradeAcrossMultiuserDropsShutdownLinks(t *testing.T) {
	for _, to := range []string{"1.1", "2.0"} {
		t.Run("1.0 to "+to, func(t *testing.T) {
			s := newHello(t)
			s.install(helloDeb(t, "1.0"))
			assert.Contains(t, linkKinds(s.r.RCLinks("hellod")), "rc0.d/K")
			assert.Contains(t, linkKinds(s.r.RCLinks("hellod")), "rc6.d/K")
			old := s.pid("hellod")

			s.install(helloDeb(t, to))
			s.noStopLinksAtShutdown("hellod")
			assert.NotEqual(t, old, s.pid("hellod"), "the upgrade restarts hellod")
			s.purge("hello")
		})
	}
}

func TestUpgradeAcrossMultiuserKeepsAdminDisabledDaemonDisabled(t *testing.T) {
	for _, to := range []string{"1.1", "2.0"} {
		t.Run("1.0 to "+to, func(t *testing.T) {
			s := newHello(t)
			s.install(helloDeb(t, "1.0"))
			s.disable("hellod")
			s.install(helloDeb(t, to))
			s.noStopLinksAtShutdown("hellod")
			assert.Empty(t, s.r.Pids("hellod"), "a disabled daemon stays stopped")
			s.purge("hello")
		})
	}
}

func TestUpgradeAcrossRemovedIn(t *testing.T) {
	for _, c := range []struct {
		name, from  string
		configFiles bool // remove the old version first: upgrade from the config-files state
	}{
		{"from just below", "1.1", false},
		{"from far below", "1.0", false},
		{"from the config-files state of 1.1", "1.1", true},
		{"from the config-files state of 1.0", "1.0", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newHello(t)
			s.install(helloDeb(t, c.from))
			if c.configFiles {
				s.dpkg("--remove", "hello")
			}
			s.install(helloDeb(t, "2.0"))
			s.legacyGone()
			s.noStopLinksAtShutdown("hellod")
			s.purge("hello")
		})
	}
}

func TestUpgradeAcrossRemovedInKeepsModifiedConffileUntilPurge(t *testing.T) {
	s := newHello(t)
	s.install(helloDeb(t, "1.0"))
	s.r.MustRun(t, "echo '# changed by the administrator' >>/etc/default/hello-legacyd")
	s.install(helloDeb(t, "2.0"))
	s.legacyGone()
	kept, err := s.r.ReadFile("/etc/default/hello-legacyd.dpkg-bak")
	require.NoError(t, err, "the modified conffile is kept as .dpkg-bak")
	assert.Contains(t, string(kept), "# changed by the administrator")
	s.purge("hello")
}

func TestDowngrade(t *testing.T) {
	for _, to := range []string{"1.1"} {
		t.Run("2.0 to "+to, func(t *testing.T) {
			s := newHello(t)
			s.install(helloDeb(t, "2.0"))
			s.install(helloDeb(t, to))
			assert.Equal(t, to, s.version("hello"))
			assert.Len(t, s.r.Pids("hello-legacyd"), 1, "the downgrade brings hello-legacyd back")
			s.purge("hello")
		})
	}
}
