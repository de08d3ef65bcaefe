//go:build integration

package bootvm

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
)

// A machine that cannot come up (here: its kernel is not one, so qemu exits at once) is
// booted a second time, and the error then tells both boots, each with its reason.
func TestStartBootsTwiceBeforeGivingUp(t *testing.T) {
	testenv.RequireCommand(t, "qemu-system-x86_64")
	t.Setenv("BOOTVM_ACCEL", "tcg")
	dir := t.TempDir()
	img := &Img{Spec: Spec{Kind: Sysvinit}, Dir: dir, Disk: filepath.Join(dir, "root.img"),
		Kernel: filepath.Join(dir, "vmlinuz"), Initrd: filepath.Join(dir, "initrd.img")}
	for _, f := range []string{img.Disk, img.Kernel, img.Initrd} {
		require.NoError(t, os.WriteFile(f, []byte("not a kernel\n"), 0o644))
	}
	start := time.Now()
	m, err := Start(img, Options{BootTimeout: time.Minute})
	require.Error(t, err)
	assert.Nil(t, m)
	var boot *BootError
	require.ErrorAs(t, err, &boot)
	assert.Contains(t, boot.Reason, "qemu exited")
	assert.Contains(t, err.Error(), "booted twice; the first boot failed too")
	assert.Less(t, time.Since(start), time.Minute, "qemu's exit ends a boot at once, not its timeout")
}
