package srctree

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"pault.ag/go/debian/changelog"
	"pault.ag/go/debian/dependency"

	"github.com/dh-teardown/dh-teardown/dh/internal/debhelper"
	"github.com/dh-teardown/dh-teardown/internal/deb822"
	"github.com/dh-teardown/dh-teardown/maintscript"
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

// ReadSource reads debian/control, debian/changelog and debian/compat from the source tree
// fsys and reports every problem found.
func ReadSource(fsys fs.FS) (*Source, maintscript.Diagnostics) {
	var diags maintscript.Diagnostics
	src := &Source{}
	data, err := fs.ReadFile(fsys, ControlFile)
	if err != nil {
		errorf(&diags, ControlFile, 0, "%s", describeReadError(err))
		return nil, diags
	}
	readControl(src, data, &diags)
	readChangelog(fsys, src, &diags)
	readCompat(fsys, src, data, &diags)
	if diags.HasErrors() {
		diags.Sort()
		return nil, diags
	}
	return src, diags
}

// readControl reads the source stanza and the binary package stanzas of debian/control with
// the module's deb822 scanner (internal/deb822), unbounded as dpkg reads it.
func readControl(src *Source, data []byte, diags *maintscript.Diagnostics) {
	stanzas, problems := deb822.Parse(data, deb822.Limits{})
	for _, p := range problems {
		errorf(diags, ControlFile, p.Line, "%s", p.Message)
	}
	if len(stanzas) == 0 {
		if len(problems) == 0 {
			errorf(diags, ControlFile, 0, "no source stanza")
		}
		return
	}
	source := stanzas[0]
	src.Name = value(source, "Source")
	if src.Name == "" {
		errorf(diags, ControlFile, source.Line, "the first stanza has no Source field")
	}
	for _, st := range stanzas[1:] {
		name, line := value(st, "Package"), fieldLine(st, "Package")
		if err := maintscript.CheckPackageName(name); err != nil {
			errorf(diags, ControlFile, line, "%v", err)
			continue
		}
		arch := value(st, "Architecture")
		if arch == "" {
			errorf(diags, ControlFile, line, "package %q: no Architecture field", name)
			continue
		}
		src.Packages = append(src.Packages, BinaryPackage{Name: name, Architecture: arch, BuildProfiles: value(st, "Build-Profiles"), Line: line})
	}
	if len(src.Packages) == 0 && !diags.HasErrors() {
		errorf(diags, ControlFile, 0, "no binary package stanza")
	}
	compat, err := compatFromBuildDepends(value(source, "Build-Depends"), value(source, "Build-Depends-Arch"), value(source, "Build-Depends-Indep"))
	if err != nil {
		errorf(diags, ControlFile, fieldLine(source, "Build-Depends"), "%v", err)
	}
	src.Compat = compat
}

// value returns the value of st's field name, "" when it has none.
func value(st deb822.Stanza, name string) string {
	f, _ := st.Get(name)
	return f.Value
}

// fieldLine returns the line of st's field name, or of st when it has none.
func fieldLine(st deb822.Stanza, name string) int {
	if f, ok := st.Get(name); ok {
		return f.Line
	}
	return st.Line
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

func readChangelog(fsys fs.FS, src *Source, diags *maintscript.Diagnostics) {
	f, err := fsys.Open(ChangelogFile)
	if err != nil {
		errorf(diags, ChangelogFile, 0, "%s", describeReadError(err))
		return
	}
	defer f.Close()
	entry, err := changelog.ParseOne(bufio.NewReader(f))
	if err != nil {
		errorf(diags, ChangelogFile, 1, "cannot read the top entry: %s", strings.ToLower(err.Error()))
		return
	}
	v := entry.Version.String()
	if err := maintscript.CheckVersion(v); err != nil {
		errorf(diags, ChangelogFile, 1, "version %q: %v", v, err)
		return
	}
	src.Version = v
}

func readCompat(fsys fs.FS, src *Source, control []byte, diags *maintscript.Diagnostics) {
	data, err := fs.ReadFile(fsys, CompatFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if src.Compat == 0 && !diags.HasErrors() {
			errorf(diags, ControlFile, 0, "no debhelper compatibility level: add \"debhelper-compat (= 13)\" to Build-Depends")
		}
		return
	case err != nil:
		errorf(diags, CompatFile, 0, "%s", describeReadError(err))
		return
	}
	if src.Compat != 0 {
		errorf(diags, CompatFile, 0, "the compat level is given twice: here and as debhelper-compat in %s", ControlFile)
		return
	}
	first, _, _ := strings.Cut(string(data), "\n")
	n, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || n < 1 {
		errorf(diags, CompatFile, 1, "%q is not a compat level", strings.TrimSpace(first))
		return
	}
	src.Compat = n
}

// describeReadError says why a file could not be read, without repeating its name.
func describeReadError(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "no such file"
	}
	return debhelper.Cause(err).Error()
}

func errorf(diags *maintscript.Diagnostics, file string, line int, format string, args ...any) {
	*diags = append(*diags, maintscript.Diagnostic{Severity: maintscript.Error, File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}
