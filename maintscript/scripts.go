package maintscript

import (
	"fmt"
	"slices"
	"strings"
)

// Script is one of the four maintainer scripts. Its zero value is invalid.
type Script int

// The maintainer scripts.
const (
	Preinst Script = iota + 1
	Postinst
	Prerm
	Postrm
)

// AllScripts returns the maintainer scripts in the order dpkg first runs them on an upgrade
// of a configured package: preinst, postinst, prerm, postrm. It is the order every list of
// scripts in dh-teardown follows.
func AllScripts() [4]Script { return [4]Script{Preinst, Postinst, Prerm, Postrm} }

var scriptNames = [...]string{Preinst: "preinst", Postinst: "postinst", Prerm: "prerm", Postrm: "postrm"}

// String returns the script's file name: "preinst", "postinst", "prerm" or "postrm".
func (s Script) String() string {
	if s < Preinst || s > Postrm {
		return fmt.Sprintf("Script(%d)", int(s))
	}
	return scriptNames[s]
}

// ParseScript returns the script named name ("preinst", ...), or an error.
func ParseScript(name string) (Script, error) {
	for _, s := range AllScripts() {
		if s.String() == name {
			return s, nil
		}
	}
	return 0, fmt.Errorf("%q is not a maintainer script (preinst, postinst, prerm or postrm)", truncate(name))
}

// Prepends reports whether generated blocks go before the ones already in the script, as
// debhelper puts them in prerm and postrm, so that removal undoes in the reverse order of
// installation.
func (s Script) Prepends() bool { return s == Prerm || s == Postrm }

// Scripts are the four maintainer scripts of a package, each the complete text of the file
// ("#!/bin/sh", "set -e", then the generated blocks), or "" when the package needs none.
type Scripts struct {
	Preinst, Postinst, Prerm, Postrm string
}

// Get returns the text of script s.
func (sc Scripts) Get(s Script) string {
	switch s {
	case Preinst:
		return sc.Preinst
	case Postinst:
		return sc.Postinst
	case Prerm:
		return sc.Prerm
	case Postrm:
		return sc.Postrm
	}
	return ""
}

func (sc *Scripts) set(s Script, text string) {
	switch s {
	case Preinst:
		sc.Preinst = text
	case Postinst:
		sc.Postinst = text
	case Prerm:
		sc.Prerm = text
	case Postrm:
		sc.Postrm = text
	}
}

// Marker lines around generated code, exactly as debhelper writes them; lintian recognises
// generated code by the first ("^# Automatically added by \S+\s*$").
const (
	markerBegin = "# Automatically added by "
	// BlockEnd is the line that ends a generated block.
	BlockEnd = "# End automatically added section\n"
)

// Block wraps a fragment's text in debhelper's marker lines, naming tool (for example
// "dh_teardown/0.1.0") as the generator.
func Block(tool, text string) string {
	var b strings.Builder
	b.Grow(blockSize(tool, text))
	writeBlock(&b, tool, text)
	return b.String()
}

// blockSize is the length of Block(tool, text).
func blockSize(tool, text string) int {
	return len(markerBegin) + len(tool) + 1 + len(text) + len(BlockEnd)
}

// writeBlock writes Block(tool, text) to b.
func writeBlock(b *strings.Builder, tool, text string) {
	b.WriteString(markerBegin)
	b.WriteString(tool)
	b.WriteByte('\n')
	b.WriteString(text)
	b.WriteString(BlockEnd)
}

// BlockTool recognises the first marker line of a generated block ("# Automatically added by
// TOOL/VERSION\n") and returns TOOL.
func BlockTool(line string) (tool string, ok bool) {
	rest, ok := strings.CutPrefix(line, markerBegin)
	if !ok {
		return "", false
	}
	rest, ok = strings.CutSuffix(rest, "\n")
	if !ok || rest == "" || strings.ContainsAny(rest, " \t") {
		return "", false
	}
	tool, _, _ = strings.Cut(rest, "/")
	return tool, true
}

// assemble puts the fragments together into whole scripts, as dh_installdeb does when a
// package has no hand-written script: "#!/bin/sh", "set -e", then each fragment as a block
// marked with tool. The blocks of debhelper's service bucket (Fragment.Service) go after the
// others in preinst and postinst; prerm and postrm hold every block in reverse.
func assemble(tool string, fragments []Fragment) Scripts {
	const header = "#!/bin/sh\nset -e\n\n"
	var (
		sc    Scripts
		texts []string
	)
	for _, s := range AllScripts() {
		texts = texts[:0]
		for _, service := range []bool{false, true} {
			for _, f := range fragments {
				if f.Script == s && f.Service == service {
					texts = append(texts, f.Text)
				}
			}
		}
		if len(texts) == 0 {
			continue
		}
		if s.Prepends() {
			slices.Reverse(texts)
		}
		// One allocation of the exact size, not a string per block and a join (dh renders
		// hundreds of packages).
		size := len(header)
		for _, t := range texts {
			size += blockSize(tool, t)
		}
		var b strings.Builder
		b.Grow(size)
		b.WriteString(header)
		for _, t := range texts {
			writeBlock(&b, tool, t)
		}
		sc.set(s, b.String())
	}
	return sc
}
