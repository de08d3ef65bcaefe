package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pault.ag/go/debian/deb"

	"github.com/dh-teardown/dh-teardown/maintscript/simulate"
)

// The example inputs: hello 2.0 ships hellod (multiuser since 1.1) and no longer ships
// hello-legacyd, which 1.0 shipped.
const (
	tree1 = "../hello/1.0"
	tree2 = "../hello/2.0"
)

// buildExample runs the program for hello 2.0 and returns the .deb it built.
func buildExample(t *testing.T) string {
	t.Helper()
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run([]string{"-package", "hello", "-version", "2.0", "-daemon", "hellod",
		"-init", tree2 + "/debian/hello.hellod.init", "-declarations", tree2 + "/debian/hello.teardown",
		"-file", tree2 + "/hellod=/usr/sbin/hellod", "-out", out}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	assert.Contains(t, stdout.String(), `daemon "hellod": the LSB header of /etc/init.d/hellod now says Default-Stop: 1`)
	debPath := filepath.Join(out, "hello_2.0_all.deb")
	assert.True(t, strings.HasSuffix(stdout.String(), debPath+"\n"), "it prints the .deb's path last:\n%s", stdout.String())
	return debPath
}

// readDeb reads a .deb (with pault.ag/go/debian's reader, no Debian tool needed) into a
// simulated package: its maintainer scripts, files and conffiles.
func readDeb(t *testing.T, file string) simulate.Package {
	t.Helper()
	d, closer, err := deb.LoadFile(file)
	require.NoError(t, err)
	defer closer()
	pkg := simulate.Package{Name: d.Control.Package, Version: d.Control.Version.String(), Scripts: map[string]string{}}
	conffiles := map[string]bool{}
	var control *deb.ArEntry
	for name, member := range d.ArContent {
		if strings.HasPrefix(name, "control.tar") {
			control = member
		}
	}
	require.NotNil(t, control, "a control member")
	_, err = control.Data.Seek(0, io.SeekStart)
	require.NoError(t, err)
	tr, closeControl, err := control.Tarfile()
	require.NoError(t, err)
	defer closeControl.Close()
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		data, err := io.ReadAll(tr)
		require.NoError(t, err)
		switch name := path.Base(h.Name); name {
		case "conffiles":
			for _, c := range strings.Fields(string(data)) {
				conffiles[c] = true
			}
		case "preinst", "postinst", "prerm", "postrm":
			pkg.Scripts[name] = string(data)
		}
	}
	for {
		h, err := d.Data.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data, err := io.ReadAll(d.Data)
		require.NoError(t, err)
		p := path.Clean("/" + h.Name)
		pkg.Files = append(pkg.Files, simulate.File{Path: p, Mode: os.FileMode(h.Mode).Perm(), Content: string(data), Conffile: conffiles[p]})
	}
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
	debPath := buildExample(t)
	pkg := readDeb(t, debPath)

	// The .deb carries what the program wrote.
	assert.Equal(t, "hello", pkg.Name)
	assert.Equal(t, "2.0", pkg.Version)
	for name, text := range pkg.Scripts {
		written, err := os.ReadFile(filepath.Join(filepath.Dir(debPath), name))
		require.NoError(t, err)
		assert.Equal(t, string(written), text, name)
	}
	var names []string
	for name := range pkg.Scripts {
		names = append(names, name)
	}
	assert.ElementsMatch(t, []string{"preinst", "postinst", "prerm", "postrm"}, names)
	hellod := slices.IndexFunc(pkg.Files, func(f simulate.File) bool { return f.Path == "/usr/sbin/hellod" })
	require.GreaterOrEqual(t, hellod, 0, "-file adds a file")
	assert.Equal(t, os.FileMode(0o755), pkg.Files[hellod].Mode, "with its source's permissions")
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
			"-declarations", decl, "-out", t.TempDir()}, 1, "nfpm-teardown: " + decl + ":3"},
		{"bad package name", []string{"-package", "Hello", "-version", "2.0", "-daemon", "hellod", "-init", tree2 + "/debian/hello.hellod.init",
			"-declarations", tree2 + "/debian/hello.teardown", "-out", t.TempDir()}, 1, `package "Hello": not a valid package name`},
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
