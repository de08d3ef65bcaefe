package installinit

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
)

// TestHelpAndVersion checks --help (the options described, on stdout, exit 0, without the
// PROMISE line, which stays in the text that keeps it in the executable) and --version.
func TestHelpAndVersion(t *testing.T) {
	env := func(string) string { return "" }
	for _, arg := range []string{"--help", "-h"} {
		var stdout, stderr bytes.Buffer
		status := Main(t.TempDir(), []string{arg}, env, &stdout, &stderr)
		assert.Equal(t, 0, status)
		assert.Empty(t, stderr.String())
		assert.True(t, strings.HasPrefix(stdout.String(), "Usage: dh_installinit [debhelper options]"), stdout.String())
		for _, opt := range []string{"--no-stop-on-upgrade", "--on-upgrade=POLICY", "multiuser", "--multiuser-since=VERSION", "--package=PACKAGE", "--no-act", "--version"} {
			assert.Contains(t, stdout.String(), opt)
		}
		assert.NotContains(t, stdout.String(), "PROMISE")
	}
	assert.True(t, strings.HasSuffix(usage, Promise), "the help text carries the PROMISE line")
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 0, Main(t.TempDir(), []string{"--version"}, env, &stdout, &stderr))
	assert.Empty(t, stderr.String())
	assert.Equal(t, "dh_installinit (dh-teardown) "+srctree.Version+"\n", stdout.String())
	stdout.Reset()
	assert.Equal(t, 2, Main(t.TempDir(), []string{"--no-such-option"}, env, &stdout, &stderr))
	assert.Empty(t, stdout.String())
}
