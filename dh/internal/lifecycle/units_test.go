//go:build integration

package lifecycle

import (
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
)

// The units half of issue 10 under real dpkg, with examples/greeter: 1.0 ships greeterd (with
// a socket), greeter-oldd and greeter-movedd, each with a unit and an init script, packaged
// with plain debhelper; 2.0 declares greeterd removed (Units: greeterd.socket), greeter-oldd
// replaced by greeter-newd, greeter-movedd removed — greeter-extra 2.0 ships it now. The root
// does not run systemd, so the daemons run through their init scripts; dh_installsystemd's code
// still enables the units with deb-systemd-helper (links under /etc/systemd/system and its state
// under /var/lib/systemd), which is what 2.0 must clean up.

// greeterDaemons are the init scripts whose life the invariant checks; greeter-movedd changes
// package and is checked by the tests themselves.
var greeterDaemons = map[string]string{"greeterd": "greeter", "greeter-oldd": "greeter", "greeter-newd": "greeter"}

// greeterUnits are every unit the greeter packages ever shipped.
var greeterUnits = []string{"greeterd.service", "greeterd.socket", "greeter-oldd.service", "greeter-newd.service", "greeter-movedd.service"}

func greeterDebs(t *testing.T, version string) (greeter, extra string) {
	t.Helper()
	pkgs := []string{"greeter"}
	if version == "2.0" {
		pkgs = append(pkgs, "greeter-extra")
	}
	greeter = treeDeb(t, "examples/greeter/"+version, version, pkgs...)
	if version == "2.0" {
		extra = filepath.Join(filepath.Dir(greeter), "greeter-extra_2.0_all.deb")
	}
	return greeter, extra
}

func newGreeter(t *testing.T) *scenario {
	t.Parallel()
	return newScenario(t, greeterDaemons)
}

// unitState returns what is left of a unit: links under /etc/systemd/system named after it and
// deb-systemd-helper's state files for it.
func (s *scenario) unitState(unit string) string {
	s.t.Helper()
	out, _, err := s.r.Run("find /etc/systemd/system /var/lib/systemd \\( -name " + unit + " -o -name " + unit + ".dsh-also \\) 2>/dev/null | sort")
	require.NoError(s.t, err)
	return out
}

// removedGone asserts that nothing of greeterd, its socket and greeter-oldd is left.
func (s *scenario) removedGone() {
	s.t.Helper()
	for _, u := range []string{"greeterd.service", "greeterd.socket", "greeter-oldd.service"} {
		assert.Empty(s.t, s.unitState(u), "%s: links or deb-systemd-helper state left", u)
	}
	for _, d := range []string{"greeterd", "greeter-oldd"} {
		assert.NoFileExists(s.t, s.r.Path("/etc/init.d/"+d))
	}
	out, _, err := s.r.Run("find /run/dh-teardown -mindepth 1 2>/dev/null")
	require.NoError(s.t, err)
	assert.Empty(s.t, out, "records of what the preinst stopped are left")
}

func (s *scenario) upgradeGreeter() {
	s.t.Helper()
	v2, extra := greeterDebs(s.t, "2.0")
	s.install(v2, extra)
	assert.Equal(s.t, "2.0", s.version("greeter"))
	assert.Equal(s.t, "2.0", s.version("greeter-extra"))
}

func (s *scenario) purgeGreeter() {
	s.t.Helper()
	s.purge("greeter-extra")
	s.purge("greeter")
	for _, u := range greeterUnits {
		assert.Empty(s.t, s.unitState(u), "%s: links or deb-systemd-helper state left after purge", u)
	}
}

func TestGreeterUpgradeRemovesUnits(t *testing.T) {
	s := newGreeter(t)
	v1, _ := greeterDebs(t, "1.0")
	s.install(v1)
	require.NotEmpty(t, s.unitState("greeterd.socket"), "1.0 enabled its socket")
	require.Len(t, s.r.Pids("greeter-movedd"), 1)

	s.upgradeGreeter()
	s.removedGone()
	assert.Len(t, s.r.Pids("greeter-movedd"), 1, "greeter-movedd moved to greeter-extra and runs")
	assert.Contains(t, s.unitState("greeter-movedd.service"), "multi-user.target.wants/greeter-movedd.service", "its enablement is kept")
	assert.Contains(t, s.unitState("greeter-newd.service"), "multi-user.target.wants/greeter-newd.service", "greeter-newd is enabled")
	s.purgeGreeter()
}

func TestGreeterUpgradeFromConfigFiles(t *testing.T) {
	s := newGreeter(t)
	v1, _ := greeterDebs(t, "1.0")
	s.install(v1)
	s.dpkg("--remove", "greeter")
	// What the postrm remove of packages built with debhelper before 13.10 also did (this
	// debhelper's does not): mask the units, as deb-systemd-helper's own masks, not the
	// administrator's.
	s.r.MustRun(t, "DPKG_MAINTSCRIPT_PACKAGE=greeter deb-systemd-helper mask greeterd.service greeterd.socket greeter-oldd.service greeter-movedd.service")
	s.upgradeGreeter()
	s.removedGone()
	// greeter-oldd was enabled: so is greeter-newd.
	assert.Contains(t, s.unitState("greeter-newd.service"), "multi-user.target.wants/greeter-newd.service", "greeter-newd is enabled")
	s.purgeGreeter()
}

// TestGreeterReconfigureKeepsDisabledReplacementDisabled: the 2.0 postinst fails after its code
// ran (records gone, greeter-newd's K links made); configuring again must leave greeter-newd
// disabled and stopped, with insserv as on a sysvinit machine.
func TestGreeterReconfigureKeepsDisabledReplacementDisabled(t *testing.T) {
	s := newGreeterWithInsserv(t)
	v1, _ := greeterDebs(t, "1.0")
	s.install(v1)
	s.disable("greeter-oldd")
	s.disabled["greeter-newd"] = true
	s.failAt("greeter", "2.0", "postinst", "configure")
	v2, extra := greeterDebs(t, "2.0")
	s.dpkgFails(append([]string{"-i"}, s.in(v2, extra)...)...)
	s.heal()
	s.dpkg("--configure", "-a")
	assert.Equal(t, "installed", s.status("greeter"))
	s.removedGone()
	assert.Empty(t, s.r.Pids("greeter-newd"))
	assert.NotContains(t, s.unitState("greeter-newd.service"), "multi-user.target.wants", "greeter-newd is not enabled for systemd either")
	s.purgeGreeter()
}

func TestGreeterUpgradeKeepsMaskedReplacementDisabled(t *testing.T) {
	s := newGreeter(t)
	v1, _ := greeterDebs(t, "1.0")
	s.install(v1)
	mask := "/etc/systemd/system/greeter-oldd.service"
	s.r.MustRun(t, "ln -s /dev/null "+mask) // systemctl mask greeter-oldd.service, without systemd running
	s.upgradeGreeter()
	assert.NotContains(t, s.unitState("greeter-newd.service"), "multi-user.target.wants", "greeter-newd is not enabled for systemd")
	assert.Empty(t, s.r.MustRun(t, "ls /etc/systemd/system/greeter-newd.service 2>/dev/null || true"), "greeter-newd is not masked")
	target, _, err := s.r.Run("readlink " + mask)
	require.NoError(t, err, "the administrator's mask of greeter-oldd.service is left as it is")
	assert.Equal(t, "/dev/null\n", target)
	s.r.MustRun(t, "rm "+mask) // the administrator's file: theirs to remove
	s.removedGone()
	s.purgeGreeter()
}

func TestGreeterUpgradeKeepsDisabledReplacementDisabled(t *testing.T) {
	s := newGreeter(t)
	v1, _ := greeterDebs(t, "1.0")
	s.install(v1)
	s.disable("greeter-oldd")
	s.disabled["greeter-newd"] = true // inherited: the invariant then wants it stopped with K links
	s.upgradeGreeter()
	s.removedGone()
	assert.Empty(t, s.r.Pids("greeter-newd"))
	assert.NotContains(t, s.unitState("greeter-newd.service"), "multi-user.target.wants", "greeter-newd is not enabled for systemd either")
	s.purgeGreeter()
}

// insservDownload serialises insservDeb: the greeter tests run in parallel and share the cache.
var insservDownload sync.Mutex

// insservDeb returns the host distribution's insserv package, downloaded once into the test
// cache with the host's apt. A fresh machine may have no package lists yet (make deps updates
// them only when it installs something): then they are updated once and the download retried.
func insservDeb(t *testing.T) string {
	t.Helper()
	testenv.RequireCommand(t, "apt-get")
	insservDownload.Lock()
	defer insservDownload.Unlock()
	dir := testenv.CacheDir(t, "insserv")
	debs, _ := filepath.Glob(filepath.Join(dir, "insserv_*.deb"))
	if len(debs) == 0 {
		download := func() ([]byte, error) {
			cmd := exec.Command("apt-get", "-q", "download", "insserv")
			cmd.Dir = dir
			return cmd.CombinedOutput()
		}
		out, err := download()
		if err != nil {
			update, uerr := exec.Command("apt-get", "-q", "update").CombinedOutput()
			require.NoError(t, uerr, "apt-get download insserv failed:\n%s\napt-get update:\n%s", out, update)
			out, err = download()
		}
		require.NoError(t, err, "apt-get download insserv:\n%s", out)
		debs, _ = filepath.Glob(filepath.Join(dir, "insserv_*.deb"))
	}
	require.Len(t, debs, 1, "insserv in %s", dir)
	return debs[0]
}

// newGreeterWithInsserv is newGreeter with insserv installed in the root, so that update-rc.d
// hands the links to insserv as on a sysvinit machine.
func newGreeterWithInsserv(t *testing.T) *scenario {
	s := newGreeter(t)
	out, err := s.r.Dpkg("-i", s.in(insservDeb(t))[0])
	require.NoError(t, err, "dpkg -i insserv:\n%s", out)
	// insserv's first run resequences the host's links; the root as it is after that run is
	// what purging greeter must come back to.
	s.r.MustRun(t, "update-rc.d greeter-none remove >/dev/null")
	before, err := s.r.Snapshot()
	require.NoError(t, err)
	s.before = before
	return s
}

// TestGreeterUpgradeKeepsDisabledReplacementDisabledWithInsserv is the same with insserv
// installed, as on a sysvinit machine: update-rc.d then runs insserv, which deletes the links
// of every init script that is gone — greeter-oldd's too, from the first update-rc.d call of
// the upgrade's postinst on (its init script is moved away in the preinst) — and makes
// greeter-newd's start links from its header unless it already has links.
func TestGreeterUpgradeKeepsDisabledReplacementDisabledWithInsserv(t *testing.T) {
	s := newGreeterWithInsserv(t)
	v1, _ := greeterDebs(t, "1.0")
	s.install(v1)
	s.disable("greeter-oldd")
	s.disabled["greeter-newd"] = true
	s.upgradeGreeter()
	s.removedGone()
	assert.Empty(t, s.r.Pids("greeter-newd"))
	s.purgeGreeter()
}

func TestGreeterFailedUpgradeStartsWhatWasStopped(t *testing.T) {
	for _, c := range []struct{ name, pkg, version, script, action string }{
		{"new preinst", "greeter", "2.0", "preinst", "upgrade"},
		{"old postrm upgrade and new postrm failed-upgrade", "greeter", "1.0", "postrm", "upgrade"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newGreeter(t)
			v1, _ := greeterDebs(t, "1.0")
			s.install(v1)
			s.failAt(c.pkg, c.version, c.script, c.action)
			if c.script == "postrm" {
				s.failAt("greeter", "2.0", "postrm", "failed-upgrade")
			}
			v2, _ := greeterDebs(t, "2.0")
			s.dpkgFails(append([]string{"-i"}, s.in(v2)...)...)
			s.heal()
			s.check("after the failed upgrade")
			assert.Equal(t, "1.0", s.version("greeter"))
			assert.Len(t, s.r.Pids("greeter-movedd"), 1)
			assert.NotEmpty(t, s.unitState("greeterd.socket"), "the socket is still enabled")
			out, _, err := s.r.Run("find /run/dh-teardown -mindepth 1 2>/dev/null")
			require.NoError(t, err)
			assert.Empty(t, out, "records are consumed by the abort")
			s.upgradeGreeter()
			s.removedGone()
			s.purgeGreeter()
		})
	}
}
