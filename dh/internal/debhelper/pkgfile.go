package debhelper

import (
	"os"
	"path/filepath"
	"syscall"
)

// DebianDir is a source tree's debian/ directory as listed once by
// ReadDebianDir: PkgFile looks names up in the list instead of asking the
// file system for each candidate (a tree of 200 packages has thousands of
// candidate names and a few hundred files). Files added to debian/ after
// the list was read are not seen.
type DebianDir struct {
	path    string
	entries map[string]uint8 // name: d_type
}

// ReadDebianDir lists the directory path (a tree's debian/).
func ReadDebianDir(path string) (*DebianDir, error) {
	entries, _, err := readDirTypes(path)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return &DebianDir{path: path, entries: entries}, nil
}

// PkgFile finds a package's debhelper config file in d, as Dh_Lib's
// pkgfile does. It returns the first regular file (symlinks followed) of
//
//	PKG.NAME.ARCH   (ARCH is host.Arch, e.g. debian/hello.init.amd64)
//	PKG.NAME.OS     (OS is host.OS, e.g. debian/hello.init.linux)
//	PKG.NAME
//	NAME            (only when mainPackage: pkg is MainPackage)
//
// With --name, pass "NAME.FILE" as name (e.g. "hellod.init" for
// debian/hello.hellod.init), as debhelper prefixes it the same way. The
// path is d's path joined with the file name; ok is false when none
// exists.
func (d *DebianDir) PkgFile(pkg string, mainPackage bool, name string, host Host) (path string, ok bool) {
	for _, suffix := range []string{host.Arch, host.OS} {
		if suffix != "" {
			if p, ok := d.regular(pkg + "." + name + "." + suffix); ok {
				return p, true
			}
		}
	}
	if p, ok := d.regular(pkg + "." + name); ok {
		return p, true
	}
	if mainPackage {
		return d.regular(name)
	}
	return "", false
}

// regular returns the path of the entry name if it is a regular file or a
// symbolic link to one.
func (d *DebianDir) regular(name string) (string, bool) {
	typ, ok := d.entries[name]
	if !ok {
		return "", false
	}
	p := filepath.Join(d.path, name)
	switch typ {
	case syscall.DT_REG:
		return p, true
	case syscall.DT_LNK, syscall.DT_UNKNOWN:
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}
