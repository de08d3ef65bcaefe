package maintscript

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"pault.ag/go/debian/changelog"
	"pault.ag/go/debian/control"
	"pault.ag/go/debian/dependency"
)

// Source is what a debian/ directory says about the source package being built.
type Source struct {
	// Name is the source package's name.
	Name string
	// Version is the version being built: the top entry of debian/changelog.
	Version string
	// Compat is the debhelper compatibility level, from "debhelper-compat (= N)" in
	// Build-Depends or from debian/compat.
	Compat int
	// Packages are the binary packages, in debian/control order; the first is the one whose
	// files may omit the "PKG." prefix.
	Packages []BinaryPackage
}

// BinaryPackage is one binary package stanza of debian/control.
type BinaryPackage struct {
	Name string
	// Architecture is the field as written: "all", "any", a list of architectures or
	// wildcards.
	Architecture string
	// BuildProfiles is the Build-Profiles field, "" when absent.
	BuildProfiles string
	// Line is the line of its Package field in debian/control.
	Line int
}

// Package returns the binary package named name, or nil.
func (s *Source) Package(name string) *BinaryPackage {
	for i := range s.Packages {
		if s.Packages[i].Name == name {
			return &s.Packages[i]
		}
	}
	return nil
}

// The files ReadSource reads, relative to the root of the source tree.
const (
	ControlFile   = "debian/control"
	ChangelogFile = "debian/changelog"
	CompatFile    = "debian/compat"
)

type sourceStanza struct {
	Source        string
	BuildDepends  string `control:"Build-Depends"`
	BuildDependsA string `control:"Build-Depends-Arch"`
	BuildDependsI string `control:"Build-Depends-Indep"`
}

type binaryStanza struct {
	Package       string
	Architecture  string
	BuildProfiles string `control:"Build-Profiles"`
}

// ReadSource reads debian/control, debian/changelog and debian/compat from the source tree
// fsys and reports every problem found.
func ReadSource(fsys fs.FS) (*Source, Diagnostics) {
	var diags Diagnostics
	src := &Source{}
	data, err := fs.ReadFile(fsys, ControlFile)
	if err != nil {
		diags.errorf(ControlFile, 0, "%s", describeReadError(err))
		return nil, diags
	}
	readControl(src, data, &diags)
	readChangelog(fsys, src, &diags)
	readCompat(fsys, src, data, &diags)
	if diags.HasErrors() {
		diags.sort()
		return nil, diags
	}
	return src, diags
}

func readControl(src *Source, data []byte, diags *Diagnostics) {
	// Positions come from our own scan; values from pault.ag/go/debian's decoder.
	stanzas := splitStanzas(ControlFile, data, diags)
	if diags.HasErrors() {
		return
	}
	dec, err := control.NewDecoder(bytes.NewReader(data), nil)
	if err != nil {
		diags.errorf(ControlFile, 0, "%s", strings.ToLower(err.Error()))
		return
	}
	var s sourceStanza
	if err := dec.Decode(&s); err != nil {
		diags.errorf(ControlFile, 1, "cannot read the source stanza: %s", strings.ToLower(err.Error()))
		return
	}
	if s.Source == "" {
		diags.errorf(ControlFile, stanzas[0].line, "the first stanza has no Source field")
	}
	src.Name = s.Source
	for i := 1; ; i++ {
		var b binaryStanza
		err := dec.Decode(&b)
		if errors.Is(err, io.EOF) {
			break
		}
		line := 0
		if i < len(stanzas) {
			line = stanzas[i].line
			if f, ok := stanzas[i].get("Package"); ok {
				line = f.line
			}
		}
		if err != nil {
			diags.errorf(ControlFile, line, "cannot read the stanza: %s", strings.ToLower(err.Error()))
			continue
		}
		if why := checkPackageName(b.Package); why != "" {
			diags.errorf(ControlFile, line, "package %q: %s", truncate(b.Package), why)
			continue
		}
		if b.Architecture == "" {
			diags.errorf(ControlFile, line, "package %q: no Architecture field", b.Package)
			continue
		}
		src.Packages = append(src.Packages, BinaryPackage{Name: b.Package, Architecture: b.Architecture, BuildProfiles: b.BuildProfiles, Line: line})
	}
	if len(src.Packages) == 0 && !diags.HasErrors() {
		diags.errorf(ControlFile, 0, "no binary package stanza")
	}
	compat, err := compatFromBuildDepends(s.BuildDepends, s.BuildDependsA, s.BuildDependsI)
	if err != nil {
		diags.errorf(ControlFile, fieldLine(stanzas[0], "Build-Depends"), "%v", err)
	}
	src.Compat = compat
}

func fieldLine(st stanza, name string) int {
	if f, ok := st.get(name); ok {
		return f.line
	}
	return st.line
}

// compatFromBuildDepends finds "debhelper-compat (= N)"; 0 when absent.
func compatFromBuildDepends(fields ...string) (int, error) {
	for _, f := range fields {
		if strings.TrimSpace(f) == "" {
			continue
		}
		dep, err := dependency.Parse(f)
		if err != nil {
			return 0, fmt.Errorf("cannot parse build dependencies: %s", strings.ToLower(err.Error()))
		}
		for _, rel := range dep.Relations {
			for _, p := range rel.Possibilities {
				if p.Name != "debhelper-compat" {
					continue
				}
				if p.Version == nil || p.Version.Operator != "=" {
					return 0, errors.New("debhelper-compat needs an exact version: debhelper-compat (= N)")
				}
				n, err := strconv.Atoi(p.Version.Number)
				if err != nil {
					return 0, fmt.Errorf("debhelper-compat (= %s): not a compat level", p.Version.Number)
				}
				return n, nil
			}
		}
	}
	return 0, nil
}

func readChangelog(fsys fs.FS, src *Source, diags *Diagnostics) {
	f, err := fsys.Open(ChangelogFile)
	if err != nil {
		diags.errorf(ChangelogFile, 0, "%s", describeReadError(err))
		return
	}
	defer f.Close()
	entry, err := changelog.ParseOne(bufio.NewReader(f))
	if err != nil {
		diags.errorf(ChangelogFile, 1, "cannot read the top entry: %s", strings.ToLower(err.Error()))
		return
	}
	v := entry.Version.String()
	if _, err := ParseVersion(v); err != nil {
		diags.errorf(ChangelogFile, 1, "version %q: %v", truncate(v), err)
		return
	}
	src.Version = v
}

func readCompat(fsys fs.FS, src *Source, control []byte, diags *Diagnostics) {
	data, err := fs.ReadFile(fsys, CompatFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if src.Compat == 0 && !diags.HasErrors() {
			diags.errorf(ControlFile, 0, "no debhelper compatibility level: add \"debhelper-compat (= 13)\" to Build-Depends")
		}
		return
	case err != nil:
		diags.errorf(CompatFile, 0, "%s", describeReadError(err))
		return
	}
	if src.Compat != 0 {
		diags.errorf(CompatFile, 0, "the compat level is given twice: here and as debhelper-compat in %s", ControlFile)
		return
	}
	first, _, _ := strings.Cut(string(data), "\n")
	n, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || n < 1 {
		diags.errorf(CompatFile, 1, "%q is not a compat level", truncate(strings.TrimSpace(first)))
		return
	}
	src.Compat = n
}

// describeReadError says why a file could not be read, without repeating its name.
func describeReadError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "no such file"
	}
	return err.Error()
}
