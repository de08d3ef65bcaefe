package installinit

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMultiuserDeclaredTwice: the keyword multiuser for a daemon that debian/PKG.teardown
// declares multiuser too is an error, not the same blocks twice (once from each command).
func TestMultiuserDeclaredTwice(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"debian/control":        "Source: hello\nBuild-Depends: debhelper-compat (= 13)\n\nPackage: hello\nArchitecture: all\nDescription: x\n",
		"debian/changelog":      "hello (2.0) unstable; urgency=medium\n\n  * x\n\n -- A <a@example.org>  Sat, 21 Nov 2026 12:00:00 +0000\n",
		"debian/hello.init":     "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: hello\n# Default-Start: 2 3 4 5\n# Default-Stop: 0 1 6\n### END INIT INFO\n",
		"debian/hello.teardown": "Daemon: hello\nMultiuser: yes\n",
	} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	env := map[string]string{"DEB_HOST_ARCH": "amd64", "DEB_HOST_ARCH_OS": "linux"}
	var stdout, stderr bytes.Buffer
	code := Main(dir, []string{"multiuser"}, func(k string) string { return env[k] }, &stdout, &stderr)
	assert.Equal(t, 1, code)
	assert.Equal(t, `dh_installinit: debian/hello.teardown:2: daemon "hello": declared multiuser twice: here and in its init script's options (dh_installinit's multiuser); declare it in one place`+"\n", stderr.String())
	_, err := os.Stat(filepath.Join(dir, "debian/hello"))
	assert.True(t, os.IsNotExist(err), "nothing written")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "debian/hello.teardown"), []byte("Daemon: other\nRemoved-In: 1.0\n"), 0o644))
	stderr.Reset()
	assert.Equal(t, 0, Main(dir, []string{"multiuser"}, func(k string) string { return env[k] }, &stdout, &stderr), stderr.String())
}
