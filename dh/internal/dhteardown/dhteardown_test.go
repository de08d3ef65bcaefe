package dhteardown

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dh-teardown/dh-teardown/dh/internal/bench/trees"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// example copies examples/hello/2.0 into a temporary directory and returns it.
func example(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "hello")
	out, err := exec.Command("cp", "-a", "../../../examples/hello/2.0", dir).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return dir
}

// run runs a debhelper command in dir, failing t if it fails.
func run(t *testing.T, dir string, argv ...string) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s: %s", strings.Join(argv, " "), out)
}

// teardown runs Main in dir and returns its status, stdout and stderr.
func teardown(dir string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	env := func(k string) string {
		if k == "DEB_HOST_ARCH" {
			return "amd64"
		}
		if k == "DEB_HOST_ARCH_OS" {
			return "linux"
		}
		return ""
	}
	status := Main(dir, args, env, &stdout, &stderr)
	return status, stdout.String(), stderr.String()
}

// treeHash fingerprints every file under dir/debian (path, mode, content).
func treeHash(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	err := filepath.WalkDir(filepath.Join(dir, "debian"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		sums[strings.TrimPrefix(path, dir)] = info.Mode().String() + " " + hex.EncodeToString(sum[:])
		return nil
	})
	require.NoError(t, err)
	return sums
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

func TestIdempotent(t *testing.T) {
	dir := example(t)
	run(t, dir, "dh_installinit", "--name=hellod")
	status, _, stderr := teardown(dir)
	require.Equal(t, 0, status, stderr)
	first := treeHash(t, dir)
	status, _, stderr = teardown(dir)
	require.Equal(t, 0, status, stderr)
	assert.Equal(t, first, treeHash(t, dir), "a second run changes no byte")
}

// TestBadInputWritesNothing checks that every problem is reported, positioned, and that
// nothing is written when there is one.
func TestBadInputWritesNothing(t *testing.T) {
	dir := example(t)
	run(t, dir, "dh_installinit", "--name=hellod")
	decls := "Daemon: hellod\nMultiuser: yes\n\nDaemon: hello-legacyd\nRemoved-In: 2.1\n\nDaemon: x;reboot\nMultiuser: yes\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "debian/hello.teardown"), []byte(decls), 0o644))
	before := treeHash(t, dir)
	status, _, stderr := teardown(dir)
	assert.Equal(t, 1, status)
	assert.Equal(t, `debian/hello.teardown:7: daemon "x;reboot": invalid init script name: only letters, digits and "_.+-" are allowed, starting with a letter or digit
`, stderr, "parse errors are reported first, all of them")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "debian/hello.teardown"), []byte(decls[:strings.Index(decls, "\n\nDaemon: x")+1]), 0o644))
	before = treeHash(t, dir)
	status, _, stderr = teardown(dir)
	assert.Equal(t, 1, status)
	assert.Equal(t, `debian/hello.teardown:5: daemon "hello-legacyd": Removed-In "2.1": newer than the version being built (2.0)
`, stderr)
	assert.Equal(t, before, treeHash(t, dir), "nothing written")
}

func TestMultiuserNeedsStagedScript(t *testing.T) {
	dir := example(t) // dh_installinit has not run: nothing is staged
	status, _, stderr := teardown(dir)
	assert.Equal(t, 1, status)
	assert.Contains(t, stderr, `debian/hello.teardown:6: daemon "hellod": multiuser, but the package ships no /etc/init.d/hellod`)
}

func TestUsageErrors(t *testing.T) {
	dir := example(t)
	status, _, stderr := teardown(dir, "--no-such-option")
	assert.Equal(t, 2, status, stderr)
	status, _, stderr = teardown(dir, "stray")
	assert.Equal(t, 2, status, stderr)
	status, _, stderr = teardown(dir, "-p", "nosuchpackage")
	assert.Equal(t, 2, status, stderr)
}

func TestNoAct(t *testing.T) {
	dir := example(t)
	run(t, dir, "dh_installinit", "--name=hellod")
	before := treeHash(t, dir)
	status, _, stderr := teardown(dir, "--no-act")
	require.Equal(t, 0, status, stderr)
	assert.Equal(t, before, treeHash(t, dir))
}

func TestNotASourceTree(t *testing.T) {
	status, _, stderr := teardown(t.TempDir())
	assert.Equal(t, 1, status)
	assert.Contains(t, stderr, "no debian/ directory: not a source tree")
}

// TestDhSkipsItWithoutDeclarations checks the PROMISE line with dh itself: dh runs
// dh_teardown for a tree with a declaration file and skips it for one without.
func TestDhSkipsItWithoutDeclarations(t *testing.T) {
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

// TestManyPackages: with many packages, dh_teardown generates them on several goroutines;
// the tree it writes and the problems it reports (in package order) are those of one.
func TestManyPackages(t *testing.T) {
	write := func(dir string, broken bool) {
		require.NoError(t, trees.Write(dir, trees.ManySource("1.0", 40, true)))
		for i := 1; i <= 40; i++ {
			pkg := fmt.Sprintf("lcmany-%03d", i)
			data, err := os.ReadFile(filepath.Join(dir, "debian", pkg+".init"))
			require.NoError(t, err)
			staged := filepath.Join(dir, "debian", pkg, "etc/init.d", pkg)
			require.NoError(t, os.MkdirAll(filepath.Dir(staged), 0o755))
			require.NoError(t, os.WriteFile(staged, data, 0o755))
			if broken && (i == 3 || i == 38) {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "debian", pkg+".teardown"), []byte("Daemon: x y\n"), 0o644))
			}
		}
	}
	for _, broken := range []bool{false, true} {
		one, many := filepath.Join(t.TempDir(), "one"), filepath.Join(t.TempDir(), "many")
		write(one, broken)
		write(many, broken)
		procs := runtime.GOMAXPROCS(1)
		status1, out1, err1 := teardown(one)
		runtime.GOMAXPROCS(max(procs, 2))
		status, out, errs := teardown(many)
		runtime.GOMAXPROCS(procs)
		assert.Equal(t, status1, status)
		assert.Equal(t, out1, out)
		assert.Equal(t, strings.ReplaceAll(err1, one, many), errs)
		assert.Equal(t, treeHash(t, one), treeHash(t, many))
		if broken {
			assert.Equal(t, 1, status)
			assert.Regexp(t, `(?s)lcmany-003\.teardown.*lcmany-038\.teardown`, errs)
		} else {
			assert.Equal(t, 0, status, errs)
		}
	}
}
