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
	// BootTimeout bounds the time from starting qemu to the agent's "ready" (default 20 min:
	// software emulation on a busy host is slow; a free 2-core host boots in 1–2 min).
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
		o.BootTimeout = 20 * time.Minute
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
// file. It returns when the agent is ready, or an error with the serial log's end when the
// boot failed or took longer than opts.BootTimeout (qemu is then killed).
func Start(img *Img, opts Options) (*Machine, error) {
	opts = opts.withDefaults()
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
		serial := m.SerialTail(6000)
		m.Close()
		return nil, fmt.Errorf("bootvm: boot %s (%s) after %s: %s\nqemu: %s\nserial console (end):\n%s",
			img.Kind, m.Accel, time.Since(start).Round(time.Second), fmt.Sprintf(format, args...), qemuOut.String(), serial)
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
		select {
		case <-m.exited:
			return "", fmt.Errorf("%w (qemu exited: %v)", err, m.waitErr)
		default:
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
