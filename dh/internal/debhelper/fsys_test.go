package debhelper

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"debian/hello.init": "#!/bin/sh\n", "debian/empty": ""})
	require.NoError(t, os.Symlink("hello.init", filepath.Join(dir, "debian/link")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "debian/fifo"), 0o644))

	for name, want := range map[string]string{"hello.init": "#!/bin/sh\n", "empty": "", "link": "#!/bin/sh\n"} {
		data, err := ReadFile(filepath.Join(dir, "debian", name))
		require.NoError(t, err, name)
		assert.Equal(t, want, string(data), name)
	}
	_, err := ReadFile(filepath.Join(dir, "debian/missing"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.ErrorContains(t, err, filepath.Join(dir, "debian/missing"))
	_, err = ReadFile(filepath.Join(dir, "debian/hello.init/x"))
	assert.ErrorIs(t, err, syscall.ENOTDIR)
	// A directory and a FIFO (which must not block) are not regular files.
	for _, name := range []string{"debian", "debian/fifo"} {
		_, err = ReadFile(filepath.Join(dir, name))
		assert.ErrorContains(t, err, filepath.Join(dir, name)+": not a regular file")
	}
}

func TestPlanReplaceFileKeepsMode(t *testing.T) {
	root := newSourceTree(t)
	writeTree(t, root, map[string]string{"debian/hello/etc/init.d/hellod": "old\n"})
	require.NoError(t, os.Chmod(filepath.Join(root, "debian/hello/etc/init.d/hellod"), 0o700))
	p := NewPlan(root, "dh_teardown", "0.1.0", nil)
	p.ReplaceFile("debian/hello/etc/init.d/hellod", []byte("new\n"), 0o755)
	p.ReplaceFile("debian/hello/etc/init.d/other", []byte("new\n"), 0o755)
	require.NoError(t, p.Commit())
	for name, want := range map[string]os.FileMode{"hellod": 0o700, "other": 0o755} {
		fi, err := os.Stat(filepath.Join(root, "debian/hello/etc/init.d", name))
		require.NoError(t, err)
		assert.Equal(t, want, fi.Mode().Perm(), name)
		assert.Equal(t, "new\n", readFile(t, root, "debian/hello/etc/init.d/"+name))
	}
}

// TestPlanModesIgnoreUmask: files and directories get the modes asked for
// whatever the umask, as with install -m.
func TestPlanModesIgnoreUmask(t *testing.T) {
	root := newStagingTree(t)
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	p := NewPlan(root, "dh_installinit", "0.1.0", nil)
	stage(p)
	p.WriteFile("debian/hello/usr/share/new/file", []byte("x"), 0o644)
	require.NoError(t, p.Commit())
	for name, want := range map[string]os.FileMode{
		"debian/hello/etc/init.d/hellod":  0o755,
		"debian/hello/etc/default/hellod": 0o644,
		"debian/hello/etc/default":        0o755 | os.ModeDir,
		"debian/hello/usr/share/new":      0o755 | os.ModeDir,
		"debian/hello/usr/share/new/file": 0o644,
		"debian/hello.substvars":          0o644,
	} {
		fi, err := os.Stat(filepath.Join(root, name))
		require.NoError(t, err)
		assert.Equal(t, want, fi.Mode()&(os.ModeDir|os.ModePerm), name)
	}
}
