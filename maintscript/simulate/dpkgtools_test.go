package simulate

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The comparisons with the real tools (here and in coreutils_test.go) belong to the hermetic
// tier and need no gate: coreutils and dpkg are Essential and init-system-helpers
// (update-rc.d) has priority required on every Debian system; none needs root, and
// update-rc.d acts only under a temporary DPKG_ROOT.

// exitOf runs cmd and returns its exit status.
func exitOf(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	err := cmd.Run()
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	require.True(t, errors.As(err, &ee), "running %v: %v", cmd.Args, err)
	return ee.ExitCode()
}

// twinRoots is a real directory and the simulated /r holding the same files, for running a
// real dpkg tool with DPKG_ROOT pointing at the directory (it then touches nothing else) and
// the simulation with DPKG_ROOT=/r, command for command.
type twinRoots struct {
	t    *testing.T
	real string
	s    *System
}

func newTwinRoots(t *testing.T) *twinRoots {
	s := NewSystem()
	s.Root = "/r"
	return &twinRoots{t: t, real: t.TempDir(), s: s}
}

// writeFile writes the file p (an absolute path below the roots) into both, with its parents.
func (r *twinRoots) writeFile(p, content string, mode fs.FileMode) {
	r.t.Helper()
	require.NoError(r.t, os.MkdirAll(filepath.Join(r.real, filepath.Dir(p)), 0o755))
	require.NoError(r.t, os.WriteFile(filepath.Join(r.real, p), []byte(content), mode))
	require.NoError(r.t, os.Chmod(filepath.Join(r.real, p), mode))
	require.NoError(r.t, r.s.FS.WriteFile("/r"+p, content, mode))
}

// symlink makes the link p to target in both, with its parents, as an administrator would.
func (r *twinRoots) symlink(target, p string) {
	r.t.Helper()
	require.NoError(r.t, os.MkdirAll(filepath.Join(r.real, filepath.Dir(p)), 0o755))
	require.NoError(r.t, os.Symlink(target, filepath.Join(r.real, p)))
	require.NoError(r.t, r.s.FS.MkdirAll("/r"+filepath.Dir(p)))
	require.NoError(r.t, r.s.FS.Symlink(target, "/r"+p))
}

// remove deletes p from both, as an administrator (or an upgrade) would.
func (r *twinRoots) remove(p string) {
	r.t.Helper()
	require.NoError(r.t, os.Remove(filepath.Join(r.real, p)))
	require.NoError(r.t, r.s.FS.Remove("/r"+p))
}

// run runs tool with args for real (environment: DPKG_ROOT, a plain PATH and env) and in
// package hello's postinst in the simulation, and asserts the same exit status.
func (r *twinRoots) run(env []string, tool string, args ...string) {
	r.t.Helper()
	cmd := exec.Command(tool, args...)
	cmd.Env = append([]string{"DPKG_ROOT=" + r.real, "PATH=/usr/sbin:/usr/bin:/sbin:/bin"}, env...)
	want := exitOf(r.t, cmd)
	step, err := r.s.RunScript("hello", "postinst", tool+" "+strings.Join(args, " ")+" 2>/dev/null >/dev/null")
	require.NoError(r.t, err)
	assert.Equal(r.t, want, step.Exit, "exit status of %s %s", tool, strings.Join(args, " "))
}

// assertSameTree asserts that both roots hold the same files, links and modes.
func (r *twinRoots) assertSameTree() {
	r.t.Helper()
	assert.Equal(r.t, listReal(r.t, r.real), listSim(r.s, "/r"))
}

func TestCompareVersionsMatchesDpkg(t *testing.T) {
	versions := []string{"", "1.0", "1.0-1", "1.0-1~", "1:0.9", "2.0~rc1+b1", "abc", "a b", "1.0-"}
	ops := []string{"lt", "le", "eq", "ne", "ge", "gt", "lt-nl", "le-nl", "ge-nl", "gt-nl", "<", "<=", "<<", "=", ">=", ">>", ">", "bogus"}
	s := NewSystem()
	for _, a := range versions {
		for _, b := range versions {
			for _, op := range ops {
				want := exitOf(t, exec.Command("dpkg", "--compare-versions", a, op, b))
				got, _ := CompareVersions(a, op, b)
				assert.Equal(t, want, got, "dpkg --compare-versions %q %s %q", a, op, b)
			}
		}
	}
	// Through the stub, with the "--" dpkg-maintscript-helper passes.
	step, err := s.RunScript("hello", "postinst", `dpkg --compare-versions -- "$2" le-nl 2.0-1~ && echo yes; dpkg --compare-versions 1 lt 2>/dev/null; echo $?`, "configure", "1.0-1")
	require.NoError(t, err)
	assert.Equal(t, "yes\n2\n", step.Output)
}

func TestValidateVersionMatchesDpkg(t *testing.T) {
	s := NewSystem()
	for _, v := range []string{"1.0-1", "abc", "a b", "1:", "1.0~rc1+b2", "1.0_1"} {
		want := exitOf(t, exec.Command("dpkg", "--validate-version", "--", v))
		step, err := s.RunScript("hello", "postinst", `dpkg --validate-version -- "$1"`, v)
		require.NoError(t, err)
		assert.Equal(t, want, step.Exit, v)
	}
}

const hellodInit = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          hellod
# Required-Start:    $remote_fs
# Required-Stop:     $remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: hello daemon
### END INIT INFO
case "$1" in start|stop|restart|force-reload|status) ;; esac
`

const multiuserInit = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          multi
# Default-Start:     2 3 4 5
# Default-Stop:      1
### END INIT INFO
`

// TestUpdateRcdMatchesTheRealTool runs the real update-rc.d with DPKG_ROOT
// pointing at a temporary directory (it then touches nothing else) and the
// stub with the same DPKG_ROOT in the simulated FS.
func TestUpdateRcdMatchesTheRealTool(t *testing.T) {
	if _, err := os.Stat("/usr/lib/insserv/insserv"); err == nil {
		t.Skip("insserv is installed: update-rc.d would use it, and the stub models the plain fallback")
	}
	cases := []string{
		"hellod defaults",
		"hellod defaults; hellod defaults",
		"multi defaults",
		"hellod defaults-disabled",
		"nohdr defaults",
		"nosuch defaults",
		"hellod defaults; hellod remove",
		"hellod defaults; -f hellod remove",
		"nosuch remove",
		"hellod multiuser",
		"hellod",
		"-x hellod defaults",
		"hellod defaults 20 80",
		"@rc3 hellod defaults",
		"multi defaults; hellod defaults; multi remove",
	}
	for _, line := range cases {
		t.Run(line, func(t *testing.T) {
			r := newTwinRoots(t)
			files := map[string]string{"hellod": hellodInit, "multi": multiuserInit, "nohdr": "#!/bin/sh\n"}
			for name, content := range files {
				r.writeFile("/etc/init.d/"+name, content, 0o755)
			}
			for _, cmdline := range strings.Split(line, ";") {
				args := strings.Fields(cmdline)
				if args[0] == "@rc3" { // a link made by the admin beforehand
					r.symlink("../init.d/hellod", "/etc/rc3.d/K01hellod")
					args = args[1:]
				}
				r.run(nil, "update-rc.d", args...)
			}
			r.assertSameTree()
		})
	}
}

func TestUpdateRcdEnableDisable(t *testing.T) {
	s := NewSystem()
	require.NoError(t, s.FS.WriteFile("/etc/init.d/hellod", hellodInit, 0o755))
	step := run(t, s, "update-rc.d hellod defaults && update-rc.d hellod disable")
	assert.Equal(t, 0, step.Exit)
	assert.Equal(t, []string{"rc0.d/K01hellod", "rc1.d/K01hellod", "rc2.d/K01hellod", "rc3.d/K01hellod",
		"rc4.d/K01hellod", "rc5.d/K01hellod", "rc6.d/K01hellod"}, s.RcLinks("hellod"))
	step = run(t, s, "update-rc.d hellod enable 2")
	assert.Equal(t, 0, step.Exit)
	assert.Contains(t, s.RcLinks("hellod"), "rc2.d/S01hellod")
	assert.Contains(t, s.RcLinks("hellod"), "rc3.d/K01hellod")
	step = run(t, s, "update-rc.d hellod enable 6")
	assert.Equal(t, 1, step.Exit, "no links to modify in runlevels S2345")
	assert.Contains(t, step.Output, "enable action will have no effect on runlevel 6")
	step = run(t, s, "update-rc.d nosuch enable")
	assert.Equal(t, 1, step.Exit)
	assert.Contains(t, step.Output, "cannot find a LSB script for nosuch")
}

// installHellod puts an init script and its links in place as
// "update-rc.d hellod defaults" would.
func installHellod(t *testing.T, s *System) {
	t.Helper()
	require.NoError(t, s.FS.WriteFile("/etc/init.d/hellod", hellodInit, 0o755))
	require.Equal(t, 0, run(t, s, "update-rc.d hellod defaults").Exit)
}

func TestInvokeRcd(t *testing.T) {
	t.Run("start needs an S link in the current runlevel", func(t *testing.T) {
		s := NewSystem()
		require.NoError(t, s.FS.WriteFile("/etc/init.d/hellod", hellodInit, 0o755))
		step := run(t, s, "invoke-rc.d hellod start")
		assert.Equal(t, 0, step.Exit)
		assert.False(t, s.Running["hellod"], "no links yet: a no-op")
		assert.Equal(t, []string{"/etc/init.d/hellod start not run: no start link in rc2.d"}, step.Commands[0].Effects)
		step = run(t, s, "invoke-rc.d --disclose-deny hellod start")
		assert.Equal(t, 101, step.Exit)
		step = run(t, s, "invoke-rc.d --query hellod start")
		assert.Equal(t, 101, step.Exit)

		installHellod(t, s)
		step = run(t, s, "invoke-rc.d --skip-systemd-native hellod start")
		assert.Equal(t, 0, step.Exit)
		assert.True(t, s.Running["hellod"])
		step = run(t, s, "invoke-rc.d --query hellod start")
		assert.Equal(t, 104, step.Exit)
	})
	t.Run("the multiuser layout starts in 2 and stops only in 1", func(t *testing.T) {
		s := NewSystem()
		require.NoError(t, s.FS.WriteFile("/etc/init.d/multi", multiuserInit, 0o755))
		require.Equal(t, 0, run(t, s, "update-rc.d multi defaults").Exit)
		assert.Equal(t, []string{"rc1.d/K01multi", "rc2.d/S01multi", "rc3.d/S01multi", "rc4.d/S01multi", "rc5.d/S01multi"}, s.RcLinks("multi"))
		s.Runlevel = "1"
		run(t, s, "invoke-rc.d multi start")
		assert.False(t, s.Running["multi"], "K link in runlevel 1: start is refused")
		s.Runlevel = "2"
		run(t, s, "invoke-rc.d multi start")
		assert.True(t, s.Running["multi"])
	})
	t.Run("stop and restart", func(t *testing.T) {
		s := NewSystem()
		installHellod(t, s)
		run(t, s, "invoke-rc.d hellod restart")
		assert.True(t, s.Running["hellod"], "restart starts a stopped daemon")
		step := run(t, s, "invoke-rc.d hellod stop")
		assert.Equal(t, 0, step.Exit)
		assert.False(t, s.Running["hellod"])
		assert.Equal(t, []string{"/etc/init.d/hellod stop: stopped hellod"}, step.Commands[0].Effects)
		step = run(t, s, "invoke-rc.d hellod status")
		assert.Equal(t, 3, step.Exit)
	})
	t.Run("stop works without links; needs an executable script", func(t *testing.T) {
		s := NewSystem()
		require.NoError(t, s.FS.WriteFile("/etc/init.d/hellod", hellodInit, 0o755))
		s.Running["hellod"] = true
		run(t, s, "invoke-rc.d hellod stop")
		assert.False(t, s.Running["hellod"])
		s.Running["hellod"] = true
		require.NoError(t, s.FS.Chmod("/etc/init.d/hellod", 0o644))
		step := run(t, s, "invoke-rc.d hellod stop")
		assert.Equal(t, 0, step.Exit, "not executable: a silent no-op")
		assert.True(t, s.Running["hellod"])
	})
	t.Run("unknown script", func(t *testing.T) {
		s := NewSystem()
		step := run(t, s, "invoke-rc.d nosuch stop")
		assert.Equal(t, 0, step.Exit)
		assert.Contains(t, step.Output, "invoke-rc.d: unknown initscript, /etc/init.d/nosuch not found.")
		step = run(t, s, "invoke-rc.d nosuch status")
		assert.Equal(t, 4, step.Exit)
	})
	t.Run("dangling links after the script is renamed away", func(t *testing.T) {
		s := NewSystem()
		installHellod(t, s)
		s.Running["hellod"] = true
		require.NoError(t, s.FS.Rename("/etc/init.d/hellod", "/etc/init.d/hellod.dpkg-remove"))
		step := run(t, s, "invoke-rc.d hellod stop")
		assert.Equal(t, 102, step.Exit)
		assert.Contains(t, step.Output, "dangling symlink: /etc/rc2.d/S01hellod")
		assert.True(t, s.Running["hellod"])
	})
	t.Run("usage errors", func(t *testing.T) {
		s := NewSystem()
		for _, line := range []string{"invoke-rc.d", "invoke-rc.d hellod", "invoke-rc.d --bogus hellod start", "invoke-rc.d '' start", "invoke-rc.d 'a b' start"} {
			assert.Equal(t, 103, run(t, s, line).Exit, line)
		}
	})
	t.Run("a failing init script fails invoke-rc.d", func(t *testing.T) {
		s := NewSystem()
		installHellod(t, s)
		s.InitFailures["hellod start"] = true
		step := run(t, s, "invoke-rc.d hellod start")
		assert.Equal(t, 1, step.Exit)
		assert.Contains(t, step.Output, `initscript hellod, action "start" failed.`)
	})
}

func TestSystemdToolsOnASysvinitSystem(t *testing.T) {
	s := NewSystem()
	step := run(t, s, `if [ -d /run/systemd/system ]; then echo systemd; fi
deb-systemd-helper debian-installed hellod.service || echo "not installed"
deb-systemd-helper unmask hellod.service
deb-systemd-invoke start hellod.service
systemctl --system daemon-reload || echo "daemon-reload: $?"
systemctl is-enabled hellod.service 2>/dev/null || echo "is-enabled: $?"`)
	assert.Equal(t, 0, step.Exit)
	assert.Contains(t, step.Output, "not installed\n")
	assert.Contains(t, step.Output, "hellod.service is a disabled or a static unit, not starting it.\n")
	assert.Contains(t, step.Output, "daemon-reload: 1\n")
	assert.Contains(t, step.Output, "is-enabled: 1\n")
	assert.NotContains(t, step.Output, "systemd\n")
	assert.Len(t, step.Commands, 5)
}

func TestInstallInfo(t *testing.T) {
	s := NewSystem()
	require.NoError(t, s.FS.WriteFile("/usr/share/info/hello.info.gz", "info", 0o644))
	cases := []struct {
		line string
		exit int
		docs []string
	}{
		{"install-info /usr/share/info/hello.info", 1, nil}, // no dir file given
		{"install-info --info-dir=/usr/share/info /usr/share/info/hello.info", 0, []string{"hello"}},
		{"install-info --info-dir=/usr/share/info /usr/share/info/hello.info", 0, []string{"hello"}},
		{"install-info --info-dir /usr/share/info /usr/share/info/nosuch.info", 1, []string{"hello"}},
		{"install-info --quiet --remove /usr/share/info/hello.info /usr/share/info/dir", 0, nil},
		{"install-info --remove --info-dir=/usr/share/info /usr/share/info/hello.info", 0, nil}, // warns, nothing deleted
		{"install-info --info-dir=/nonexistent /usr/share/info/hello.info", 1, nil},
	}
	for _, c := range cases {
		step := run(t, s, c.line)
		assert.Equal(t, c.exit, step.Exit, c.line)
		assert.Equal(t, c.docs, s.InfoEntries(""), c.line)
	}
	// Removal needs the file, as GNU install-info does.
	run(t, s, "install-info --info-dir=/usr/share/info /usr/share/info/hello.info")
	require.NoError(t, s.FS.Remove("/usr/share/info/hello.info.gz"))
	step := run(t, s, "install-info --delete --info-dir=/usr/share/info /usr/share/info/hello.info")
	assert.Equal(t, 1, step.Exit)
	assert.Equal(t, []string{"hello"}, s.InfoEntries(""))
}

// helperSystem has hello 1.0-1 in the database owning /etc/init.d/hellod,
// installed unmodified.
func helperSystem(t *testing.T) *System {
	t.Helper()
	s := NewSystem()
	require.NoError(t, s.FS.WriteFile("/etc/init.d/hellod", hellodInit, 0o755))
	s.DB["hello"] = &PackageState{Name: "hello", Status: Installed, Version: "1.0-1",
		Conffiles: map[string]Conffile{"/etc/init.d/hellod": {Hash: hash(hellodInit)}},
		Files:     []string{"/etc/init.d/hellod"}}
	return s
}

func runHelper(t *testing.T, s *System, script string, args ...string) Step {
	t.Helper()
	step, err := s.RunScript("hello", script, `dpkg-maintscript-helper rm_conffile /etc/init.d/hellod 2.0-1~ -- "$@"`, args...)
	require.NoError(t, err)
	return step
}

func TestRmConffile(t *testing.T) {
	t.Run("preinst upgrade from before the prior version renames it away", func(t *testing.T) {
		s := helperSystem(t)
		assert.Equal(t, 0, runHelper(t, s, "preinst", "upgrade", "1.0-1", "2.0-1").Exit)
		assert.True(t, s.FS.Exists("/etc/init.d/hellod.dpkg-remove"))
		assert.False(t, s.FS.Exists("/etc/init.d/hellod"))
		step := runHelper(t, s, "postinst", "configure", "1.0-1")
		assert.Equal(t, "Removing obsolete conffile /etc/init.d/hellod ...\n", step.Output)
		assert.False(t, s.FS.Exists("/etc/init.d/hellod.dpkg-remove"))
	})
	t.Run("abort restores it", func(t *testing.T) {
		for _, action := range []string{"abort-upgrade", "abort-install"} {
			s := helperSystem(t)
			runHelper(t, s, "preinst", "upgrade", "1.0-1", "2.0-1")
			step := runHelper(t, s, "postrm", action, "1.0-1", "2.0-1")
			assert.Equal(t, "Reinstalling /etc/init.d/hellod that was moved away\n", step.Output)
			assert.Equal(t, hellodInit, content(t, s, "/etc/init.d/hellod"))
		}
	})
	t.Run("nothing happens outside the version range or on a fresh install", func(t *testing.T) {
		for _, args := range [][]string{{"upgrade", "2.0-1", "2.0-2"}, {"install"}, {"upgrade", "2.0-1~1", "2.0-1"}} {
			s := helperSystem(t)
			step := runHelper(t, s, "preinst", args...)
			assert.Equal(t, 0, step.Exit)
			assert.True(t, s.FS.Exists("/etc/init.d/hellod"), "%v", args)
		}
		// 2.0-1~ itself is in range (le-nl).
		s := helperSystem(t)
		runHelper(t, s, "preinst", "upgrade", "2.0-1~", "2.0-1")
		assert.False(t, s.FS.Exists("/etc/init.d/hellod"))
	})
	t.Run("a file the package does not own is left alone", func(t *testing.T) {
		s := helperSystem(t)
		s.DB["hello"].Files = nil
		runHelper(t, s, "preinst", "upgrade", "1.0-1", "2.0-1")
		assert.True(t, s.FS.Exists("/etc/init.d/hellod"))
	})
	t.Run("modified: backed up, kept as .dpkg-bak, purged", func(t *testing.T) {
		s := helperSystem(t)
		require.NoError(t, s.FS.WriteFile("/etc/init.d/hellod", "changed", 0o755))
		runHelper(t, s, "preinst", "upgrade", "1.0-1", "2.0-1")
		assert.True(t, s.FS.Exists("/etc/init.d/hellod.dpkg-backup"))
		runHelper(t, s, "postinst", "configure", "1.0-1")
		assert.Equal(t, "changed", content(t, s, "/etc/init.d/hellod.dpkg-bak"))
		runHelper(t, s, "postrm", "purge")
		assert.False(t, s.FS.Exists("/etc/init.d/hellod.dpkg-bak"))
	})
	t.Run("usage errors", func(t *testing.T) {
		s := helperSystem(t)
		for _, c := range []struct{ line, msg string }{
			{"dpkg-maintscript-helper rm_conffile /etc/x 1.0", "missing arguments after --"},
			{"dpkg-maintscript-helper rm_conffile etc/x 1.0 -- configure", "conffile 'etc/x' is not an absolute path"},
			{"dpkg-maintscript-helper rm_conffile /etc/x 1.0 --", "maintainer script parameters are missing"},
			{"dpkg-maintscript-helper rm_conffile /etc/x 'bad version' -- configure", "has bad syntax"},
			{"dpkg-maintscript-helper frobnicate", "command frobnicate is unknown"},
			{"DPKG_MAINTSCRIPT_NAME= dpkg-maintscript-helper rm_conffile /etc/x -- configure", "DPKG_MAINTSCRIPT_NAME is required"},
		} {
			step, err := s.RunScript("hello", "postinst", c.line)
			require.NoError(t, err)
			assert.Equal(t, 1, step.Exit, c.line)
			assert.Contains(t, step.Output, c.msg, c.line)
		}
	})
	t.Run("supports", func(t *testing.T) {
		s := NewSystem()
		step := run(t, s, "dpkg-maintscript-helper supports rm_conffile && echo yes; dpkg-maintscript-helper supports frob || echo no")
		assert.Equal(t, "yes\nno\n", step.Output)
	})
}

func TestMvConffile(t *testing.T) {
	s := helperSystem(t)
	mv := `dpkg-maintscript-helper mv_conffile /etc/init.d/hellod /etc/init.d/hello 2.0-1~ -- "$@"`
	step, err := s.RunScript("hello", "preinst", mv, "upgrade", "1.0-1", "2.0-1")
	require.NoError(t, err)
	require.Equal(t, 0, step.Exit)
	assert.True(t, s.FS.Exists("/etc/init.d/hellod.dpkg-remove"))
	step, err = s.RunScript("hello", "postinst", mv, "configure", "1.0-1")
	require.NoError(t, err)
	require.Equal(t, 0, step.Exit)
	assert.False(t, s.FS.Exists("/etc/init.d/hellod.dpkg-remove"), "unmodified: dropped, the new file is the package's")

	s = helperSystem(t)
	require.NoError(t, s.FS.WriteFile("/etc/init.d/hellod", "changed", 0o755))
	require.NoError(t, s.FS.WriteFile("/etc/init.d/hello", "new", 0o755))
	_, err = s.RunScript("hello", "preinst", mv, "upgrade", "1.0-1", "2.0-1")
	require.NoError(t, err)
	assert.True(t, s.FS.Exists("/etc/init.d/hellod"), "modified: left in place")
	step, err = s.RunScript("hello", "postinst", mv, "configure", "1.0-1")
	require.NoError(t, err)
	assert.Contains(t, step.Output, "Preserving user changes to /etc/init.d/hello (renamed from /etc/init.d/hellod)...")
	assert.Equal(t, "changed", content(t, s, "/etc/init.d/hello"))
	assert.Equal(t, "new", content(t, s, "/etc/init.d/hello.dpkg-new"))
}
