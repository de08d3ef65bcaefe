//go:build integration

package lifecycle

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/bench/trees"
	"github.com/dh-teardown/dh-teardown/dh/internal/debbuild"
)

// The upgrade policies of the drop-in dh_installinit (--on-upgrade), one package each in the
// generated source lcpol (dh/internal/bench/trees.PolicySource), built at 1.0 and 2.0.

// policyDeb builds lcpol VERSION once per test binary and returns the .deb of the policy's
// package.
func policyDeb(t *testing.T, version, policy string) string {
	t.Helper()
	var pkgs []string
	for _, p := range trees.Policies {
		pkgs = append(pkgs, trees.PolicyPackage(p))
	}
	debs := buildSource(t, "lcpol "+version, func(dir string) error {
		if err := trees.Write(dir, trees.PolicySource(version)); err != nil {
			return err
		}
		return debbuild.AddFailureHooks(dir, version, pkgs...)
	})
	deb, ok := debs[trees.PolicyPackage(policy)]
	require.True(t, ok, "lcpol %s built no %s", version, trees.PolicyPackage(policy))
	return deb
}

// newPolicy opens a scenario for the policy's package with version 1.0 installed.
func newPolicy(t *testing.T, policy string) (*scenario, string) {
	t.Parallel()
	pkg := trees.PolicyPackage(policy)
	s := newScenario(t, map[string]string{pkg: pkg})
	s.install(policyDeb(t, "1.0", policy))
	return s, pkg
}

// daemonLog returns the test daemon's log: "start PID" and "reload PID" lines.
func (s *scenario) daemonLog(name string) string {
	s.t.Helper()
	data, err := s.r.ReadFile("/run/" + name + ".log")
	require.NoError(s.t, err)
	return string(data)
}

func TestUpgradePolicies(t *testing.T) {
	for _, policy := range trees.Policies {
		t.Run(policy, func(t *testing.T) {
			s, pkg := newPolicy(t, policy)
			old := s.pid(pkg)

			out, err := s.r.Dpkg("--unpack", s.in(policyDeb(t, "2.0", policy))[0])
			require.NoError(t, err, out)
			if policy == "stop-then-start" {
				assert.Empty(t, s.r.Pids(pkg), "stopped before the new version is unpacked")
			} else {
				assert.Equal(t, old, s.pid(pkg), "still running, unchanged, while the new version waits to be configured")
				assert.Len(t, s.r.Pids(pkg), 1)
			}

			s.dpkg("--configure", "-a")
			switch policy {
			case "restart", "stop-then-start":
				assert.NotEqual(t, old, s.pid(pkg), "a new process")
			case "none":
				assert.Equal(t, old, s.pid(pkg), "the same process")
				assert.Equal(t, fmt.Sprintf("start %d\n", old), s.daemonLog(pkg))
			case "reload":
				assert.Equal(t, old, s.pid(pkg), "the same process")
				assert.Eventually(t, func() bool {
					return s.daemonLog(pkg) == fmt.Sprintf("start %d\nreload %d\n", old, old)
				}, 5*time.Second, 10*time.Millisecond, "reloaded once")
			}
			s.purge(pkg)
		})
	}
}

func TestUpgradePoliciesWhenTheNewPreinstFails(t *testing.T) {
	upgradeFailsAndUnwinds(t, "after the failed preinst of 2.0", hook{"2.0", "preinst", "upgrade"})
}

func TestUpgradePoliciesWhenTheOldPostrmFails(t *testing.T) {
	upgradeFailsAndUnwinds(t, "after the failed postrm upgrade of 1.0",
		hook{"1.0", "postrm", "upgrade"}, hook{"2.0", "postrm", "failed-upgrade"})
}

// upgradeFailsAndUnwinds makes, for every policy, the upgrade from 1.0 to 2.0 fail at the
// hooks: dpkg unwinds to 1.0 and the invariant holds (step names the check); healed, the
// upgrade completes and the package purges.
func upgradeFailsAndUnwinds(t *testing.T, step string, fails ...hook) {
	for _, policy := range trees.Policies {
		t.Run(policy, func(t *testing.T) {
			s, pkg := newPolicy(t, policy)
			s.failedUpgrade(pkg, "1.0", policyDeb(t, "2.0", policy), step, fails...)
			s.heal()
			s.install(policyDeb(t, "2.0", policy))
			s.purge(pkg)
		})
	}
}

func TestUpgradePoliciesWhenConfigureFailsAndIsRerun(t *testing.T) {
	for _, policy := range trees.Policies {
		t.Run(policy, func(t *testing.T) {
			s, pkg := newPolicy(t, policy)
			s.failAt(pkg, "2.0", "postinst", "configure")
			s.dpkgFails("-i", s.in(policyDeb(t, "2.0", policy))[0])
			assert.Equal(t, "half-configured", s.status(pkg))
			s.heal()
			s.dpkg("--configure", "-a")
			s.purge(pkg)
		})
	}
}
