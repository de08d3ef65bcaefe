// Package debbuild builds Debian packages the way a maintainer does, for the suites that run
// them (the booted machines of dh/internal/booted, benchmarks): dh-teardown's commands built
// from this checkout and staged as `make install DESTDIR=STAGE PREFIX=/usr` lays them out,
// then `dpkg-buildpackage -b -uc -us -d` on a source tree with them found as
// examples/hello/README.md says (PATH, PERL5LIB, DH_TEARDOWN_BIN).
//
// It can also give every maintainer script of a tree a failure hook: the script exits 1 when
// a marker file exists on the machine it runs on (see FailureMarker), so a scenario fails a
// chosen step of dpkg's sequence by creating a file.
package debbuild

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// RepoRoot returns the checkout's top directory: the nearest directory at or above the
// working directory that has go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("debbuild: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Stage builds dh_teardown, teardown and the drop-in dh_installinit from the checkout at
// root and installs them, with the dh add-on, under stage: usr/bin, usr/lib/dh-teardown/bin,
// usr/share/perl5/Debian/Debhelper/Sequence.
func Stage(root, stage string) error {
	for dir, pkgs := range map[string][]string{
		"usr/bin":                 {"./dh/cmd/dh_teardown", "./dh/cmd/teardown"},
		"usr/lib/dh-teardown/bin": {"./dh/cmd/dh_installinit"},
	} {
		args := append([]string{"build", "-trimpath", "-o", filepath.Join(stage, dir) + "/"}, pkgs...)
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("debbuild: go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	const addon = "dh/perl/Debian/Debhelper/Sequence/teardown.pm"
	dst := filepath.Join(stage, "usr/share/perl5/Debian/Debhelper/Sequence/teardown.pm")
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("debbuild: %w", err)
	}
	if err := CopyFile(filepath.Join(root, addon), dst); err != nil {
		return fmt.Errorf("debbuild: %w", err)
	}
	return nil
}

// Build runs dpkg-buildpackage in the source tree src with the commands staged under stage
// and returns the binary packages it wrote next to src, by package name.
func Build(stage, src string) (map[string]string, error) {
	cmd := exec.Command("dpkg-buildpackage", "-b", "-uc", "-us", "-d")
	cmd.Dir = src
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "PATH", "PERL5LIB", "DH_TEARDOWN_BIN":
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = append(env,
		"PATH="+filepath.Join(stage, "usr/bin")+":"+os.Getenv("PATH"),
		"PERL5LIB="+filepath.Join(stage, "usr/share/perl5"),
		"DH_TEARDOWN_BIN="+filepath.Join(stage, "usr/lib/dh-teardown/bin"),
		"LC_ALL=C.UTF-8")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("debbuild: dpkg-buildpackage in %s: %v\n%s", src, err, out)
	}
	debs, err := filepath.Glob(filepath.Join(filepath.Dir(src), "*.deb"))
	if err != nil {
		return nil, err
	}
	if len(debs) == 0 {
		return nil, fmt.Errorf("debbuild: dpkg-buildpackage in %s built no .deb", src)
	}
	byName := map[string]string{}
	for _, deb := range debs {
		byName[strings.SplitN(filepath.Base(deb), "_", 2)[0]] = deb
	}
	return byName, nil
}

// FailureMarker is the file whose existence makes the failure hook of pkg VERSION's script
// exit 1 when dpkg runs the script with action as its first argument.
func FailureMarker(pkg, version, script, action string) string {
	return fmt.Sprintf("/run/debbuild-fail/%s_%s_%s_%s", pkg, version, script, action)
}

// FailureMessage is what a failure hook prints to standard error when it fails.
const FailureMessage = "debbuild: injected failure"

// AddFailureHooks gives every maintainer script of each binary package pkgs of the source
// tree src (at version) a hook right after #DEBHELPER#, so after the generated code: it exits 1
// when the file FailureMarker names for that script and its first argument exists. A package
// without a hand-written script gets one that is "#DEBHELPER#" and the hook.
func AddFailureHooks(src, version string, pkgs ...string) error {
	for _, pkg := range pkgs {
		for _, script := range []string{"preinst", "postinst", "prerm", "postrm"} {
			hook := fmt.Sprintf("if [ -e \"%s$1\" ]; then\n\techo \"%s of %s %s %s $*\" >&2\n\texit 1\nfi\n",
				FailureMarker(pkg, version, script, ""), FailureMessage, pkg, version, script)
			file := filepath.Join(src, "debian", pkg+"."+script)
			text := "#!/bin/sh\nset -e\n\n#DEBHELPER#\n\nexit 0\n"
			if data, err := os.ReadFile(file); err == nil {
				text = string(data)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			const token = "#DEBHELPER#\n"
			before, after, ok := strings.Cut(text, token)
			if !ok {
				return fmt.Errorf("debbuild: %s: no #DEBHELPER# line", file)
			}
			if err := os.WriteFile(file, []byte(before+token+hook+after), 0o755); err != nil {
				return err
			}
		}
	}
	return nil
}

// CopyTree copies the directory src to dst (which must not exist), keeping permission bits
// and symbolic links.
func CopyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(target, info.Mode().Perm())
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		}
		return CopyFile(p, target)
	})
}

// CopyFile copies the regular file src to dst, keeping its permission bits.
func CopyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	info, err := os.Stat(src)
	if err != nil {
		return err
	}
	if err := os.WriteFile(dst, data, info.Mode().Perm()); err != nil {
		return err
	}
	return os.Chmod(dst, info.Mode().Perm())
}
