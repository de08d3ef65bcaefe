package check

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"pault.ag/go/debian/version"
)

// Package is what the check needs of one version of one binary package: its name and
// version, the paths it ships, its conffiles and its maintainer scripts.
type Package struct {
	// Origin names where the package was read from (a .deb, or DIR/debian/PKG), for messages.
	Origin  string
	Name    string
	Version version.Version
	// Files maps every absolute, clean path the package ships (not directories) to its entry.
	Files map[string]File
	// Conffiles are the lines of DEBIAN/conffiles, in order.
	Conffiles []Conffile
	// Scripts holds the maintainer scripts the package has, by name (preinst, postinst,
	// prerm, postrm).
	Scripts map[string][]byte
}

// File is one non-directory entry of a package's data.
type File struct {
	// Symlink is true for a symbolic link (Target is where it points).
	Symlink bool
	Target  string
	// Content is kept only for systemd unit files (whether they have an [Install] section)
	// and init scripts (whether their stop action does anything).
	Content []byte
}

// Conffile is one line of DEBIAN/conffiles.
type Conffile struct {
	Path string
	// RemoveOnUpgrade is the remove-on-upgrade flag (dpkg ≥ 1.20.6): the file is not shipped
	// and dpkg removes it on upgrade.
	RemoveOnUpgrade bool
}

// MaintainerScripts are the scripts the check reads, in dpkg's order of an upgrade.
var MaintainerScripts = []string{"preinst", "postinst", "prerm", "postrm"}

// unitDirs are the directories systemd reads a package's units from; a unit that moved from
// one to the other did not disappear.
var unitDirs = []string{"/lib/systemd/system", "/usr/lib/systemd/system"}

// keepContent reports whether the content of the data member at p is kept (unit files and
// init scripts).
func keepContent(p string) bool {
	dir := path.Dir(p)
	if dir == "/etc/init.d" {
		return true
	}
	for _, d := range unitDirs {
		if dir == d {
			return true
		}
	}
	return false
}

// cleanMember turns a tar member name ("./etc/init.d/x", "etc/x/") into an absolute, clean
// path, or "" for the archive's root.
func cleanMember(name string) string {
	p := path.Clean("/" + strings.TrimPrefix(name, "./"))
	if p == "/" {
		return ""
	}
	return p
}

// parseConffiles parses DEBIAN/conffiles (deb-conffiles(5)).
func parseConffiles(origin string, data []byte) ([]Conffile, error) {
	var out []Conffile
	var problems []string
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, " \t\r")
		if line == "" {
			continue
		}
		fields := strings.Fields(line)
		c := Conffile{Path: fields[len(fields)-1]}
		switch {
		case len(fields) == 2 && fields[0] == "remove-on-upgrade":
			c.RemoveOnUpgrade = true
		case len(fields) != 1:
			problems = append(problems, fmt.Sprintf("%s:%d: unknown conffile flag %q", origin, i+1, fields[0]))
			continue
		}
		if !strings.HasPrefix(c.Path, "/") {
			problems = append(problems, fmt.Sprintf("%s:%d: conffile %q is not an absolute path", origin, i+1, c.Path))
			continue
		}
		c.Path = path.Clean(c.Path)
		out = append(out, c)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return out, nil
}

// conffile returns the conffile entry for p, if the package lists it.
func (p *Package) conffile(path string) (Conffile, bool) {
	for _, c := range p.Conffiles {
		if c.Path == path {
			return c, true
		}
	}
	return Conffile{}, false
}

// paths returns the package's file paths, sorted.
func (p *Package) paths() []string {
	out := make([]string, 0, len(p.Files))
	for f := range p.Files {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}
