package debhelper

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"slices"
	"sort"
	"strings"

	"pault.ag/go/debian/dependency"
)

// Package is a binary package paragraph of debian/control, as far as
// package selection needs it.
type Package struct {
	Name          string
	Architecture  string // the Architecture field: "all", "any", "linux-any amd64", ...
	BuildProfiles string // the Build-Profiles field, "" when absent
}

// Host is the architecture packages are built for.
type Host struct {
	Arch string // DEB_HOST_ARCH, e.g. "amd64"
	OS   string // DEB_HOST_ARCH_OS, e.g. "linux"
}

// LookupHost returns DEB_HOST_ARCH and DEB_HOST_ARCH_OS from the
// environment (as set by dpkg-buildpackage) or, when either is unset or
// empty, from the output of dpkg-architecture, as debhelper's
// dpkg_architecture_value does.
func LookupHost(env func(string) string) (Host, error) {
	h := Host{Arch: env("DEB_HOST_ARCH"), OS: env("DEB_HOST_ARCH_OS")}
	if h.Arch != "" && h.OS != "" {
		return h, nil
	}
	out, err := exec.Command("dpkg-architecture").Output()
	if err != nil {
		return Host{}, fmt.Errorf("dpkg-architecture: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		switch {
		case k == "DEB_HOST_ARCH" && h.Arch == "":
			h.Arch = v
		case k == "DEB_HOST_ARCH_OS" && h.OS == "":
			h.OS = v
		}
	}
	if h.Arch == "" || h.OS == "" {
		return Host{}, fmt.Errorf("dpkg-architecture did not print DEB_HOST_ARCH and DEB_HOST_ARCH_OS")
	}
	return h, nil
}

// NoPackagesError means there is nothing to act on, which is not a
// failure: debhelper prints the message as a warning and exits 0.
type NoPackagesError struct {
	Msg string
}

func (e *NoPackagesError) Error() string { return e.Msg }

// MainPackage is the package whose files may omit the package name
// (debian/NAME instead of debian/PKG.NAME): --mainpackage if given, else
// the first package of debian/control.
func MainPackage(opts *Options, pkgs []Package) string {
	if opts.MainPackage != "" {
		return opts.MainPackage
	}
	if len(pkgs) == 0 {
		return ""
	}
	return pkgs[0].Name
}

// SelectPackages returns the names of the packages to act on, in order, as
// Dh_Getopt's parseopts does. pkgs are all binary packages of
// debian/control in file order; hostArch is DEB_HOST_ARCH.
//
// A package is buildable when its Build-Profiles (if any) are satisfied by
// opts.BuildProfiles and its Architecture is "all" (an indep package), or
// "any" or a list of architectures and wildcards one of which matches
// hostArch (an arch package). -a, -i and -p add packages in the order
// given: -a the buildable arch packages, -i the buildable indep ones, -p
// the named package if buildable (else it is skipped silently). Without any
// of them all buildable packages are selected. Then -N excludes, as does
// DH_INTERNAL_OPTIONS: when it selected packages, all others are excluded.
// Duplicates are dropped.
//
// Naming a package that is not in pkgs with -p or -N, and -P with more than
// one package selected, are a *UsageError. When nothing is left to act on
// the error is a *NoPackagesError carrying debhelper's warning.
func SelectPackages(opts *Options, pkgs []Package, hostArch string) ([]string, error) {
	known := make(map[string]bool, len(pkgs))
	var names []string
	for _, p := range pkgs {
		known[p.Name] = true
		names = append(names, p.Name)
	}
	var usage []string
	checkKnown := func(name, how string) bool {
		if known[name] {
			return true
		}
		usage = append(usage, fmt.Sprintf("requested unknown package %s via %s, expected one of: %s",
			name, how, strings.Join(names, " ")))
		return false
	}

	var arch, indep, both []string
	buildable := map[string]bool{}
	for _, p := range pkgs {
		ok, err := profilesSatisfied(p.BuildProfiles, opts.BuildProfiles)
		if err != nil {
			return nil, fmt.Errorf("debian/control: package %s: %w", p.Name, err)
		}
		if !ok {
			continue
		}
		switch a := strings.TrimSpace(p.Architecture); {
		case a == "all":
			indep = append(indep, p.Name)
		case a == "any" || archListMatches(hostArch, a):
			arch = append(arch, p.Name)
		default:
			continue
		}
		both = append(both, p.Name)
		buildable[p.Name] = true
	}

	excluded := map[string]bool{}
	internalExcluded := map[string]bool{}
	if opts.internalSet {
		wanted := map[string]bool{}
		for _, s := range opts.internalSelections {
			for _, n := range expand(s, arch, indep) {
				wanted[n] = true
			}
			if s.kind == selectPackage {
				checkKnown(s.name, "-p/--package")
			}
		}
		for _, n := range names {
			if !wanted[n] {
				excluded[n], internalExcluded[n] = true, true
			}
		}
	}
	for _, n := range opts.excluded {
		if checkKnown(n, "-N/--no-package") {
			excluded[n] = true
		}
	}

	var todo []string
	var archOrIndep, profileExcluded bool
	explicit := map[string]bool{}
	for _, s := range opts.selections {
		switch s.kind {
		case selectPackage:
			if !checkKnown(s.name, "-p/--package") {
				continue
			}
			explicit[s.name] = true
			if !buildable[s.name] {
				profileExcluded = true
				continue
			}
		default:
			archOrIndep = true
		}
		todo = append(todo, expand(s, arch, indep)...)
	}
	if len(usage) > 0 {
		return nil, &UsageError{Problems: usage}
	}
	const allExcluded = "All requested packages have been excluded (e.g. via a Build-Profile or due to architecture restrictions)."
	if len(todo) == 0 {
		switch {
		case profileExcluded:
			return nil, &NoPackagesError{Msg: allExcluded}
		case archOrIndep:
			return nil, &NoPackagesError{Msg: "You asked that all arch in(dep) packages be built, but there are none of that type."}
		}
		todo = both
	}

	var selected []string
	for _, n := range todo {
		if !excluded[n] && !slices.Contains(selected, n) {
			selected = append(selected, n)
		}
	}
	if len(selected) == 0 {
		if len(explicit) > 0 {
			for n := range explicit {
				if internalExcluded[n] || !buildable[n] {
					delete(explicit, n)
				}
			}
			if len(explicit) == 0 {
				return nil, &NoPackagesError{Msg: allExcluded}
			}
		}
		seen := map[string]bool{}
		var want []string
		for _, p := range pkgs {
			a := strings.TrimSpace(p.Architecture)
			if !seen[a] {
				seen[a] = true
				want = append(want, a)
			}
		}
		sort.Strings(want)
		return nil, &NoPackagesError{Msg: fmt.Sprintf("No packages to build. Possible architecture mismatch: %s, want: %s",
			hostArch, strings.Join(want, " "))}
	}
	if opts.TmpDir != "" && len(selected) > 1 {
		return nil, &UsageError{Problems: []string{fmt.Sprintf(
			"-P was specified, but multiple packages would be acted on (%s).", strings.Join(selected, ","))}}
	}
	return selected, nil
}

// expand returns the packages one selection option adds.
func expand(s selection, arch, indep []string) []string {
	switch s.kind {
	case selectArch:
		return arch
	case selectIndep:
		return indep
	default:
		return []string{s.name}
	}
}

// archListMatches reports whether an Architecture field (architectures and
// wildcards separated by whitespace) includes the concrete architecture
// host, as debhelper's samearch does with Dpkg::Arch::debarch_is: both are
// turned into ABI-libc-OS-CPU tuples (a wildcard by padding it with "any"
// on the left, "linux-any" being "any-any-linux-any") and compared field by
// field, "any" in the wildcard matching everything.
func archListMatches(host, list string) bool {
	h, err := dependency.ParseArch(host)
	if err != nil {
		return false
	}
	real := [4]string{h.ABI, h.Libc, h.OS, h.CPU}
	for _, a := range strings.Fields(list) {
		if a == host || a == "any" {
			return true
		}
		alias, ok := archTuple(a)
		if !ok {
			continue
		}
		matches := true
		for i := range alias {
			if alias[i] != "any" && alias[i] != real[i] {
				matches = false
			}
		}
		if matches {
			return true
		}
	}
	return false
}

// archTuple returns the ABI-libc-OS-CPU tuple of an architecture or
// architecture wildcard.
func archTuple(a string) ([4]string, bool) {
	parts := strings.SplitN(a, "-", 4)
	if slices.Contains(parts, "any") {
		var t [4]string
		for i := range t {
			t[i] = "any"
		}
		if len(parts) >= 2 {
			copy(t[4-len(parts):], parts)
		}
		return t, true
	}
	c, err := dependency.ParseArch(a)
	if err != nil {
		return [4]string{}, false
	}
	return [4]string{c.ABI, c.Libc, c.OS, c.CPU}, true
}

// profilesSatisfied evaluates a Build-Profiles field such as
// "<!nocheck> <stage1 cross>" against the active profiles: it is satisfied
// when all terms of at least one <...> group are (a term "name" when the
// profile is active, "!name" when it is not). An empty field is satisfied.
func profilesSatisfied(field string, active []string) (bool, error) {
	s := strings.TrimSpace(field)
	if s == "" {
		return true, nil
	}
	satisfied := false
	for s != "" {
		if s[0] != '<' {
			return false, fmt.Errorf("invalid Build-Profiles %q: expected \"<\"", field)
		}
		end := strings.IndexByte(s, '>')
		if end < 0 {
			return false, fmt.Errorf("invalid Build-Profiles %q: missing \">\"", field)
		}
		terms := strings.Fields(s[1:end])
		if len(terms) == 0 {
			return false, fmt.Errorf("invalid Build-Profiles %q: empty restriction list", field)
		}
		all := true
		for _, t := range terms {
			name, negated := strings.CutPrefix(t, "!")
			if name == "" {
				return false, fmt.Errorf("invalid Build-Profiles %q: empty profile name", field)
			}
			if slices.Contains(active, name) == negated {
				all = false
			}
		}
		satisfied = satisfied || all
		s = strings.TrimSpace(s[end+1:])
	}
	return satisfied, nil
}
