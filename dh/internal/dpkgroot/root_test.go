//go:build integration

package dpkgroot

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// uniqueName returns a daemon name no other test (or host process) uses.
func uniqueName(t testing.TB) string {
	b := make([]byte, 4)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return "dprt" + hex.EncodeToString(b)
}

// daemonPackage is a package shipping the test daemon name, with
// hand-written scripts that do what dh_installinit's do: register and start
// (restart on upgrade) in postinst, stop on remove, unregister on purge.
func daemonPackage(name, version string) DebSpec {
	return DebSpec{
		Package:   name,
		Version:   version,
		Files:     DaemonFiles(name, false),
		Conffiles: []string{"/etc/init.d/" + name},
		Scripts: map[string]string{
			"postinst": fmt.Sprintf(`#!/bin/sh
set -e
if [ "$1" = configure ]; then
	update-rc.d %[1]s defaults >/dev/null
	if [ -n "$2" ]; then action=restart; else action=start; fi
	invoke-rc.d %[1]s "$action"
fi
`, name),
			"prerm": fmt.Sprintf(`#!/bin/sh
set -e
if [ "$1" = remove ]; then
	invoke-rc.d %s stop
fi
`, name),
			"postrm": fmt.Sprintf(`#!/bin/sh
set -e
if [ "$1" = purge ]; then
	update-rc.d %s remove >/dev/null
fi
`, name),
		},
	}
}

// install copies deb into the root's /tmp and runs dpkg -i on it.
func install(t *testing.T, r *Root, deb string) string {
	t.Helper()
	inRoot := "/tmp/" + filepath.Base(deb)
	require.NoError(t, r.CopyIn(deb, inRoot))
	out, err := r.Dpkg("-i", inRoot)
	require.NoError(t, err)
	return out
}

// pidFile reads the pid the daemon name's init script recorded.
func pidFile(t *testing.T, r *Root, name string) int {
	t.Helper()
	data, err := r.ReadFile("/run/" + name + ".pid")
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	require.NoError(t, err)
	return pid
}

// hostProcesses returns the host pids of processes whose arguments
// include arg.
func hostProcesses(t *testing.T, arg string) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	var pids []string
	for _, e := range entries {
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		for _, a := range strings.Split(string(cmdline), "\x00") {
			if a == arg {
				pids = append(pids, e.Name())
			}
		}
	}
	return pids
}

// hostProcessesInMountNS returns the host pids of processes in the mount
// namespace ns (as readlink /proc/PID/ns/mnt shows it).
func hostProcessesInMountNS(t *testing.T, ns string) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	var pids []string
	for _, e := range entries {
		if link, err := os.Readlink("/proc/" + e.Name() + "/ns/mnt"); err == nil && link == ns {
			pids = append(pids, e.Name())
		}
	}
	return pids
}

func TestInstallStartsDaemonInsideTheRootOnly(t *testing.T) {
	mountsBefore, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	statusBefore, err := os.ReadFile("/var/lib/dpkg/status")
	require.NoError(t, err)

	r := New(t)
	ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/mnt", r.init.Process.Pid))
	require.NoError(t, err)
	tmp := r.tmp
	name := uniqueName(t)
	install(t, r, BuildDeb(t, daemonPackage(name, "1.0")))

	status, err := r.PackageStatus(name)
	require.NoError(t, err)
	assert.Equal(t, "installed", status)
	assert.True(t, r.Running("/run/"+name+".pid"), "daemon runs by its pid file")
	assert.True(t, r.Running(name), "daemon runs by its name")
	assert.Equal(t, []string{
		"rc0.d/K01" + name, "rc1.d/K01" + name, "rc2.d/S01" + name, "rc3.d/S01" + name,
		"rc4.d/S01" + name, "rc5.d/S01" + name, "rc6.d/K01" + name,
	}, r.RCLinks(name))
	assert.FileExists(t, r.Path("/etc/init.d/"+name))

	assert.NoFileExists(t, "/etc/init.d/"+name, "init script leaked to the host")
	assert.NoFileExists(t, "/etc/rc2.d/S01"+name, "rc link leaked to the host")
	assert.NoFileExists(t, "/run/"+name+".pid", "pid file leaked to the host")
	statusNow, err := os.ReadFile("/var/lib/dpkg/status")
	require.NoError(t, err)
	assert.Equal(t, string(statusBefore), string(statusNow), "host dpkg status changed")
	assert.NotEmpty(t, hostProcesses(t, "/usr/sbin/"+name), "the daemon is a real process")

	require.NoError(t, r.Close())
	assert.Empty(t, hostProcesses(t, "/usr/sbin/"+name), "daemon outlived Close")
	assert.Empty(t, hostProcessesInMountNS(t, ns), "processes outlived Close")
	mountsAfter, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	assert.Equal(t, string(mountsBefore), string(mountsAfter), "host mounts changed")
	assert.NoDirExists(t, tmp, "temporary directory left behind")
	require.NoError(t, r.Close(), "closing twice")
}

func TestDaemonKeepsRunningBetweenCalls(t *testing.T) {
	r := New(t)
	name := uniqueName(t)
	install(t, r, BuildDeb(t, daemonPackage(name, "1.0")))
	pid := pidFile(t, r, name)

	first := r.MustRun(t, "cat /run/"+name+".pid")
	r.MustRun(t, "sleep 0.2")
	second := r.MustRun(t, "cat /run/"+name+".pid; kill -0 $(cat /run/"+name+".pid)")
	assert.Equal(t, first, second)
	assert.Equal(t, strconv.Itoa(pid)+"\n", second)
	assert.Equal(t, []int{pid}, r.Pids(name))
	out := r.MustRun(t, "invoke-rc.d "+name+" status")
	assert.Equal(t, name+" is running\n", out)

	// A second instance is a second daemon (its shell's children are not).
	r.MustRun(t, "start-stop-daemon --start --background --make-pidfile --pidfile /run/second.pid --startas /usr/sbin/"+name)
	second = r.MustRun(t, "cat /run/second.pid")
	require.Eventually(t, func() bool { return len(r.Pids(name)) == 2 }, 5*time.Second, 10*time.Millisecond)
	assert.Contains(t, r.Pids(name), pid)
	r.MustRun(t, "start-stop-daemon --stop --retry=5 --pidfile /run/second.pid")
	// The second instance's own children may outlive it by a moment (seen under load).
	assert.Eventually(t, func() bool { return slices.Equal(r.Pids(name), []int{pid}) }, 5*time.Second, 10*time.Millisecond,
		"second instance %s: pids %v, want only %d", second, r.Pids(name), pid)

	// The init script really stops it; no zombie is left to look alive.
	r.MustRun(t, "invoke-rc.d "+name+" stop")
	assert.False(t, r.Running(name))
	assert.False(t, r.Running("/run/"+name+".pid"))
	_, _, err := r.Run("invoke-rc.d " + name + " status")
	var re *RunError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 3, re.ExitCode)
}

func TestUpgradeRemoveAndPurgeLeaveNothing(t *testing.T) {
	r := New(t)
	name := uniqueName(t)
	before, err := r.Snapshot()
	require.NoError(t, err)

	install(t, r, BuildDeb(t, daemonPackage(name, "1.0")))
	v1 := pidFile(t, r, name)
	installed, err := r.Snapshot()
	require.NoError(t, err)
	added := before.Diff(installed)
	assert.Contains(t, added, "added /etc/init.d/"+name+" (file)")
	assert.Contains(t, added, "added /etc/rc2.d/S01"+name+" (symlink)")
	assert.Contains(t, added, "added /usr/sbin/"+name+" (file)")

	install(t, r, BuildDeb(t, daemonPackage(name, "2.0")))
	v2 := pidFile(t, r, name)
	assert.NotEqual(t, v1, v2, "upgrade restarts the daemon")
	assert.True(t, r.Running(name))
	log, err := r.ReadFile("/run/" + name + ".log")
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("start %d\nstart %d\n", v1, v2), string(log))
	version, _, err := r.Run("dpkg-query -f '${Version}' -W " + name)
	require.NoError(t, err)
	assert.Equal(t, "2.0", version)

	_, err = r.Dpkg("-r", name)
	require.NoError(t, err)
	assert.False(t, r.Running(name), "remove stops the daemon")
	status, err := r.PackageStatus(name)
	require.NoError(t, err)
	assert.Equal(t, "config-files", status)
	assert.FileExists(t, r.Path("/etc/init.d/"+name), "remove keeps the conffile")
	assert.Len(t, r.RCLinks(name), 7, "remove keeps the links")

	_, err = r.Dpkg("-P", name)
	require.NoError(t, err)
	status, err = r.PackageStatus(name)
	require.NoError(t, err)
	assert.Equal(t, "not-installed", status)
	assert.Empty(t, r.RCLinks(name))
	after, err := r.Snapshot()
	require.NoError(t, err)
	assert.Empty(t, before.Diff(after), "purge left the root changed")
}

func TestFailingPreinstFailsDpkgWithItsOutput(t *testing.T) {
	r := New(t)
	name := uniqueName(t)
	spec := daemonPackage(name, "1.0")
	spec.Scripts["preinst"] = "#!/bin/sh\necho 'preinst refuses to install' >&2\nexit 1\n"
	deb := BuildDeb(t, spec)
	require.NoError(t, r.CopyIn(deb, "/tmp/p.deb"))

	out, err := r.Dpkg("-i", "/tmp/p.deb")
	var re *RunError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 1, re.ExitCode)
	assert.Equal(t, []string{"dpkg", "-i", "/tmp/p.deb"}, re.Args)
	assert.Equal(t, out, re.Output)
	assert.Contains(t, out, "preinst refuses to install")
	assert.Contains(t, out, "new "+name+" package pre-installation script subprocess returned error exit status 1")
	assert.Contains(t, err.Error(), "preinst refuses to install")
	status, err := r.PackageStatus(name)
	require.NoError(t, err)
	assert.Equal(t, "not-installed", status)
	assert.False(t, r.Running(name))
	assert.NoFileExists(t, r.Path("/etc/init.d/"+name))
}

func TestSnapshotDiffReportsChanges(t *testing.T) {
	r := New(t)
	before, err := r.Snapshot()
	require.NoError(t, err)
	r.MustRun(t, `
		chmod 0600 /etc/hostname
		echo changed >>/etc/issue
		rm /etc/issue.net
		mkdir -m 0750 /srv/new
		ln -s /etc/issue /srv/new/link
		rm -r /etc/init.d
		mkdir /etc/init.d
		echo hidden >/var/log/ignored
	`)
	after, err := r.Snapshot()
	require.NoError(t, err)
	diff := before.Diff(after)

	hostname, err := os.Lstat("/etc/hostname")
	require.NoError(t, err)
	assert.Contains(t, diff, "changed /etc/hostname: mode "+hostname.Mode().String()+" -> -rw-------")
	assert.Contains(t, diff, "removed /etc/issue.net (file)")
	assert.Contains(t, diff, "added /srv/new (directory)")
	assert.Contains(t, diff, "added /srv/new/link (symlink)")
	assert.Contains(t, diff, "removed /etc/init.d/hwclock.sh (file)", "opaque directory hides lower files")
	assert.NotContains(t, strings.Join(diff, "\n"), "/var/log")
	var issue string
	for _, d := range diff {
		if strings.HasPrefix(d, "changed /etc/issue:") {
			issue = d
		}
	}
	assert.Regexp(t, `^changed /etc/issue: size \d+ -> \d+, content sha256 [0-9a-f]{12} -> [0-9a-f]{12}$`, issue)
	assert.Empty(t, after.Diff(after))
	assert.Empty(t, before.Diff(before))
}

func TestPathAndReadFileResolveLinksInsideTheRoot(t *testing.T) {
	r := New(t)
	name := uniqueName(t)
	r.MustRun(t, "echo inside >/run/"+name+"; ln -s /run/"+name+" /tmp/"+name)
	data, err := r.ReadFile("/var/run/" + name)
	require.NoError(t, err)
	assert.Equal(t, "inside\n", string(data))
	data, err = r.ReadFile("/tmp/" + name)
	require.NoError(t, err)
	assert.Equal(t, "inside\n", string(data))
	assert.FileExists(t, r.Path("/var/run/"+name))
	assert.NoFileExists(t, "/run/"+name)

	host := filepath.Join(t.TempDir(), "payload")
	require.NoError(t, os.WriteFile(host, []byte("payload"), 0o640))
	require.NoError(t, r.CopyIn(host, "/var/tmp/"+name+"/sub/payload"))
	assert.Equal(t, "-rw-r----- 7\n", r.MustRun(t, "stat -c '%A %s' /var/tmp/"+name+"/sub/payload"))
	assert.NoDirExists(t, "/var/tmp/"+name)
}

func TestRunReportsFailureAndRefusesAfterClose(t *testing.T) {
	r := New(t)
	stdout, stderr, err := r.Run("echo out; echo err >&2; exit 7")
	assert.Equal(t, "out\n", stdout)
	assert.Equal(t, "err\n", stderr)
	var re *RunError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 7, re.ExitCode)
	assert.Equal(t, "err\n", re.Output)

	env := r.MustRun(t, "env | sort")
	assert.Equal(t, "DEBIAN_FRONTEND=noninteractive\nHOME=/root\nLC_ALL=C\n"+
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nPWD=/\n", env)
	assert.True(t, strings.HasPrefix(r.MustRun(t, "tr '\\0' ' ' </proc/1/cmdline"), "perl -e "), "new pid namespace")
	assert.Equal(t, "N 2\n", r.MustRun(t, "runlevel"))
	assert.Equal(t, "no\n", r.MustRun(t, "test -d /run/systemd/system && echo yes || echo no"))

	require.NoError(t, r.Close())
	_, _, err = r.Run("true")
	require.Error(t, err)
	assert.False(t, errors.As(err, &re))
}

func TestInvokeRcdFollowsTheRunlevelLinks(t *testing.T) {
	r := New(t)
	name := uniqueName(t)
	spec := daemonPackage(name, "1.0")
	spec.Files = DaemonFiles(name, true)
	// Not registered: invoke-rc.d finds no S link in rc2.d and refuses.
	spec.Scripts["postinst"] = "#!/bin/sh\nset -e\ninvoke-rc.d " + name + " start\n"
	install(t, r, BuildDeb(t, spec))
	assert.False(t, r.Running(name), "invoke-rc.d started a daemon without rc links")
	assert.Empty(t, r.RCLinks(name))

	// Registered with the multiuser header: started, and no stop links for
	// halt and reboot.
	r.MustRun(t, "update-rc.d "+name+" defaults && invoke-rc.d "+name+" start")
	assert.True(t, r.Running("/var/run/"+name+".pid"))
	assert.Equal(t, []string{
		"rc1.d/K01" + name, "rc2.d/S01" + name, "rc3.d/S01" + name, "rc4.d/S01" + name, "rc5.d/S01" + name,
	}, r.RCLinks(name))

	// The daemon logs a reload, and the init script reports one of a
	// stopped daemon as LSB's "not running".
	pid := pidFile(t, r, name)
	r.MustRun(t, "invoke-rc.d "+name+" reload")
	require.Eventually(t, func() bool {
		log, err := r.ReadFile("/run/" + name + ".log")
		return err == nil && string(log) == fmt.Sprintf("start %d\nreload %d\n", pid, pid)
	}, 5*time.Second, 50*time.Millisecond)
	r.MustRun(t, "invoke-rc.d "+name+" stop")
	_, _, err := r.Run("invoke-rc.d " + name + " reload")
	var re *RunError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 7, re.ExitCode)
}

func TestBuildDebRejectsBadSpecs(t *testing.T) {
	for what, spec := range map[string]DebSpec{
		"relative path":    {Package: "p", Version: "1", Files: map[string]File{"etc/x": {}}},
		"unclean path":     {Package: "p", Version: "1", Files: map[string]File{"/etc/../x": {}}},
		"unknown script":   {Package: "p", Version: "1", Scripts: map[string]string{"postinstall": ""}},
		"missing conffile": {Package: "p", Version: "1", Conffiles: []string{"/etc/x"}},
		"newline in field": {Package: "p", Version: "1", Depends: "a,\nb"},
		"dpkg-deb refuses": {Package: "P_Q", Version: "1"},
	} {
		t.Run(what, func(t *testing.T) {
			_, err := buildDeb(spec, t.TempDir())
			require.Error(t, err)
			assert.Contains(t, err.Error(), "dpkgroot: ")
		})
	}
}

func TestBuildDebBuildsWhatTheSpecSays(t *testing.T) {
	deb := BuildDeb(t, DebSpec{
		Package:    "dprt-spec",
		Version:    "1:2.0-1",
		Depends:    "dash",
		PreDepends: "dpkg (>= 1.17)",
		Control:    map[string]string{"Breaks": "dprt-old"},
		Files:      map[string]File{"/etc/dprt/x.conf": {Content: "x\n"}, "/usr/bin/dprt": {Content: "#!/bin/sh\n", Mode: 0o755}},
		Conffiles:  []string{"/etc/dprt/x.conf"},
		Scripts:    map[string]string{"postinst": "#!/bin/sh\n"},
	})
	assert.Equal(t, "dprt-spec_2.0-1_all.deb", filepath.Base(deb))
	info, err := exec.Command("dpkg-deb", "--field", deb, "Package", "Version", "Architecture", "Depends", "Pre-Depends", "Breaks").Output()
	require.NoError(t, err)
	assert.Equal(t, "Package: dprt-spec\nVersion: 1:2.0-1\nArchitecture: all\nDepends: dash\n"+
		"Pre-Depends: dpkg (>= 1.17)\nBreaks: dprt-old\n", string(info))
	contents, err := exec.Command("dpkg-deb", "--contents", deb).Output()
	require.NoError(t, err)
	assert.Regexp(t, `-rw-r--r-- root/root +2 \S+ \S+ \./etc/dprt/x\.conf`, string(contents))
	assert.Regexp(t, `-rwxr-xr-x root/root +10 \S+ \S+ \./usr/bin/dprt`, string(contents))
	conffiles, err := exec.Command("dpkg-deb", "--info", deb, "conffiles").Output()
	require.NoError(t, err)
	assert.Equal(t, "/etc/dprt/x.conf\n", string(conffiles))
}
