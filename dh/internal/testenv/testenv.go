// Package testenv gates the suites that need more than the Go toolchain: root (namespaces,
// dpkg in a throwaway root), Debian tools (debhelper, lintian, dpkg-buildpackage), qemu, or
// Debian's mirror.
//
// The tiers:
//
//   - go test ./...                  hermetic: no root, no network, nothing written into the
//     checkout; under a minute.
//   - go test -tags integration ./... everything: real dpkg, debhelper differential, example
//     builds with lintian, booted machines. Files of these suites start with
//     "//go:build integration". `make test` runs this tier.
//
// A suite calls a Require function before it needs something. When the requirement is not
// met the test is skipped, except when the environment variable CI is "true" (as `.ci/run`
// and `make test` set it): then it fails, because CI must run every suite.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// CI reports whether the tests run under CI=true, where a skip is a failure.
func CI() bool { return os.Getenv("CI") == "true" }

// Skip skips t with the reason, or fails it under CI=true.
func Skip(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if CI() {
		t.Fatal(msg + " (CI=true: a skip is a failure)")
	}
	t.Skip(msg)
}

// RequireRoot skips (or under CI fails) t unless it runs as root, which the throwaway dpkg
// roots (mount and pid namespaces, overlayfs) and the booted machines' images need.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		Skip(t, "needs root (namespaces, overlayfs, dpkg in a throwaway root)")
	}
}

// RequireCommand skips (or under CI fails) t unless every named program is on PATH.
func RequireCommand(t testing.TB, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			Skip(t, "needs %s on PATH", name)
		}
	}
}

// RequireFile skips (or under CI fails) t unless path exists; what names the package or
// tool that provides it, for the message.
func RequireFile(t testing.TB, path, what string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		Skip(t, "needs %s (%s is missing)", what, path)
	}
}

// CacheDir returns a directory, created if needed, in which suites keep what is costly to
// make and the same for every run on this machine (debootstrapped roots, disk images, .debs
// downloaded from Debian's mirror): $DH_TEARDOWN_TEST_CACHE/name, by default
// /var/cache/dh-teardown-tests/name. It is outside the checkout, so tests write nothing
// there. Whoever fills it keys its content by what it was made from (a hash of the package
// set, a version), so that a stale entry is rebuilt rather than trusted.
func CacheDir(t testing.TB, name string) string {
	t.Helper()
	dir := CachePath(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("testenv: cache: %v", err)
	}
	return dir
}

// CachePath is the directory CacheDir returns, for programs that are not tests (make bench
// reuses the booted suites' machine images); it does not create it.
func CachePath(name string) string {
	base := os.Getenv("DH_TEARDOWN_TEST_CACHE")
	if base == "" {
		base = "/var/cache/dh-teardown-tests"
	}
	return base + "/" + name
}
