//go:build integration

package unstable

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dh-teardown/dh-teardown/dh/internal/debroot"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExamplesWithUnstableDebhelper builds the examples in the unstable root and runs
// unstable's lintian on them: no error or warning; and checks that the drop-in followed
// unstable's debhelper (no init-system-helpers substvars, update-rc.d under DPKG_ROOT) and
// that dh_teardown's code is there.
func TestExamplesWithUnstableDebhelper(t *testing.T) {
	root := debroot.Release(t, "sid")
	stage := stageStatic(t)
	work := t.TempDir()
	for _, c := range []struct {
		name, version string
		compat14      bool
	}{
		{"hello-1.0", "1.0", false},
		{"hello-1.1", "1.1", false},
		{"hello-2.0", "2.0", false},
		{"hello-2.0-compat14", "2.0", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(work, c.name)
			require.NoError(t, os.MkdirAll(dir, 0o755))
			src := filepath.Join(dir, "hello-"+c.version)
			out, err := exec.Command("cp", "-a", filepath.Join("..", "..", "..", "examples", "hello", c.version), src).CombinedOutput()
			require.NoError(t, err, "%s", out)
			if c.compat14 {
				control := filepath.Join(src, "debian", "control")
				data, err := os.ReadFile(control)
				require.NoError(t, err)
				edited := strings.Replace(string(data), "debhelper-compat (= 13)", "debhelper-compat (= 14)", 1)
				require.NotEqual(t, string(data), edited)
				require.NoError(t, os.WriteFile(control, []byte(edited), 0o644))
			}
			binds := []debroot.Bind{{Host: dir, Path: "/build"}, {Host: stage, Path: "/stage"}}
			env := []string{"PATH=/stage/usr/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C.UTF-8", "HOME=/nonexistent",
				"PERL5LIB=/stage/usr/share/perl5", "DH_TEARDOWN_BIN=/stage/usr/lib/dh-teardown/bin"}
			out2 := run(t, root, binds, env, "/build/hello-"+c.version, "dpkg-buildpackage", "-b", "-uc", "-us", "-d")
			deb := filepath.Join(dir, "hello_"+c.version+"_all.deb")
			require.FileExists(t, deb, "%s", out2)
			lint := run(t, root, binds, env, "/build", "lintian", "--fail-on", "error,warning", "--no-tag-display-limit", "/build/hello_"+c.version+"_all.deb")
			for _, line := range strings.Split(lint, "\n") {
				assert.False(t, strings.HasPrefix(line, "E: ") || strings.HasPrefix(line, "W: "), "lintian: %s", line)
			}

			postinst := controlFile(t, deb, "postinst")
			depends := field(t, deb, "Pre-Depends") + field(t, deb, "Depends")
			assert.NotContains(t, depends, "init-system-helpers", "debhelper 14 adds no init-system-helpers relation")
			assert.Contains(t, postinst, "update-rc.d hellod defaults >/dev/null")
			assert.Contains(t, postinst, `[ -z "$DPKG_ROOT" ]`, "DPKG_ROOT tested as set but maybe empty")
			// update-rc.d runs under a non-empty DPKG_ROOT: 1.1 puts the drop-in first on PATH,
			// 1.0 and 2.0 use debhelper's dh_installinit.
			if c.version == "1.1" {
				assert.Contains(t, postinst, `[ -x "$DPKG_ROOT"/etc/init.d/hellod ]`, "the drop-in follows debhelper 14")
			} else {
				assert.Contains(t, postinst, `[ -x "$DPKG_ROOT/etc/init.d/hellod" ]`)
			}
			switch c.version {
			case "1.1":
				assert.Contains(t, postinst, "rm -f /etc/rc0.d/K[0-9][0-9]hellod /etc/rc6.d/K[0-9][0-9]hellod")
			case "2.0":
				assert.Contains(t, controlFile(t, deb, "preinst"), "# Automatically added by dh_teardown/")
				assert.Contains(t, controlFile(t, deb, "preinst"), "invoke-rc.d hello-legacyd stop || exit 1")
			}
		})
	}
}

// run runs argv in the root in dir and returns its output; it must succeed.
func run(t *testing.T, root *debroot.Root, binds []debroot.Bind, env []string, dir string, argv ...string) string {
	t.Helper()
	cmd := root.Command(binds, dir, argv...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Run(), "%s in %s:\n%s", strings.Join(argv, " "), root.Suite, out.String())
	return out.String()
}

// stageStatic stages dh_teardown, the drop-in dh_installinit (built without cgo) and the
// dh add-on from this checkout as make install PREFIX=/usr lays them out, in a temporary
// directory, and returns it.
func stageStatic(t *testing.T) string {
	t.Helper()
	stage := t.TempDir()
	top := filepath.Join("..", "..", "..")
	for cmd, dir := range map[string]string{"dh_teardown": "usr/bin", "dh_installinit": "usr/lib/dh-teardown/bin"} {
		build := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(stage, dir, cmd), "github.com/dh-teardown/dh-teardown/dh/cmd/"+cmd)
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := build.CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	addon := "usr/share/perl5/Debian/Debhelper/Sequence/teardown.pm"
	data, err := os.ReadFile(filepath.Join(top, "dh", "perl", "Debian", "Debhelper", "Sequence", "teardown.pm"))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(stage, addon)), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(stage, addon), data, 0o644))
	return stage
}

// controlFile returns a control file (preinst, postinst…) of deb, "" when absent.
func controlFile(t *testing.T, deb, name string) string {
	t.Helper()
	out, err := exec.Command("dpkg-deb", "--info", deb, name).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// field returns a control field of deb, "" when absent.
func field(t *testing.T, deb, name string) string {
	t.Helper()
	out, err := exec.Command("dpkg-deb", "-f", deb, name).Output()
	require.NoError(t, err)
	return string(out)
}
