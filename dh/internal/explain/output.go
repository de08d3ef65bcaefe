package explain

import (
	"fmt"
	"io"
	"strings"

	"github.com/dh-teardown/dh-teardown/maintscript"
	"github.com/dh-teardown/dh-teardown/maintscript/simulate"
)

// This file is the output of explain: the explanation's fields (its JSON, whose field names
// are stable: fields may be added, none renamed or removed) and the text for people.

// versionJSON is one version of the package in a transition, with its maintainer scripts.
type versionJSON struct {
	Version string `json:"version"`
	// Origin is "generated" (DIR, through dh_teardown and debhelper's dh_installinit
	// snippets) or "modelled" (an old version; see the assumptions).
	Origin string `json:"origin"`
	// Daemons lists the init scripts this version ships, Files every file of the model.
	Daemons []string          `json:"daemons"`
	Files   []string          `json:"files"`
	Scripts map[string]string `json:"scripts"`
}

// stateJSON is what the transition is about, before and after it.
type stateJSON struct {
	// Status is the package's dpkg status ("not-installed", "config-files", "unpacked",
	// "half-configured", "half-installed", "installed"); Version the version dpkg records.
	Status  string        `json:"status"`
	Version string        `json:"version,omitempty"`
	Daemons []daemonState `json:"daemons"`
	// Files lists which of the declared daemons' conffiles, and their dpkg variants
	// (.dpkg-new, .dpkg-remove, .dpkg-backup, .dpkg-dist, .dpkg-old), exist.
	Files []string `json:"files"`
	// Info lists the info directory entries of the declared documents.
	Info []string `json:"info,omitempty"`
}

// daemonState is one declared daemon on the simulated system.
type daemonState struct {
	Name    string `json:"name"`
	Running bool   `json:"running"`
	// InitScript is "absent", "executable" or "not executable".
	InitScript string   `json:"init_script"`
	Links      []string `json:"links"`
	// Units are, with --init systemd and for a daemon declared removed, its units
	// (NAME.service and those of Units:) as systemd sees them.
	Units []unitState `json:"units,omitempty"`
}

// unitState is one unit of a declared daemon on a simulated machine running systemd.
type unitState struct {
	Name    string `json:"name"`
	Enabled bool   `json:"enabled"`
	Active  bool   `json:"active"`
	// Left lists its links under /etc/systemd/system and deb-systemd-helper's state files.
	Left []string `json:"left"`
}

// operationJSON is one dpkg command of the transition and what it ran.
type operationJSON struct {
	Command string     `json:"command"`
	Steps   []stepJSON `json:"steps"`
	// Status is the package's status afterwards; Error dpkg's error, if it failed.
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// stepJSON is one maintainer-script call (kind "script") or one thing dpkg did itself (kind
// "dpkg").
type stepJSON struct {
	Kind string `json:"kind"`
	// Call is the step in words: "new preinst upgrade 1.0 2.0" or "dpkg: unpack 2.0".
	Call string `json:"call"`
	// Side ("old" or "new"), Version, Script and Args say which script dpkg called, how.
	Side    string   `json:"side,omitempty"`
	Version string   `json:"version,omitempty"`
	Script  string   `json:"script,omitempty"`
	Args    []string `json:"args,omitempty"`
	// Exit is the script's exit status; Absent means the version has no such script (dpkg
	// counts that as success); Injected that --fail failed it: after its code ran, or with
	// --fail-early before (then Commands is empty).
	Exit     int           `json:"exit"`
	Absent   bool          `json:"absent,omitempty"`
	Injected bool          `json:"injected,omitempty"`
	Commands []commandJSON `json:"commands,omitempty"`
	Output   string        `json:"output,omitempty"`
	// Paths are the files a dpkg step touched.
	Paths []string `json:"paths,omitempty"`
}

// commandJSON is one external command a script ran and what it did to the simulated system.
type commandJSON struct {
	Argv []string `json:"argv"`
	Exit int      `json:"exit"`
	// Unknown means the simulation has no such command: it failed with status 127.
	Unknown bool     `json:"unknown,omitempty"`
	Effects []string `json:"effects,omitempty"`
}

// explanation is the result of teardown explain, as --format json prints it.
type explanation struct {
	Package string `json:"package"`
	// Transition is install, upgrade, downgrade, reinstall, remove or purge; ConfigFiles
	// says it starts from the config-files state of From.
	Transition string `json:"transition"`
	// Init is the init system the simulated machine runs: sysvinit or systemd.
	Init        string `json:"init"`
	From        string `json:"from"`
	To          string `json:"to"`
	ConfigFiles bool   `json:"config_files"`
	// Fail is the step --fail failed (preinst, prerm, postrm, postinst, unpack), if any;
	// FailEarly says the script failed before its code ran, not after.
	Fail      string `json:"fail,omitempty"`
	FailEarly bool   `json:"fail_early,omitempty"`
	// Assumptions say what the explanation takes for granted; Notes what it could not read
	// (debian/rules recipe lines).
	Assumptions []string        `json:"assumptions"`
	Notes       []string        `json:"notes,omitempty"`
	Old         *versionJSON    `json:"old,omitempty"`
	New         *versionJSON    `json:"new,omitempty"`
	Before      stateJSON       `json:"before"`
	Operations  []operationJSON `json:"operations"`
	After       stateJSON       `json:"after"`

	// tr is the transition explained; oldPkg and newPkg are the simulated packages it goes
	// from and to, nil when it has no such side.
	tr             Transition
	oldPkg, newPkg *simulate.Package
}

// versionOf describes one side of the transition.
func versionOf(p simulate.Package, origin string) *versionJSON {
	v := &versionJSON{Version: p.Version, Origin: origin, Daemons: []string{}, Files: []string{}, Scripts: p.Scripts}
	for _, f := range p.Files {
		v.Files = append(v.Files, f.Path)
		if name, ok := strings.CutPrefix(f.Path, "/etc/init.d/"); ok {
			v.Daemons = append(v.Daemons, name)
		}
	}
	return v
}

// conffileVariants are the names dpkg and dpkg-maintscript-helper give a conffile in transit.
var conffileVariants = []string{"", ".dpkg-new", ".dpkg-remove", ".dpkg-backup", ".dpkg-dist", ".dpkg-old"}

func stateOf(sys *simulate.System, pkg string, decls *maintscript.Declarations, systemd bool) stateJSON {
	st := stateJSON{Status: string(sys.Status(pkg)), Daemons: []daemonState{}, Files: []string{}}
	if rec := sys.DB[pkg]; rec != nil {
		st.Version = rec.Version
	}
	for _, d := range decls.Daemons {
		st.Daemons = append(st.Daemons, daemonOf(sys, d, systemd))
		for _, c := range append([]string{"/etc/init.d/" + d.Name}, d.Conffiles...) {
			for _, suffix := range conffileVariants {
				if sys.FS.Exists(c + suffix) {
					st.Files = append(st.Files, c+suffix)
				}
			}
		}
		if d.ReplacedBy != "" {
			st.Daemons = append(st.Daemons, daemonOf(sys, maintscript.Daemon{Name: d.ReplacedBy}, systemd))
		}
	}
	for _, info := range decls.Infos {
		if sys.FS.Exists(info.File) {
			st.Files = append(st.Files, info.File)
		}
	}
	st.Info = sys.InfoEntries("")
	return st
}

// daemonOf is the state of the declared daemon d (or of the one that replaces a declared
// one); with systemd, that of its units too when it is declared removed.
func daemonOf(sys *simulate.System, d maintscript.Daemon, systemd bool) daemonState {
	ds := daemonState{Name: d.Name, Running: sys.Running[d.Name], InitScript: "absent", Links: sys.RcLinks(d.Name)}
	if ds.Links == nil {
		ds.Links = []string{}
	}
	if systemd && d.RemovedIn != "" {
		for _, u := range append([]string{d.Name + ".service"}, d.Units...) {
			us := unitState{Name: u, Enabled: sys.UnitEnabled(u), Active: sys.UnitActive(u), Left: sys.UnitState(u)}
			if us.Left == nil {
				us.Left = []string{}
			}
			ds.Running = ds.Running || us.Active
			ds.Units = append(ds.Units, us)
		}
	}
	if n, err := sys.FS.Stat("/etc/init.d/" + d.Name); err == nil {
		ds.InitScript = "not executable"
		if n.Mode&0o111 != 0 {
			ds.InitScript = "executable"
		}
	}
	return ds
}

func operationOf(command string, t *simulate.Trace) operationJSON {
	op := operationJSON{Command: command, Steps: []stepJSON{}, Status: string(t.Status), Error: t.Error}
	for _, s := range t.Steps {
		step := stepJSON{Kind: string(s.Kind), Call: s.Call(), Side: string(s.Side), Version: s.Version, Script: s.Script, Args: s.Args,
			Exit: s.Exit, Absent: s.Absent, Injected: s.Injected, Output: s.Output, Paths: s.Paths}
		for _, c := range s.Commands {
			step.Commands = append(step.Commands, commandJSON{Argv: c.Argv, Exit: c.Exit, Unknown: c.Unknown, Effects: c.Effects})
		}
		op.Steps = append(op.Steps, step)
	}
	return op
}

// writeText prints the explanation for people.
func (ex *explanation) writeText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", ex.Package, ex.tr.describe())
	if f := ex.tr.failure(); f != "" {
		fmt.Fprintf(&b, ", %s", f)
	}
	b.WriteString("\n\nAssumptions:\n")
	for _, a := range ex.Assumptions {
		fmt.Fprintf(&b, "* %s\n", a)
	}
	if len(ex.Notes) > 0 {
		b.WriteString("\nNotes:\n")
		for _, n := range ex.Notes {
			fmt.Fprintf(&b, "* %s\n", n)
		}
	}
	writeState(&b, "Before", ex.Before)
	for _, op := range ex.Operations {
		fmt.Fprintf(&b, "\n$ %s\n", op.Command)
		for _, s := range op.Steps {
			writeStep(&b, s)
		}
		if op.Error != "" {
			fmt.Fprintf(&b, "  %s\n", op.Error)
		}
		fmt.Fprintf(&b, "  => %s: %s\n", ex.Package, op.Status)
	}
	writeState(&b, "After", ex.After)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeState(b *strings.Builder, title string, st stateJSON) {
	fmt.Fprintf(b, "\n%s: %s", title, st.Status)
	if st.Version != "" {
		fmt.Fprintf(b, " (%s)", st.Version)
	}
	b.WriteString("\n")
	for _, d := range st.Daemons {
		running := "not running"
		if d.Running {
			running = "running"
		}
		links := "no rc links"
		if len(d.Links) > 0 {
			links = "links " + strings.Join(d.Links, " ")
		}
		fmt.Fprintf(b, "  %s: %s; init script %s; %s\n", d.Name, running, d.InitScript, links)
		for _, u := range d.Units {
			state := map[bool]string{true: "enabled", false: "not enabled"}[u.Enabled] + ", " + map[bool]string{true: "active", false: "inactive"}[u.Active]
			left := "nothing left"
			if len(u.Left) > 0 {
				left = strings.Join(u.Left, " ")
			}
			fmt.Fprintf(b, "    %s: %s; %s\n", u.Name, state, left)
		}
	}
	if len(st.Files) > 0 {
		fmt.Fprintf(b, "  files: %s\n", strings.Join(st.Files, " "))
	}
	if len(st.Info) > 0 {
		fmt.Fprintf(b, "  info entries: %s\n", strings.Join(st.Info, " "))
	}
}

func writeStep(b *strings.Builder, s stepJSON) {
	if s.Kind == string(simulate.StepDpkg) {
		fmt.Fprintf(b, "  %s\n", s.Call)
		for _, p := range s.Paths {
			fmt.Fprintf(b, "      %s\n", p)
		}
		return
	}
	fmt.Fprintf(b, "  %s", s.Call)
	switch {
	case s.Injected && len(s.Commands) == 0 && s.Output == "":
		fmt.Fprintf(b, " -> exit %d (injected failure)\n", s.Exit)
		return
	case s.Injected:
		fmt.Fprintf(b, " -> exit %d (injected failure after the code below ran)", s.Exit)
	case s.Absent:
		b.WriteString(": no such script\n")
		return
	case s.Exit != 0:
		fmt.Fprintf(b, " -> exit %d", s.Exit)
	}
	b.WriteString("\n")
	if len(s.Commands) == 0 && !s.Absent {
		b.WriteString("      (no command)\n")
	}
	for _, c := range s.Commands {
		argv := make([]string, len(c.Argv))
		for i, a := range c.Argv {
			if argv[i] = a; a == "" {
				argv[i] = "''"
			}
		}
		fmt.Fprintf(b, "      %s", strings.Join(argv, " "))
		switch {
		case c.Unknown:
			fmt.Fprintf(b, " -> exit %d (not simulated)", c.Exit)
		case c.Exit != 0:
			fmt.Fprintf(b, " -> exit %d", c.Exit)
		}
		b.WriteString("\n")
		for _, e := range c.Effects {
			fmt.Fprintf(b, "          %s\n", e)
		}
	}
	for _, line := range strings.Split(strings.TrimRight(s.Output, "\n"), "\n") {
		if line != "" {
			fmt.Fprintf(b, "      | %s\n", line)
		}
	}
}
