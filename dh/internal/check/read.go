package check

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"pault.ag/go/debian/control"
	"pault.ag/go/debian/deb"
	"pault.ag/go/debian/version"
)

// maxKept bounds what is kept of a unit file or read of a control member.
const maxKept = 1 << 20

// packageNameRE is Debian Policy 5.6.1.
var packageNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)

// ReadDeb reads a binary package (.deb) in-process: its control fields, conffiles,
// maintainer scripts and the list of paths of its data member (gzip, xz, zstd, bzip2, lzma
// or no compression).
func ReadDeb(file string) (*Package, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	magic := make([]byte, 8)
	if _, err := io.ReadFull(f, magic); err != nil || string(magic) != "!<arch>\n" {
		return nil, fmt.Errorf("%s: not a Debian binary package (no ar archive signature)", file)
	}
	d, err := deb.Load(f, file)
	if err != nil {
		return nil, fmt.Errorf("%s: not a Debian binary package: %s", file, lowerFirst(err.Error()))
	}
	defer d.Close()
	p := &Package{Origin: file, Files: map[string]File{}, Scripts: map[string][]byte{}}
	if err := p.setControl(file, d.Control); err != nil {
		return nil, err
	}
	var member *deb.ArEntry
	for name, m := range d.ArContent {
		if strings.HasPrefix(name, "control.tar") {
			member = m
		}
	}
	if member == nil {
		return nil, fmt.Errorf("%s: not a Debian binary package: no control member", file)
	}
	if _, err := member.Data.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	ctl, closer, err := member.Tarfile()
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %s", file, member.Name, lowerFirst(err.Error()))
	}
	defer closer.Close()
	if err := p.readControlMember(file, ctl); err != nil {
		return nil, err
	}
	if err := p.readData(file, d.Data); err != nil {
		return nil, err
	}
	return p, nil
}

// readControlMember keeps conffiles and the maintainer scripts of the control member.
func (p *Package) readControlMember(file string, tr *tar.Reader) error {
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: control member: %v", file, err)
		}
		name := strings.TrimPrefix(cleanMember(h.Name), "/")
		if h.Typeflag != tar.TypeReg || !(name == "conffiles" || isScript(name)) {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(tr, maxKept+1))
		if err != nil {
			return fmt.Errorf("%s: control member %s: %v", file, name, err)
		}
		if len(data) > maxKept {
			return fmt.Errorf("%s: control member %s: larger than %d bytes", file, name, maxKept)
		}
		if err := p.setControlFile(file+": "+name, name, data); err != nil {
			return err
		}
	}
}

// readData lists the data member: every path but directories, and the content of unit files.
func (p *Package) readData(file string, tr *tar.Reader) error {
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: data member: %v", file, err)
		}
		name := cleanMember(h.Name)
		if name == "" || h.Typeflag == tar.TypeDir {
			continue
		}
		f := File{Symlink: h.Typeflag == tar.TypeSymlink, Target: h.Linkname}
		if h.Typeflag == tar.TypeReg && keepContent(name) {
			f.Content, err = io.ReadAll(io.LimitReader(tr, maxKept))
			if err != nil {
				return fmt.Errorf("%s: data member %s: %v", file, name, err)
			}
		}
		p.Files[name] = f
	}
}

// ReadStaged reads the binary package PKG as a build left it in DIR/debian/PKG: the files
// staged there, and the control files dh_installdeb and dh_gencontrol wrote into its
// DEBIAN directory.
func ReadStaged(dir, pkg string) (*Package, error) {
	if !packageNameRE.MatchString(pkg) {
		return nil, fmt.Errorf("%q is not a valid binary package name", pkg)
	}
	root := filepath.Join(dir, "debian", pkg)
	ctlFile := filepath.Join(root, "DEBIAN", "control")
	data, err := os.ReadFile(ctlFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: missing: build the package first (dpkg-buildpackage, or dh binary), so that debian/%s holds what it ships", ctlFile, pkg)
	}
	if err != nil {
		return nil, err
	}
	var c deb.Control
	if err := control.Unmarshal(&c, bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("%s: %s", ctlFile, lowerFirst(err.Error()))
	}
	p := &Package{Origin: root, Files: map[string]File{}, Scripts: map[string][]byte{}}
	if err := p.setControl(ctlFile, c); err != nil {
		return nil, err
	}
	if p.Name != pkg {
		return nil, fmt.Errorf("%s: Package is %q, not %q", ctlFile, p.Name, pkg)
	}
	for _, name := range append([]string{"conffiles"}, MaintainerScripts...) {
		f := filepath.Join(root, "DEBIAN", name)
		data, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := p.setControlFile(f, name, data); err != nil {
			return nil, err
		}
	}
	err = filepath.WalkDir(root, func(file string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, file)
		if rel == "DEBIAN" && e.IsDir() {
			return filepath.SkipDir
		}
		if e.IsDir() {
			return nil
		}
		name := cleanMember(filepath.ToSlash(rel))
		f := File{Symlink: e.Type()&fs.ModeSymlink != 0}
		if f.Symlink {
			f.Target, err = os.Readlink(file)
		} else if keepContent(name) {
			f.Content, err = os.ReadFile(file)
		}
		p.Files[name] = f
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// setControl takes the package name and version from control fields read from origin.
func (p *Package) setControl(origin string, c deb.Control) error {
	if !packageNameRE.MatchString(c.Package) {
		return fmt.Errorf("%s: Package %q is not a valid package name", origin, c.Package)
	}
	p.Name = c.Package
	v, err := version.Parse(c.Version.String())
	if err != nil || c.Version.String() == "" {
		return fmt.Errorf("%s: Version %q is not a valid version", origin, c.Version.String())
	}
	p.Version = v
	return nil
}

// setControlFile keeps one control file (conffiles or a maintainer script).
func (p *Package) setControlFile(origin, name string, data []byte) error {
	if name == "conffiles" {
		c, err := parseConffiles(origin, data)
		p.Conffiles = c
		return err
	}
	p.Scripts[name] = data
	return nil
}

// isScript reports whether name is a maintainer script the check reads.
func isScript(name string) bool {
	for _, s := range MaintainerScripts {
		if name == s {
			return true
		}
	}
	return false
}

// lowerFirst lower-cases the first letter of a library's message ("Missing or out of order").
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
