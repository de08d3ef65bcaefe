package audit

import (
	"fmt"
)

// Class is the verdict on one script's stop action.
type Class int

const (
	// Redundant: the stop action only signals the daemon and waits, which
	// sendsigs does anyway at shutdown and reboot.
	Redundant Class = iota
	// Needed: the stop action does something sendsigs would not.
	Needed
	// Unknown: the audit cannot tell; the reasons say why.
	Unknown
)

var classNames = [...]string{Redundant: "redundant", Needed: "needed", Unknown: "unknown"}

// String returns "redundant", "needed" or "unknown".
func (c Class) String() string {
	if c < 0 || int(c) >= len(classNames) {
		return fmt.Sprintf("Class(%d)", int(c))
	}
	return classNames[c]
}

// MarshalText encodes the class as its String form, so that JSON carries
// "redundant", "needed" or "unknown".
func (c Class) MarshalText() ([]byte, error) {
	if c < 0 || int(c) >= len(classNames) {
		return nil, fmt.Errorf("invalid class %d", int(c))
	}
	return []byte(classNames[c]), nil
}

// UnmarshalText is the inverse of MarshalText.
func (c *Class) UnmarshalText(b []byte) error {
	for i, n := range classNames {
		if n == string(b) {
			*c = Class(i)
			return nil
		}
	}
	return fmt.Errorf("invalid class %q", b)
}

// Report is the result of auditing one root.
type Report struct {
	// Root is the directory audited, as given to Audit.
	Root string `json:"root"`
	// Scripts holds one entry per init script with stop links, sorted by name.
	Scripts []ScriptResult `json:"scripts"`
	// Summary sums Scripts up.
	Summary Summary `json:"summary"`
}

// ScriptResult is the verdict on one init script.
type ScriptResult struct {
	// Name is the script's file name in etc/init.d.
	Name string `json:"name"`
	// Class is the verdict.
	Class Class `json:"class"`
	// Reasons explain the verdict, in the order the stop action runs them.
	Reasons []Reason `json:"reasons"`
	// Links are the stop links, as "rc0.d/K01name", sorted.
	Links []string `json:"links"`
	// LSBHeader tells whether the script has a "### BEGIN INIT INFO" block.
	LSBHeader bool `json:"lsb_header"`
	// DefaultStop is the header's Default-Stop field split into runlevels;
	// nil when the field (or the header) is absent.
	DefaultStop []string `json:"default_stop"`
	// StaleLinks are the K links in a runlevel that DefaultStop does not
	// list: the header changed after the links were made, and
	// "update-rc.d NAME defaults" does not redo existing links. Empty when
	// the field is absent.
	StaleLinks []string `json:"stale_links,omitempty"`
	// Systemd is set when a systemd machine never runs this script: a
	// native unit of the same name replaces it, or the name is masked.
	// The classification is about sysv-rc machines either way.
	Systemd *SystemdShadow `json:"systemd,omitempty"`
}

// Reason is one finding about a stop action.
type Reason struct {
	// Kind is the class this finding argues for.
	Kind Class `json:"kind"`
	// File is where the code is, an absolute path as seen from inside the
	// root: the script (/etc/init.d/NAME) or a file it sources.
	File string `json:"file"`
	// Line is the 1-based line in File. A finding about the stop action as
	// a whole points at the stop branch of the dispatch (or, for an
	// init-d-script script, at the line naming the framework; else line
	// 1); it is 0 only when the script cannot be read.
	Line int `json:"line"`
	// Command is the command as written, on one line; empty when the finding
	// is not about one command.
	Command string `json:"command,omitempty"`
	// Why says what the command does, in words.
	Why string `json:"why"`
	// Via lists the shell functions the stop action went through to get
	// here, outermost first.
	Via []string `json:"via,omitempty"`
}

// Summary sums a report up.
type Summary struct {
	// Scripts is the number of scripts audited.
	Scripts int `json:"scripts"`
	// Redundant, Needed and Unknown count scripts by class.
	Redundant int `json:"redundant"`
	Needed    int `json:"needed"`
	Unknown   int `json:"unknown"`
	// ShutdownForksSaved is the number of stop links in rc0.d that belong to
	// redundant scripts: each is one fork/exec of a shell at every shutdown
	// that declaring the script multiuser (Default-Stop: 1) saves.
	ShutdownForksSaved int `json:"shutdown_forks_saved"`
	// RebootForksSaved is the same for rc6.d, at every reboot.
	RebootForksSaved int `json:"reboot_forks_saved"`
	// SystemdShadowed counts the scripts a systemd machine never runs
	// (ScriptResult.Systemd is set): their links matter on sysv-rc only.
	SystemdShadowed int `json:"systemd_shadowed"`
}

func summarize(scripts []ScriptResult) Summary {
	s := Summary{Scripts: len(scripts)}
	for _, r := range scripts {
		if r.Systemd != nil {
			s.SystemdShadowed++
		}
		switch r.Class {
		case Redundant:
			s.Redundant++
			for _, l := range r.Links {
				switch linkDir(l) {
				case "rc0.d":
					s.ShutdownForksSaved++
				case "rc6.d":
					s.RebootForksSaved++
				}
			}
		case Needed:
			s.Needed++
		case Unknown:
			s.Unknown++
		}
	}
	return s
}
