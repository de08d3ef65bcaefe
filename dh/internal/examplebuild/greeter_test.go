//go:build integration

package examplebuild

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildGreeter builds examples/greeter/VERSION and returns its .debs by package name.
func buildGreeter(t *testing.T, version string) map[string]string {
	t.Helper()
	work := buildTree(t, "greeter", version)
	debs := map[string]string{}
	for _, name := range []string{"greeter", "greeter-extra"} {
		if deb := filepath.Join(work, name+"_"+version+"_all.deb"); exec.Command("test", "-f", deb).Run() == nil {
			debs[name] = deb
		}
	}
	return debs
}

func TestGreeter10PlainDebhelper(t *testing.T) {
	debs := buildGreeter(t, "1.0")
	lintian(t, debs["greeter"])
	assert.Contains(t, fileOf(t, debs["greeter"], "/lib/systemd/system/greeterd.socket"), "ListenStream=/run/greeterd.sock")
	assert.Contains(t, controlFile(t, debs["greeter"], "postinst"), "deb-systemd-helper enable 'greeterd.socket'")
}

func TestGreeter20Teardown(t *testing.T) {
	debs := buildGreeter(t, "2.0")
	require.Len(t, debs, 2)
	lintian(t, debs["greeter"])
	lintian(t, debs["greeter-extra"])
	preinst := controlFile(t, debs["greeter"], "preinst")
	assert.Contains(t, preinst, "deb-systemd-invoke stop greeterd.socket >/dev/null || exit 1")
	assert.Contains(t, preinst, "invoke-rc.d greeterd stop || exit 1")
	postinst := controlFile(t, debs["greeter"], "postinst")
	assert.Contains(t, postinst, "deb-systemd-helper purge greeterd.socket >/dev/null")
	assert.Contains(t, postinst, "deb-systemd-helper update-state greeter-newd.service >/dev/null")
	assert.Contains(t, controlFile(t, debs["greeter"], "postrm"), "deb-systemd-invoke start greeterd.service >/dev/null || exit 1")
	assert.NotContains(t, controlFile(t, debs["greeter-extra"], "preinst"), "dh_teardown", "greeter-extra declares nothing")
}
