package srctree

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

	"github.com/dh-teardown/dh-teardown/dh/internal/debhelper"
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

func readControl(src *Source, data []byte, diags *maintscript.Diagnostics) {
	// Positions come from our own scan; values from pault.ag/go/debian's decoder.
	stanzas := stanzaPositions(data)
	dec, err := control.NewDecoder(bytes.NewReader(data), nil)
	if err != nil {
		errorf(diags, ControlFile, 0, "%s", strings.ToLower(err.Error()))
		return
	}
	var s sourceStanza
	if err := dec.Decode(&s); err != nil {
		errorf(diags, ControlFile, 1, "cannot read the source stanza: %s", strings.ToLower(err.Error()))
		return
	}
	if s.Source == "" {
		errorf(diags, ControlFile, stanzas[0].line, "the first stanza has no Source field")
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
			line = stanzas[i].field("Package")
		}
		if err != nil {
			errorf(diags, ControlFile, line, "cannot read the stanza: %s", strings.ToLower(err.Error()))
			continue
		}
		if err := maintscript.CheckPackageName(b.Package); err != nil {
			errorf(diags, ControlFile, line, "%v", err)
			continue
		}
		if b.Architecture == "" {
			errorf(diags, ControlFile, line, "package %q: no Architecture field", b.Package)
			continue
		}
		src.Packages = append(src.Packages, BinaryPackage{Name: b.Package, Architecture: b.Architecture, BuildProfiles: b.BuildProfiles, Line: line})
	}
	if len(src.Packages) == 0 && !diags.HasErrors() {
		errorf(diags, ControlFile, 0, "no binary package stanza")
	}
	compat, err := compatFromBuildDepends(s.BuildDepends, s.BuildDependsA, s.BuildDependsI)
	if err != nil {
		errorf(diags, ControlFile, stanzas[0].field("Build-Depends"), "%v", err)
	}
	src.Compat = compat
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

// stanzaPos is where a stanza of a deb822 file and its fields are; pault.ag/go/debian's
// decoder keeps no positions.
type stanzaPos struct {
	line   int
	fields map[string]int // by lower-case field name
}

// field returns the line of the field name, or of the stanza when it has none.
func (s stanzaPos) field(name string) int {
	if n, ok := s.fields[strings.ToLower(name)]; ok {
		return n
	}
	return s.line
}

// stanzaPositions finds the stanzas of deb822 data and the lines of their fields: stanzas
// are separated by blank lines; comment lines start with "#", continuation lines with a
// blank.
func stanzaPositions(data []byte) []stanzaPos {
	var stanzas []stanzaPos
	inStanza := false
	for i, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			inStanza = false
			continue
		case line[0] == '#' || line[0] == ' ' || line[0] == '\t':
			continue
		case !inStanza:
			stanzas = append(stanzas, stanzaPos{line: i + 1, fields: map[string]int{}})
			inStanza = true
		}
		if name, _, ok := strings.Cut(line, ":"); ok {
			if cur := stanzas[len(stanzas)-1].fields; cur[strings.ToLower(name)] == 0 {
				cur[strings.ToLower(name)] = i + 1
			}
		}
	}
	if len(stanzas) == 0 {
		stanzas = append(stanzas, stanzaPos{fields: map[string]int{}})
	}
	return stanzas
}
