package bootvm

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
)

// RequireHost skips t (or fails it under CI=true) unless this host can build and boot
// images: root, debootstrap, mkfs.ext4, qemu-system-x86_64, chroot, unshare.
func RequireHost(t testing.TB) {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "debootstrap", "mkfs.ext4", "qemu-system-x86_64", "chroot", "unshare", "du")
}

var (
	imagesMu sync.Mutex
	images   = map[string]*imageOnce{}
)

// imageOnce is one image built once per test binary.
type imageOnce struct {
	once sync.Once
	img  *Img
	err  error
}

// Image returns the image of kind with the extra packages, built into
// testenv.CacheDir(t, "bootvm") when the cache has none made from the same package set and
// setup script (once per test binary; images of other specs build at the same time;
// concurrent test binaries wait for each other).
func Image(t testing.TB, kind Kind, extra ...string) *Img {
	t.Helper()
	RequireHost(t)
	spec := Spec{Kind: kind, Extra: extra}
	imagesMu.Lock()
	o := images[spec.key()]
	if o == nil {
		o = &imageOnce{}
		images[spec.key()] = o
	}
	imagesMu.Unlock()
	o.once.Do(func() { o.img, o.err = Build(testenv.CacheDir(t, "bootvm"), spec, os.Stderr) })
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.img
}

// T is a Machine bound to a test: its methods fail the test instead of returning errors, it
// is powered off when the test ends, and the serial console's log is written to the test's
// log when the test failed.
type T struct {
	*Machine
	t testing.TB
}

// DefaultTimeout bounds each script MustRun and RunErr run.
const DefaultTimeout = 10 * time.Minute

// Boot starts a machine from img for t (see Start) and logs its boot time.
func Boot(t testing.TB, img *Img) *T {
	t.Helper()
	m, err := Start(img, Options{})
	if err != nil {
		t.Fatal(err)
	}
	logBoot(t, m, "")
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("bootvm: serial console of the %s machine (end):\n%s", img.Kind, m.SerialTail(20000))
		}
		m.Close()
	})
	return &T{Machine: m, t: t}
}

// logBoot logs the machine's boot time, and the boot that failed before it with its whole
// serial console.
func logBoot(t testing.TB, m *Machine, what string) {
	t.Helper()
	if f := m.FailedBoot; f != nil {
		t.Logf("bootvm: the %s machine did not come up: %s after %s; booted again. Its qemu said: %s\nIts serial console:\n%s",
			f.Kind, f.Reason, f.After.Round(time.Second), f.Qemu, f.Serial)
	}
	t.Logf("bootvm: %s%s machine booted in %s (%s)", what, m.Img.Kind, m.BootTime.Round(100*time.Millisecond), m.Accel)
}

var (
	sharedMu sync.Mutex
	shared   = map[Kind]*sharedMachine{}
)

// sharedMachine is the machine of one kind that the tests of a test binary share.
type sharedMachine struct {
	use  sync.Mutex // held by the test using the machine
	once sync.Once
	m    *Machine
	err  error
}

// Shared returns the machine of kind (plain image, no extra packages) that every test of the
// test binary shares, booted by the first test that asks for it; the test has it to itself
// until it ends (tests asking for it meanwhile wait), and must leave it as it found it (purge
// what it installed). A boot costs minutes under software emulation; sharing one machine per
// kind keeps a package's booted tests within their time budget. The test binary's TestMain
// must call CloseShared after m.Run.
func Shared(t testing.TB, kind Kind) *T {
	t.Helper()
	img := Image(t, kind)
	sharedMu.Lock()
	sm := shared[kind]
	if sm == nil {
		sm = &sharedMachine{}
		shared[kind] = sm
	}
	sharedMu.Unlock()
	sm.use.Lock()
	t.Cleanup(sm.use.Unlock)
	sm.once.Do(func() {
		sm.m, sm.err = Start(img, Options{})
		if sm.err == nil {
			logBoot(t, sm.m, "shared ")
		}
	})
	if sm.err != nil {
		t.Fatal(sm.err)
	}
	if sm.m.Exited() {
		t.Fatalf("bootvm: the shared %s machine is no longer running\nserial console (end):\n%s", kind, sm.m.SerialTail(6000))
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("bootvm: serial console of the shared %s machine (end):\n%s", kind, sm.m.SerialTail(20000))
		}
	})
	return &T{Machine: sm.m, t: t}
}

// CloseShared powers off the shared machines (see Shared); TestMain calls it.
func CloseShared() {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	for _, sm := range shared {
		if sm.m != nil {
			sm.m.Close()
		}
	}
}

// MustRun runs script (see Machine.Run) and fails the test, with the script's output, unless
// it exits 0.
func (m *T) MustRun(script string) string {
	m.t.Helper()
	out, err := m.Run(script, DefaultTimeout)
	if err != nil {
		m.t.Fatalf("bootvm: on the %s machine:\n%s\n--- failed: %v\n%s", m.Img.Kind, script, err, out)
	}
	return out
}

// RunErr runs script and returns its output and exit status; it fails the test only when the
// script could not be run to its end (timeout, machine died).
func (m *T) RunErr(script string) (string, int) {
	m.t.Helper()
	out, err := m.Run(script, DefaultTimeout)
	var exit *ExitError
	switch {
	case err == nil:
		return out, 0
	case errors.As(err, &exit):
		return out, exit.Status
	}
	m.t.Fatal(err)
	return "", 0
}

// MustCopy makes host files visible in the machine and returns their paths there.
func (m *T) MustCopy(files ...string) []string {
	m.t.Helper()
	paths, err := m.Copy(files...)
	if err != nil {
		m.t.Fatal(err)
	}
	return paths
}

// With returns the machine bound to another test (a subtest of the one that booted it): its
// methods then fail that test. The machine still stops when the booting test ends.
func (m *T) With(t testing.TB) *T { return &T{Machine: m.Machine, t: t} }

// String names the machine in messages.
func (m *T) String() string { return fmt.Sprintf("%s machine", m.Img.Kind) }
