// Package stage builds the dh-teardown commands from a checkout into a directory laid out as
// `make install DESTDIR=DIR PREFIX=/usr` lays them out, and builds Debian source trees with
// dpkg-buildpackage so that they use those commands instead of any installed ones. It is the
// one place the integration suites (lifecycle, example builds) and `make bench` get a package
// built with this checkout's dh-teardown.
//
// Nothing is written into the checkout: the commands go to the stage directory, Go's build
// cache holds the rest.
package stage

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Module is the module path of the checkout, which Checkout looks for in go.mod.
const Module = "github.com/dh-teardown/dh-teardown"

// Checkout returns the top directory of the checkout that holds dir (or dir itself): the
// nearest directory at or above it whose go.mod declares Module.
func Checkout(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && strings.HasPrefix(string(data), "module "+Module+"\n") {
			return d, nil
		}
		if d == filepath.Dir(d) {
			return "", fmt.Errorf("stage: %s is not inside a checkout of %s", dir, Module)
		}
	}
}

// Install builds the commands of the checkout at root and installs them under dir as
// `make install PREFIX=/usr` would: dh_teardown and teardown in usr/bin, the drop-in
// dh_installinit in usr/lib/dh-teardown/bin (off PATH), the dh add-on in usr/share/perl5.
// Man pages are not made.
func Install(root, dir string) error {
	goBuild := func(sub string, pkgs ...string) error {
		args := append([]string{"build", "-trimpath", "-o", filepath.Join(dir, sub) + "/"}, pkgs...)
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("stage: go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := goBuild("usr/bin", "./dh/cmd/dh_teardown", "./dh/cmd/teardown"); err != nil {
		return err
	}
	if err := goBuild("usr/lib/dh-teardown/bin", "./dh/cmd/dh_installinit"); err != nil {
		return err
	}
	const addon = "dh/perl/Debian/Debhelper/Sequence/teardown.pm"
	data, err := os.ReadFile(filepath.Join(root, addon))
	if err != nil {
		return fmt.Errorf("stage: %w", err)
	}
	dst := filepath.Join(dir, "usr/share/perl5/Debian/Debhelper/Sequence/teardown.pm")
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("stage: %w", err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		return fmt.Errorf("stage: %w", err)
	}
	return nil
}

// Env is the environment of a package build that uses the commands staged in dir: the
// caller's, without make's variables (make test and make bench run the Go programs that
// build), with dh_teardown and the add-on found first, as examples/hello/README.md sets them
// for a build from a checkout (PATH, PERL5LIB, DH_TEARDOWN_BIN), and LC_ALL=C.UTF-8.
func Env(dir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "PATH", "PERL5LIB", "DH_TEARDOWN_BIN", "LC_ALL":
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"PATH="+filepath.Join(dir, "usr/bin")+":"+os.Getenv("PATH"),
		"PERL5LIB="+filepath.Join(dir, "usr/share/perl5"),
		"DH_TEARDOWN_BIN="+filepath.Join(dir, "usr/lib/dh-teardown/bin"),
		"LC_ALL=C.UTF-8",
	)
}

// Build builds the source tree src with `dpkg-buildpackage -b -uc -us -d` and the commands
// staged in dir. The .debs land in src's parent directory; Build returns their paths by
// binary package name.
func Build(dir, src string) (map[string]string, error) {
	cmd := exec.Command("dpkg-buildpackage", "-b", "-uc", "-us", "-d")
	cmd.Dir = src
	cmd.Env = Env(dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("dpkg-buildpackage in %s: %v\n%s", src, err, out)
	}
	debs, err := filepath.Glob(filepath.Join(filepath.Dir(src), "*.deb"))
	if err != nil {
		return nil, err
	}
	if len(debs) == 0 {
		return nil, errors.New("dpkg-buildpackage built no .deb in " + filepath.Dir(src))
	}
	byName := map[string]string{}
	for _, deb := range debs {
		byName[strings.SplitN(filepath.Base(deb), "_", 2)[0]] = deb
	}
	return byName, nil
}
