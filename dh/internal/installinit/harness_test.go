//go:build integration

package installinit

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
)

// This file holds the machinery the tests share: copying fixture trees, running debhelper's
// and our dh_installinit on them, snapshotting trees, and executing the assembled maintainer
// scripts with stubbed commands inside a private mount namespace.

const (
	debhelperInstallinit = "/usr/bin/dh_installinit"
	oldVersion           = "1.0-1"
	newVersion           = "1.1-1"
)

var (
	hostOnce sync.Once
	hostArch string
	hostOS   string
	hostErr  error
)

// buildEnv is the environment both dh_installinit implementations and dh_installdeb run in:
// nothing from the caller's debhelper settings, the host architecture computed once.
func buildEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	testenv.RequireCommand(t, "dpkg-architecture")
	hostOnce.Do(func() {
		var out []byte
		out, hostErr = exec.Command("dpkg-architecture", "-qDEB_HOST_ARCH").Output()
		hostArch = strings.TrimSpace(string(out))
		if hostErr == nil {
			out, hostErr = exec.Command("dpkg-architecture", "-qDEB_HOST_ARCH_OS").Output()
			hostOS = strings.TrimSpace(string(out))
		}
	})
	require.NoError(t, hostErr)
	env := []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C.UTF-8", "HOME=/nonexistent",
		"DEB_HOST_ARCH=" + hostArch, "DEB_HOST_ARCH_OS=" + hostOS}
	return append(env, extra...)
}

// copyTree copies the fixture testdata/NAME into a new temporary directory, keeping modes,
// and writes debian/compat with the given level.
func copyTree(t *testing.T, name string, compat int) string {
	t.Helper()
	src := filepath.Join("testdata", name)
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm())
	})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dst, "debian", "compat"), []byte(fmt.Sprintf("%d\n", compat)), 0o644))
	return dst
}

// result is how one run of a command ended.
type result struct {
	code   int
	output string
}

// runDebhelper runs debhelper's dh_installinit in dir.
func runDebhelper(t *testing.T, dir string, args []string, env []string) result {
	t.Helper()
	return runCommand(t, dir, debhelperInstallinit, args, env)
}

// runInstalldeb runs debhelper's dh_installdeb in dir, which must succeed.
func runInstalldeb(t *testing.T, dir string, env []string) {
	t.Helper()
	r := runCommand(t, dir, "dh_installdeb", nil, env)
	require.Equal(t, 0, r.code, "dh_installdeb in %s:\n%s", dir, r.output)
}

func runCommand(t *testing.T, dir, command string, args []string, env []string) result {
	t.Helper()
	testenv.RequireCommand(t, command)
	cmd := exec.Command(command, args...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		require.True(t, ok, "%s: %v", command, err)
		return result{code: ee.ExitCode(), output: string(out)}
	}
	return result{output: string(out)}
}

// runOurs runs our dh_installinit through its Go entry point, in dir, with the same
// environment.
func runOurs(t *testing.T, dir string, args []string, env []string) result {
	t.Helper()
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	var out bytes.Buffer
	code := Main(dir, args, func(k string) string { return vars[k] }, &out, &out)
	return result{code: code, output: out.String()}
}

// entry is one file of a snapshot.
type entry struct {
	mode  fs.FileMode
	data  string
	mtime time.Time
}

// snapshot records every file and directory under dir/debian, with the paths relative to
// dir, except those skip rejects.
func snapshot(t *testing.T, dir string, skip func(rel string) bool) map[string]entry {
	t.Helper()
	snap := map[string]entry{}
	root := filepath.Join(dir, "debian")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if skip != nil && skip(filepath.ToSlash(rel)) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		e := entry{mode: info.Mode(), mtime: info.ModTime()}
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			e.data = string(data)
		}
		snap[filepath.ToSlash(rel)] = e
		return nil
	})
	require.NoError(t, err)
	return snap
}

// describeSnapshot lists a snapshot's paths, modes and contents (not times), sorted, for
// comparing two trees with a readable diff.
func describeSnapshot(snap map[string]entry) string {
	var paths []string
	for p := range snap {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b strings.Builder
	for _, p := range paths {
		e := snap[p]
		fmt.Fprintf(&b, "%s %v\n", p, e.mode)
		if e.mode.IsRegular() {
			b.WriteString(e.data)
			if !strings.HasSuffix(e.data, "\n") {
				b.WriteString("\\ no newline\n")
			}
		}
	}
	return b.String()
}

// generatedFiles are what the two implementations may write differently: the text of the
// autoscript fragments (their behaviour is compared instead), our block ledger, and the
// assembled maintainer scripts.
func generatedFiles(rel string) bool {
	if rel == "debian/.debhelper" || strings.HasSuffix(rel, ".debhelper") {
		return true
	}
	dir, base := filepath.Split(rel)
	if strings.HasSuffix(dir, "/DEBIAN/") {
		switch base {
		case "preinst", "postinst", "prerm", "postrm":
			return true
		}
	}
	return false
}

// invocation is one way dpkg runs a maintainer script (Debian Policy 6.5).
type invocation struct {
	script string
	args   []string
}

// invocations are every Policy invocation of every maintainer script.
var invocations = []invocation{
	{"preinst", []string{"install"}},
	{"preinst", []string{"install", oldVersion, newVersion}},
	{"preinst", []string{"upgrade", oldVersion, newVersion}},
	{"preinst", []string{"abort-upgrade", newVersion}},
	{"postinst", []string{"configure"}},
	{"postinst", []string{"configure", oldVersion}},
	{"postinst", []string{"abort-upgrade", newVersion}},
	{"postinst", []string{"abort-remove"}},
	{"postinst", []string{"abort-remove", "in-favour", "other", "2.0-1"}},
	{"postinst", []string{"abort-deconfigure", "in-favour", "other", "2.0-1"}},
	{"postinst", []string{"triggered", "/usr/share/info"}},
	{"prerm", []string{"remove"}},
	{"prerm", []string{"remove", "in-favour", "other", "2.0-1"}},
	{"prerm", []string{"upgrade", newVersion}},
	{"prerm", []string{"failed-upgrade", oldVersion, newVersion}},
	{"prerm", []string{"deconfigure", "in-favour", "other", "2.0-1"}},
	{"postrm", []string{"remove"}},
	{"postrm", []string{"purge"}},
	{"postrm", []string{"upgrade", newVersion}},
	{"postrm", []string{"failed-upgrade", oldVersion, newVersion}},
	{"postrm", []string{"abort-install"}},
	{"postrm", []string{"abort-install", oldVersion, newVersion}},
	{"postrm", []string{"abort-upgrade", oldVersion, newVersion}},
	{"postrm", []string{"disappear", "other", "2.0-1"}},
}

// variant is the world a maintainer script runs in.
type variant struct {
	name string
	// scripts is how /etc/init.d/NAME exists: "absent", "executable" or "not-executable".
	scripts string
	// dpkgRoot sets DPKG_ROOT; fail names a stub that fails.
	dpkgRoot bool
	fail     string
	// stopLinks creates /etc/rc0.d/K01NAME and /etc/rc6.d/K01NAME.
	stopLinks bool
}

var variants = []variant{
	{name: "absent", scripts: "absent"},
	{name: "executable", scripts: "executable", stopLinks: true},
	{name: "not-executable", scripts: "not-executable"},
	{name: "absent,DPKG_ROOT", scripts: "absent", dpkgRoot: true},
	{name: "executable,DPKG_ROOT", scripts: "executable", dpkgRoot: true},
	{name: "executable,invoke-rc.d-fails", scripts: "executable", fail: "invoke-rc.d"},
	{name: "executable,update-rc.d-fails", scripts: "executable", fail: "update-rc.d"},
}

// stubbed are the commands the maintainer scripts act through; each stub logs its name and
// arguments (each in brackets) and succeeds unless named in STUB_FAIL.
var stubbed = []string{"invoke-rc.d", "update-rc.d", "deb-systemd-helper", "deb-systemd-invoke",
	"systemctl", "dpkg-maintscript-helper", "chmod", "systemd-tmpfiles", "rm", "install-info"}

const stub = `#!/bin/sh
{ printf '%s' "${0##*/}"; for a; do printf ' [%s]' "$a"; done; echo; } >>"$STUB_LOG"
case " ${STUB_FAIL:-} " in *" ${0##*/} "*) exit 1 ;; esac
exit 0
`

// behaviour runs every assembled maintainer script of the packages under dir (as
// dh_installdeb left them in debian/PKG/DEBIAN) through every invocation in every variant,
// with /etc/init.d/NAME for each of names, and returns the log: for each run, the calls of
// stubbed commands and the exit status.
func behaviour(t *testing.T, dir string, pkgs, names []string) string {
	t.Helper()
	work := t.TempDir()
	stubs := filepath.Join(work, "stubs")
	require.NoError(t, os.Mkdir(stubs, 0o755))
	for _, s := range stubbed {
		require.NoError(t, os.WriteFile(filepath.Join(stubs, s), []byte(stub), 0o755))
	}
	log := filepath.Join(work, "log")
	q := shellQuote
	var b strings.Builder
	b.WriteString("set -u\n")
	for _, d := range []string{"/etc/init.d", "/etc/rc0.d", "/etc/rc6.d"} {
		fmt.Fprintf(&b, "mount -t tmpfs tmpfs %s || exit 90\n", d)
	}
	for _, v := range variants {
		b.WriteString("rm -f /etc/init.d/* /etc/rc0.d/* /etc/rc6.d/*\n")
		for _, n := range names {
			switch v.scripts {
			case "executable":
				fmt.Fprintf(&b, "printf '#!/bin/sh\\nexit 0\\n' >%s; chmod 0755 %[1]s\n", q("/etc/init.d/"+n))
			case "not-executable":
				fmt.Fprintf(&b, "printf '#!/bin/sh\\nexit 0\\n' >%s; chmod 0644 %[1]s\n", q("/etc/init.d/"+n))
			}
			if v.stopLinks {
				fmt.Fprintf(&b, "ln -s ../init.d/%s /etc/rc0.d/K01%[1]s; ln -s ../init.d/%[1]s /etc/rc6.d/K01%[1]s\n", n)
			}
		}
		for _, pkg := range pkgs {
			for _, inv := range invocations {
				script := filepath.Join(dir, "debian", pkg, "DEBIAN", inv.script)
				if _, err := os.Stat(script); err != nil {
					continue
				}
				title := fmt.Sprintf("== %s: %s %s %s", v.name, pkg, inv.script, strings.Join(inv.args, " "))
				fmt.Fprintf(&b, "echo %s >>%s\n", q(title), q(log))
				env := []string{"PATH=" + stubs + ":/usr/sbin:/usr/bin:/sbin:/bin", "STUB_LOG=" + log,
					"DPKG_MAINTSCRIPT_PACKAGE=" + pkg, "DPKG_MAINTSCRIPT_NAME=" + inv.script}
				if v.dpkgRoot {
					env = append(env, "DPKG_ROOT=/nonexistent-root")
				}
				if v.fail != "" {
					env = append(env, "STUB_FAIL="+v.fail)
				}
				b.WriteString("env -i")
				for _, e := range env {
					b.WriteString(" " + q(e))
				}
				fmt.Fprintf(&b, " dash %s", q(script))
				for _, a := range inv.args {
					b.WriteString(" " + q(a))
				}
				fmt.Fprintf(&b, " >/dev/null 2>&1; echo \"exit $?\" >>%s\n", q(log))
			}
		}
	}
	driver := filepath.Join(work, "driver.sh")
	require.NoError(t, os.WriteFile(driver, []byte(b.String()), 0o644))
	require.NoError(t, os.WriteFile(log, nil, 0o644))
	out, err := exec.Command("unshare", "--mount", "--propagation", "private", "sh", driver).CombinedOutput()
	require.NoError(t, err, "driver: %s", out)
	data, err := os.ReadFile(log)
	require.NoError(t, err)
	return string(data)
}

// shellQuote quotes a word for the test driver.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// packagesOf lists the binary packages of a fixture's debian/control.
func packagesOf(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "debian", "control"))
	require.NoError(t, err)
	var pkgs []string
	for _, line := range strings.Split(string(data), "\n") {
		if name, ok := strings.CutPrefix(line, "Package: "); ok {
			pkgs = append(pkgs, strings.TrimSpace(name))
		}
	}
	return pkgs
}

// initNames lists the init script names to populate /etc/init.d with: every package name and
// every script staged under debian/PKG/etc/init.d in any of dirs.
func initNames(t *testing.T, pkgs []string, dirs ...string) []string {
	t.Helper()
	set := map[string]bool{}
	for _, p := range pkgs {
		set[p] = true
	}
	for _, dir := range dirs {
		matches, err := filepath.Glob(filepath.Join(dir, "debian", "*", "etc", "init.d", "*"))
		require.NoError(t, err)
		for _, m := range matches {
			set[filepath.Base(m)] = true
		}
	}
	var names []string
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
