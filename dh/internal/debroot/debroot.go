// Package debroot gives the integration suites Debian roots of other releases, made with
// debootstrap from Debian's mirror, to run those releases' tools (debhelper, lintian) on
// trees kept on the host.
//
// A root is made once per machine: debootstrap --variant=minbase --include=PACKAGES SUITE,
// in testenv.CacheDir("debroot")/SUITE-KEY, where KEY is a hash of the suite, the mirror and
// the package set, so that changing any of them makes a new root; the downloaded .debs are
// shared between roots (debootstrap --cache-dir). Concurrent test processes wait for each
// other with a lock file. Commands run in the root with chroot inside a private mount
// namespace (unshare --mount), with host directories bound into it and fresh /proc and
// /tmp: nothing they do reaches the cached root except through the bound directories.
package debroot

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
)

// layout changes when what Get makes changes, to rebuild the cached roots.
const layout = "1"

// Root is a debootstrapped root.
type Root struct {
	// Dir is the root's directory on the host; Suite the release it was made from.
	Dir, Suite string
}

// Get returns the root of suite (trixie, sid…) with packages installed, making it when the
// cache does not have it. It needs root and debootstrap, else it skips (fails under CI).
func Get(t testing.TB, suite string, packages ...string) *Root {
	t.Helper()
	Require(t)
	r, made, err := Open(testenv.CacheDir(t, "debroot"), suite, packages...)
	if err != nil {
		t.Fatalf("debroot: %v", err)
	}
	if made != "" {
		t.Log(made)
	}
	return r
}

// Require skips (or under CI fails) t unless roots can be made and used here.
func Require(t testing.TB) {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "debootstrap", "unshare", "chroot", "mount")
}

// Open returns the root of suite with packages installed from the cache directory cache,
// making it there first when it is missing; made then says what was made and how long it
// took. It may run in any goroutine.
func Open(cache, suite string, packages ...string) (r *Root, made string, err error) {
	pkgs := append([]string(nil), packages...)
	sort.Strings(pkgs)
	mirror := Mirror()
	sum := sha256.Sum256([]byte(strings.Join([]string{layout, suite, mirror, strings.Join(pkgs, ",")}, "\n")))
	dir := filepath.Join(cache, suite+"-"+hex.EncodeToString(sum[:])[:12])

	lock, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return nil, "", fmt.Errorf("lock %s: %v", lock.Name(), err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)

	r = &Root{Dir: dir, Suite: suite}
	if _, err := os.Stat(filepath.Join(dir, ".debroot-complete")); err == nil {
		return r, "", nil
	}
	tmp := dir + ".new"
	for _, d := range []string{tmp, dir} {
		if err := os.RemoveAll(d); err != nil {
			return nil, "", err
		}
	}
	debs := filepath.Join(cache, "debs")
	if err := os.MkdirAll(debs, 0o755); err != nil {
		return nil, "", err
	}
	start := time.Now()
	args := []string{"--variant=minbase", "--cache-dir=" + debs}
	if len(pkgs) > 0 {
		args = append(args, "--include="+strings.Join(pkgs, ","))
	}
	args = append(args, suite, tmp, mirror)
	out, err := exec.Command("debootstrap", args...).CombinedOutput()
	if err != nil {
		os.RemoveAll(tmp)
		return nil, "", fmt.Errorf("debootstrap %s: %v\n%s", strings.Join(args, " "), err, tail(out, 40))
	}
	if err := os.WriteFile(filepath.Join(tmp, ".debroot-complete"), []byte(strings.Join(args, " ")+"\n"), 0o644); err != nil {
		return nil, "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, "", err
	}
	return r, fmt.Sprintf("debroot: made %s (%s + %s) in %s", dir, suite, strings.Join(pkgs, ","), time.Since(start).Round(time.Second)), nil
}

// Mirror is Debian's mirror as this machine's apt sources name it (the first URI ending in
// /debian), or deb.debian.org.
func Mirror() string {
	files, _ := filepath.Glob("/etc/apt/sources.list.d/*.sources")
	files = append(files, "/etc/apt/sources.list")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for sc.Scan() {
			for _, w := range strings.Fields(sc.Text()) {
				if strings.HasPrefix(w, "#") {
					break
				}
				if strings.HasPrefix(w, "http") && strings.HasSuffix(strings.TrimSuffix(w, "/"), "/debian") {
					return strings.TrimSuffix(w, "/")
				}
			}
		}
	}
	return "http://deb.debian.org/debian"
}

// Bind is a host directory mounted inside the root at Path.
type Bind struct{ Host, Path string }

// Command returns the command that runs argv in the root, in directory dir of the root, with
// binds mounted, a fresh /proc and an empty /tmp, in a private mount namespace. Its
// environment is the caller's (set cmd.Env).
func (r *Root) Command(binds []Bind, dir string, argv ...string) *exec.Cmd {
	var b strings.Builder
	b.WriteString("set -e\n")
	for _, m := range binds {
		target := quote(r.Dir + m.Path)
		fmt.Fprintf(&b, "mkdir -p %s\nmount --bind %s %[1]s\n", target, quote(m.Host))
	}
	fmt.Fprintf(&b, "mount -t proc proc %s\n", quote(r.Dir+"/proc"))
	fmt.Fprintf(&b, "mount -t tmpfs tmpfs %s\n", quote(r.Dir+"/tmp"))
	fmt.Fprintf(&b, "exec chroot %s /bin/sh -c 'cd \"$0\" && exec \"$@\"' %s", quote(r.Dir), quote(dir))
	for _, a := range argv {
		b.WriteString(" " + quote(a))
	}
	b.WriteString("\n")
	return exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", b.String())
}

// Version returns the version of an installed package of the root.
func (r *Root) Version(t testing.TB, pkg string) string {
	t.Helper()
	out, err := exec.Command("dpkg-query", "--admindir="+filepath.Join(r.Dir, "var/lib/dpkg"), "-W", "-f=${Version}", pkg).Output()
	if err != nil {
		t.Fatalf("debroot: version of %s in %s: %v", pkg, r.Dir, err)
	}
	return strings.TrimSpace(string(out))
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// tail returns the last n lines of out.
func tail(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Shared are the roots the suites share, by suite, with their package sets: every suite asks
// for a release by name, so that one root per release serves them all.
var Shared = map[string][]string{
	"trixie": {"debhelper"},
	"sid":    {"debhelper", "lintian", "perl-openssl-defaults"}, // debootstrap does not resolve lintian's perl-openssl-abi-3
}

// Release returns the shared root of suite (a key of Shared).
func Release(t testing.TB, suite string) *Root {
	t.Helper()
	roots := Releases(t, suite)
	return roots[0]
}

// Releases returns the shared roots of suites (keys of Shared), made concurrently when
// missing.
func Releases(t testing.TB, suites ...string) []*Root {
	t.Helper()
	Require(t)
	cache := testenv.CacheDir(t, "debroot")
	roots := make([]*Root, len(suites))
	errs := make([]error, len(suites))
	logs := make([]string, len(suites))
	var wg sync.WaitGroup
	for i, suite := range suites {
		pkgs, ok := Shared[suite]
		if !ok {
			t.Fatalf("debroot: no shared root for %q", suite)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			roots[i], logs[i], errs[i] = Open(cache, suite, pkgs...)
		}()
	}
	wg.Wait()
	for i := range suites {
		if logs[i] != "" {
			t.Log(logs[i])
		}
		if errs[i] != nil {
			t.Fatalf("debroot: %v", errs[i])
		}
	}
	return roots
}
