//go:build integration

package booted

import (
	"strings"
	"testing"

	"github.com/dh-teardown/dh-teardown/dh/internal/bootvm"
)

// TestMachines boots one machine of each kind and checks that its PID 1 is the init system
// asked for and that a script's output, exit status and files come back.
func TestMachines(t *testing.T) {
	for _, kind := range []bootvm.Kind{bootvm.Systemd, bootvm.Sysvinit} {
		t.Run(string(kind), func(t *testing.T) {
			m := bootvm.Boot(t, bootvm.Image(t, kind))
			comm := strings.TrimSpace(m.MustRun("cat /proc/1/comm"))
			want := map[bootvm.Kind]string{bootvm.Systemd: "systemd", bootvm.Sysvinit: "init"}[kind]
			if comm != want {
				t.Errorf("PID 1 is %q, want %q", comm, want)
			}
			if out, status := m.RunErr("echo out; echo err >&2; exit 3"); status != 3 || out != "out\nerr\n" {
				t.Errorf("RunErr = %q, %d; want \"out\\nerr\\n\", 3", out, status)
			}
		})
	}
}
