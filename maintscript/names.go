package maintscript

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"pault.ag/go/debian/version"
)

var (
	// packageNameRE is Debian Policy 5.6.1: lower-case letters, digits, + - ., at least two
	// characters, starting with an alphanumeric.
	packageNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)
	// nameRE is what an init script or info document name may be.
	nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.+-]*$`)
	// upstreamRE and revisionRE are Debian Policy 5.6.12 (the hyphen rule is checked apart).
	upstreamRE = regexp.MustCompile(`^[0-9][A-Za-z0-9.+~-]*$`)
	revisionRE = regexp.MustCompile(`^[A-Za-z0-9+.~]+$`)
	// pathRE is what a path handed to the generated shell may be made of.
	pathRE = regexp.MustCompile(`^/[A-Za-z0-9_.+@:~/-]*$`)
)

// maxValue bounds names, versions and paths.
const maxValue = 255

// CheckPackageName returns an error when name is not a valid binary package name (Debian
// Policy 5.6.1).
func CheckPackageName(name string) error {
	if why := checkPackageName(name); why != "" {
		return fmt.Errorf("package %q: %s", truncate(name), why)
	}
	return nil
}

// checkPackageName returns why name is not a valid binary package name, or "".
func checkPackageName(name string) string {
	switch {
	case len(name) > maxValue:
		return fmt.Sprintf("too long (%d bytes)", len(name))
	case !packageNameRE.MatchString(name):
		return "not a valid package name (lower-case letters, digits, \"+\", \"-\", \".\", at least two characters)"
	}
	return ""
}

// checkName returns why name is not a valid init script or info document name, or "".
func checkName(name string) string {
	switch {
	case name == "":
		return "empty"
	case len(name) > maxValue:
		return fmt.Sprintf("too long (%d bytes)", len(name))
	case !nameRE.MatchString(name):
		return "only letters, digits and \"_.+-\" are allowed, starting with a letter or digit"
	}
	return ""
}

// CheckVersion returns an error when s is not a valid Debian version (Debian Policy 5.6.12),
// read strictly: an optional numeric epoch, an upstream version starting with a digit, an
// optional revision after the last hyphen; nothing else, so that a valid version is also safe
// in shell.
func CheckVersion(s string) error {
	_, err := parseVersion(s)
	return err
}

// CompareVersions compares two Debian versions as dpkg --compare-versions does: negative when
// a is older than b, zero when equal, positive when newer. It returns an error when either is
// not valid (see CheckVersion).
func CompareVersions(a, b string) (int, error) {
	va, err := parseVersion(a)
	if err != nil {
		return 0, fmt.Errorf("version %q: %v", truncate(a), err)
	}
	vb, err := parseVersion(b)
	if err != nil {
		return 0, fmt.Errorf("version %q: %v", truncate(b), err)
	}
	return version.Compare(va, vb), nil
}

func parseVersion(s string) (version.Version, error) {
	if s == "" {
		return version.Version{}, fmt.Errorf("empty")
	}
	if len(s) > maxValue {
		return version.Version{}, fmt.Errorf("too long (%d bytes)", len(s))
	}
	rest := s
	if epoch, after, ok := strings.Cut(s, ":"); ok {
		if epoch == "" || strings.Trim(epoch, "0123456789") != "" {
			return version.Version{}, fmt.Errorf("epoch %q is not a number", truncate(epoch))
		}
		rest = after
	}
	upstream, revision := rest, ""
	if i := strings.LastIndexByte(rest, '-'); i >= 0 {
		upstream, revision = rest[:i], rest[i+1:]
		if !revisionRE.MatchString(revision) {
			return version.Version{}, fmt.Errorf("invalid Debian revision %q", truncate(revision))
		}
	}
	if !upstreamRE.MatchString(upstream) {
		return version.Version{}, fmt.Errorf("invalid upstream version %q (it must start with a digit and hold only letters, digits and \".+~-\")", truncate(upstream))
	}
	v, err := version.Parse(s)
	if err != nil {
		return version.Version{}, fmt.Errorf("invalid version: %s", strings.ToLower(err.Error()))
	}
	return v, nil
}

// compareValid compares two versions known to be valid.
func compareValid(a, b string) int {
	c, err := CompareVersions(a, b)
	if err != nil {
		panic(err) // callers check both first
	}
	return c
}

// checkUnitName returns why name cannot be in a Units field, or "": a name made like an init
// script's, ending in one of unitSuffixes, and not a template unit or an instance of one.
func checkUnitName(name string) string {
	base, suffix := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		base, suffix = name[:i], name[i:]
	}
	if !slices.Contains(unitSuffixes, suffix) {
		return fmt.Sprintf("not a systemd unit name: it must end in %s", strings.Join(unitSuffixes, ", "))
	}
	if tmpl, instance, ok := strings.Cut(base, "@"); ok {
		if instance == "" {
			return fmt.Sprintf("a template unit: not supported, because which instances the old version enabled is not known (list no template; stop and disable its instances, such as %s@NAME%s, in your own scripts)", tmpl, suffix)
		}
		return fmt.Sprintf("an instance of the template unit %s@%s: not supported, because an instance has no unit file of its own, so whether it is gone from the system cannot be told", tmpl, suffix)
	}
	if why := checkName(base); why != "" {
		return why
	}
	return ""
}

// checkPath returns why p is not an absolute, clean path made of safe characters, or "".
func checkPath(p string) string {
	switch {
	case p == "":
		return "empty"
	case len(p) > 4*maxValue:
		return fmt.Sprintf("too long (%d bytes)", len(p))
	case !strings.HasPrefix(p, "/"):
		return "not absolute"
	case path.Clean(p) != p:
		return fmt.Sprintf("not clean (it should be %q)", path.Clean(p))
	case p == "/":
		return "the root directory"
	case !pathRE.MatchString(p):
		return "only letters, digits and \"_.+@:~/-\" are allowed"
	}
	return ""
}
