package check

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteText writes the report one finding per line,
//
//	PKG: KIND PATH: handled by …
//	PKG: KIND PATH: partially handled by …; not handled: …
//	PKG: KIND PATH: not handled: …
//
// each unhandled finding followed by its fix, indented (a fix shared by several findings, a
// Daemon stanza, is written once).
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, p := range r.Packages {
		if len(p.Findings) == 0 {
			fmt.Fprintf(&b, "%s: nothing that %s ships is missing from %s\n", p.Package, p.OldVersion, p.NewVersion)
			continue
		}
		written := map[string]bool{}
		for _, f := range p.Findings {
			fmt.Fprintf(&b, "%s: %s %s: ", p.Package, f.Kind, show(f.Path))
			switch {
			case f.Handled:
				fmt.Fprintf(&b, "handled by %s\n", strings.Join(f.HandledBy, "; "))
			case f.Partial():
				fmt.Fprintf(&b, "partially handled by %s; not handled: %s\n", strings.Join(f.HandledBy, "; "), strings.Join(f.Missing, "; "))
			default:
				fmt.Fprintf(&b, "not handled: %s\n", strings.Join(f.Missing, "; "))
			}
			switch {
			case f.Handled:
			case f.Fix == "":
				b.WriteString("    (no declaration to suggest: the name or path has characters declarations do not accept)\n")
			case written[f.Fix]:
				b.WriteString("    (fix: the stanza above)\n")
			default:
				written[f.Fix] = true
				for _, l := range strings.SplitAfter(strings.TrimSuffix(f.Fix, "\n"), "\n") {
					b.WriteString("    " + l)
				}
				b.WriteString("\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as
// {"packages":[{"package","old_version","new_version","findings":[{"kind","path","name",
// "handled","handled_by","missing","fix"}]}]}.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// show prints a path as is when it is made of ordinary characters, quoted otherwise.
func show(s string) string {
	if safe(s) {
		return s
	}
	return strconv.Quote(s)
}
