package simulate

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Unit files of the systemd tests: a service with its socket (Also=), an
// alias, and a static unit.
var testUnits = map[string]string{
	"/lib/systemd/system/hellod.service":     "[Unit]\nDescription=hello\n\n[Service]\nExecStart=/usr/sbin/hellod\n\n[Install]\nWantedBy=multi-user.target\nAlias=hello.service\nAlso=hellod.socket\n",
	"/lib/systemd/system/hellod.socket":      "[Socket]\nListenStream=/run/hellod.sock\n\n[Install]\nWantedBy=sockets.target\n",
	"/usr/lib/systemd/system/static.service": "[Service]\nExecStart=/bin/true\n",
	"/lib/systemd/system/other.service":      "[Service]\nExecStart=/bin/true\n[Install]\nRequiredBy=graphical.target\n",
}

// TestDebSystemdHelperMatchesTheRealTool runs the real deb-systemd-helper
// with DPKG_ROOT pointing at a temporary directory (it then touches nothing
// else, runs no systemctl and no daemon-reload) and the simulation with the
// same DPKG_ROOT, command for command, and compares exit statuses and trees.
// "@rm PATH" is the administrator deleting a file (a link, or a unit file as
// an upgrade does).
func TestDebSystemdHelperMatchesTheRealTool(t *testing.T) {
	cases := []string{
		"enable hellod.service",
		"enable hellod.service; enable hellod.service",
		"enable hellod.service; was-enabled hellod.service; is-enabled hellod.service; debian-installed hellod.service",
		"was-enabled hellod.service; debian-installed hellod.service",
		"enable hellod.service; @rm /etc/systemd/system/multi-user.target.wants/hellod.service; was-enabled hellod.service; enable hellod.service",
		"enable hellod.service; disable hellod.service; was-enabled hellod.service",
		"enable hellod.service; purge hellod.service",
		"enable hellod.service; @rm /lib/systemd/system/hellod.service; purge hellod.service; unmask hellod.service",
		"enable hellod.service; @rm /lib/systemd/system/hellod.service; @rm /lib/systemd/system/hellod.socket; purge hellod.socket hellod.service",
		"update-state hellod.service; was-enabled hellod.service; enable hellod.service",
		"update-state hellod.socket; was-enabled hellod.socket; debian-installed hellod.socket",
		"update-state gone.service",
		"mask hellod.service; unmask hellod.service",
		"mask hellod.service; mask hellod.service; purge hellod.service; unmask hellod.service",
		"@mask hellod.service; unmask hellod.service",
		"enable static.service; was-enabled static.service; debian-installed static.service",
		"enable other.service; reenable other.service",
		"is-enabled nosuch.service",
		"purge nosuch.service; unmask nosuch.service",
		"--quiet was-enabled hellod.service",
		"frobnicate hellod.service",
	}
	for _, line := range cases {
		t.Run(line, func(t *testing.T) {
			r := newTwinRoots(t)
			for p, content := range testUnits {
				r.writeFile(p, content, 0o644)
			}
			for _, cmdline := range strings.Split(line, ";") {
				args := strings.Fields(cmdline)
				switch args[0] {
				case "@rm":
					r.remove(args[1])
				case "@mask": // the administrator's own mask
					r.symlink("/dev/null", "/etc/systemd/system/"+args[1])
				default:
					r.run([]string{"DPKG_MAINTSCRIPT_PACKAGE=hello"}, "deb-systemd-helper", args...)
				}
			}
			r.assertSameTree()
		})
	}
}

func TestDebSystemdHelperNeedsDpkg(t *testing.T) {
	s := NewSystem()
	step := run(t, s, `DPKG_MAINTSCRIPT_PACKAGE= deb-systemd-helper purge hellod.service`)
	assert.Equal(t, 1, step.Exit)
	assert.Contains(t, step.Output, "was not called from dpkg")
}

// systemdSystem is a machine booted with systemd that has hellod's units
// installed, enabled (by deb-systemd-helper) and running.
func systemdSystem(t *testing.T) *System {
	t.Helper()
	s := NewSystem()
	s.BootSystemd()
	for p, content := range testUnits {
		require.NoError(t, s.FS.MkdirAll(filepath.Dir(p)))
		require.NoError(t, s.FS.WriteFile(p, content, 0o644))
	}
	step := run(t, s, "deb-systemd-helper enable hellod.service")
	require.Equal(t, 0, step.Exit, step.Output)
	s.Active["hellod.service"], s.Active["hellod.socket"] = true, true
	return s
}

func TestSystemctl(t *testing.T) {
	s := systemdSystem(t)
	assert.True(t, s.UnitEnabled("hellod.service"))
	assert.True(t, s.UnitEnabled("hellod.socket"), "Also= enables the socket")
	step := run(t, s, "systemctl is-enabled hellod.service static.service other.service nosuch.service")
	assert.Equal(t, "enabled\nstatic\ndisabled\nFailed to get unit file state for nosuch.service: No such file or directory\n", step.Output)
	assert.Equal(t, 0, step.Exit)
	assert.Equal(t, 1, run(t, s, "systemctl --quiet is-enabled other.service").Exit)
	assert.Equal(t, 0, run(t, s, "systemctl --quiet is-active hellod.socket").Exit)

	step = run(t, s, "systemctl stop hellod.socket hellod.service")
	assert.Equal(t, 0, step.Exit)
	assert.False(t, s.UnitActive("hellod.service"))
	assert.Equal(t, 3, run(t, s, "systemctl is-active hellod.service").Exit)
	assert.Equal(t, 5, run(t, s, "systemctl stop nosuch.service").Exit)
	assert.Equal(t, 5, run(t, s, "systemctl start nosuch.service").Exit)
	assert.Equal(t, 0, run(t, s, "systemctl start hellod").Exit)
	assert.True(t, s.Active["hellod.service"], "a bare name means NAME.service")

	run(t, s, "systemctl mask other.service")
	assert.Equal(t, "masked\n", run(t, s, "systemctl is-enabled other.service").Output)
	assert.Equal(t, 1, run(t, s, "systemctl start other.service").Exit)
	run(t, s, "systemctl unmask other.service")
	run(t, s, "systemctl enable other.service")
	assert.True(t, s.UnitEnabled("other.service"))
	run(t, s, "systemctl disable hellod.service")
	assert.False(t, s.UnitEnabled("hellod.service"))
	assert.False(t, s.UnitEnabled("hellod.socket"), "disable follows Also=")

	assert.Contains(t, run(t, s, "systemctl daemon-reload").Commands[0].Effects, "systemd reloaded its unit files")
	assert.Equal(t, "LoadState=loaded\nnot-found\n", run(t, s, "systemctl show -p LoadState hellod.service; systemctl show --value -p LoadState nosuch.service").Output)
}

func TestSystemctlWithoutSystemd(t *testing.T) {
	s := NewSystem()
	require.NoError(t, s.FS.MkdirAll("/lib/systemd/system"))
	for _, u := range []string{"hellod.service", "hellod.socket"} {
		require.NoError(t, s.FS.WriteFile("/lib/systemd/system/"+u, testUnits["/lib/systemd/system/"+u], 0o644))
	}
	step := run(t, s, "systemctl stop hellod.service")
	assert.Equal(t, 1, step.Exit)
	assert.Contains(t, step.Output, "System has not been booted with systemd")
	assert.Equal(t, "disabled\n", run(t, s, "systemctl is-enabled hellod.service").Output, "is-enabled reads unit files offline")
	assert.Equal(t, 0, run(t, s, "systemctl enable hellod.service").Exit)
	assert.True(t, s.UnitEnabled("hellod.service"))
}

func TestDebSystemdInvoke(t *testing.T) {
	s := systemdSystem(t)
	step := run(t, s, "deb-systemd-invoke stop hellod.socket hellod.service")
	assert.Equal(t, 0, step.Exit, step.Output)
	assert.False(t, s.UnitActive("hellod.socket"))
	assert.False(t, s.UnitActive("hellod.service"))

	step = run(t, s, "deb-systemd-invoke start other.service static.service hellod.service")
	assert.Equal(t, 0, step.Exit)
	assert.Equal(t, "other.service is a disabled or a static unit, not starting it.\nstatic.service is a disabled or a static unit, not starting it.\n", step.Output)
	assert.True(t, s.UnitActive("hellod.service"))
	assert.False(t, s.UnitActive("other.service"))

	s.Active["static.service"] = true
	run(t, s, "deb-systemd-invoke restart static.service other.service")
	assert.True(t, s.UnitActive("static.service"), "restart runs an active unit even when it is not enabled")
	assert.False(t, s.UnitActive("other.service"))

	step = run(t, s, "deb-systemd-invoke stop nosuch.service")
	assert.Equal(t, 5, step.Exit, "stop goes to systemctl as it is")
}

func TestInvokeRcdUnderSystemd(t *testing.T) {
	s := systemdSystem(t)
	require.NoError(t, s.FS.WriteFile("/etc/init.d/hellod", hellodInit, 0o755))
	require.NoError(t, s.FS.WriteFile("/etc/init.d/legacyd", hellodInit, 0o755))

	step := run(t, s, "invoke-rc.d --skip-systemd-native hellod stop")
	assert.Equal(t, 0, step.Exit)
	assert.True(t, s.UnitActive("hellod.service"), "a native unit is left to deb-systemd-invoke")
	run(t, s, "invoke-rc.d hellod stop")
	assert.False(t, s.UnitActive("hellod.service"), "without --skip-systemd-native, systemctl stops the native unit")

	run(t, s, "invoke-rc.d legacyd start")
	assert.False(t, s.Running["legacyd"], "a generated unit without S links is not enabled")
	require.Equal(t, 0, run(t, s, "update-rc.d legacyd defaults").Exit)
	run(t, s, "invoke-rc.d --skip-systemd-native legacyd start")
	assert.True(t, s.Running["legacyd"], "a generated unit runs its init script")
	assert.True(t, s.UnitActive("legacyd.service"))
	assert.Equal(t, 0, run(t, s, "systemctl --quiet is-active legacyd.service").Exit)
	run(t, s, "deb-systemd-invoke stop legacyd.service")
	assert.False(t, s.Running["legacyd"])
}

func TestUpdateRcdReloadsSystemd(t *testing.T) {
	s := NewSystem()
	s.BootSystemd()
	step := run(t, s, "update-rc.d gone remove")
	assert.Contains(t, step.Commands[0].Effects, "systemctl daemon-reload: systemd reloaded its unit files")
}
