//go:build integration

package examplebuild

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/debbuild"
	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
)

var (
	stageOnce sync.Once
	root      string // the checkout's top directory
	stageDir  string
	stageErr  error
)

// staged builds and stages the commands once per test binary (debbuild.Stage) and returns
// the staging directory.
func staged(t *testing.T) string {
	t.Helper()
	testenv.RequireCommand(t, "go", "dpkg-buildpackage", "dh", "dpkg-deb", "lintian")
	stageOnce.Do(func() {
		root, stageErr = debbuild.RepoRoot()
		if stageErr != nil {
			return
		}
		stageDir, stageErr = os.MkdirTemp("", "dh-teardown-stage-")
		if stageErr != nil {
			return
		}
		stageErr = debbuild.Stage(root, stageDir)
	})
	require.NoError(t, stageErr)
	return stageDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if stageDir != "" {
		os.RemoveAll(stageDir)
	}
	os.Exit(code)
}

// buildExample builds examples/hello/VERSION with dpkg-buildpackage and returns the .deb.
func buildExample(t *testing.T, version string) string {
	t.Helper()
	deb := filepath.Join(buildTree(t, "hello", version), "hello_"+version+"_all.deb")
	require.FileExists(t, deb)
	return deb
}

// buildTree builds examples/NAME/VERSION with dpkg-buildpackage, with dh-teardown staged from
// this checkout (debbuild), and returns the directory the .debs are in.
func buildTree(t *testing.T, name, version string) string {
	t.Helper()
	st := staged(t)
	work := t.TempDir()
	src := filepath.Join(work, name+"-"+version)
	out, err := exec.Command("cp", "-a", filepath.Join(root, "examples", name, version), src).CombinedOutput()
	require.NoError(t, err, "%s", out)
	_, err = debbuild.Build(st, src)
	require.NoError(t, err, "%s %s", name, version)
	return work
}

// lintian runs lintian on deb (with the package's own overrides) and fails t on any error or
// warning.
func lintian(t *testing.T, deb string) {
	t.Helper()
	out, err := exec.Command("lintian", "--fail-on", "error,warning", "--no-tag-display-limit", deb).CombinedOutput()
	assert.NoError(t, err, "lintian %s:\n%s", filepath.Base(deb), out)
	for _, line := range strings.Split(string(out), "\n") {
		assert.False(t, strings.HasPrefix(line, "E: ") || strings.HasPrefix(line, "W: "), "lintian: %s", line)
	}
}

// controlFile returns a control file (preinst, postinst, ...) of deb, "" when absent.
func controlFile(t *testing.T, deb, name string) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("dpkg-deb", "-e", deb, dir).CombinedOutput()
	require.NoError(t, err, "%s", out)
	data, err := os.ReadFile(filepath.Join(dir, name))
	if os.IsNotExist(err) {
		return ""
	}
	require.NoError(t, err)
	return string(data)
}

// fileOf returns the content of path inside deb.
func fileOf(t *testing.T, deb, path string) string {
	t.Helper()
	out, err := exec.Command("sh", "-c", `dpkg-deb --fsys-tarfile "$1" | tar -xOf - "$2"`, "sh", deb, "."+path).Output()
	require.NoError(t, err, "%s from %s", path, deb)
	return string(out)
}

func TestHello10PlainDebhelper(t *testing.T) {
	deb := buildExample(t, "1.0")
	lintian(t, deb)
	assert.NotContains(t, controlFile(t, deb, "postinst"), "dh_teardown", "1.0 does not use dh-teardown")
	assert.Contains(t, fileOf(t, deb, "/etc/init.d/hellod"), "# Default-Stop:      0 1 6")
}

func TestHello11DropInMultiuser(t *testing.T) {
	deb := buildExample(t, "1.1")
	lintian(t, deb)
	assert.Contains(t, fileOf(t, deb, "/etc/init.d/hellod"), "# Default-Stop:      1\n", "the drop-in's multiuser keyword rewrote the header")
	assert.Contains(t, fileOf(t, deb, "/etc/init.d/hello-legacyd"), "# Default-Stop:      0 1 6", "only hellod is multiuser")
	postinst := controlFile(t, deb, "postinst")
	assert.Contains(t, postinst, "rm -f /etc/rc0.d/K[0-9][0-9]hellod /etc/rc6.d/K[0-9][0-9]hellod")
	assert.Contains(t, postinst, "update-rc.d hellod defaults >/dev/null")
}

func TestHello20Teardown(t *testing.T) {
	deb := buildExample(t, "2.0")
	lintian(t, deb)
	assert.Contains(t, fileOf(t, deb, "/etc/init.d/hellod"), "# Default-Stop:      1\n")
	preinst := controlFile(t, deb, "preinst")
	assert.Contains(t, preinst, "invoke-rc.d hello-legacyd stop || exit 1")
	assert.Contains(t, preinst, "dpkg-maintscript-helper rm_conffile /etc/default/hello-legacyd 2.0~ -- \"$@\"")
	assert.Contains(t, controlFile(t, deb, "postinst"), "dpkg --compare-versions \"$2\" lt 1.1")
	assert.Contains(t, controlFile(t, deb, "postrm"), "invoke-rc.d hello-legacyd start || exit 1")
}

// TestDhTeardownPackage builds dh-teardown's own Debian package from this checkout and checks
// it with lintian and its contents.
func TestDhTeardownPackage(t *testing.T) {
	testenv.RequireCommand(t, "git", "go", "dpkg-buildpackage", "dh", "dpkg-deb", "lintian", "pod2man")
	root, err := debbuild.RepoRoot()
	require.NoError(t, err)
	work := t.TempDir()
	src := filepath.Join(work, "dh-teardown")
	require.NoError(t, os.MkdirAll(src, 0o755))
	out, err := exec.Command("sh", "-c", `cd "$1" && git ls-files -z | xargs -0 cp -P --parents -t "$2"`, "sh", root, src).CombinedOutput()
	require.NoError(t, err, "%s", out)
	cmd := exec.Command("dpkg-buildpackage", "-b", "-uc", "-us")
	cmd.Dir = src
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "dpkg-buildpackage of dh-teardown:\n%s", out)
	debs, err := filepath.Glob(filepath.Join(work, "dh-teardown_*.deb"))
	require.NoError(t, err)
	require.Len(t, debs, 1)
	lintian(t, debs[0])
	listing, err := exec.Command("dpkg-deb", "-c", debs[0]).Output()
	require.NoError(t, err)
	for _, path := range []string{"./usr/bin/dh_teardown", "./usr/bin/teardown", "./usr/lib/dh-teardown/bin/dh_installinit",
		"./usr/share/perl5/Debian/Debhelper/Sequence/teardown.pm", "./usr/share/man/man1/dh_teardown.1.gz"} {
		assert.Contains(t, string(listing), path)
	}
	fields, err := exec.Command("dpkg-deb", "-f", debs[0], "Provides").Output()
	require.NoError(t, err)
	assert.Contains(t, string(fields), "dh-sequence-teardown")
}
