package bootvm

import (
	"bufio"
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dh-teardown/dh-teardown/dh/internal/debbuild"
)

//go:embed agent.sh
var agentScript []byte

// Options tune a boot. The zero value is the default of each field.
type Options struct {
	// BootTimeout bounds the time from starting qemu to the agent's "ready" (default: 5 min
	// times the host's load per core when it is over 1 (HostSlowness), at most 30 min — a
	// quiet 2-core host boots in under a minute under software emulation, a busy one takes
	// many times longer).
	BootTimeout time.Duration
	// Lifetime bounds the machine's whole life: qemu is killed when it ends, whatever runs
	// (default 2 h: a machine runs many scenarios, and software emulation on a busy host is
	// slow).
	Lifetime time.Duration
	// MemoryMiB is the guest's memory (default 1024).
	MemoryMiB int
	// CPUs is the number of guest CPUs (default 2).
	CPUs int
}

func (o Options) withDefaults() Options {
	if o.BootTimeout == 0 {
		o.BootTimeout = min(time.Duration(float64(5*time.Minute)*HostSlowness()), 30*time.Minute)
	}
	if o.Lifetime == 0 {
		o.Lifetime = 2 * time.Hour
	}
	if o.MemoryMiB == 0 {
		o.MemoryMiB = 1024
	}
	if o.CPUs == 0 {
		o.CPUs = 2
	}
	return o
}

// Machine is a running qemu machine booted from an Img. The image is used as a snapshot
// (qemu -snapshot): what the machine writes is thrown away when it stops.
//
// The host and the machine share a directory (9p, mounted at /host in the machine); the agent
// runs scripts the host puts there when asked over a virtio-serial port, and their output
// comes back the same way. Every method may be called from one goroutine at a time.
type Machine struct {
	Img *Img
	// Accel is the accelerator qemu runs with: "kvm" or "tcg".
	Accel string
	// BootTime is the time from starting qemu to the agent being ready.
	BootTime time.Duration
	// FailedBoot is the boot before this machine's, when it did not come up (see Start).
	FailedBoot *BootError

	dir     string // host side of the shared directory's parent
	share   string // the shared directory
	serial  string // the serial console's log file
	cmd     *exec.Cmd
	ctl     net.Conn
	ctlr    *bufio.Reader
	exited  chan struct{}
	waitErr error
	n       int // scripts run
	copies  int // Copy calls

	stopOnce sync.Once
	timer    *time.Timer
}

// Start boots img: qemu with the image's kernel and initramfs, the image as a snapshot disk
// (cache=unsafe), the shared directory, the control port and the serial console logged to a
// file. It returns when the agent is ready. A machine that does not come up — qemu exits, or
// the agent is not ready within opts.BootTimeout — is killed and booted once more (under
// software emulation on a loaded host a boot now and then hangs or panics before the agent
// runs); the failed boot is kept in the machine's FailedBoot, with its serial console. When
// the second boot fails too, the error has both boots' reasons and serial consoles.
func Start(img *Img, opts Options) (*Machine, error) {
	opts = opts.withDefaults()
	m, err := start(img, opts)
	var first *BootError
	if !errors.As(err, &first) {
		return m, err
	}
	m, err = start(img, opts)
	if err != nil {
		return nil, fmt.Errorf("%w\n(booted twice; the first boot failed too: %v)", err, first)
	}
	m.FailedBoot = first
	return m, nil
}

// BootError is a boot that did not come up: the agent was not ready in time, or qemu exited.
type BootError struct {
	Kind   Kind
	Accel  string
	After  time.Duration // from starting qemu to giving up
	Reason string
	Qemu   string // qemu's own output
	Serial string // the machine's serial console, whole
}

func (e *BootError) Error() string {
	return fmt.Sprintf("bootvm: boot %s (%s) after %s: %s\nqemu: %s\nserial console (end):\n%s",
		e.Kind, e.Accel, e.After.Round(time.Second), e.Reason, e.Qemu, tail([]byte(e.Serial), 6000))
}

// start boots img once (see Start); a boot that does not come up is a *BootError.
func start(img *Img, opts Options) (*Machine, error) {
	dir, err := os.MkdirTemp("", "bootvm-")
	if err != nil {
		return nil, fmt.Errorf("bootvm: %w", err)
	}
	m := &Machine{
		Img:    img,
		Accel:  accel(img),
		dir:    dir,
		share:  filepath.Join(dir, "share"),
		serial: filepath.Join(dir, "serial.log"),
		exited: make(chan struct{}),
	}
	for _, d := range []string{m.share, filepath.Join(m.share, "cmd"), filepath.Join(m.share, "in")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("bootvm: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(m.share, "agent.sh"), agentScript, 0o755); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("bootvm: %w", err)
	}
	sock := filepath.Join(dir, "ctl.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("bootvm: %w", err)
	}
	defer ln.Close()
	m.cmd = exec.Command("qemu-system-x86_64", m.qemuArgs(opts, sock)...)
	var qemuOut bytes.Buffer
	m.cmd.Stdout = &qemuOut
	m.cmd.Stderr = &qemuOut
	m.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	start := time.Now()
	if err := m.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("bootvm: qemu: %w", err)
	}
	go func() {
		m.waitErr = m.cmd.Wait()
		close(m.exited)
	}()
	m.timer = time.AfterFunc(opts.Lifetime, func() { m.kill() })

	// qemu connects to the control socket (chardev client) right away.
	type accepted struct {
		c   net.Conn
		err error
	}
	acc := make(chan accepted, 1)
	go func() {
		c, err := ln.Accept()
		acc <- accepted{c, err}
	}()
	fail := func(format string, args ...any) (*Machine, error) {
		serial := m.SerialLog()
		m.Close()
		return nil, &BootError{Kind: img.Kind, Accel: m.Accel, After: time.Since(start),
			Reason: fmt.Sprintf(format, args...), Qemu: qemuOut.String(), Serial: serial}
	}
	deadline := time.Now().Add(opts.BootTimeout)
	select {
	case a := <-acc:
		if a.err != nil {
			return fail("control socket: %v", a.err)
		}
		m.ctl = a.c
	case <-m.exited:
		return fail("qemu exited: %v", m.waitErr)
	case <-time.After(time.Until(deadline)):
		return fail("qemu did not connect the control port")
	}
	m.ctlr = bufio.NewReader(m.ctl)
	line, err := m.readLine(deadline)
	if err != nil {
		return fail("waiting for the agent: %v", err)
	}
	if line != "ready" {
		return fail("the agent said %q instead of ready", line)
	}
	m.BootTime = time.Since(start)
	return m, nil
}

// qemuArgs is qemu's command line.
func (m *Machine) qemuArgs(opts Options, sock string) []string {
	args := []string{
		"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
		"-m", strconv.Itoa(opts.MemoryMiB), "-smp", strconv.Itoa(opts.CPUs),
		"-kernel", m.Img.Kernel, "-initrd", m.Img.Initrd,
		"-append", "root=/dev/vda rw console=ttyS0 quiet panic=-1 mitigations=off net.ifnames=0 no_timer_check",
		"-drive", "file=" + m.Img.Disk + ",format=raw,if=virtio,cache=unsafe,snapshot=on",
		"-virtfs", "local,path=" + m.share + ",mount_tag=host,security_model=none,id=host",
		"-device", "virtio-serial-pci",
		"-chardev", "socket,id=ctl,path=" + sock,
		"-device", "virtserialport,chardev=ctl,name=bootvm",
		"-serial", "file:" + m.serial,
		"-nic", "none",
	}
	if m.Accel == "kvm" {
		return append(args, "-accel", "kvm", "-cpu", "host")
	}
	return append(args, "-accel", "tcg", "-cpu", "max")
}

// readLine reads one line from the control port, waiting until deadline.
func (m *Machine) readLine(deadline time.Time) (string, error) {
	if err := m.ctl.SetReadDeadline(deadline); err != nil {
		return "", err
	}
	line, err := m.ctlr.ReadString('\n')
	if err != nil {
		// The port closes when qemu exits: give it a moment to be seen exiting.
		wait := time.Duration(0)
		if errors.Is(err, io.EOF) {
			wait = 10 * time.Second
		}
		select {
		case <-m.exited:
			return "", fmt.Errorf("%w (qemu exited: %v)", err, m.waitErr)
		case <-time.After(wait):
		}
		return "", err
	}
	return strings.TrimSuffix(line, "\n"), nil
}

// ExitError is the error of a script that exited with a non-zero status.
type ExitError struct {
	Status int
}

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Status) }

// Run runs script with /bin/sh in the machine, as root, in /, with PATH set, LC_ALL=C.UTF-8,
// and standard input from /dev/null, and returns its standard output and error together. The
// error is an *ExitError when the script exited non-zero, or another error (with the serial
// console's end) when it did not finish within timeout (the machine is then killed) or the
// machine died.
func (m *Machine) Run(script string, timeout time.Duration) (string, error) {
	select {
	case <-m.exited:
		return "", ErrNotRunning
	default:
	}
	m.n++
	n := strconv.Itoa(m.n)
	cmdDir := filepath.Join(m.share, "cmd")
	if err := os.WriteFile(filepath.Join(cmdDir, n+".sh"), []byte(script), 0o644); err != nil {
		return "", fmt.Errorf("bootvm: %w", err)
	}
	if _, err := io.WriteString(m.ctl, n+"\n"); err != nil {
		return "", fmt.Errorf("bootvm: control port: %w", err)
	}
	line, err := m.readLine(time.Now().Add(timeout))
	out, _ := os.ReadFile(filepath.Join(cmdDir, n+".out"))
	if err != nil {
		m.kill()
		return string(out), fmt.Errorf("bootvm: script %s on the %s machine: %v (machine killed)\nserial console (end):\n%s", n, m.Img.Kind, err, m.SerialTail(6000))
	}
	var got, status int
	if _, err := fmt.Sscanf(line, "%d %d", &got, &status); err != nil || got != m.n {
		m.kill()
		return string(out), fmt.Errorf("bootvm: the agent answered %q to script %s (machine killed)", line, n)
	}
	if status != 0 {
		return string(out), &ExitError{Status: status}
	}
	return string(out), nil
}

// Copy makes the host files visible in the machine and returns their paths there, in order
// (under /host/in, each call in a directory of its own, base names kept). The machine reads
// them through the shared directory; nothing is copied twice.
func (m *Machine) Copy(files ...string) ([]string, error) {
	m.copies++
	sub := strconv.Itoa(m.copies)
	dir := filepath.Join(m.share, "in", sub)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("bootvm: %w", err)
	}
	var paths []string
	for _, f := range files {
		base := filepath.Base(f)
		dst := filepath.Join(dir, base)
		if err := os.Link(f, dst); err != nil {
			if err := debbuild.CopyFile(f, dst); err != nil {
				return nil, fmt.Errorf("bootvm: copy %s: %w", f, err)
			}
		}
		paths = append(paths, "/host/in/"+sub+"/"+base)
	}
	return paths, nil
}

// HostPath returns the host path of a file the machine wrote under /host (for results).
func (m *Machine) HostPath(guest string) (string, error) {
	rel, ok := strings.CutPrefix(guest, "/host/")
	if !ok {
		return "", fmt.Errorf("bootvm: %s is not under /host", guest)
	}
	return filepath.Join(m.share, filepath.FromSlash(rel)), nil
}

// Shutdown asks the machine to power off by running command (for example "init 0" or
// "poweroff") and returns the time from sending it to qemu's exit. qemu is killed when the
// machine is still running after timeout, and an error returned.
func (m *Machine) Shutdown(command string, timeout time.Duration) (time.Duration, error) {
	m.n++
	n := strconv.Itoa(m.n)
	script := "( " + command + " ) >/dev/console 2>&1 &\n"
	if err := os.WriteFile(filepath.Join(m.share, "cmd", n+".sh"), []byte(script), 0o644); err != nil {
		return 0, fmt.Errorf("bootvm: %w", err)
	}
	start := time.Now()
	if _, err := io.WriteString(m.ctl, n+"\n"); err != nil {
		return 0, fmt.Errorf("bootvm: control port: %w", err)
	}
	select {
	case <-m.exited:
		return time.Since(start), nil
	case <-time.After(timeout):
		m.kill()
		return 0, fmt.Errorf("bootvm: %s: the %s machine was still running after %s (killed)\nserial console (end):\n%s", command, m.Img.Kind, timeout, m.SerialTail(6000))
	}
}

// SerialLog returns the serial console's output so far.
func (m *Machine) SerialLog() string {
	data, _ := os.ReadFile(m.serial)
	return string(data)
}

// SerialTail returns the last n bytes of the serial console's output.
func (m *Machine) SerialTail(n int) string {
	return string(tail([]byte(m.SerialLog()), n))
}

// kill kills qemu (the whole process group) and waits for it.
func (m *Machine) kill() {
	if m.cmd.Process != nil {
		syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
	}
	<-m.exited
}

// Close powers the machine off at once (qemu is killed: the disk is a snapshot, nothing is
// lost that a test wants) and removes the shared directory. It may be called more than once.
func (m *Machine) Close() {
	m.stopOnce.Do(func() {
		m.timer.Stop()
		m.kill()
		if m.ctl != nil {
			m.ctl.Close()
		}
		os.RemoveAll(m.dir)
	})
}

// Exited reports whether qemu has exited.
func (m *Machine) Exited() bool {
	select {
	case <-m.exited:
		return true
	default:
		return false
	}
}

var (
	accelMu   sync.Mutex
	accelName string
)

// accel returns the accelerator machines boot with: $BOOTVM_ACCEL when set ("kvm" or "tcg"),
// else "kvm" when /dev/kvm can be opened and a trial boot of img's kernel with KVM prints the
// kernel's banner within 20 s, else "tcg". The trial's verdict is kept in the image's
// directory (file "accel"), so it runs once per image and machine.
func accel(img *Img) string {
	if a := os.Getenv("BOOTVM_ACCEL"); a != "" {
		return a
	}
	accelMu.Lock()
	defer accelMu.Unlock()
	if accelName != "" {
		return accelName
	}
	verdict := filepath.Join(img.Dir, "accel")
	if data, err := os.ReadFile(verdict); err == nil {
		accelName = strings.TrimSpace(string(data))
		return accelName
	}
	accelName = "tcg"
	if f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0); err == nil {
		f.Close()
		if kvmWorks(img) {
			accelName = "kvm"
		}
	}
	os.WriteFile(verdict, []byte(accelName+"\n"), 0o644)
	return accelName
}

// kvmWorks boots img's kernel with KVM and reports whether it printed its banner.
func kvmWorks(img *Img) bool {
	log, err := os.CreateTemp("", "bootvm-kvm-")
	if err != nil {
		return false
	}
	defer os.Remove(log.Name())
	log.Close()
	cmd := exec.Command("qemu-system-x86_64", "-nodefaults", "-display", "none", "-no-reboot",
		"-accel", "kvm", "-cpu", "host", "-m", "256", "-kernel", img.Kernel,
		"-append", "console=ttyS0 panic=-1", "-serial", "file:"+log.Name())
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return false
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	for range 40 {
		time.Sleep(500 * time.Millisecond)
		if data, _ := os.ReadFile(log.Name()); bytes.Contains(data, []byte("Linux version")) {
			return true
		}
	}
	return false
}

// ErrNotRunning is returned by Run on a machine whose qemu has exited.
var ErrNotRunning = errors.New("bootvm: the machine is not running")

// HostSlowness is how much slower than on a quiet host a machine can be expected to run now:
// the host's 1-minute load average per core (/proc/loadavg), at least 1. Timeouts are scaled
// by it.
func HostSlowness() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 1
	}
	var load float64
	if _, err := fmt.Sscan(string(data), &load); err != nil {
		return 1
	}
	return max(1, load/float64(runtime.NumCPU()))
}
