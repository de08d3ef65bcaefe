package debhelper

import (
	"os"
	"path/filepath"
)

// PkgFile finds a package's debhelper config file in debianDir, as Dh_Lib's
// pkgfile does. It returns the first regular file (symlinks followed) of
//
//	PKG.NAME.ARCH   (ARCH is host.Arch, e.g. debian/hello.init.amd64)
//	PKG.NAME.OS     (OS is host.OS, e.g. debian/hello.init.linux)
//	PKG.NAME
//	NAME            (only when mainPackage: pkg is MainPackage)
//
// With --name, pass "NAME.FILE" as name (e.g. "hellod.init" for
// debian/hello.hellod.init), as debhelper prefixes it the same way. The
// path is debianDir joined with the file name; ok is false when none
// exists.
func PkgFile(debianDir, pkg string, mainPackage bool, name string, host Host) (path string, ok bool) {
	var try []string
	for _, suffix := range []string{host.Arch, host.OS} {
		if suffix != "" {
			try = append(try, pkg+"."+name+"."+suffix)
		}
	}
	try = append(try, pkg+"."+name)
	if mainPackage {
		try = append(try, name)
	}
	for _, f := range try {
		p := filepath.Join(debianDir, f)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}
