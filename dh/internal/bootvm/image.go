package bootvm

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Kind is what runs as PID 1 on a machine.
type Kind string

// The machine kinds.
const (
	Systemd  Kind = "systemd"
	Sysvinit Kind = "sysvinit"
)

// Suite is the Debian suite the images are built from.
const Suite = "trixie"

// BasePackages are installed on every image besides the init system: a kernel and what a
// booted Debian needs to start daemons and run the scenarios' dpkg operations.
var BasePackages = []string{
	"linux-image-amd64", "udev", "procps", "kmod", "init-system-helpers", "util-linux",
}

// initPackages are the packages that make each kind's PID 1.
var initPackages = map[Kind][]string{
	Systemd:  {"systemd-sysv"},
	Sysvinit: {"sysvinit-core", "insserv", "startpar"},
}

//go:embed setup.sh
var setupScript []byte

// Spec says what an image is made of.
type Spec struct {
	Kind Kind
	// Extra are packages installed besides BasePackages and the init system (for example the
	// real daemons of a benchmark machine), with apt-get from the same mirror once debootstrap
	// is done; no daemon starts while the image is built.
	Extra []string
}

// packages returns the sorted, deduplicated package list of the image.
func (s Spec) packages() []string {
	pkgs := slices.Concat(BasePackages, initPackages[s.Kind], s.Extra)
	slices.Sort(pkgs)
	return slices.Compact(pkgs)
}

// key is the cache key of the image: a hash of everything it is made from.
func (s Spec) key() string {
	h := sha256.New()
	fmt.Fprintf(h, "bootvm image v1\nkind %s\nsuite %s\npackages %s\n", s.Kind, Suite, strings.Join(s.packages(), " "))
	h.Write(setupScript)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Img is a built image in the cache: a raw ext4 disk image of the root file system and the
// kernel and initramfs to boot it with. Machines boot it as a snapshot: it is never written.
type Img struct {
	Spec
	Dir    string
	Disk   string
	Kernel string
	Initrd string
}

// Build returns the image for spec from cache (a directory, shared by every image: it also
// holds debootstrap's package cache), building it first when the cache has no image made
// from the same package set and setup script. Building needs root, debootstrap,
// mkfs.ext4 and Debian's mirror; it takes one to three minutes. Concurrent builders (test
// binaries of several packages) wait for each other with a lock file.
func Build(cache string, spec Spec, logw io.Writer) (*Img, error) {
	if initPackages[spec.Kind] == nil {
		return nil, fmt.Errorf("bootvm: unknown machine kind %q", spec.Kind)
	}
	name := string(spec.Kind) + "-" + spec.key()
	img := &Img{
		Spec:   spec,
		Dir:    filepath.Join(cache, name),
		Disk:   filepath.Join(cache, name, "root.img"),
		Kernel: filepath.Join(cache, name, "vmlinuz"),
		Initrd: filepath.Join(cache, name, "initrd.img"),
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, fmt.Errorf("bootvm: %w", err)
	}
	unlock, err := lockFile(filepath.Join(cache, name+".lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := os.Stat(filepath.Join(img.Dir, "done")); err == nil {
		return img, nil
	}
	start := time.Now()
	if err := build(cache, img, logw); err != nil {
		return nil, fmt.Errorf("bootvm: build the %s image: %w", spec.Kind, err)
	}
	fmt.Fprintf(logw, "bootvm: built the %s image %s in %s\n", spec.Kind, img.Dir, time.Since(start).Round(time.Second))
	return img, nil
}

// build makes img from scratch: debootstrap into a temporary root next to it, the setup
// script in a chroot, then the disk image with mkfs.ext4 -d; "done" is written last.
func build(cache string, img *Img, logw io.Writer) error {
	if err := os.RemoveAll(img.Dir); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(cache, "build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	root := filepath.Join(tmp, "root")
	debs := filepath.Join(cache, "debs")
	if err := os.MkdirAll(debs, 0o755); err != nil {
		return err
	}
	run := func(name string, args ...string) error {
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(out, 4000))
		}
		return nil
	}
	fmt.Fprintf(logw, "bootvm: building the %s image from %s (packages: %s)\n", img.Kind, Suite, strings.Join(img.packages(), " "))
	// One debootstrap at a time writes to the shared package cache.
	unlock, err := lockFile(debs + ".lock")
	if err != nil {
		return err
	}
	err = run("debootstrap", "--variant=minbase", "--cache-dir="+debs,
		"--include="+strings.Join(Spec{Kind: img.Kind}.packages(), ","), Suite, root, Mirror())
	unlock()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, "tmp/bootvm-setup"), setupScript, 0o755); err != nil {
		return err
	}
	// The setup runs in a mount namespace of its own, so that the /proc it mounts in the root
	// goes away with it whatever happens.
	setup := append([]string{"--mount", "--propagation", "private", "sh", "-c",
		`mount -t proc proc "$0/proc" && exec chroot "$0" /tmp/bootvm-setup "$@"`, root, string(img.Kind)}, img.Extra...)
	if err := run("unshare", setup...); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(root, "tmp/bootvm-setup")); err != nil {
		return err
	}
	stage := filepath.Join(tmp, "image")
	if err := os.MkdirAll(stage, 0o755); err != nil {
		return err
	}
	for src, dst := range map[string]string{"vmlinuz": "vmlinuz", "initrd.img": "initrd.img"} {
		target, err := filepath.EvalSymlinks(filepath.Join(root, src))
		if err != nil {
			return err
		}
		if err := run("cp", target, filepath.Join(stage, dst)); err != nil {
			return err
		}
	}
	// The disk: the root's size plus 1 GiB of room for the scenarios, sparse.
	size, err := duBytes(root)
	if err != nil {
		return err
	}
	mib := size>>20 + 1024
	if err := run("mkfs.ext4", "-q", "-F", "-L", "root", "-O", "^has_journal", "-d", root,
		filepath.Join(stage, "root.img"), fmt.Sprintf("%dM", mib)); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(stage, "done"), []byte(strings.Join(img.packages(), "\n")+"\n"), 0o644); err != nil {
		return err
	}
	return os.Rename(stage, img.Dir)
}

// lockFile takes an exclusive lock on the file (created if needed), waiting for it, and
// returns the function that releases it.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("bootvm: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("bootvm: lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// duBytes returns the apparent size of the files under dir.
func duBytes(dir string) (int64, error) {
	out, err := exec.Command("du", "-sb", dir).Output()
	if err != nil {
		return 0, fmt.Errorf("du %s: %w", dir, err)
	}
	var n int64
	if _, err := fmt.Sscan(string(out), &n); err != nil {
		return 0, fmt.Errorf("du %s: %q", dir, out)
	}
	return n, nil
}

// Mirror returns the Debian mirror to debootstrap from: $BOOTVM_MIRROR, else the first
// http(s) URI of a "deb" source in /etc/apt/sources.list.d/*.sources or sources.list files
// whose path ends in /debian, else http://deb.debian.org/debian.
func Mirror() string {
	if m := os.Getenv("BOOTVM_MIRROR"); m != "" {
		return m
	}
	files, _ := filepath.Glob("/etc/apt/sources.list.d/*.sources")
	lists, _ := filepath.Glob("/etc/apt/sources.list.d/*.list")
	files = append(append(files, "/etc/apt/sources.list"), lists...)
	for _, f := range files {
		if uri := debianURI(f); uri != "" {
			return uri
		}
	}
	return "http://deb.debian.org/debian"
}

// debianURI returns the first archive URI in an apt sources file (one-line or deb822 style)
// that ends in /debian, "" when there is none.
func debianURI(file string) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		var candidates []string
		switch {
		case len(fields) >= 2 && fields[0] == "URIs:":
			candidates = fields[1:]
		case len(fields) >= 3 && fields[0] == "deb":
			candidates = fields[1:]
		}
		for _, c := range candidates {
			if (strings.HasPrefix(c, "http://") || strings.HasPrefix(c, "https://")) && strings.HasSuffix(strings.TrimSuffix(c, "/"), "/debian") {
				return strings.TrimSuffix(c, "/")
			}
		}
	}
	return ""
}

// tail returns the last n bytes of b.
func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
