// Package booted has no code of its own: its tests are dh-teardown's life-cycle scenarios on
// booted machines (dh/internal/bootvm) whose PID 1 is systemd or sysvinit. They build with the
// integration tag and need root, qemu and debootstrap (see dh/internal/testenv).
package booted
