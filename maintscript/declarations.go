package maintscript

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dh-teardown/dh-teardown/internal/deb822"
)

// Declarations is what a package declares about the life cycle of its daemons and info
// documents: the content of its declaration file, debian/PKG.teardown, or the same built in
// Go. Either way Render checks every value before it reaches a maintainer script.
type Declarations struct {
	// File is the path the declarations were read from, as the caller named it; "" for
	// declarations built in Go (diagnostics then name their subject instead of a position).
	File    string
	Daemons []Daemon
	Infos   []Info
}

// Daemon declares the life cycle of one init script daemon: either Multiuser (it ships the
// daemon, stopped only in runlevel 1) or RemovedIn (it no longer ships it).
type Daemon struct {
	// Name is the init script's name, /etc/init.d/NAME: letters, digits and "_.+-",
	// starting with a letter or digit (field "Daemon").
	Name string
	// Multiuser declares the daemon started in runlevels 2-5 and stopped only in runlevel 1:
	// its LSB header gets "Default-Stop: 1", and configuring from a version older than
	// MultiuserSince drops the old stop links of runlevels 0 and 6 (field "Multiuser: yes").
	Multiuser bool
	// MultiuserSince is the first version declaring it multiuser; "" means the version being
	// built (field "Multiuser-Since").
	MultiuserSince string
	// RemovedIn is the first version that no longer ships the daemon, "" if it is shipped
	// (field "Removed-In").
	RemovedIn string
	// Conffiles lists the daemon's other obsolete conffiles, absolute paths; the init script
	// is implied. Only with RemovedIn (field "Conffiles").
	Conffiles []string
	// Units lists the systemd units the old version shipped besides NAME.service, which is
	// always covered: names made like init script names, ending in .service, .socket,
	// .timer, .path, .target or .mount; template units (foo@.service) and their instances
	// (foo@bar.service) are not supported. Only with RemovedIn (field "Units").
	Units []string
	// ReplacedBy is the init script name of the daemon this package now ships in the removed
	// daemon's place, which inherits its enabled or disabled state. Only with RemovedIn
	// (field "Replaced-By").
	ReplacedBy string
	// Lines holds the line of every field in File, by canonical field name; nil for
	// declarations built in Go.
	Lines map[string]int
}

// Info declares an info document removed in a version.
type Info struct {
	// Name is the document's name (field "Info"); File its path (field "File"), "" meaning
	// /usr/share/info/NAME.info.gz.
	Name, File string
	// RemovedIn is the first version that no longer ships the document (field "Removed-In").
	RemovedIn string
	// Registration says who (de)registers the document in the info directory (field
	// "Registration"); "" means Trigger, wherever the document is.
	Registration Registration
	// Lines holds the line of every field in File, by canonical field name; nil for
	// declarations built in Go.
	Lines map[string]int
}

// path returns the document's file, its default when File is "".
func (i Info) path() string {
	if i.File == "" {
		return InfoDir + "/" + i.Name + ".info.gz"
	}
	return i.File
}

// registration returns the document's registration, its default when none is given:
// Trigger, wherever the document is. lintian's install-info-used-in-maintainer-script is an
// error on Debian's auto-reject list for any install-info call in a maintainer script, so
// the default never generates one; Explicit is for packages that are not uploaded to
// Debian, and warns.
func (i Info) registration() Registration {
	if i.Registration != "" {
		return i.Registration
	}
	return Trigger
}

// Registration is how an info document gets into the info directory.
type Registration string

const (
	// Trigger registration leaves the info directory to dpkg's install-info trigger on
	// /usr/share/info: no script code. The trigger's update-info-dir rebuilds
	// /usr/share/info/dir from the documents in /usr/share/info alone, so an entry for a
	// document kept elsewhere does not outlive its next run either.
	Trigger Registration = "trigger"
	// Explicit registration is install-info called from the maintainer scripts, which
	// Debian's archive rejects (lintian: install-info-used-in-maintainer-script).
	Explicit Registration = "explicit"
)

// InfoDir is the directory whose documents install-info's dpkg trigger (de)registers.
const InfoDir = "/usr/share/info"

// The fields of each kind of stanza, in canonical spelling; the first one names the kind.
var (
	daemonFields = []string{"Daemon", "Multiuser", "Multiuser-Since", "Removed-In", "Conffiles", "Units", "Replaced-By"}
	infoFields   = []string{"Info", "File", "Removed-In", "Registration"}
)

// ParseDeclarations parses a declaration file: deb822 stanzas, each a Daemon or an Info
// declaration. Field names are case-insensitive. It checks everything that needs no context
// (syntax, unknown and duplicate fields, with a suggestion; names, versions, paths and
// values, as Render checks declarations built in Go) and returns what it could parse and
// every problem found, positioned in file.
func ParseDeclarations(file string, data []byte) (*Declarations, Diagnostics) {
	var diags Diagnostics
	decls := &Declarations{File: file}
	for _, st := range splitStanzas(file, data, &diags) {
		kind, fields := stanzaKind(st)
		if kind == "" {
			diags.errorf(at{file: file, line: st.Line}, "stanza declares neither a Daemon nor an Info (its first field is %q)", st.Fields[0].Name)
			continue
		}
		values, lines := canonicalFields(file, st, kind, fields, &diags)
		if kind == "Daemon" {
			decls.Daemons = append(decls.Daemons, parseDaemon(file, values, lines, &diags))
		} else {
			decls.Infos = append(decls.Infos, parseInfo(file, values, lines, &diags))
		}
	}
	decls.check(&diags)
	diags.Sort()
	return decls, diags
}

// stanzaKind tells which kind of declaration st is, by the field that names it.
func stanzaKind(st deb822.Stanza) (kind string, fields []string) {
	_, daemon := st.Get("Daemon")
	_, info := st.Get("Info")
	switch {
	case daemon && info:
		// Report it as a Daemon: the Info field is then an unknown field.
		return "Daemon", daemonFields
	case daemon:
		return "Daemon", daemonFields
	case info:
		return "Info", infoFields
	}
	return "", nil
}

// canonicalFields maps st's fields to their canonical names, reporting unknown and duplicate
// ones.
func canonicalFields(file string, st deb822.Stanza, kind string, known []string, diags *Diagnostics) (map[string]string, map[string]int) {
	values, lines := map[string]string{}, map[string]int{}
	for _, f := range st.Fields {
		i := slices.IndexFunc(known, func(k string) bool { return strings.EqualFold(k, f.Name) })
		if i < 0 {
			msg := fmt.Sprintf("unknown field %q in a %s stanza", truncate(f.Name), kind)
			if s := suggest(f.Name, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			diags.errorf(at{file: file, line: f.Line}, "%s", msg)
			continue
		}
		name := known[i]
		if prev, dup := lines[name]; dup {
			diags.errorf(at{file: file, line: f.Line}, "field %q given twice (first at line %d)", name, prev)
			continue
		}
		values[name], lines[name] = f.Value, f.Line
	}
	return values, lines
}

// parseDaemon reads a Daemon stanza's values, reporting the ones that are not words of the
// field's syntax; Declarations.check checks the rest.
func parseDaemon(file string, values map[string]string, lines map[string]int, diags *Diagnostics) Daemon {
	d := Daemon{Name: values["Daemon"], MultiuserSince: values["Multiuser-Since"], RemovedIn: values["Removed-In"],
		Conffiles: strings.Fields(values["Conffiles"]), Units: strings.Fields(values["Units"]), ReplacedBy: values["Replaced-By"], Lines: lines}
	if v, ok := values["Multiuser"]; ok {
		switch strings.ToLower(v) {
		case "yes":
			d.Multiuser = true
		case "no":
		default:
			diags.errorf(at{file: file, line: lines["Multiuser"], subject: daemonSubject(d.Name)}, "Multiuser %q: expected \"yes\" or \"no\"", truncate(v))
		}
	}
	return d
}

// parseInfo reads an Info stanza's values, with the defaults of File and Registration made
// explicit.
func parseInfo(file string, values map[string]string, lines map[string]int, diags *Diagnostics) Info {
	in := Info{Name: values["Info"], File: values["File"], RemovedIn: values["Removed-In"], Lines: lines}
	in.File = in.path()
	if v, ok := values["Registration"]; ok {
		in.Registration = Registration(strings.ToLower(v))
	}
	in.Registration = in.registration()
	return in
}

func daemonSubject(name string) string { return fmt.Sprintf("daemon %q", truncate(name)) }

func infoSubject(name string) string { return fmt.Sprintf("info document %q", truncate(name)) }

// check reports every problem of the declarations that needs no context: names, versions,
// paths, and fields that do not go together.
func (decls *Declarations) check(diags *Diagnostics) {
	if len(decls.Daemons)+len(decls.Infos) == 0 && !diags.HasErrors() {
		diags.warnf(at{file: decls.File}, "declares nothing")
	}
	seen := map[string]int{} // "daemon NAME" / "info NAME" → line
	again := func(kind, name string, line int, subject at) bool {
		key := kind + " " + name
		prev, dup := seen[key]
		if !dup {
			seen[key] = line
			return false
		}
		if prev > 0 {
			diags.errorf(subject, "declared again (first at line %d)", prev)
		} else {
			diags.errorf(subject, "declared twice")
		}
		return true
	}
	for i := range decls.Daemons {
		d := &decls.Daemons[i]
		pos := decls.pos(d.Lines, daemonSubject(d.Name))
		if !again("daemon", d.Name, d.Lines["Daemon"], pos("Daemon")) {
			d.check(pos, diags)
		}
	}
	for i := range decls.Infos {
		in := &decls.Infos[i]
		pos := decls.pos(in.Lines, infoSubject(in.Name))
		if !again("info", in.Name, in.Lines["Info"], pos("Info")) {
			in.check(pos, diags)
		}
	}
}

// pos returns the position of a field of a declaration: its line in the file, and the
// declaration's subject.
func (decls *Declarations) pos(lines map[string]int, subject string) func(field string) at {
	return func(field string) at { return at{file: decls.File, line: lines[field], subject: subject} }
}

// unitSuffixes are the kinds of systemd unit a Units field may name.
var unitSuffixes = []string{".service", ".socket", ".timer", ".path", ".target", ".mount"}

func (d *Daemon) check(pos func(string) at, diags *Diagnostics) {
	if why := checkName(d.Name); why != "" {
		diags.errorf(pos("Daemon"), "invalid init script name: %s", why)
	}
	if d.MultiuserSince != "" {
		checkVersionField(pos("Multiuser-Since"), "Multiuser-Since", d.MultiuserSince, diags)
		if !d.Multiuser {
			diags.errorf(pos("Multiuser-Since"), "Multiuser-Since without \"Multiuser: yes\"")
		}
	}
	if d.RemovedIn != "" {
		checkVersionField(pos("Removed-In"), "Removed-In", d.RemovedIn, diags)
	}
	for _, p := range d.Conffiles {
		if why := checkPath(p); why != "" {
			diags.errorf(pos("Conffiles"), "conffile %q: %s", truncate(p), why)
		}
	}
	seen := map[string]bool{}
	for _, u := range d.Units {
		switch why := checkUnitName(u); {
		case why != "":
			diags.errorf(pos("Units"), "unit %q: %s", truncate(u), why)
		case u == d.Name+".service":
			diags.errorf(pos("Units"), "unit %q: always covered, do not list it", u)
		case seen[u]:
			diags.errorf(pos("Units"), "unit %q: listed twice", u)
		}
		seen[u] = true
	}
	if d.ReplacedBy != "" {
		if why := checkName(d.ReplacedBy); why != "" {
			diags.errorf(pos("Replaced-By"), "Replaced-By %q: invalid init script name: %s", truncate(d.ReplacedBy), why)
		} else if d.ReplacedBy == d.Name {
			diags.errorf(pos("Replaced-By"), "Replaced-By %q: replaced by itself", d.ReplacedBy)
		}
	}
	if d.RemovedIn == "" {
		for _, f := range []struct {
			name string
			set  bool
		}{{"Conffiles", len(d.Conffiles) > 0}, {"Units", len(d.Units) > 0}, {"Replaced-By", d.ReplacedBy != ""}} {
			if f.set {
				diags.errorf(pos(f.name), "%s without Removed-In", f.name)
			}
		}
	}
	switch {
	case d.Multiuser && d.RemovedIn != "":
		diags.errorf(pos("Removed-In"), "a removed daemon cannot be multiuser")
	case !d.Multiuser && d.RemovedIn == "":
		diags.errorf(pos("Daemon"), "declares neither \"Multiuser: yes\" nor Removed-In")
	}
}

func (in *Info) check(pos func(string) at, diags *Diagnostics) {
	if why := checkName(in.Name); why != "" {
		diags.errorf(pos("Info"), "invalid document name: %s", why)
	}
	file := in.path()
	if why := checkPath(file); why != "" {
		diags.errorf(pos("File"), "File %q: %s", truncate(file), why)
	}
	if in.RemovedIn != "" {
		checkVersionField(pos("Removed-In"), "Removed-In", in.RemovedIn, diags)
	} else {
		diags.errorf(pos("Info"), "Removed-In is required")
	}
	switch reg := in.registration(); {
	case reg != Trigger && reg != Explicit:
		diags.errorf(pos("Registration"), "Registration %q: expected \"trigger\" or \"explicit\"", truncate(string(reg)))
	case reg == Explicit && underInfoDir(file):
		diags.warnf(pos("Registration"), "explicit registration calls install-info from maintainer scripts: lintian's install-info-used-in-maintainer-script is an error on Debian's auto-reject list, and dpkg's trigger already handles documents in %s", InfoDir)
	case reg == Explicit:
		diags.warnf(pos("Registration"), "explicit registration calls install-info from maintainer scripts: lintian's install-info-used-in-maintainer-script is an error on Debian's auto-reject list, for documents anywhere; use it only for packages that are not uploaded to Debian")
	}
}

func underInfoDir(p string) bool { return strings.HasPrefix(p, InfoDir+"/") }

func checkVersionField(p at, name, v string, diags *Diagnostics) {
	if err := CheckVersion(v); err != nil {
		diags.errorf(p, "%s %q: %v", name, truncate(v), err)
	}
}
