package maintscript

import (
	"strings"
)

// Marker lines around generated code, exactly as debhelper writes them; lintian recognises
// generated code by the first ("^# Automatically added by \S+\s*$").
const (
	markerBegin = "# Automatically added by "
	markerEnd   = "# End automatically added section"
)

// Block wraps a fragment's text in debhelper's marker lines, naming tool (for example
// "dh_teardown/0.1.0") as the generator.
func Block(tool, text string) string {
	return markerBegin + tool + "\n" + text + markerEnd + "\n"
}

// WholeScript assembles a complete maintainer script from the fragments for script, for
// tools that build packages without debhelper: "#!/bin/sh", "set -e", then each fragment as a
// marked block, in the order debhelper would leave them (the order given for preinst and
// postinst, reversed for prerm and postrm, so that removal undoes in reverse). It returns ""
// when no fragment is for script.
func WholeScript(script, tool string, fragments []Fragment) string {
	var blocks []string
	for _, f := range fragments {
		if f.Script == script {
			blocks = append(blocks, Block(tool, f.Text))
		}
	}
	if len(blocks) == 0 {
		return ""
	}
	if script == "prerm" || script == "postrm" {
		for i, j := 0, len(blocks)-1; i < j; i, j = i+1, j-1 {
			blocks[i], blocks[j] = blocks[j], blocks[i]
		}
	}
	return "#!/bin/sh\nset -e\n\n" + strings.Join(blocks, "")
}
