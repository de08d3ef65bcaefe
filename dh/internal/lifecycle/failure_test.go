//go:build integration

package lifecycle

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The upgrades from 1.x to 2.0 cross both the version that declares hellod multiuser (1.1,
// for upgrades from 1.0) and the one that removes hello-legacyd and hello-old (2.0). Each
// test injects a failure at one step of Policy's upgrade sequence (docs/design.md §2) and checks that
// dpkg's unwinding, with the generated code, leaves the invariant true; then the upgrade is
// retried and the package purged.

// upgradeFroms are the versions the failure tests upgrade from.
var upgradeFroms = []string{"1.0", "1.1"}

func TestNewPreinstFailsAfterStoppingTheRemovedDaemon(t *testing.T) {
	for _, from := range upgradeFroms {
		t.Run(from, func(t *testing.T) {
			s := newHello(t)
			s.install(helloDeb(t, from))
			legacy := s.pid("hello-legacyd")

			// 2.0's preinst stops hello-legacyd and moves its conffiles aside, then fails:
			// dpkg runs 2.0's postrm abort-upgrade (conffiles back, daemon started) and
			// 1.x's postinst abort-upgrade.
			s.failedUpgrade("hello", from, helloDeb(t, "2.0"), "after the failed preinst of 2.0", hook{"2.0", "preinst", "upgrade"})
			assert.NotEqual(t, legacy, s.pid("hello-legacyd"), "hello-legacyd was stopped and started again")
			assert.FileExists(t, s.r.Path("/etc/default/hello-legacyd"))
			s.noDpkgLeftovers("/etc/init.d/hello-legacyd", "/etc/default/hello-legacyd")

			s.heal()
			s.install(helloDeb(t, "2.0"))
			s.legacyGone()
			s.purge("hello")
		})
	}
}

func TestOldPrermUpgradeFails(t *testing.T) {
	// Alone: dpkg falls back to 2.0's prerm failed-upgrade, which succeeds: the upgrade goes
	// on. With the fallback: dpkg runs 1.x's postinst abort-upgrade; 2.0's scripts never ran.
	oldScriptUpgradeFails(t, "prerm")
}

func TestOldPostrmUpgradeFails(t *testing.T) {
	// Alone: dpkg falls back to 2.0's postrm failed-upgrade, which succeeds. With the
	// fallback: the new files are unpacked when both fail; dpkg runs 1.x's preinst
	// abort-upgrade, puts the old files back, runs 2.0's postrm abort-upgrade (conffiles
	// back, hello-legacyd started) and 1.x's postinst abort-upgrade.
	oldScriptUpgradeFails(t, "postrm")
}

// oldScriptUpgradeFails makes 1.x's script (prerm or postrm) fail when called with upgrade,
// alone and then together with 2.0's fallback (the same script with failed-upgrade). Alone,
// the upgrade to 2.0 goes on; with the fallback, 1.x stays installed and running, with
// nothing set aside left over. Either way a later upgrade completes it.
func oldScriptUpgradeFails(t *testing.T, script string) {
	for _, from := range upgradeFroms {
		t.Run(from+" alone", func(t *testing.T) {
			s := newHello(t)
			s.install(helloDeb(t, from))
			s.failAt("hello", from, script, "upgrade")
			s.install(helloDeb(t, "2.0"))
			assert.Equal(t, "2.0", s.version("hello"))
			s.legacyGone()
			s.purge("hello")
		})
		t.Run(from+" and the fallback", func(t *testing.T) {
			s := newHello(t)
			s.install(helloDeb(t, from))
			s.failedUpgrade("hello", from, helloDeb(t, "2.0"), "after the failed "+script+" upgrade of "+from,
				hook{from, script, "upgrade"}, hook{"2.0", script, "failed-upgrade"})
			s.noDpkgLeftovers("/etc/init.d/hello-legacyd", "/etc/default/hello-legacyd", "/etc/init.d/hellod")
			s.heal()
			s.install(helloDeb(t, "2.0"))
			s.legacyGone()
			s.purge("hello")
		})
	}
}

func TestPostinstConfigureFailsAndIsRerun(t *testing.T) {
	for _, from := range upgradeFroms {
		t.Run(from, func(t *testing.T) {
			s := newHello(t)
			s.install(helloDeb(t, from))
			// The hook fails after all generated code ran; dpkg unwinds nothing. The rerun
			// runs every block a second time with the same arguments.
			s.failAt("hello", "2.0", "postinst", "configure")
			s.dpkgFails("-i", s.in(helloDeb(t, "2.0"))[0])
			assert.Equal(t, "half-configured", s.status("hello"))
			assert.Empty(t, s.r.Pids("hello-legacyd"))

			s.heal()
			s.dpkg("--configure", "-a")
			assert.Equal(t, "installed", s.status("hello"))
			s.legacyGone()
			s.noStopLinksAtShutdown("hellod")
			s.purge("hello")
		})
	}
}

// noDpkgLeftovers asserts that none of the conffiles has a copy that dpkg or
// dpkg-maintscript-helper set aside (.dpkg-remove, .dpkg-backup, .dpkg-new, …) and then forgot.
func (s *scenario) noDpkgLeftovers(conffiles ...string) {
	s.t.Helper()
	for _, c := range conffiles {
		out, _, err := s.r.Run("ls -d " + c + ".dpkg-* 2>/dev/null || true")
		require.NoError(s.t, err)
		assert.Empty(s.t, out, "copies of %s left behind", c)
	}
}
