package maintscript

import (
	"fmt"
	"slices"
	"strings"
)

// Declarations is the content of one declaration file, debian/PKG.teardown.
type Declarations struct {
	// File is the path the file was read from, as the caller named it.
	File    string
	Daemons []Daemon
	Infos   []Info
}

// Daemon declares the life cycle of one init script daemon. Exactly one of Multiuser and
// RemovedIn applies.
type Daemon struct {
	// Name is the init script's name: /etc/init.d/NAME.
	Name string
	// Multiuser declares the daemon started in runlevels 2-5 and stopped only in runlevel 1.
	Multiuser bool
	// MultiuserSince is the first version declaring it multiuser; "" means the version being
	// built.
	MultiuserSince string
	// RemovedIn is the first version that no longer ships the daemon, "" if it is shipped.
	RemovedIn string
	// Conffiles lists the daemon's other obsolete conffiles (the init script is implied).
	Conffiles []string
	// Lines holds the line of every field, by canonical field name.
	Lines map[string]int
}

// Info declares an info document removed in a version.
type Info struct {
	// Name is the document's name; File its path, by default /usr/share/info/NAME.info.gz.
	Name, File string
	// RemovedIn is the first version that no longer ships the document.
	RemovedIn string
	// Registration says who (de)registers the document in the info directory.
	Registration Registration
	// Lines holds the line of every field, by canonical field name.
	Lines map[string]int
}

// Registration is how an info document gets into the info directory.
type Registration string

const (
	// Trigger registration is dpkg's install-info trigger on /usr/share/info: no script code.
	Trigger Registration = "trigger"
	// Explicit registration is install-info called from the maintainer scripts.
	Explicit Registration = "explicit"
)

// InfoDir is the directory whose documents install-info's dpkg trigger (de)registers.
const InfoDir = "/usr/share/info"

// The fields of each kind of stanza, in canonical spelling; the first one names the kind.
var (
	daemonFields = []string{"Daemon", "Multiuser", "Multiuser-Since", "Removed-In", "Conffiles"}
	infoFields   = []string{"Info", "File", "Removed-In", "Registration"}
)

// ParseDeclarations parses a declaration file: deb822 stanzas, each a Daemon or an Info
// declaration (docs/declarations.md). Field names are case-insensitive. It checks everything that needs
// no context: syntax, unknown and duplicate fields (with a suggestion), names, versions,
// paths and values. It returns what it could parse and every problem found, positioned in
// file.
func ParseDeclarations(file string, data []byte) (*Declarations, Diagnostics) {
	var diags Diagnostics
	decls := &Declarations{File: file}
	seen := map[string]int{} // "daemon NAME" / "info NAME" → line
	for _, st := range splitStanzas(file, data, &diags) {
		kind, fields := stanzaKind(st)
		if kind == "" {
			diags.errorf(file, st.line, "stanza declares neither a Daemon nor an Info (its first field is %q)", st.fields[0].name)
			continue
		}
		values, lines := canonicalFields(file, st, kind, fields, &diags)
		key := strings.ToLower(kind) + " " + values[kind]
		if prev, dup := seen[key]; dup {
			diags.errorf(file, lines[kind], "%s %q: declared again (first at line %d)", strings.ToLower(kind), values[kind], prev)
			continue
		}
		seen[key] = lines[kind]
		if kind == "Daemon" {
			if d, ok := parseDaemon(file, values, lines, &diags); ok {
				decls.Daemons = append(decls.Daemons, d)
			}
		} else if in, ok := parseInfo(file, values, lines, &diags); ok {
			decls.Infos = append(decls.Infos, in)
		}
	}
	if len(decls.Daemons)+len(decls.Infos) == 0 && !diags.HasErrors() {
		diags.warnf(file, 0, "declares nothing")
	}
	diags.sort()
	return decls, diags
}

// stanzaKind tells which kind of declaration st is, by the field that names it.
func stanzaKind(st stanza) (kind string, fields []string) {
	_, daemon := st.get("Daemon")
	_, info := st.get("Info")
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
func canonicalFields(file string, st stanza, kind string, known []string, diags *Diagnostics) (map[string]string, map[string]int) {
	values, lines := map[string]string{}, map[string]int{}
	for _, f := range st.fields {
		i := slices.IndexFunc(known, func(k string) bool { return strings.EqualFold(k, f.name) })
		if i < 0 {
			msg := fmt.Sprintf("unknown field %q in a %s stanza", truncate(f.name), kind)
			if s := suggest(f.name, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			diags.errorf(file, f.line, "%s", msg)
			continue
		}
		name := known[i]
		if prev, dup := lines[name]; dup {
			diags.errorf(file, f.line, "field %q given twice (first at line %d)", name, prev)
			continue
		}
		values[name], lines[name] = f.value, f.line
	}
	return values, lines
}

func parseDaemon(file string, values map[string]string, lines map[string]int, diags *Diagnostics) (Daemon, bool) {
	d := Daemon{Name: values["Daemon"], Lines: lines}
	errs := diags.errorCount()
	subject := fmt.Sprintf("daemon %q", truncate(d.Name))
	if why := checkName(d.Name); why != "" {
		diags.errorf(file, lines["Daemon"], "%s: invalid init script name: %s", subject, why)
	}
	if v, ok := values["Multiuser"]; ok {
		switch strings.ToLower(v) {
		case "yes":
			d.Multiuser = true
		case "no":
		default:
			diags.errorf(file, lines["Multiuser"], "%s: Multiuser %q: expected \"yes\" or \"no\"", subject, truncate(v))
		}
	}
	if v, ok := values["Multiuser-Since"]; ok {
		d.MultiuserSince = v
		checkVersionField(file, lines["Multiuser-Since"], subject, "Multiuser-Since", v, diags)
		if !d.Multiuser {
			diags.errorf(file, lines["Multiuser-Since"], "%s: Multiuser-Since without \"Multiuser: yes\"", subject)
		}
	}
	if v, ok := values["Removed-In"]; ok {
		d.RemovedIn = v
		checkVersionField(file, lines["Removed-In"], subject, "Removed-In", v, diags)
	}
	if v, ok := values["Conffiles"]; ok {
		d.Conffiles = strings.Fields(v)
		for _, p := range d.Conffiles {
			if why := checkPath(p); why != "" {
				diags.errorf(file, lines["Conffiles"], "%s: conffile %q: %s", subject, truncate(p), why)
			}
		}
		if d.RemovedIn == "" {
			diags.errorf(file, lines["Conffiles"], "%s: Conffiles without Removed-In", subject)
		}
	}
	switch {
	case d.Multiuser && d.RemovedIn != "":
		diags.errorf(file, lines["Removed-In"], "%s: a removed daemon cannot be multiuser", subject)
	case !d.Multiuser && d.RemovedIn == "":
		diags.errorf(file, lines["Daemon"], "%s: declares neither \"Multiuser: yes\" nor Removed-In", subject)
	}
	return d, diags.errorCount() == errs
}

func parseInfo(file string, values map[string]string, lines map[string]int, diags *Diagnostics) (Info, bool) {
	in := Info{Name: values["Info"], Lines: lines}
	errs := diags.errorCount()
	subject := fmt.Sprintf("info document %q", truncate(in.Name))
	if why := checkName(in.Name); why != "" {
		diags.errorf(file, lines["Info"], "%s: invalid document name: %s", subject, why)
	}
	in.File = InfoDir + "/" + in.Name + ".info.gz"
	if v, ok := values["File"]; ok {
		in.File = v
		if why := checkPath(v); why != "" {
			diags.errorf(file, lines["File"], "%s: File %q: %s", subject, truncate(v), why)
		}
	}
	if v, ok := values["Removed-In"]; ok {
		in.RemovedIn = v
		checkVersionField(file, lines["Removed-In"], subject, "Removed-In", v, diags)
	} else {
		diags.errorf(file, lines["Info"], "%s: Removed-In is required", subject)
	}
	in.Registration = Explicit
	if underInfoDir(in.File) {
		in.Registration = Trigger
	}
	if v, ok := values["Registration"]; ok {
		switch r := Registration(strings.ToLower(v)); r {
		case Trigger, Explicit:
			in.Registration = r
		default:
			diags.errorf(file, lines["Registration"], "%s: Registration %q: expected \"trigger\" or \"explicit\"", subject, truncate(v))
		}
	}
	switch {
	case in.Registration == Explicit && underInfoDir(in.File):
		diags.warnf(file, lines["Registration"], "%s: explicit registration of a document in %s: calling install-info from maintainer scripts is a lintian error on Debian's auto-reject list (install-info-used-in-maintainer-script); the dpkg trigger already handles it", subject, InfoDir)
	case in.Registration == Trigger && !underInfoDir(in.File):
		diags.errorf(file, lines["Registration"], "%s: trigger registration needs a document in %s, but File is %q", subject, InfoDir, truncate(in.File))
	}
	return in, diags.errorCount() == errs
}

func underInfoDir(p string) bool { return strings.HasPrefix(p, InfoDir+"/") }

func checkVersionField(file string, line int, subject, name, v string, diags *Diagnostics) {
	if _, err := ParseVersion(v); err != nil {
		diags.errorf(file, line, "%s: %s %q: %v", subject, name, truncate(v), err)
	}
}
