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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/bench/trees"
	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
)

// example copies examples/hello/2.0 into a temporary directory and returns it.
func example(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "hello")
	out, err := exec.Command("cp", "-a", "../../../examples/hello/2.0", dir).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return dir
}

// installInit stages the example's init script as debhelper's dh_installinit --name=hellod
// does (debian/hello.hellod.init to debian/hello/etc/init.d/hellod, mode 0755), so that the
// tests of this file need no debhelper; debhelper_test.go runs the real one.
func installInit(t *testing.T, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "debian/hello.hellod.init"))
	require.NoError(t, err)
	dst := filepath.Join(dir, "debian/hello/etc/init.d/hellod")
	require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
	require.NoError(t, os.WriteFile(dst, data, 0o755))
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

func TestIdempotent(t *testing.T) {
	dir := example(t)
	installInit(t, dir)
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
	installInit(t, dir)
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
	installInit(t, dir)
	before := treeHash(t, dir)
	status, stdout, stderr := teardown(dir, "--no-act")
	require.Equal(t, 0, status, stderr)
	assert.Equal(t, before, treeHash(t, dir))
	// Without -v it still says which files it would write and which blocks.
	for _, want := range []string{
		"debian/hello.preinst.debhelper", "debian/hello.postinst.debhelper", "debian/hello.postrm.debhelper",
		"debian/hello/etc/init.d/hellod",
		`# hello: postinst: block for daemon "hellod" (daemon-multiuser.postinst)`,
		`# hello: preinst: block for daemon "hello-legacyd" (daemon-removed.preinst)`,
	} {
		assert.Contains(t, stdout, want)
	}
}

// TestHelpAndVersion checks --help (the options described, on stdout, exit 0, without the
// PROMISE line, which stays in the text that keeps it in the executable) and --version.
func TestHelpAndVersion(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		status, stdout, stderr := teardown(t.TempDir(), arg)
		assert.Equal(t, 0, status)
		assert.Empty(t, stderr)
		assert.True(t, strings.HasPrefix(stdout, "Usage: dh_teardown [debhelper options]\n"), stdout)
		for _, opt := range []string{"--package=PACKAGE", "--no-act", "--verbose", "--version"} {
			assert.Contains(t, stdout, opt)
		}
		assert.NotContains(t, stdout, "PROMISE")
	}
	assert.True(t, strings.HasSuffix(usage, Promise), "the help text carries the PROMISE line")
	status, stdout, stderr := teardown(t.TempDir(), "--version")
	assert.Equal(t, 0, status)
	assert.Empty(t, stderr)
	assert.Equal(t, "dh_teardown (dh-teardown) "+srctree.Version+"\n", stdout)
}

func TestNotASourceTree(t *testing.T) {
	status, _, stderr := teardown(t.TempDir())
	assert.Equal(t, 1, status)
	assert.Contains(t, stderr, "no debian/ directory: not a source tree")
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
