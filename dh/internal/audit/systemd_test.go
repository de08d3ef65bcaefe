package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSystemdShadow(t *testing.T) {
	root := newRoot(t)
	src := "case \"$1\" in stop) kill 1 ;; esac\n"
	for _, n := range []string{"plain", "native", "usrnative", "masked", "etcunit", "alias"} {
		root.script(n, src, "rc0.d/K01")
	}
	root.file("/lib/systemd/system/native.service", "[Service]\n")
	root.file("/usr/lib/systemd/system/usrnative.service", "[Service]\n")
	root.file("/lib/systemd/system/masked.service", "[Service]\n")
	root.file("/etc/systemd/system/etcunit.service", "[Service]\n")
	// another name's unit does not shadow; a mask in /etc beats the unit in /lib
	root.file("/lib/systemd/system/plain-helper.service", "[Service]\n")
	require.NoError(t, os.Symlink("/dev/null", filepath.Join(root.dir, "etc/systemd/system/masked.service")))
	require.NoError(t, os.Symlink("/lib/systemd/system/native.service", filepath.Join(root.dir, "etc/systemd/system/alias.service")))

	rep, err := Audit(root.dir)
	require.NoError(t, err)
	got := byName(t, rep)
	assert.Nil(t, got["plain"].Systemd)
	assert.Equal(t, &SystemdShadow{Unit: "/lib/systemd/system/native.service"}, got["native"].Systemd)
	assert.Equal(t, &SystemdShadow{Unit: "/usr/lib/systemd/system/usrnative.service"}, got["usrnative"].Systemd)
	assert.Equal(t, &SystemdShadow{Unit: "/etc/systemd/system/etcunit.service"}, got["etcunit"].Systemd)
	assert.Equal(t, &SystemdShadow{Unit: "/etc/systemd/system/masked.service", Masked: true}, got["masked"].Systemd)
	assert.Equal(t, &SystemdShadow{Unit: "/etc/systemd/system/alias.service"}, got["alias"].Systemd)
	assert.Equal(t, 5, rep.Summary.SystemdShadowed)
	// the verdict is about sysv-rc and stays
	assert.Equal(t, Redundant, got["native"].Class)

	var b strings.Builder
	require.NoError(t, rep.WriteText(&b))
	assert.Contains(t, b.String(), "systemd: shadowed by the native unit /lib/systemd/system/native.service")
	assert.Contains(t, b.String(), "systemd: masked (/etc/systemd/system/masked.service -> /dev/null)")
	assert.Contains(t, b.String(), "on a systemd machine 5 of these scripts never run")
}
