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

// removedActions lists what a script run did to the removed daemons and their units (and to
// greeter-newd's state through our code): service actions, unit state and rc links, as
// "COMMAND ARGS"; queries and the records under /run/dh-teardown are left out.
func removedActions(step simulate.Step) []string {
	var out []string
	for _, c := range step.Commands {
		line := strings.Join(c.Argv, " ")
		switch {
		case c.Argv[0] == "systemctl" && slices.Contains(c.Argv, "is-active"),
			c.Argv[0] == "deb-systemd-helper" && (slices.Contains(c.Argv, "debian-installed") || slices.Contains(c.Argv, "was-enabled")),
			c.Argv[0] == "invoke-rc.d" && c.Argv[len(c.Argv)-1] == "status",
			c.Argv[0] == "dpkg" || c.Argv[0] == "dpkg-maintscript-helper" || c.Argv[0] == "mkdir",
			strings.Contains(line, "/run/dh-teardown/"):
			continue
		case strings.Contains(line, "greeterd"), strings.Contains(line, "greeter-oldd"), strings.Contains(line, "greeter-movedd"),
			c.Argv[0] == "deb-systemd-helper" && slices.Contains(c.Argv, "update-state"),
			c.Argv[0] == "ln" && strings.Contains(line, "greeter-newd"),
			c.Argv[0] == "systemctl" && slices.Contains(c.Argv, "daemon-reload"):
			out = append(out, line)
		}
	}
	return out
}

// TestGreeterBehaviourMatrix runs greeter 2.0's scripts through every Debian Policy invocation
// on a machine with greeter 1.0 installed (booted with systemd, and with sysvinit), and checks
// what they do to the daemons 2.0 no longer ships.
func TestGreeterBehaviourMatrix(t *testing.T) {
	v1, v2 := greeterPackages(t, "1.0"), greeterPackages(t, "2.0")
	scripts := v2["greeter"].Scripts
	for _, c := range greeterMatrix {
		for _, systemd := range []bool{true, false} {
			init := map[bool]string{true: "systemd", false: "sysvinit"}[systemd]
			t.Run(c.script+" "+strings.Join(c.args, " ")+" ("+init+")", func(t *testing.T) {
				s := greeterSystem(t, v1, systemd)
				if c.script == "postrm" && len(c.args) == 3 && strings.HasPrefix(c.args[0], "abort-") {
					// dpkg runs it after the new preinst, which recorded what it stopped.
					_, err := s.RunScript("greeter", "preinst", scripts["preinst"], strings.TrimPrefix(c.args[0], "abort-"), c.args[1], c.args[2])
					require.NoError(t, err)
				}
				if c.script == "postinst" && c.args[0] == "configure" && c.args[1] != "" {
					// dpkg configures after the preinst and the unpack: 1.0's files that 2.0 does
					// not ship are gone, its obsolete conffiles renamed away by rm_conffile.
					_, err := s.RunScript("greeter", "preinst", scripts["preinst"], "upgrade", c.args[1], "2.0")
					require.NoError(t, err)
					for _, f := range v1["greeter"].Files {
						if !strings.HasPrefix(f.Path, "/etc/") {
							_ = s.FS.Remove(f.Path)
						}
					}
					for _, f := range v2["greeter"].Files {
						require.NoError(t, s.FS.MkdirAll(filepath.Dir(f.Path)))
						require.NoError(t, s.FS.WriteFile(f.Path, f.Content, f.Mode))
					}
				}
				step, err := s.RunScript("greeter", c.script, scripts[c.script], c.args...)
				require.NoError(t, err)
				require.Equal(t, 0, step.Exit, "the script must succeed:\n%s", step.Output)
				for _, cmd := range step.Commands {
					assert.False(t, cmd.Unknown, "unexpected command %v", cmd.Argv)
				}
				want := c.sysvinit
				if systemd {
					want = c.systemd
				}
				assert.Equal(t, want, removedActions(step))
			})
		}
	}
}

// What greeter 2.0's scripts do to the daemons it no longer ships, by init system.
var (
	reload   = "systemctl --system daemon-reload"
	dsiStop  = []string{"deb-systemd-invoke stop greeterd.socket", "deb-systemd-invoke stop greeterd.service", "deb-systemd-invoke stop greeter-oldd.service", "deb-systemd-invoke stop greeter-movedd.service"}
	rcdStop  = []string{"invoke-rc.d greeterd stop", "invoke-rc.d greeter-oldd stop", "invoke-rc.d greeter-movedd stop"}
	dsiStart = []string{"deb-systemd-invoke start greeter-movedd.service", "deb-systemd-invoke start greeter-oldd.service", "deb-systemd-invoke start greeterd.socket", "deb-systemd-invoke start greeterd.service"}
	rcdStart = []string{"invoke-rc.d greeter-movedd start", "invoke-rc.d greeter-oldd start", "invoke-rc.d greeterd start"}
	logs     = []string{"rm -f /var/log/greeterd.log /var/log/greeter-oldd.log /var/log/greeter-newd.log"}
)

// configureFrom10 is postinst configure 1.0 after 2.0's preinst and unpack: per removed daemon,
// its units' state purged, its rc links removed (greeter-oldd's handed over to greeter-newd first),
// systemd reloaded; then debhelper's reload for greeter-newd.
func configureFrom10(systemd bool) []string {
	var out []string
	purge := func(units ...string) {
		for _, u := range units {
			out = append(out, "deb-systemd-helper purge "+u, "deb-systemd-helper unmask "+u)
		}
	}
	removed := func(name string) {
		out = append(out, "update-rc.d "+name+" remove")
		if systemd {
			out = append(out, reload)
		}
	}
	purge("greeterd.socket", "greeterd.service")
	removed("greeterd")
	for _, l := range []string{"rc0.d/K01", "rc1.d/K01", "rc2.d/S01", "rc3.d/S01", "rc4.d/S01", "rc5.d/S01", "rc6.d/K01"} {
		out = append(out, "ln -s ../init.d/greeter-newd /etc/"+l+"greeter-newd")
	}
	purge("greeter-oldd.service")
	removed("greeter-oldd")
	purge("greeter-movedd.service")
	removed("greeter-movedd")
	if systemd {
		out = append(out, reload)
	}
	return out
}

var greeterMatrix = []struct {
	script            string
	args              []string
	systemd, sysvinit []string
}{
	// preinst: from before 2.0, the removed daemons stop, through systemd when it runs.
	{"preinst", []string{"install"}, nil, nil},
	{"preinst", []string{"install", "1.0", "2.0"}, dsiStop, rcdStop},
	{"preinst", []string{"install", "2.0", "2.0"}, nil, nil},
	{"preinst", []string{"upgrade", "1.0", "2.0"}, dsiStop, rcdStop},
	{"preinst", []string{"upgrade", "2.0", "2.0"}, nil, nil},
	{"preinst", []string{"upgrade", "2.1", "2.0"}, nil, nil},
	{"preinst", []string{"abort-upgrade", "2.1"}, nil, nil},
	// postinst: only configure from before 2.0 touches them (the reloads are debhelper's).
	{"postinst", []string{"configure", ""}, []string{reload}, nil},
	{"postinst", []string{"configure", "1.0"}, configureFrom10(true), configureFrom10(false)},
	{"postinst", []string{"configure", "2.0"}, []string{reload}, nil},
	{"postinst", []string{"abort-upgrade", "2.1"}, []string{reload}, nil},
	{"postinst", []string{"abort-remove"}, []string{reload}, nil},
	{"postinst", []string{"abort-remove", "in-favour", "other", "1.0"}, []string{reload}, nil},
	{"postinst", []string{"abort-deconfigure", "in-favour", "other", "1.0"}, []string{reload}, nil},
	{"postinst", []string{"triggered", "/usr/share/info"}, nil, nil},
	// prerm: nothing of ours.
	{"prerm", []string{"remove"}, nil, nil},
	{"prerm", []string{"upgrade", "2.1"}, nil, nil},
	{"prerm", []string{"failed-upgrade", "1.0", "2.0"}, nil, nil},
	{"prerm", []string{"remove", "in-favour", "other", "1.0"}, nil, nil},
	{"prerm", []string{"deconfigure", "in-favour", "other", "1.0"}, nil, nil},
	// postrm: after the preinst stopped them, an abort starts them again (the package's own
	// postrm removes the logs on purge; debhelper reloads on remove).
	{"postrm", []string{"remove"}, []string{reload}, nil},
	{"postrm", []string{"purge"}, logs, logs},
	{"postrm", []string{"upgrade", "2.1"}, nil, nil},
	{"postrm", []string{"failed-upgrade", "1.0", "2.0"}, nil, nil},
	{"postrm", []string{"abort-install"}, nil, nil},
	{"postrm", []string{"abort-install", "1.0", "2.0"}, dsiStart, rcdStart},
	{"postrm", []string{"abort-upgrade", "1.0", "2.0"}, dsiStart, rcdStart},
	{"postrm", []string{"abort-upgrade", "2.0", "2.1"}, nil, nil},
	{"postrm", []string{"disappear", "other", "1.0"}, nil, nil},
}

// TestGreeterUnderDpkgRoot: with DPKG_ROOT set, no service action and no rc link change; the
// units' deb-systemd-helper state is still cleaned up (it supports DPKG_ROOT).
func TestGreeterUnderDpkgRoot(t *testing.T) {
	v1, v2 := greeterPackages(t, "1.0"), greeterPackages(t, "2.0")
	scripts := v2["greeter"].Scripts
	for _, c := range [][]string{{"preinst", "upgrade", "1.0", "2.0"}, {"postinst", "configure", "1.0"}, {"postrm", "abort-upgrade", "1.0", "2.0"}} {
		s := greeterSystem(t, v1, true)
		s.Root = "/target"
		step, err := s.RunScript("greeter", c[0], scripts[c[0]], c[1:]...)
		require.NoError(t, err)
		require.Equal(t, 0, step.Exit, step.Output)
		for _, a := range removedActions(step) {
			if a == reload {
				continue // debhelper 13.11.4's postinst-systemd-restart does not test DPKG_ROOT
			}
			assert.True(t, strings.HasPrefix(a, "deb-systemd-helper "), "%v under DPKG_ROOT: %s", c, a)
		}
	}
}

// TestGreeterAbortStartsOnlyWhatWasStopped: a daemon the administrator had stopped is not
// started by our postrm when the upgrade fails (debhelper's old postinst abort-upgrade may still
// restart it: that is its own behaviour for the daemons the old version ships).
func TestGreeterAbortStartsOnlyWhatWasStopped(t *testing.T) {
	v1, v2 := greeterPackages(t, "1.0"), greeterPackages(t, "2.0")
	scripts := v2["greeter"].Scripts
	for _, systemd := range []bool{true, false} {
		s := greeterSystem(t, v1, systemd)
		delete(s.Active, "greeterd.service")
		delete(s.Running, "greeterd")
		_, err := s.RunScript("greeter", "preinst", scripts["preinst"], "upgrade", "1.0", "2.0")
		require.NoError(t, err)
		step, err := s.RunScript("greeter", "postrm", scripts["postrm"], "abort-upgrade", "1.0", "2.0")
		require.NoError(t, err)
		require.Equal(t, 0, step.Exit, step.Output)
		want := rcdStart[:2]
		if systemd {
			want = slices.Concat(dsiStart[:2], []string{"deb-systemd-invoke start greeterd.socket"})
		}
		assert.Equal(t, want, removedActions(step), "systemd: %v", systemd)
	}
}

// TestGreeterMovedDaemon: greeter-movedd's unit moved to greeter-extra, so greeter's postinst
// leaves its state alone (an administrator's "disabled" survives) and starts it again right
// away when the preinst had stopped it, before greeter-extra is even configured.
func TestGreeterMovedDaemon(t *testing.T) {
	v1, v2 := greeterPackages(t, "1.0"), greeterPackages(t, "2.0")
	step := func(t *testing.T, trace *simulate.Trace, err error) {
		t.Helper()
		require.NoError(t, err)
		require.Empty(t, trace.Error)
	}
	t.Run("running again once greeter is configured", func(t *testing.T) {
		s := greeterSystem(t, v1, true)
		tr, err := s.Unpack(v2["greeter"])
		step(t, tr, err)
		tr, err = s.Unpack(v2["greeter-extra"])
		step(t, tr, err)
		assert.False(t, s.UnitActive("greeter-movedd.service"), "the preinst stopped it")
		tr, err = s.Configure("greeter")
		step(t, tr, err)
		assert.True(t, s.UnitActive("greeter-movedd.service"))
		assert.True(t, s.UnitEnabled("greeter-movedd.service"))
	})
	t.Run("disabled by the administrator", func(t *testing.T) {
		s := greeterSystem(t, v1, true)
		st, err := s.RunScript("admin", "postinst", "systemctl disable greeter-movedd.service && systemctl stop greeter-movedd.service")
		require.NoError(t, err)
		require.Equal(t, 0, st.Exit, st.Output)
		upgradeGreeter(t, s, v2)
		assert.False(t, s.UnitEnabled("greeter-movedd.service"), "still disabled")
		assert.False(t, s.UnitActive("greeter-movedd.service"))
	})
}
