//go:build integration

package lifecycle

import (
	"testing"

	"github.com/dh-teardown/dh-teardown/dh/internal/bench/trees"
)

// Scenarios that found bugs in the generated code; each names the code it holds to the
// invariant.

// The drop-in's --on-upgrade=reload postinst (templates/init.postinst.tmpl) must start a daemon
// that is not running rather than fail to reload it: after the administrator stopped it, and
// when the package is reinstalled from the config-files state (Policy passes the old version
// as $2 then).
func TestReloadPolicyStartsADaemonThatIsNotRunning(t *testing.T) {
	const policy = "reload"
	t.Run("stopped by the administrator", func(t *testing.T) {
		s, pkg := newPolicy(t, policy)
		s.r.MustRun(t, "invoke-rc.d "+pkg+" stop")
		s.install(policyDeb(t, "2.0", policy))
		s.purge(pkg)
	})
	t.Run("reinstalled after removal", func(t *testing.T) {
		s, pkg := newPolicy(t, policy)
		s.dpkg("--remove", pkg)
		s.install(policyDeb(t, "1.0", policy))
		s.purge(pkg)
	})
}

// The other policies already do (kept here so that a fix of reload is held to the same).
func TestOtherPoliciesStartADaemonThatIsNotRunning(t *testing.T) {
	for _, policy := range trees.Policies {
		if policy == "reload" {
			continue
		}
		t.Run(policy, func(t *testing.T) {
			s, pkg := newPolicy(t, policy)
			s.r.MustRun(t, "invoke-rc.d "+pkg+" stop")
			s.install(policyDeb(t, "2.0", policy))
			s.dpkg("--remove", pkg)
			s.install(policyDeb(t, "2.0", policy))
			s.purge(pkg)
		})
	}
}

// A downgrade from a version that declares a daemon multiuser to one from before
// Multiuser-Since: the old postinst's `update-rc.d NAME defaults` does nothing while links
// exist, so without help from the newer package's postrm (upgrade OLD) the daemon keeps no stop
// link in rc0.d and rc6.d although its header asks for them again.
func TestDowngradeBelowMultiuserSince(t *testing.T) {
	for _, from := range []string{"1.1", "2.0"} {
		t.Run(from+" to 1.0", func(t *testing.T) {
			s := newHello(t)
			s.install(helloDeb(t, from))
			s.install(helloDeb(t, "1.0"))
			s.purge("hello")
		})
	}
}
