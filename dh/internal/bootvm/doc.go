// Package bootvm boots real Debian machines under qemu for dh-teardown's booted suites
// (dh/internal/booted) and benchmarks: machines whose PID 1 is systemd or sysvinit, on which
// maintainer scripts meet a real init system — invoke-rc.d hands over to systemctl, insserv
// orders the rc links, rc runs the stop scripts at shutdown.
//
// Images. Build (or Image in a test) makes a machine's disk from Debian's packages only:
// `debootstrap --variant=minbase` of trixie from the host's Debian mirror, with a kernel,
// udev, procps, kmod, init-system-helpers and the init system (systemd-sysv, or sysvinit-core
// with insserv and startpar), plus a Spec's extra packages; then the embedded setup.sh in a
// chroot (fstab with fsck pass 0, a fixed machine id, dpkg with force-unsafe-io and without
// documentation, a small initramfs that is never regenerated, no gettys or timers, the
// agent's stub started after the multi-user runlevel); then `mkfs.ext4 -d` into a raw disk image
// next to the kernel and initramfs. Images live in a cache directory
// (testenv.CacheDir(t, "bootvm")), one directory per kind and hash of the package list and
// the setup script: a change to either builds a new image; debootstrap's
// package cache in the same directory is shared by all builds.
//
// Machines. Start (or Boot in a test) runs qemu-system-x86_64 with the image's kernel, the
// disk as a snapshot with cache=unsafe (nothing is written back), no network, the serial
// console logged to a file, KVM when a trial boot works and TCG (-cpu max) otherwise
// ($BOOTVM_ACCEL forces one). The host and the machine share a directory over 9p, mounted at
// /host; the image's stub mounts it and runs the agent (agent.sh, put there by Start), which serves a virtio-serial port: Run puts a script there, the agent
// runs it with /bin/sh as root and reports its exit status, and its output comes back in
// the shared directory. Copy makes host files (.debs) visible under /host/in. Every machine
// is killed at the end of its Lifetime whatever happens; Close kills it at once; Shutdown
// powers it off through its init system and times it.
//
// Under software emulation (TCG) a machine boots in about half a minute and runs commands
// roughly ten to thirty times slower than the host: put many scenarios into one boot.
package bootvm
