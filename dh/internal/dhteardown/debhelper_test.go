//go:build integration

package dhteardown

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
)

// This file and behaviour_test.go run dh_teardown between debhelper's own commands
// (dh_installinit, dh_installdeb, dh): the integration tier.

// run runs a debhelper command in dir, failing t if it fails.
func run(t *testing.T, dir string, argv ...string) {
	t.Helper()
	testenv.RequireCommand(t, argv[0])
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s: %s", strings.Join(argv, " "), out)
}

// TestRealDebhelperTree runs dh_installinit (debhelper's), dh_teardown and dh_installdeb on
// the bundled example and checks the assembled scripts and the staged init script.
func TestRealDebhelperTree(t *testing.T) {
	dir := example(t)
	run(t, dir, "dh_installinit", "--name=hellod")
	status, _, stderr := teardown(dir)
	require.Equal(t, 0, status, stderr)
	run(t, dir, "dh_installdeb")

	script, err := os.ReadFile(filepath.Join(dir, "debian/hello/etc/init.d/hellod"))
	require.NoError(t, err)
	assert.Contains(t, string(script), "# Default-Stop:      1\n")
	orig, err := os.ReadFile(filepath.Join(dir, "debian/hello.hellod.init"))
	require.NoError(t, err)
	assert.Equal(t, strings.Replace(string(orig), "# Default-Stop:      0 1 6\n", "# Default-Stop:      1\n", 1), string(script), "only Default-Stop changes")

	postinst := readScript(t, dir, "postinst")
	ours := strings.Index(postinst, "rm -f /etc/rc0.d/K[0-9][0-9]hellod")
	theirs := strings.Index(postinst, "update-rc.d hellod defaults")
	require.True(t, ours > 0 && theirs > 0, postinst)
	assert.Less(t, ours, theirs, "the old stop links go before dh_installinit's update-rc.d re-makes links")
	assert.Contains(t, postinst, "# Automatically added by dh_teardown/")
	assert.Contains(t, postinst, "update-rc.d hello-legacyd remove >/dev/null")

	preinst := readScript(t, dir, "preinst")
	stop := strings.Index(preinst, "invoke-rc.d hello-legacyd stop")
	rm := strings.Index(preinst, "dpkg-maintscript-helper rm_conffile /etc/init.d/hello-legacyd 2.0~")
	require.True(t, stop > 0 && rm > 0, preinst)
	assert.Less(t, stop, rm, "the daemon is stopped before its init script is renamed away")

	postrm := readScript(t, dir, "postrm")
	restore := strings.Index(postrm, "dpkg-maintscript-helper rm_conffile /etc/init.d/hello-legacyd")
	start := strings.Index(postrm, "invoke-rc.d hello-legacyd start")
	require.True(t, restore > 0 && start > 0, postrm)
	assert.Less(t, restore, start, "the init script is restored before the daemon is started again")
	assert.NotContains(t, postrm, "update-rc.d hello-legacyd", "lintian: postrm-contains-additional-updaterc.d-calls")
	assert.NotContains(t, preinst+postinst+postrm, "install-info", "a /usr/share/info document needs no code")
}

func readScript(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "debian/hello/DEBIAN", name))
	require.NoError(t, err)
	return string(data)
}

// TestDhSkipsItWithoutDeclarations checks the PROMISE line with dh itself: dh runs
// dh_teardown for a tree with a declaration file and skips it for one without.
func TestDhSkipsItWithoutDeclarations(t *testing.T) {
	testenv.RequireCommand(t, "go", "dh")
	bin := t.TempDir()
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/dh_teardown").CombinedOutput()
	require.NoError(t, err, "%s", out)
	perl5, err := filepath.Abs("../../perl")
	require.NoError(t, err)
	sequence := func(dir string) string {
		cmd := exec.Command("dh", "binary", "--no-act", "--with", "teardown")
		cmd.Dir = dir
		// dh --no-act lists every command unless told to apply the skip logic.
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "PERL5LIB="+perl5, "DH_INTERNAL_TEST_CAN_SKIP=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		return string(out)
	}
	dir := example(t)
	assert.Regexp(t, `(?s)dh_installinit.*\n\s*dh_teardown\n`, sequence(dir))
	require.NoError(t, os.Remove(filepath.Join(dir, "debian/hello.teardown")))
	assert.NotContains(t, sequence(dir), "dh_teardown")
}
