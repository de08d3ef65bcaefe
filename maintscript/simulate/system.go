package simulate

import (
	"crypto/md5"
	"encoding/hex"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Status is a package's dpkg status (the third column of dpkg -l, spelled
// out as in /var/lib/dpkg/status).
type Status string

// The dpkg package statuses the simulation uses.
const (
	NotInstalled   Status = "not-installed"
	ConfigFiles    Status = "config-files"
	HalfInstalled  Status = "half-installed"
	Unpacked       Status = "unpacked"
	HalfConfigured Status = "half-configured"
	Installed      Status = "installed"
)

// File is one file shipped by a package version.
type File struct {
	Path     string      `json:"path"`
	Mode     fs.FileMode `json:"mode"`
	Content  string      `json:"content"`
	Conffile bool        `json:"conffile,omitempty"`
}

// Package is one version of a binary package as a .deb would carry it.
// Scripts maps preinst, postinst, prerm and postrm to their text; a missing
// key means the package has no such script.
type Package struct {
	Name    string            `json:"name"`
	Version string            `json:"version"`
	Scripts map[string]string `json:"scripts,omitempty"`
	Files   []File            `json:"files,omitempty"`
}

// Conffile is a conffile as dpkg's database records it: the hash of the
// content the package shipped, and whether the installed version still ships
// it.
type Conffile struct {
	Hash     string `json:"hash"`
	Obsolete bool   `json:"obsolete,omitempty"`
}

// PackageState is the dpkg database record of one package.
type PackageState struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	// Version is the installed (or unpacked, or left-over) version.
	Version string `json:"version"`
	// ConfigVersion is the last version whose postinst configure succeeded;
	// dpkg passes it to postinst configure and keeps it in config-files state.
	ConfigVersion string              `json:"config_version,omitempty"`
	Conffiles     map[string]Conffile `json:"conffiles,omitempty"`
	Files         []string            `json:"files,omitempty"` // what dpkg-query -L lists
	Scripts       map[string]string   `json:"scripts,omitempty"`

	// priorHashes are the conffile hashes from before the last unpack, which
	// configure compares against (dpkg's "old" conffile hash).
	priorHashes map[string]string
}

// owns reports whether p is in the package's file list.
func (p *PackageState) owns(file string) bool {
	for _, f := range p.Files {
		if f == file {
			return true
		}
	}
	return false
}

// System is the simulated machine: its file system, running daemons and
// dpkg database. The zero value is not usable; call NewSystem.
type System struct {
	FS *FS
	// Runlevel is what /sbin/runlevel reports to invoke-rc.d ("2" by default).
	Runlevel string
	// Arch is DPKG_MAINTSCRIPT_ARCH and what dpkg --print-architecture says.
	Arch string
	// Root, when not empty, is exported as DPKG_ROOT; dpkg then unpacks below
	// it and the stubs prefix their paths with it as the real tools do.
	Root string
	// Running records which init scripts' daemons run, by script name.
	Running map[string]bool
	// Active records which systemd units run, by unit name, when systemd
	// runs (BootSystemd); units generated from init scripts use Running.
	Active map[string]bool
	// InitFailures makes an init-script action fail with status 1; keys are
	// "NAME ACTION", e.g. "hellod start".
	InitFailures map[string]bool
	// DB is the dpkg database, by package name.
	DB map[string]*PackageState

	tools map[string]string // absolute path -> simulated command name
}

// commandPaths is where each simulated command lives on Debian 12.
var commandPaths = map[string]string{
	"invoke-rc.d":             "/usr/sbin/invoke-rc.d",
	"update-rc.d":             "/usr/sbin/update-rc.d",
	"dpkg":                    "/usr/bin/dpkg",
	"dpkg-maintscript-helper": "/usr/bin/dpkg-maintscript-helper",
	"install-info":            "/usr/bin/install-info",
	"chmod":                   "/usr/bin/chmod",
	"rm":                      "/usr/bin/rm",
	"mv":                      "/usr/bin/mv",
	"ln":                      "/usr/bin/ln",
	"mkdir":                   "/usr/bin/mkdir",
	"which":                   "/usr/bin/which",
	"deb-systemd-helper":      "/usr/bin/deb-systemd-helper",
	"deb-systemd-invoke":      "/usr/bin/deb-systemd-invoke",
	"systemctl":               "/usr/bin/systemctl",
}

// scriptPath is the PATH dpkg gives maintainer scripts.
const scriptPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// NewSystem returns a Debian-like sysvinit system in runlevel 2: the usual
// directories (/etc/init.d, /etc/rc[0-6S].d, /usr/share/info, /run without
// /run/systemd/system), /sbin/init, /dev/null, and every simulated command
// installed at its Debian path.
func NewSystem() *System {
	s := &System{
		FS:           NewFS(),
		Runlevel:     "2",
		Arch:         "amd64",
		Running:      map[string]bool{},
		Active:       map[string]bool{},
		InitFailures: map[string]bool{},
		DB:           map[string]*PackageState{},
		tools:        map[string]string{},
	}
	for _, d := range []string{"/etc/init.d", "/etc/default", "/usr/share/info", "/usr/sbin", "/usr/bin",
		"/sbin", "/bin", "/run", "/tmp", "/var/lib/dpkg", "/dev", "/root"} {
		mustNot(s.FS.MkdirAll(d))
	}
	for _, l := range "0123456S" {
		mustNot(s.FS.MkdirAll("/etc/rc" + string(l) + ".d"))
	}
	mustNot(s.FS.WriteFile("/sbin/init", "", 0o755))
	mustNot(s.FS.WriteFile("/dev/null", "", 0o666))
	for name := range commandPaths {
		s.AddCommand(name)
	}
	return s
}

func mustNot(err error) {
	if err != nil {
		panic("simulate: building the initial system: " + err.Error())
	}
}

// AddCommand installs the simulated command name at its Debian path, so that
// scripts find it on PATH. It panics for a name the simulation does not have.
func (s *System) AddCommand(name string) {
	p, ok := commandPaths[name]
	if !ok {
		panic("simulate: no simulated command " + name)
	}
	mustNot(s.FS.WriteFile(p, "#!/simulated/"+name+"\n", 0o755))
	s.tools[p] = name
}

// RemoveCommand deletes a simulated command from the system, as if its
// package were not installed; scripts then get "not found" (exit 127).
func (s *System) RemoveCommand(name string) {
	p, ok := commandPaths[name]
	if !ok {
		panic("simulate: no simulated command " + name)
	}
	_ = s.FS.Remove(p)
	delete(s.tools, p)
}

// Status returns the dpkg status of the named package.
func (s *System) Status(name string) Status {
	if p := s.DB[name]; p != nil {
		return p.Status
	}
	return NotInstalled
}

// RcLinks returns the /etc/rc?.d links of an init script, sorted, as
// "rc2.d/S01NAME".
func (s *System) RcLinks(script string) []string {
	var out []string
	for _, p := range s.FS.Glob(s.Root + "/etc/rc?.d/[SK][0-9][0-9]" + script) {
		out = append(out, path.Base(path.Dir(p))+"/"+path.Base(p))
	}
	return out
}

// InfoEntries returns the documents registered in the info directory file
// dir (default /usr/share/info/dir), sorted.
func (s *System) InfoEntries(dir string) []string {
	if dir == "" {
		dir = "/usr/share/info/dir"
	}
	content, err := s.FS.ReadFile(dir)
	if err != nil {
		return nil
	}
	return infoEntries(content)
}

// hash is the conffile identity dpkg records (an MD5 sum, like dpkg's).
func hash(content string) string {
	sum := md5.Sum([]byte(content))
	return hex.EncodeToString(sum[:])
}

// rooted prefixes an absolute path with the system's DPKG_ROOT.
func (s *System) rooted(p string) string { return s.Root + p }

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// stripArch removes an ":arch" qualifier from a package name.
func stripArch(name string) string {
	if i := strings.IndexByte(name, ':'); i >= 0 {
		return name[:i]
	}
	return name
}
