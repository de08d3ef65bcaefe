// Package dpkgroot runs real dpkg, invoke-rc.d, update-rc.d and
// start-stop-daemon as root inside a throwaway copy of the host's root file
// system, so that tests can install, upgrade, break and purge packages whose
// maintainer scripts start and stop real daemons, without touching the host.
//
// A Root is one long-lived Linux mount and pid namespace whose init process
// (pid 1 inside) holds these mounts, none of them visible on the host:
//
//   - a tmpfs on a fresh host temporary directory, holding the overlay's
//     upper and work directories;
//   - an overlayfs whose lower layer is the host's / (its root file system
//     only, not the file systems mounted below it) — the merged view, into
//     which every command is chrooted;
//   - inside the merged view: a fresh /proc for the new pid namespace, a
//     read-only /sys, a minimal /dev (null, zero, full, random, urandom,
//     tty, a private devpts and shm), and empty tmpfs /run and /tmp.
//
// In the merged view /sbin/runlevel prints "N 2", /run/systemd/system does
// not exist, and /usr/sbin/policy-rc.d exits 0 (allowed) for every action
// except one that invoke-rc.d passes in parentheses because the runlevel
// links say not to run it: that gets 101, as if there were no policy at all
// (an unconditional exit 0 would start daemons that have no S link in
// rc2.d). So invoke-rc.d decides from the rc2.d links and runs init scripts
// for real, and update-rc.d makes plain System V links.
//
// Each Run, Dpkg or MustRun is a new process entered into the namespace
// (nsenter) and chrooted into the merged view, with a clean environment
// (PATH, HOME=/root, LC_ALL=C, DEBIAN_FRONTEND=noninteractive). Daemons it
// starts are adopted by the init process and keep running between calls, so
// a test can install version 1, check the daemon, upgrade to version 2 and
// check again. Close kills the init process, which makes the kernel kill
// every process in the namespace and drop every mount; then the temporary
// directory is removed.
//
// The host sees the root through /proc/PID/root of the init process: Path,
// ReadFile, Running, Pids, RCLinks and Snapshot read it from there without
// starting a process.
//
// Everything needs root (CAP_SYS_ADMIN in the initial user namespace; in a
// container, a privileged one) and a Debian host with nsenter, mount
// (util-linux), chroot and perl. Should the test process be killed without
// closing, the root's processes die with it (parent-death signal); only an
// empty dpkgroot-* directory stays in the temporary directory.
package dpkgroot

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
)

//go:embed scripts/setup.sh
var setupScript string

// DefaultTimeout bounds each command run inside a Root unless Root.Timeout
// says otherwise.
const DefaultTimeout = 2 * time.Minute

// environment is the complete environment of every command run in a Root.
var environment = []string{
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"HOME=/root",
	"LC_ALL=C",
	"DEBIAN_FRONTEND=noninteractive",
}

// Root is a throwaway root file system with its own mount and pid
// namespace. Its methods may be called from several goroutines, but not
// after Close.
type Root struct {
	// Timeout bounds each command; zero means DefaultTimeout. When it
	// expires the command's nsenter process is killed and the command
	// returns an error; processes it started inside live on until Close.
	Timeout time.Duration

	tmp    string    // host temporary directory: outputs and the mount point
	mnt    string    // tmp/root: where the namespace mounts its tmpfs
	init   *exec.Cmd // pid 1 of the namespace, as seen from the host
	hostFS string    // /proc/PID/root: the namespace's view of the host /
	waited chan error
}

// New starts a throwaway root for a test and closes it in t.Cleanup. Not
// as root, it skips t (fails it under CI=true), as testenv.RequireRoot does.
func New(t testing.TB) *Root {
	t.Helper()
	testenv.RequireRoot(t)
	r, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Error(err)
		}
	})
	return r
}

// Open starts a throwaway root. The caller must Close it.
func Open() (*Root, error) {
	tmp, err := os.MkdirTemp("", "dpkgroot-")
	if err != nil {
		return nil, fmt.Errorf("dpkgroot: %w", err)
	}
	r := &Root{tmp: tmp, mnt: filepath.Join(tmp, "root"), waited: make(chan error, 1)}
	if err := r.start(); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return r, nil
}

// start runs setup.sh as pid 1 of new namespaces and waits for "ready".
func (r *Root) start() error {
	if err := os.Mkdir(r.mnt, 0o700); err != nil {
		return fmt.Errorf("dpkgroot: %w", err)
	}
	ready, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("dpkgroot: %w", err)
	}
	defer ready.Close()
	stderr, err := os.CreateTemp(r.tmp, "setup-stderr-")
	if err != nil {
		w.Close()
		return fmt.Errorf("dpkgroot: %w", err)
	}
	defer stderr.Close()

	cmd := exec.Command("/bin/sh", "-c", setupScript, "dpkgroot-setup", r.mnt)
	cmd.Env = environment
	cmd.Stdout = w
	cmd.Stderr = stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID,
		// Should the test binary die without closing, the namespace and
		// its daemons die with it.
		Pdeathsig: syscall.SIGKILL,
	}
	err = cmd.Start()
	w.Close()
	if err != nil {
		return fmt.Errorf("dpkgroot: start namespace: %w", err)
	}
	r.init = cmd
	r.hostFS = fmt.Sprintf("/proc/%d/root", cmd.Process.Pid)
	go func() { r.waited <- cmd.Wait() }()

	line, _ := io.ReadAll(io.LimitReader(ready, int64(len("ready\n"))))
	if string(line) == "ready\n" {
		return nil
	}
	err = <-r.waited
	msg, _ := os.ReadFile(stderr.Name())
	return fmt.Errorf("dpkgroot: set up root: %v\n%s", err, bytes.TrimSpace(msg))
}

// Close kills every process in the root, which drops all its mounts, and
// removes the host temporary directory. It is safe to call twice.
func (r *Root) Close() error {
	if r.init == nil {
		return nil
	}
	// Killing the init process of a pid namespace kills every process in
	// it; Wait returns once the kernel has reaped them all.
	_ = r.init.Process.Kill()
	err := <-r.waited
	r.init = nil
	var exit *exec.ExitError
	if err != nil && errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL {
		err = nil
	}
	if err != nil {
		err = fmt.Errorf("dpkgroot: root ended before Close: %w", err)
	}
	if rmErr := os.RemoveAll(r.tmp); rmErr != nil {
		err = errors.Join(err, fmt.Errorf("dpkgroot: %w", rmErr))
	}
	return err
}

// RunError is the error of a command that ran inside a Root and failed.
type RunError struct {
	Args     []string // the command, as run inside the root
	ExitCode int      // -1 when it was killed by a signal or timed out
	Output   string   // what it wrote to stderr (to stdout and stderr for Dpkg)
	Err      error    // the underlying error from os/exec
}

func (e *RunError) Error() string {
	return fmt.Sprintf("%s: %v\n%s", strings.Join(e.Args, " "), e.Err, strings.TrimRight(e.Output, "\n"))
}

func (e *RunError) Unwrap() error { return e.Err }

// Run runs script with /bin/sh -c inside the root and returns what it wrote.
// A non-zero exit yields a *RunError carrying stderr.
func (r *Root) Run(script string) (stdout, stderr string, err error) {
	return r.exec(false, "/bin/sh", "-c", script)
}

// MustRun runs script like Run and fails t, showing both outputs, unless it
// exits 0. It returns stdout.
func (r *Root) MustRun(t testing.TB, script string) string {
	t.Helper()
	stdout, _, err := r.Run(script)
	if err != nil {
		t.Fatalf("dpkgroot: %v\nstdout:\n%s", err, stdout)
	}
	return stdout
}

// Dpkg runs the real dpkg inside the root with exactly args (no --force
// option is added) and returns its stdout and stderr interleaved. A failure
// yields a *RunError whose Output is that same text.
func (r *Root) Dpkg(args ...string) (output string, err error) {
	output, _, err = r.exec(true, append([]string{"dpkg"}, args...)...)
	return output, err
}

// PackageStatus returns the state of pkg in the root's dpkg database as
// dpkg-query reports it ("installed", "unpacked", "half-configured",
// "config-files", "not-installed", ...).
func (r *Root) PackageStatus(pkg string) (string, error) {
	out, _, err := r.exec(false, "dpkg-query", "-f", "${db:Status-Status}", "-W", pkg)
	if err != nil {
		var re *RunError
		if errors.As(err, &re) && strings.Contains(re.Output, "no packages found matching") {
			return "not-installed", nil
		}
		return "", err
	}
	return out, nil
}

// exec runs args inside the root: nsenter enters the namespaces of the init
// process (forking, so the command is inside the pid namespace) and chroot
// enters the merged view. Output goes through host files rather than pipes,
// so that a background process holding them open cannot block the call.
func (r *Root) exec(combined bool, args ...string) (stdout, stderr string, err error) {
	if r.init == nil {
		return "", "", errors.New("dpkgroot: root is closed")
	}
	timeout := r.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	outFile, err := os.CreateTemp(r.tmp, "stdout-")
	if err != nil {
		return "", "", fmt.Errorf("dpkgroot: %w", err)
	}
	defer os.Remove(outFile.Name())
	defer outFile.Close()
	errFile := outFile
	if !combined {
		errFile, err = os.CreateTemp(r.tmp, "stderr-")
		if err != nil {
			return "", "", fmt.Errorf("dpkgroot: %w", err)
		}
		defer os.Remove(errFile.Name())
		defer errFile.Close()
	}

	nsenter := []string{
		"--target", fmt.Sprint(r.init.Process.Pid), "--mount", "--pid", "--",
		"/usr/sbin/chroot", r.merged(),
	}
	cmd := exec.CommandContext(ctx, "/usr/bin/nsenter", append(nsenter, args...)...)
	cmd.Env = environment
	cmd.Stdout = outFile
	cmd.Stderr = errFile
	runErr := cmd.Run()

	o, err := os.ReadFile(outFile.Name())
	if err != nil {
		return "", "", fmt.Errorf("dpkgroot: %w", err)
	}
	stdout = string(o)
	if combined {
		stderr = stdout
	} else if e, err := os.ReadFile(errFile.Name()); err != nil {
		return "", "", fmt.Errorf("dpkgroot: %w", err)
	} else {
		stderr = string(e)
	}
	if runErr != nil {
		code := -1
		var exit *exec.ExitError
		if errors.As(runErr, &exit) {
			code = exit.ExitCode()
		}
		if ctx.Err() != nil {
			runErr = fmt.Errorf("timed out after %v: %w", timeout, runErr)
		}
		return stdout, stderr, &RunError{Args: args, ExitCode: code, Output: stderr, Err: runErr}
	}
	return stdout, stderr, nil
}

// merged is the merged view's path inside the namespace's mount tree.
func (r *Root) merged() string { return filepath.Join(r.mnt, "merged") }

// Path returns the host path of p (an absolute path inside the root) in the
// merged view. Symbolic links in the directories of p are resolved inside
// the root (so /var/run/x works); the last element is not followed, as with
// lstat. Following an absolute symbolic link found below the returned path
// from the host would leave the root: use ReadFile for that. The path is
// valid until Close.
func (r *Root) Path(p string) string {
	resolved, err := r.resolve(p, false)
	if err != nil { // a symbolic link loop: leave p as it is
		resolved = path.Clean("/" + p)
	}
	return r.hostFS + r.merged() + resolved
}

// ReadFile reads the file at p inside the root, following symbolic links
// inside the root.
func (r *Root) ReadFile(p string) ([]byte, error) {
	resolved, err := r.resolve(p, true)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(r.hostFS + r.merged() + resolved)
}

// CopyIn copies the host file hostPath to rootPath inside the root with the
// same permission bits, creating missing parent directories (0755).
func (r *Root) CopyIn(hostPath, rootPath string) error {
	src, err := os.Open(hostPath)
	if err != nil {
		return fmt.Errorf("dpkgroot: %w", err)
	}
	defer src.Close()
	info, err := src.Stat()
	if err != nil {
		return fmt.Errorf("dpkgroot: %w", err)
	}
	dst := r.Path(rootPath)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("dpkgroot: %w", err)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return fmt.Errorf("dpkgroot: %w", err)
	}
	if _, err := io.Copy(out, src); err != nil {
		out.Close()
		return fmt.Errorf("dpkgroot: copy %s into the root: %w", hostPath, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("dpkgroot: %w", err)
	}
	return os.Chmod(dst, info.Mode().Perm())
}

// resolve returns p, cleaned, with every symbolic link in it resolved inside
// the merged view (the last element only when followLast). Elements that do
// not exist are kept as they are.
func (r *Root) resolve(p string, followLast bool) (string, error) {
	const maxLinks = 40
	base := r.hostFS + r.merged()
	rest := strings.Split(path.Clean("/"+p), "/")
	resolved := "/"
	links := 0
	for len(rest) > 0 {
		elem := rest[0]
		rest = rest[1:]
		switch elem {
		case "", ".":
			continue
		case "..":
			resolved = path.Dir(resolved)
			continue
		}
		next := path.Join(resolved, elem)
		if len(rest) == 0 && !followLast {
			return next, nil
		}
		info, err := os.Lstat(base + next)
		if err != nil || info.Mode()&os.ModeSymlink == 0 {
			resolved = next
			continue
		}
		if links++; links > maxLinks {
			return "", fmt.Errorf("dpkgroot: %s: too many levels of symbolic links", p)
		}
		target, err := os.Readlink(base + next)
		if err != nil {
			return "", fmt.Errorf("dpkgroot: %w", err)
		}
		if path.IsAbs(target) {
			resolved = "/"
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	return resolved, nil
}
