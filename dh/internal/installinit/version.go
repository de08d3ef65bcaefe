package installinit

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/dh-teardown/dh-teardown/maintscript"
)

// VersionEnv names the environment variable that sets the debhelper version the drop-in
// follows, instead of the installed one: for tests, and to reproduce what another version
// would build.
const VersionEnv = "DH_TEARDOWN_DEBHELPER_VERSION"

// versionFile is where debhelper records its version: one perl file, read much faster than
// asking dpkg.
const versionFile = "/usr/share/perl5/Debian/Debhelper/Dh_Version.pm"

// Followed lists the debhelper versions the drop-in is checked against, by its differential
// suite, oldest first: Debian 12's, Debian 13's and unstable's when this was written.
var Followed = []string{"13.11.4", "13.24.2", "14.5"}

// Behaviour is what changes in dh_installinit between the debhelper versions the drop-in
// follows. Each field names the version that introduced it, from debhelper's changelog and
// code; the zero value is debhelper 13.11.4.
type Behaviour struct {
	// Version is the debhelper version followed; From says where it came from.
	Version, From string
	// Scripts are the conventions of the generated maintainer-script code.
	Scripts maintscript.DebhelperConventions
	// UsrUnits installs debian/PKG.service into usr/lib/systemd/system, not lib/systemd/system
	// (13.11.8, "systemd helpers: install units to /usr").
	UsrUnits bool
	// Compat14PkgFiles looks files up as 13.17's pkgfile does in compat 14: no
	// architecture- or OS-specific variants (debian/PKG.init.amd64) for dh_installinit's
	// files, and warnings for files without a package prefix.
	Compat14PkgFiles bool
	// NoInitSystemHelpers adds no init-system-helpers relations to the substvars (13.31).
	NoInitSystemHelpers bool
	// Compat14Stable rejects debian/compat as the source of compat 14 (14.0, where compat
	// 14 became stable: it must come from debhelper-compat in debian/control).
	Compat14Stable bool
}

// thresholds maps each change to the first debhelper version with it.
var thresholds = []struct {
	since string
	set   func(*Behaviour)
}{
	{"13.11.5", func(b *Behaviour) { b.Scripts.TmpfilesOutput = true }},
	{"13.11.8", func(b *Behaviour) { b.UsrUnits = true }},
	{"13.17", func(b *Behaviour) { b.Compat14PkgFiles = true }},
	{"13.24", func(b *Behaviour) { b.Scripts.DpkgRootSet = true }},
	{"13.31", func(b *Behaviour) { b.NoInitSystemHelpers = true }},
	{"13.32", func(b *Behaviour) { b.Scripts.LinksUnderDpkgRoot = true }},
	{"14.0", func(b *Behaviour) { b.Compat14Stable = true }},
	{"14.4", func(b *Behaviour) { b.Scripts.NoStartLinksUnderDpkgRoot = true }},
}

// BehaviourOf returns the behaviour of debhelper version v.
func BehaviourOf(v string) (Behaviour, error) {
	if err := maintscript.CheckVersion(v); err != nil {
		return Behaviour{}, fmt.Errorf("debhelper version %q: %v", v, err)
	}
	if !strings.HasPrefix(v, "13.") && !strings.HasPrefix(v, "14.") {
		return Behaviour{}, fmt.Errorf("debhelper version %q: this dh_installinit follows debhelper 13 and 14 (%s)", v, strings.Join(Followed, ", "))
	}
	b := Behaviour{Version: v}
	for _, t := range thresholds {
		// "~": backports (13.32~bpo12+1) and pre-releases have the change.
		if c, err := maintscript.CompareVersions(v, t.since+"~"); err == nil && c >= 0 {
			t.set(&b)
		}
	}
	return b, nil
}

// detect works out the debhelper version to follow: $DH_TEARDOWN_DEBHELPER_VERSION, else the
// installed debhelper's (Dh_Version.pm, else dpkg-query). Without any, it follows the newest
// version it knows and says so in warning.
func detect(env func(string) string) (b Behaviour, warning string, err error) {
	v, from := env(VersionEnv), "$"+VersionEnv
	if v == "" {
		v, from = installedVersion()
	}
	if v == "" {
		v = Followed[len(Followed)-1]
		from = "default"
		warning = fmt.Sprintf("cannot find the installed debhelper's version (%s, dpkg-query): following debhelper %s; set %s to choose", versionFile, v, VersionEnv)
	}
	b, err = BehaviourOf(v)
	if err != nil && from != "$"+VersionEnv {
		err = fmt.Errorf("%v (from %s); set %s to choose one", err, from, VersionEnv)
	}
	b.From = from
	return b, warning, err
}

// installedVersion returns the installed debhelper's version and where it was found.
func installedVersion() (version, from string) {
	if data, err := os.ReadFile(versionFile); err == nil {
		if v := parseDhVersion(data); v != "" {
			return v, versionFile
		}
	}
	if v := installedVersionFromDpkg(); v != "" {
		return v, "dpkg-query"
	}
	return "", ""
}

// installedVersionFromDpkg asks dpkg for the installed debhelper's version.
func installedVersionFromDpkg() string {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", "debhelper").Output()
	if err != nil {
		return ""
	}
	return string(bytes.TrimSpace(out))
}

// parseDhVersion reads $version='X'; from Dh_Version.pm.
func parseDhVersion(data []byte) string {
	for _, line := range strings.Split(string(data), "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "$version")
		if !ok {
			continue
		}
		rest = strings.TrimSpace(rest)
		rest, ok = strings.CutPrefix(rest, "=")
		if !ok {
			continue
		}
		rest = strings.Trim(strings.TrimSpace(rest), ";")
		return strings.Trim(strings.TrimSpace(rest), `'"`)
	}
	return ""
}
