package debhelper

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPkgFile(t *testing.T) {
	amd64 := Host{Arch: "amd64", OS: "linux"}
	tests := []struct {
		name  string
		files []string
		pkg   string
		main  bool
		file  string
		want  string // "" for not found
	}{
		{"package file", []string{"hello.init", "init"}, "hello", true, "init", "hello.init"},
		{"bare name for the main package", []string{"init"}, "hello", true, "init", "init"},
		{"no bare name for other packages", []string{"init"}, "hello-doc", false, "init", ""},
		{"arch first", []string{"hello.init", "hello.init.linux", "hello.init.amd64"}, "hello", false, "init", "hello.init.amd64"},
		{"os before plain", []string{"hello.init", "hello.init.linux"}, "hello", false, "init", "hello.init.linux"},
		{"other arch ignored", []string{"hello.init.i386", "hello.init.hurd"}, "hello", false, "init", ""},
		{"no bare arch variant", []string{"init.amd64"}, "hello", true, "init", ""},
		{"--name prefix", []string{"hello.hellod.init", "hello.init"}, "hello", false, "hellod.init", "hello.hellod.init"},
		{"--name bare for main package", []string{"hellod.init"}, "hello", true, "hellod.init", "hellod.init"},
		{"directory is not a file", []string{"hello.init/x", "init"}, "hello", true, "init", "init"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{}
			for _, f := range tt.files {
				files["debian/"+f] = "x"
			}
			writeTree(t, dir, files)
			debian := filepath.Join(dir, "debian")
			d, err := ReadDebianDir(debian)
			require.NoError(t, err)
			got, ok := d.PkgFile(tt.pkg, tt.main, tt.file, amd64)
			if tt.want == "" {
				assert.False(t, ok)
				assert.Equal(t, "", got)
				return
			}
			assert.True(t, ok)
			assert.Equal(t, filepath.Join(debian, tt.want), got)
		})
	}
}

func TestPkgFileFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"debian/shared.init": "x"})
	require.NoError(t, os.Symlink("shared.init", filepath.Join(dir, "debian/hello.init")))
	require.NoError(t, os.Symlink("missing", filepath.Join(dir, "debian/hello.init.linux")))
	d, err := ReadDebianDir(filepath.Join(dir, "debian"))
	require.NoError(t, err)
	got, ok := d.PkgFile("hello", false, "init", Host{Arch: "amd64", OS: "linux"})
	assert.True(t, ok)
	assert.Equal(t, filepath.Join(dir, "debian/hello.init"), got)
}

func TestReadDebianDirMissing(t *testing.T) {
	_, err := ReadDebianDir(filepath.Join(t.TempDir(), "debian"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}
