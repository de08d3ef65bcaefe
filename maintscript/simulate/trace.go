package simulate

import (
	"fmt"
	"strings"
)

// StepKind tells a maintainer-script invocation from a dpkg-level event.
type StepKind string

// The kinds of trace steps.
const (
	StepScript StepKind = "script"
	StepDpkg   StepKind = "dpkg"
)

// Side names which version of a package a script belongs to during a
// transition: the one being replaced or removed (Old) or the one being
// unpacked or configured (New).
type Side string

// The two sides of a transition.
const (
	Old Side = "old"
	New Side = "new"
)

// Trace is what one dpkg operation did, in order.
type Trace struct {
	Operation string `json:"operation"` // install, unpack, configure, remove, purge
	Package   string `json:"package"`
	Version   string `json:"version,omitempty"` // the version being unpacked, if any
	Steps     []Step `json:"steps"`
	Status    Status `json:"status"`          // the package's status afterwards
	Error     string `json:"error,omitempty"` // dpkg's error, if the operation failed
}

// Step is one maintainer-script invocation (Kind StepScript) or one dpkg
// action on files or status (Kind StepDpkg).
type Step struct {
	Kind StepKind `json:"kind"`

	// Script invocations.
	Side     Side      `json:"side,omitempty"`
	Version  string    `json:"version,omitempty"` // version whose script ran
	Script   string    `json:"script,omitempty"`  // preinst, postinst, prerm, postrm
	Args     []string  `json:"args,omitempty"`
	Exit     int       `json:"exit"`
	Absent   bool      `json:"absent,omitempty"`   // the package has no such script; dpkg counts that as success
	Injected bool      `json:"injected,omitempty"` // failed by a Fail option (without running, unless it was After)
	Commands []Command `json:"commands,omitempty"`
	Output   string    `json:"output,omitempty"` // the script's standard output and error

	// dpkg events.
	Event string   `json:"event,omitempty"`
	Paths []string `json:"paths,omitempty"`
}

// Command is one external command a script ran, with what the stub did.
type Command struct {
	Argv    []string `json:"argv"`
	Exit    int      `json:"exit"`
	Unknown bool     `json:"unknown,omitempty"` // not a simulated command: exit 127
	Effects []string `json:"effects,omitempty"` // changes to the simulated system, in words
}

// Call renders a script step as "new preinst upgrade 1.0-1 2.0-1" and a dpkg
// event as "dpkg: EVENT"; empty arguments show as ”.
func (s Step) Call() string {
	if s.Kind == StepDpkg {
		return "dpkg: " + s.Event
	}
	parts := []string{string(s.Side), s.Script}
	for _, a := range s.Args {
		if a == "" {
			a = "''"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// Calls lists the maintainer-script invocations of the trace in order, each
// rendered by Step.Call, with " -> exit N" appended when it failed.
func (t *Trace) Calls() []string {
	var out []string
	for _, s := range t.Steps {
		if s.Kind != StepScript {
			continue
		}
		c := s.Call()
		if s.Exit != 0 {
			c += fmt.Sprintf(" -> exit %d", s.Exit)
		}
		out = append(out, c)
	}
	return out
}

// Commands lists every command run by any script of the trace, as
// space-joined argv, in order.
func (t *Trace) Commands() []string {
	var out []string
	for _, s := range t.Steps {
		for _, c := range s.Commands {
			out = append(out, strings.Join(c.Argv, " "))
		}
	}
	return out
}

// Unknown lists the commands of the trace that the simulation does not know,
// as space-joined argv.
func (t *Trace) Unknown() []string {
	var out []string
	for _, s := range t.Steps {
		for _, c := range s.Commands {
			if c.Unknown {
				out = append(out, strings.Join(c.Argv, " "))
			}
		}
	}
	return out
}

// Error is a failed dpkg operation, worded like dpkg's own message.
type Error struct {
	Package string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("dpkg: error processing package %s: %s", e.Package, e.Message)
}
