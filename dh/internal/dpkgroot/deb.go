package dpkgroot

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// File is one file of a package built by BuildDeb.
type File struct {
	Content string
	Mode    os.FileMode // permission bits; zero means 0644
}

// DebSpec describes a binary package for BuildDeb.
type DebSpec struct {
	Package      string
	Version      string
	Architecture string // "all" when empty
	Depends      string
	PreDepends   string
	// Control holds further control fields, such as "Breaks" or
	// "Replaces", by name.
	Control map[string]string
	// Files maps absolute paths in the package to their content. Parent
	// directories are created 0755.
	Files map[string]File
	// Conffiles lists the paths in Files that are conffiles.
	Conffiles []string
	// Scripts maps "preinst", "postinst", "prerm" or "postrm" to the
	// script's complete text, installed 0755.
	Scripts map[string]string
}

// maintainerScripts are the keys DebSpec.Scripts accepts.
var maintainerScripts = map[string]bool{"preinst": true, "postinst": true, "prerm": true, "postrm": true}

// BuildDeb builds the package spec describes with dpkg-deb (files owned by
// root) in a temporary directory of t and returns the .deb's path. It fails
// t on an invalid spec or when dpkg-deb rejects it.
func BuildDeb(t testing.TB, spec DebSpec) string {
	t.Helper()
	deb, err := buildDeb(spec, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return deb
}

// buildDeb stages spec under dir and builds dir/PACKAGE_VERSION_ARCH.deb.
func buildDeb(spec DebSpec, dir string) (string, error) {
	arch := spec.Architecture
	if arch == "" {
		arch = "all"
	}
	fields := map[string]string{
		"Package":      spec.Package,
		"Version":      spec.Version,
		"Architecture": arch,
		"Maintainer":   "dpkgroot <dpkgroot@example.invalid>",
		"Description":  "dpkgroot test package " + spec.Package,
		"Depends":      spec.Depends,
		"Pre-Depends":  spec.PreDepends,
	}
	for name, value := range spec.Control {
		fields[name] = value
	}
	var control strings.Builder
	for _, name := range orderedFields(fields) {
		value := fields[name]
		if value == "" {
			continue
		}
		if strings.ContainsAny(name+value, "\n") {
			return "", fmt.Errorf("dpkgroot: package %s: control field %s: newline in field", spec.Package, name)
		}
		fmt.Fprintf(&control, "%s: %s\n", name, value)
	}

	staging := filepath.Join(dir, "staging")
	write := func(p, content string, mode os.FileMode) error {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			return err
		}
		return os.Chmod(p, mode) // not reduced by the umask
	}
	if err := write(filepath.Join(staging, "DEBIAN", "control"), control.String(), 0o644); err != nil {
		return "", fmt.Errorf("dpkgroot: %w", err)
	}
	for p, f := range spec.Files {
		if !path.IsAbs(p) || path.Clean(p) != p || p == "/" {
			return "", fmt.Errorf("dpkgroot: package %s: file %q: not an absolute clean path", spec.Package, p)
		}
		mode := f.Mode
		if mode == 0 {
			mode = 0o644
		}
		if err := write(filepath.Join(staging, p), f.Content, mode); err != nil {
			return "", fmt.Errorf("dpkgroot: %w", err)
		}
	}
	if len(spec.Conffiles) > 0 {
		for _, c := range spec.Conffiles {
			if _, ok := spec.Files[c]; !ok {
				return "", fmt.Errorf("dpkgroot: package %s: conffile %s: not among the files", spec.Package, c)
			}
		}
		conffiles := strings.Join(spec.Conffiles, "\n") + "\n"
		if err := write(filepath.Join(staging, "DEBIAN", "conffiles"), conffiles, 0o644); err != nil {
			return "", fmt.Errorf("dpkgroot: %w", err)
		}
	}
	for name, text := range spec.Scripts {
		if !maintainerScripts[name] {
			return "", fmt.Errorf("dpkgroot: package %s: script %q: not preinst, postinst, prerm or postrm", spec.Package, name)
		}
		if err := write(filepath.Join(staging, "DEBIAN", name), text, 0o755); err != nil {
			return "", fmt.Errorf("dpkgroot: %w", err)
		}
	}

	version := spec.Version
	if i := strings.IndexByte(version, ':'); i >= 0 {
		version = version[i+1:]
	}
	deb := filepath.Join(dir, fmt.Sprintf("%s_%s_%s.deb", spec.Package, version, arch))
	out, err := exec.Command("dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "--build", staging, deb).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("dpkgroot: dpkg-deb --build %s: %v\n%s", spec.Package, err, out)
	}
	if err := os.RemoveAll(staging); err != nil {
		return "", fmt.Errorf("dpkgroot: %w", err)
	}
	return deb, nil
}

// orderedFields returns the field names with Package first and
// Description last, the others sorted, as dpkg writes them.
func orderedFields(fields map[string]string) []string {
	var names []string
	for name := range fields {
		if name != "Package" && name != "Description" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return append(append([]string{"Package"}, names...), "Description")
}
