//go:build integration

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/maintscript/simulate"
)

// nfpmModule is the nfpm the test installs; it is not a dependency of this module.
const nfpmModule = "github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.41.1"

// The example inputs: hello 2.0 ships hellod (multiuser since 1.1) and no longer ships
// hello-legacyd, which 1.0 shipped.
const (
	tree1 = "../hello/1.0"
	tree2 = "../hello/2.0"
)

// generateExample runs the program for hello 2.0 and returns its output directory.
func generateExample(t *testing.T) string {
	t.Helper()
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run([]string{"-package", "hello", "-version", "2.0", "-daemon", "hellod",
		"-init", tree2 + "/debian/hello.hellod.init", "-declarations", tree2 + "/debian/hello.teardown",
		"-file", tree2 + "/hellod=/usr/sbin/hellod", "-out", out}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	assert.Contains(t, stdout.String(), `daemon "hellod": the LSB header of /etc/init.d/hellod now says Default-Stop: 1`)
	return out
}

var (
	nfpmOnce sync.Once
	nfpmPath string // "" when nfpm could not be installed
	nfpmLog  string
)

// nfpmBinary installs nfpm into a temporary GOBIN, once per test binary, and returns its
// path, or "" and why not when it cannot be installed (no access to the Go module proxy);
// under CI=true that fails the test instead, so that CI always builds with the real nfpm.
func nfpmBinary(t *testing.T) (string, string) {
	nfpmOnce.Do(func() {
		gobin, err := os.MkdirTemp("", "nfpm-gobin-")
		if err != nil {
			nfpmLog = err.Error()
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		install := exec.CommandContext(ctx, "go", "install", nfpmModule)
		install.Dir = gobin
		install.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=")
		if log, err := install.CombinedOutput(); err != nil {
			nfpmLog = fmt.Sprintf("%v\n%s", err, log)
			return
		}
		nfpmPath = filepath.Join(gobin, "nfpm")
	})
	if nfpmPath == "" && os.Getenv("CI") == "true" {
		t.Fatalf("cannot install %s (CI=true: no fallback to dpkg-deb): %s", nfpmModule, nfpmLog)
	}
	return nfpmPath, nfpmLog
}

func TestMain(m *testing.M) {
	code := m.Run()
	if nfpmPath != "" {
		os.RemoveAll(filepath.Dir(nfpmPath))
	}
	os.Exit(code)
}

// buildDeb builds the .deb of the program's output with nfpm or, when nfpm cannot be
// installed, with dpkg-deb from the same file list, as nfpm lays it out.
func buildDeb(t *testing.T, out string) string {
	t.Helper()
	nfpm, why := nfpmBinary(t)
	if nfpm == "" {
		t.Logf("cannot install %s, building with dpkg-deb instead: %s", nfpmModule, why)
		return dpkgDeb(t, out)
	}
	cmd := exec.Command(nfpm, "package", "--packager", "deb", "--config", "nfpm.yaml", "--target", out+"/hello.deb")
	cmd.Dir = out
	log, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", log)
	return filepath.Join(out, "hello.deb")
}

// dpkgDeb builds what nfpm.yaml describes with dpkg-deb, from the manifest generate returns.
func dpkgDeb(t *testing.T, out string) string {
	t.Helper()
	m, _, err := generate("hello", "2.0", "hellod", tree2+"/debian/hello.hellod.init", tree2+"/debian/hello.teardown", out)
	require.NoError(t, err)
	staging := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(staging, "DEBIAN"), 0o755))
	control := "Package: hello\nVersion: 2.0\nArchitecture: all\nMaintainer: nobody <nobody@example.org>\nDescription: hello\n"
	require.NoError(t, os.WriteFile(filepath.Join(staging, "DEBIAN", "control"), []byte(control), 0o644))
	var conffiles []string
	hellod, err := filepath.Abs(tree2 + "/hellod")
	require.NoError(t, err)
	for _, c := range append(m.Contents, content{Src: hellod, Dst: "/usr/sbin/hellod", Mode: "0755"}) {
		src := c.Src
		if !filepath.IsAbs(src) {
			src = filepath.Join(out, src)
		}
		data, err := os.ReadFile(src)
		require.NoError(t, err)
		mode, err := strconv.ParseUint(c.Mode, 8, 32)
		require.NoError(t, err)
		require.NoError(t, write(staging, c.Dst, data, os.FileMode(mode)))
		if c.Type == "config" {
			conffiles = append(conffiles, c.Dst)
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(staging, "DEBIAN", "conffiles"), []byte(strings.Join(conffiles, "\n")+"\n"), 0o644))
	for name := range nfpmKeys {
		if data, err := os.ReadFile(filepath.Join(out, name)); err == nil {
			require.NoError(t, write(staging, "DEBIAN/"+name, data, 0o755))
		}
	}
	deb := filepath.Join(out, "hello.deb")
	log, err := exec.Command("dpkg-deb", "--root-owner-group", "--build", staging, deb).CombinedOutput()
	require.NoError(t, err, "%s", log)
	return deb
}

// readDeb extracts a .deb into a simulated package: its maintainer scripts, files and
// conffiles.
func readDeb(t *testing.T, deb string) simulate.Package {
	t.Helper()
	dir := t.TempDir()
	log, err := exec.Command("dpkg-deb", "-R", deb, dir).CombinedOutput()
	require.NoError(t, err, "%s", log)
	ctl, err := exec.Command("dpkg-deb", "-f", deb, "Package", "Version").Output()
	require.NoError(t, err)
	fields := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(ctl)), "\n") {
		k, v, _ := strings.Cut(line, ": ")
		fields[k] = v
	}
	pkg := simulate.Package{Name: fields["Package"], Version: fields["Version"], Scripts: map[string]string{}}
	conffiles := map[string]bool{}
	if data, err := os.ReadFile(filepath.Join(dir, "DEBIAN", "conffiles")); err == nil {
		for _, c := range strings.Fields(string(data)) {
			conffiles[c] = true
		}
	}
	for name := range nfpmKeys {
		if data, err := os.ReadFile(filepath.Join(dir, "DEBIAN", name)); err == nil {
			pkg.Scripts[name] = string(data)
		}
	}
	require.NoError(t, filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || strings.HasPrefix(p, filepath.Join(dir, "DEBIAN")) {
			return err
		}
		data, err := os.ReadFile(p)
		rel := "/" + filepath.ToSlash(strings.TrimPrefix(p, dir+"/"))
		pkg.Files = append(pkg.Files, simulate.File{Path: rel, Mode: info.Mode().Perm(), Content: string(data), Conffile: conffiles[rel]})
		return err
	}))
	return pkg
}

// oldPackage is hello 1.0 as plain packaging would ship it: both daemons with the 0 1 6
// header, registered and started by its postinst (on configure and abort-upgrade), stopped
// by its prerm on remove.
func oldPackage(t *testing.T) simulate.Package {
	t.Helper()
	read := func(p string) string {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		return string(data)
	}
	var postinst, prerm strings.Builder
	postinst.WriteString("#!/bin/sh\nset -e\nif [ \"$1\" = configure ] || [ \"$1\" = abort-upgrade ]; then\n")
	prerm.WriteString("#!/bin/sh\nset -e\nif [ \"$1\" = remove ]; then\n")
	for _, d := range []string{"hellod", "hello-legacyd"} {
		postinst.WriteString("\tupdate-rc.d " + d + " defaults >/dev/null\n\tinvoke-rc.d " + d + " start\n")
		prerm.WriteString("\tinvoke-rc.d " + d + " stop\n")
	}
	postinst.WriteString("fi\n")
	prerm.WriteString("fi\n")
	return simulate.Package{Name: "hello", Version: "1.0",
		Scripts: map[string]string{"postinst": postinst.String(), "prerm": prerm.String()},
		Files: []simulate.File{
			{Path: "/etc/init.d/hellod", Mode: 0o755, Content: read(tree1 + "/debian/hello.hellod.init"), Conffile: true},
			{Path: "/etc/init.d/hello-legacyd", Mode: 0o755, Content: read(tree1 + "/debian/hello.hello-legacyd.init"), Conffile: true},
			{Path: "/etc/default/hello-legacyd", Mode: 0o644, Content: read(tree1 + "/debian/hello.hello-legacyd.default"), Conffile: true},
		}}
}

// noUnknown fails t when a script ran a command the simulation does not know.
func noUnknown(t *testing.T, tr *simulate.Trace) {
	t.Helper()
	require.NotNil(t, tr)
	assert.Empty(t, tr.Unknown())
}

func TestNfpmPackageLifeCycle(t *testing.T) {
	out := generateExample(t)
	deb := buildDeb(t, out)
	pkg := readDeb(t, deb)

	// The .deb carries what the program wrote.
	assert.Equal(t, "hello", pkg.Name)
	assert.Equal(t, "2.0", pkg.Version)
	for name, text := range pkg.Scripts {
		written, err := os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err)
		assert.Equal(t, string(written), text, name)
	}
	assert.ElementsMatch(t, []string{"preinst", "postinst", "prerm", "postrm"}, keys(pkg.Scripts))
	var initScript simulate.File
	for _, f := range pkg.Files {
		if f.Path == "/etc/init.d/hellod" {
			initScript = f
		}
	}
	assert.True(t, initScript.Conffile, "the init script is a conffile")
	assert.Equal(t, os.FileMode(0o755), initScript.Mode)
	assert.Contains(t, initScript.Content, "# Default-Stop:      1\n")

	t.Run("upgrade", func(t *testing.T) {
		sys := simulate.NewSystem()
		tr, err := sys.Install(oldPackage(t))
		require.NoError(t, err)
		noUnknown(t, tr)
		require.True(t, sys.Running["hello-legacyd"])
		assert.Contains(t, sys.RcLinks("hellod"), "rc0.d/K01hellod")

		tr, err = sys.Install(pkg)
		require.NoError(t, err, "%v", tr)
		noUnknown(t, tr)
		assert.Equal(t, simulate.Installed, sys.Status("hello"))
		assert.False(t, sys.Running["hello-legacyd"], "the removed daemon is stopped")
		assert.Empty(t, sys.RcLinks("hello-legacyd"))
		assert.False(t, sys.FS.Exists("/etc/init.d/hello-legacyd"))
		assert.False(t, sys.FS.Exists("/etc/default/hello-legacyd"))
		assert.True(t, sys.Running["hellod"], "hellod is restarted, not left stopped")
		assert.Equal(t, []string{"rc1.d/K01hellod", "rc2.d/S01hellod", "rc3.d/S01hellod", "rc4.d/S01hellod", "rc5.d/S01hellod"}, sys.RcLinks("hellod"))

		tr, err = sys.Remove("hello")
		require.NoError(t, err)
		noUnknown(t, tr)
		assert.Equal(t, simulate.ConfigFiles, sys.Status("hello"))
		assert.False(t, sys.Running["hellod"], "removal stops the daemon")
		tr, err = sys.Purge("hello")
		require.NoError(t, err)
		noUnknown(t, tr)
		assert.Equal(t, simulate.NotInstalled, sys.Status("hello"))
		assert.False(t, sys.FS.Exists("/etc/init.d/hellod"))
	})

	t.Run("failed upgrade", func(t *testing.T) {
		sys := simulate.NewSystem()
		_, err := sys.Install(oldPackage(t))
		require.NoError(t, err)
		tr, err := sys.Install(pkg, simulate.Fail{Script: "unpack"})
		require.Error(t, err)
		noUnknown(t, tr)
		assert.Equal(t, simulate.Installed, sys.Status("hello"))
		assert.Equal(t, "1.0", sys.DB["hello"].Version)
		assert.True(t, sys.Running["hello-legacyd"], "the new postrm abort-upgrade starts it again")
		assert.True(t, sys.FS.Exists("/etc/init.d/hello-legacyd"))
		assert.True(t, sys.FS.Exists("/etc/default/hello-legacyd"))
		assert.Contains(t, sys.RcLinks("hello-legacyd"), "rc2.d/S01hello-legacyd")
	})

	t.Run("install", func(t *testing.T) {
		sys := simulate.NewSystem()
		tr, err := sys.Install(pkg)
		require.NoError(t, err)
		noUnknown(t, tr)
		assert.Equal(t, simulate.Installed, sys.Status("hello"))
		assert.Equal(t, []string{"new preinst install", "new postinst configure ''"}, tr.Calls())
		assert.True(t, sys.Running["hellod"], "a fresh install starts the daemon")
		assert.Equal(t, []string{"rc1.d/K01hellod", "rc2.d/S01hellod", "rc3.d/S01hellod", "rc4.d/S01hellod", "rc5.d/S01hellod"}, sys.RcLinks("hellod"))
	})
}

func TestBadInput(t *testing.T) {
	decl := filepath.Join(t.TempDir(), "bad.teardown")
	require.NoError(t, os.WriteFile(decl, []byte("Daemon: hellod\nMultiuser: yes\nRemoved-In: 2.0\n"), 0o644))
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"usage", []string{"-package", "hello"}, 2, "usage: nfpm-teardown"},
		{"bad file flag", []string{"-file", "x"}, 2, "want SRC=DST"},
		{"missing declarations", []string{"-package", "hello", "-version", "2.0", "-daemon", "hellod", "-init", tree2 + "/debian/hello.hellod.init",
			"-declarations", "nonexistent", "-out", t.TempDir()}, 1, "nonexistent"},
		{"bad declarations", []string{"-package", "hello", "-version", "2.0", "-daemon", "hellod", "-init", tree2 + "/debian/hello.hellod.init",
			"-declarations", decl, "-out", t.TempDir()}, 1, "bad.teardown:3"},
		{"removed in the future", []string{"-package", "hello", "-version", "1.5", "-daemon", "hellod", "-init", tree2 + "/debian/hello.hellod.init",
			"-declarations", tree2 + "/debian/hello.teardown", "-out", t.TempDir()}, 1, `Removed-In "2.0": newer than the version being built (1.5)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			assert.Equal(t, tc.code, run(tc.args, &stdout, &stderr))
			assert.Contains(t, stderr.String(), tc.msg)
		})
	}
}

// TestDpkgDebFallbackMatchesNfpm holds the fallback build to what nfpm builds: the same
// scripts, files, modes and conffiles.
func TestDpkgDebFallbackMatchesNfpm(t *testing.T) {
	if nfpm, why := nfpmBinary(t); nfpm == "" {
		t.Skipf("cannot install %s, so there is no nfpm build to compare with: %s", nfpmModule, why)
	}
	out := generateExample(t)
	viaNfpm := readDeb(t, buildDeb(t, out))
	viaDpkgDeb := readDeb(t, dpkgDeb(t, generateExample(t)))
	assert.Equal(t, viaNfpm.Scripts, viaDpkgDeb.Scripts)
	assert.ElementsMatch(t, viaNfpm.Files, viaDpkgDeb.Files)
}

func keys(m map[string]string) []string { return sortedKeys(m) }
