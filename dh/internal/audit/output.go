package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteJSON writes the report as one indented JSON object, with the field
// names documented on Report, ScriptResult, Reason and Summary; classes
// are the strings "redundant", "needed" and "unknown".
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteText writes the report for people: one block per script (its class,
// links, Default-Stop and reasons) and the summary.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, s := range r.Scripts {
		fmt.Fprintf(&b, "%s: %s\n", s.Name, s.Class)
		fmt.Fprintf(&b, "  links: %s\n", strings.Join(s.Links, " "))
		switch {
		case !s.LSBHeader:
			b.WriteString("  default-stop: (no LSB header)\n")
		case s.DefaultStop == nil:
			b.WriteString("  default-stop: (field absent)\n")
		case len(s.DefaultStop) == 0:
			b.WriteString("  default-stop: (empty)\n")
		default:
			fmt.Fprintf(&b, "  default-stop: %s\n", strings.Join(s.DefaultStop, " "))
		}
		if len(s.StaleLinks) > 0 {
			fmt.Fprintf(&b, "  stale links: %s (Default-Stop does not list their runlevel; update-rc.d defaults does not redo existing links)\n",
				strings.Join(s.StaleLinks, " "))
		}
		switch {
		case s.Systemd != nil && s.Systemd.Masked:
			fmt.Fprintf(&b, "  systemd: masked (%s -> /dev/null): a systemd machine never runs this script, at shutdown or otherwise\n", s.Systemd.Unit)
		case s.Systemd != nil:
			fmt.Fprintf(&b, "  systemd: shadowed by the native unit %s: a systemd machine runs that unit and never this script's stop action\n", s.Systemd.Unit)
		}
		for _, why := range s.Reasons {
			fmt.Fprintf(&b, "  %-10s %s\n", why.Kind.String()+":", reasonText(why))
		}
		b.WriteString("\n")
	}
	m := r.Summary
	fmt.Fprintf(&b, "%d scripts with stop links: %d redundant, %d needed, %d unknown\n",
		m.Scripts, m.Redundant, m.Needed, m.Unknown)
	fmt.Fprintf(&b, "declaring the redundant ones multiuser (Default-Stop: 1) saves %d fork/execs of a shell per shutdown (rc0.d) and %d per reboot (rc6.d)\n",
		m.ShutdownForksSaved, m.RebootForksSaved)
	if m.SystemdShadowed > 0 {
		fmt.Fprintf(&b, "on a systemd machine %d of these scripts never run (a native unit of the same name, or a mask): the classification is about sysv-rc\n", m.SystemdShadowed)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// reasonText is "FILE:LINE: `COMMAND`: WHY (via F > G)" with the parts
// that are there.
func reasonText(r Reason) string {
	var b strings.Builder
	b.WriteString(strings.TrimPrefix(r.File, "/etc/init.d/"))
	if r.Line > 0 {
		fmt.Fprintf(&b, ":%d", r.Line)
	}
	b.WriteString(": ")
	if r.Command != "" {
		b.WriteString("`" + r.Command + "`: ")
	}
	b.WriteString(r.Why)
	if len(r.Via) > 0 {
		fmt.Fprintf(&b, " (via %s)", strings.Join(r.Via, " > "))
	}
	return b.String()
}
