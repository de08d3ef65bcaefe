//go:build integration

package dhteardown

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/maintscript/simulate"
)

// The systemd half of the behaviour tests, with examples/greeter: 1.0 (plain debhelper:
// dh_installinit and dh_installsystemd for greeterd with its socket, greeter-oldd and
// greeter-movedd) and 2.0 (greeterd removed with Units: greeterd.socket, greeter-oldd
// Replaced-By greeter-newd, greeter-movedd moved to greeter-extra). Both are assembled by the
// real debhelper commands (and dh_teardown for 2.0) and run in the simulator, on a machine
// booted with systemd and on one with sysvinit.

// greeterPackages builds the binary packages of examples/greeter VERSION as simulate.Packages:
// their staged files (conffiles as dh_installdeb lists them) and DEBIAN scripts.
func greeterPackages(t *testing.T, version string) map[string]simulate.Package {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "greeter")
	out, err := exec.Command("cp", "-a", "../../../examples/greeter/"+version, dir).CombinedOutput()
	require.NoError(t, err, "%s", out)
	pkgs := []string{"greeter"}
	switch version {
	case "1.0":
		for _, name := range []string{"greeterd", "greeter-oldd", "greeter-movedd"} {
			run(t, dir, "dh_installinit", "--name="+name)
			run(t, dir, "dh_installsystemd", "--name="+name)
		}
	case "2.0":
		pkgs = append(pkgs, "greeter-extra")
		// In dh's order: the add-on puts dh_teardown right after dh_installinit, so before
		// dh_installsystemd.
		run(t, dir, "dh_installinit", "-pgreeter", "--name=greeter-newd")
		run(t, dir, "dh_installinit", "-pgreeter-extra", "--name=greeter-movedd")
		status, _, stderr := teardown(dir)
		require.Equal(t, 0, status, stderr)
		run(t, dir, "dh_installsystemd", "-pgreeter", "--name=greeter-newd")
		run(t, dir, "dh_installsystemd", "-pgreeter-extra", "--name=greeter-movedd")
	}
	run(t, dir, "dh_installdeb")
	out2 := map[string]simulate.Package{}
	for _, name := range pkgs {
		out2[name] = stagedPackage(t, filepath.Join(dir, "debian", name), name, version)
	}
	return out2
}

// stagedPackage reads debian/PKG as dpkg-deb would pack it.
func stagedPackage(t *testing.T, root, name, version string) simulate.Package {
	t.Helper()
	p := simulate.Package{Name: name, Version: version, Scripts: map[string]string{}}
	for _, s := range []string{"preinst", "postinst", "prerm", "postrm"} {
		if data, err := os.ReadFile(filepath.Join(root, "DEBIAN", s)); err == nil {
			p.Scripts[s] = string(data)
		}
	}
	conffiles, _ := os.ReadFile(filepath.Join(root, "DEBIAN", "conffiles"))
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := "/" + filepath.ToSlash(strings.TrimPrefix(path, root+"/"))
		if strings.HasPrefix(rel, "/DEBIAN/") || d.Type()&fs.ModeSymlink != 0 {
			return nil // the links (manual pages, program names) do not matter here
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		p.Files = append(p.Files, simulate.File{Path: rel, Mode: info.Mode().Perm(), Content: string(data),
			Conffile: slices.Contains(strings.Split(string(conffiles), "\n"), rel)})
		return nil
	}))
	return p
}

// greeterUnits are the units of every daemon the greeter packages ever shipped.
var greeterUnits = []string{"greeterd.service", "greeterd.socket", "greeter-oldd.service", "greeter-newd.service", "greeter-movedd.service"}

// greeterSystem is a machine with greeter 1.0 installed by the simulated dpkg and 1.0's real
// scripts: on systemd, every unit enabled (deb-systemd-helper) and started; on sysvinit, the
// daemons started through their init scripts.
func greeterSystem(t *testing.T, v1 map[string]simulate.Package, systemd bool) *simulate.System {
	t.Helper()
	s := simulate.NewSystem()
	require.NoError(t, s.FS.MkdirAll("/lib/systemd/system"))
	if systemd {
		s.BootSystemd()
	}
	trace, err := s.Install(v1["greeter"])
	require.NoError(t, err)
	require.Empty(t, trace.Error, "%+v", trace)
	return s
}

func TestGreeter10OnSystemd(t *testing.T) {
	v1 := greeterPackages(t, "1.0")
	s := greeterSystem(t, v1, true)
	for _, u := range []string{"greeterd.service", "greeterd.socket", "greeter-oldd.service", "greeter-movedd.service"} {
		assert.True(t, s.UnitEnabled(u), u)
		assert.True(t, s.UnitActive(u), u)
	}
	assert.Empty(t, s.Running, "the init scripts leave the native units to systemd")
}

func TestGreeter10OnSysvinit(t *testing.T) {
	v1 := greeterPackages(t, "1.0")
	s := greeterSystem(t, v1, false)
	for _, d := range []string{"greeterd", "greeter-oldd", "greeter-movedd"} {
		assert.True(t, s.Running[d], d)
	}
	assert.True(t, s.UnitEnabled("greeterd.socket"), "deb-systemd-helper enables units without systemd too")
}

// upgradeGreeter upgrades greeter 1.0 to 2.0 with greeter-extra 2.0 as `dpkg -i greeter_2.0.deb
// greeter-extra_2.0.deb` does: both unpacked, then both configured.
func upgradeGreeter(t *testing.T, s *simulate.System, v2 map[string]simulate.Package) {
	t.Helper()
	for _, step := range []func() (*simulate.Trace, error){
		func() (*simulate.Trace, error) { return s.Unpack(v2["greeter"]) },
		func() (*simulate.Trace, error) { return s.Unpack(v2["greeter-extra"]) },
		func() (*simulate.Trace, error) { return s.Configure("greeter") },
		func() (*simulate.Trace, error) { return s.Configure("greeter-extra") },
	} {
		trace, err := step()
		require.NoError(t, err)
		require.Empty(t, trace.Error, "%+v", trace)
		for _, st := range trace.Steps {
			for _, c := range st.Commands {
				assert.False(t, c.Unknown, "%s %s ran an unknown command %v", st.Script, strings.Join(st.Args, " "), c.Argv)
			}
		}
	}
	assert.Equal(t, simulate.Installed, s.Status("greeter"))
	assert.Equal(t, simulate.Installed, s.Status("greeter-extra"))
	assert.Empty(t, s.FS.Glob("/run/dh-teardown/*"), "the records of what the preinst stopped are gone")
}

// gone asserts that nothing of the removed daemons is left: no unit state, no init script, no
// rc link, nothing running.
func gone(t *testing.T, s *simulate.System) {
	t.Helper()
	for _, u := range []string{"greeterd.service", "greeterd.socket", "greeter-oldd.service"} {
		assert.False(t, s.UnitActive(u), u)
		assert.Empty(t, s.UnitState(u), u)
	}
	for _, d := range []string{"greeterd", "greeter-oldd"} {
		assert.False(t, s.Running[d], d)
		assert.False(t, s.FS.Exists("/etc/init.d/"+d), d)
		assert.Empty(t, s.RcLinks(d), d)
	}
}

func TestGreeterUpgrade(t *testing.T) {
	v1, v2 := greeterPackages(t, "1.0"), greeterPackages(t, "2.0")
	t.Run("systemd", func(t *testing.T) {
		s := greeterSystem(t, v1, true)
		upgradeGreeter(t, s, v2)
		gone(t, s)
		for _, u := range []string{"greeter-movedd.service", "greeter-newd.service"} {
			assert.True(t, s.UnitEnabled(u), "%s is enabled", u)
			assert.True(t, s.UnitActive(u), "%s runs", u)
		}
	})
	t.Run("sysvinit", func(t *testing.T) {
		s := greeterSystem(t, v1, false)
		upgradeGreeter(t, s, v2)
		gone(t, s)
		for _, d := range []string{"greeter-movedd", "greeter-newd"} {
			assert.True(t, s.Running[d], "%s runs", d)
			assert.Contains(t, s.RcLinks(d), "rc2.d/S01"+d)
		}
	})
}

func TestGreeterUpgradeKeepsADisabledDaemonDisabled(t *testing.T) {
	v1, v2 := greeterPackages(t, "1.0"), greeterPackages(t, "2.0")
	admin := func(t *testing.T, s *simulate.System, cmd string) {
		step, err := s.RunScript("admin", "postinst", cmd)
		require.NoError(t, err)
		require.Equal(t, 0, step.Exit, step.Output)
	}
	t.Run("systemd", func(t *testing.T) {
		s := greeterSystem(t, v1, true)
		admin(t, s, "systemctl disable greeter-oldd.service && systemctl stop greeter-oldd.service")
		upgradeGreeter(t, s, v2)
		gone(t, s)
		assert.False(t, s.UnitEnabled("greeter-newd.service"))
		assert.False(t, s.UnitActive("greeter-newd.service"))
		assert.True(t, s.UnitActive("greeter-movedd.service"))
	})
	t.Run("sysvinit", func(t *testing.T) {
		s := greeterSystem(t, v1, false)
		admin(t, s, "update-rc.d greeter-oldd disable && invoke-rc.d greeter-oldd stop")
		upgradeGreeter(t, s, v2)
		gone(t, s)
		assert.False(t, s.Running["greeter-newd"])
		assert.Equal(t, []string{"rc0.d/K01greeter-newd", "rc1.d/K01greeter-newd", "rc2.d/K01greeter-newd", "rc3.d/K01greeter-newd",
			"rc4.d/K01greeter-newd", "rc5.d/K01greeter-newd", "rc6.d/K01greeter-newd"}, s.RcLinks("greeter-newd"))
		assert.False(t, s.UnitEnabled("greeter-newd.service"), "nor enabled for a later boot with systemd")
	})
}

func TestGreeterFailedUpgrade(t *testing.T) {
	v1, v2 := greeterPackages(t, "1.0"), greeterPackages(t, "2.0")
	failing := v2["greeter"]
	failing.Scripts = map[string]string{}
	for k, v := range v2["greeter"].Scripts {
		failing.Scripts[k] = v
	}
	failing.Scripts["preinst"] += "echo injected failure >&2\nexit 1\n" // after the generated code
	for _, systemd := range []bool{true, false} {
		t.Run(map[bool]string{true: "systemd", false: "sysvinit"}[systemd], func(t *testing.T) {
			s := greeterSystem(t, v1, systemd)
			trace, err := s.Install(failing)
			require.Error(t, err)
			require.NotNil(t, trace)
			require.NotEmpty(t, trace.Error)
			assert.Equal(t, simulate.Installed, s.Status("greeter"))
			for _, d := range []string{"greeterd", "greeter-oldd", "greeter-movedd"} {
				if systemd {
					assert.True(t, s.UnitActive(d+".service"), "%s runs again", d)
					assert.True(t, s.UnitEnabled(d+".service"), "%s is still enabled", d)
				} else {
					assert.True(t, s.Running[d], "%s runs again", d)
				}
			}
			if systemd {
				assert.True(t, s.UnitActive("greeterd.socket"), "the socket listens again")
			}
			assert.Empty(t, s.FS.Glob("/run/dh-teardown/*"))
		})
	}
}

func TestGreeterPurgeAfterUpgrade(t *testing.T) {
	v1, v2 := greeterPackages(t, "1.0"), greeterPackages(t, "2.0")
	for _, systemd := range []bool{true, false} {
		t.Run(map[bool]string{true: "systemd", false: "sysvinit"}[systemd], func(t *testing.T) {
			s := greeterSystem(t, v1, systemd)
			upgradeGreeter(t, s, v2)
			for _, p := range []string{"greeter-extra", "greeter"} {
				trace, err := s.Purge(p)
				require.NoError(t, err)
				require.Empty(t, trace.Error)
			}
			for _, u := range greeterUnits {
				assert.Empty(t, s.UnitState(u), u)
				assert.False(t, s.UnitActive(u), u)
			}
			for _, p := range s.FS.Paths() {
				assert.NotContains(t, p, "greeter", "left behind")
			}
		})
	}
}

// TestGreeterBlockOrder holds the ordering contract: our blocks come before debhelper's
// service blocks (dh_installinit, dh_installsystemd) in preinst and postinst, after them in
// prerm and postrm; so the postinst acts on the removed daemons' state before
// dh_installsystemd enables the replacement, and the postrm starts again only after
// debhelper's code for the shipped daemons.
func TestGreeterBlockOrder(t *testing.T) {
	scripts := greeterPackages(t, "2.0")["greeter"].Scripts
	for _, script := range []string{"preinst", "postinst", "postrm"} {
		text := scripts[script]
		ours := strings.Index(text, "# Automatically added by dh_teardown/")
		require.GreaterOrEqual(t, ours, 0, "%s has our block", script)
		for _, tool := range []string{"dh_installinit/", "dh_installsystemd/"} {
			theirs := strings.Index(text, "# Automatically added by "+tool)
			if theirs < 0 {
				continue
			}
			if script == "postrm" {
				assert.Less(t, theirs, ours, "%s: %s's blocks come first", script, tool)
			} else {
				assert.Less(t, ours, theirs, "%s: ours come before %s's", script, tool)
			}
		}
	}
	assert.Contains(t, scripts["postinst"], "# Automatically added by dh_installsystemd/", "the replacement's unit is enabled by debhelper")
}
