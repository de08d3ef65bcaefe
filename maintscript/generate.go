package maintscript

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dh-teardown/dh-teardown/templates"
)

// Package is one binary package as Render needs it: what it is, what it declares, and the
// init scripts it ships.
type Package struct {
	// Name is the binary package's name, Version the version being built.
	Name, Version string
	// Declarations is what the package declares (its declaration file, or the same built in
	// Go); nil when it declares nothing.
	Declarations *Declarations
	// InitScripts are the init scripts the package ships, each once by name.
	InitScripts []InitScript
	// RemovedConffiles lists the conffiles that the package's own scripts already remove with
	// dpkg-maintscript-helper rm_conffile (debian/PKG.maintscript); Render does not remove
	// them again.
	RemovedConffiles []string
	// Tmpfiles are the base names of the systemd-tmpfiles configuration files whose postinst
	// code debhelper's dh_installinit adds in compat 10 (systemd-tmpfiles --create, when
	// systemd-tmpfiles is installed); debhelper keeps it with the other generated code, not
	// in the service bucket. Usually none.
	Tmpfiles []string
	// Debhelper are the conventions of the debhelper version whose dh_installinit the init
	// scripts' code (InitScript.Init) and the tmpfiles code follow; the zero value is
	// debhelper 13.11.4's.
	Debhelper DebhelperConventions
}

// InitScript is an init script the package ships as /etc/init.d/NAME.
type InitScript struct {
	// Name is the script's name: letters, digits and "_.+-", starting with a letter or digit.
	Name string
	// File is where Content was read from (for example debian/hello.hellod.init), for
	// positions in diagnostics; "" when it was not read from a file.
	File string
	// Content is the script. Only a multiuser daemon needs it (its LSB header is rewritten);
	// it may be nil otherwise.
	Content []byte
	// Init, when set, asks for the code debhelper's dh_installinit adds for the script
	// (registration, start, stop, restart on upgrade), which a packaging tool without
	// debhelper needs; nil when dh_installinit handles the script, as under debhelper.
	Init *InitOptions
}

// InitScript returns the init script named name that p ships.
func (p *Package) InitScript(name string) (InitScript, bool) {
	return byName(p.InitScripts, name, func(s InitScript) string { return s.Name })
}

// byName returns the element of list whose name is name.
func byName[T any](list []T, name string, nameOf func(T) string) (T, bool) {
	for _, e := range list {
		if nameOf(e) == name {
			return e, true
		}
	}
	var zero T
	return zero, false
}

// Result is what Render produces for one package.
type Result struct {
	// Scripts are the whole maintainer scripts, for a package built without debhelper.
	Scripts Scripts
	// Fragments are the blocks of generated code the scripts are made of, in the order they
	// go into their scripts (prerm and postrm take them in reverse), for tools that write
	// them to debhelper's files or show where code comes from.
	Fragments []Fragment
	// Notes say what the code does not show.
	Notes []Note
	// InitScripts are the package's init scripts as it must ship them, in the order of
	// Package.InitScripts: a multiuser daemon's with its LSB header rewritten.
	InitScripts []ShippedScript
}

// ShippedScript is an init script as the package must ship it: /etc/init.d/NAME, mode 0755,
// a conffile.
type ShippedScript struct {
	Name    string
	Content []byte
	// Rewritten tells that Content differs from what Package.InitScripts gave.
	Rewritten bool
}

// InitScript returns the shipped init script named name.
func (r *Result) InitScript(name string) (ShippedScript, bool) {
	return byName(r.InitScripts, name, func(s ShippedScript) string { return s.Name })
}

// Fragment is one block of shell for one maintainer script of one package.
type Fragment struct {
	Package string
	Script  Script
	// Snippet names the template it was rendered from (for example
	// "daemon-removed.preinst"); Subject what it is about (for example `daemon "hellod"`).
	Snippet, Subject string
	// Text is the shell code, ending in a newline, without debhelper's marker lines.
	Text string
	// Service marks a shipped init script's code (InitScript.Init), which debhelper keeps in
	// its service bucket (debian/.debhelper/generated/PKG/SCRIPT.service): after the other
	// blocks in preinst and postinst, before them in prerm and postrm.
	Service bool
}

// Note explains something about the generated code that the code itself does not show.
type Note struct {
	Package, Subject, Text string
}

// Render checks a package's model and renders its maintainer scripts: for its declarations
// (multiuser daemons, removed daemons and info documents), and for the init scripts it ships
// with InitOptions (the code debhelper's dh_installinit would add). tool names the generator
// in debhelper's marker lines ("TOOL/VERSION", for example "mytool/1.2").
//
// Every value is checked, whether it was parsed from a declaration file or built in Go, and
// against the rest of the model: a daemon declared removed must not be shipped, one declared
// multiuser must be, versions declared must not be newer than the one being built. On any
// error Render returns nil and every problem found; otherwise the warnings, if any.
func Render(p Package, tool string) (*Result, Diagnostics) {
	var diags Diagnostics
	r := renderer{p: p, diags: &diags, rewritten: map[string][]byte{}}
	if !r.check(tool) {
		diags.Sort()
		return nil, diags
	}
	g := &generator{pkg: p.Name}
	r.declarations(g)
	r.initScripts(g)
	if len(p.Tmpfiles) > 0 {
		g.render(Postinst, "init.tmpfiles", "tmpfiles.d configuration", templates.InitTmpfiles{Files: p.Tmpfiles, ShowOutput: p.Debhelper.TmpfilesOutput}, false)
	}
	if g.err != nil {
		diags.errorf(r.pkgPos(), "%v", g.err)
	}
	if diags.HasErrors() {
		diags.Sort()
		return nil, diags
	}
	res := &Result{Scripts: assemble(tool, g.fragments), Fragments: g.fragments, Notes: g.notes}
	for _, s := range p.InitScripts {
		shipped := ShippedScript{Name: s.Name, Content: s.Content}
		if text, ok := r.rewritten[s.Name]; ok {
			shipped.Content, shipped.Rewritten = text, true
		}
		res.InitScripts = append(res.InitScripts, shipped)
	}
	diags.Sort()
	return res, diags
}

// renderer checks and renders one package.
type renderer struct {
	p     Package
	diags *Diagnostics
	// rewritten holds the multiuser daemons' init scripts, by name.
	rewritten map[string][]byte
}

// pkgPos is where a problem of the package as a whole is reported: its declaration file, or
// the package.
func (r *renderer) pkgPos() at {
	if r.p.Declarations != nil && r.p.Declarations.File != "" {
		return at{file: r.p.Declarations.File}
	}
	return at{subject: fmt.Sprintf("package %q", truncate(r.p.Name))}
}

// check reports every problem that needs no rendering and tells whether rendering may go on.
func (r *renderer) check(tool string) bool {
	p := r.p
	pos := r.pkgPos()
	if why := checkPackageName(p.Name); why != "" {
		r.diags.errorf(at{file: pos.file, subject: fmt.Sprintf("package %q", truncate(p.Name))}, "%s", why)
	}
	if err := CheckVersion(p.Version); err != nil {
		r.diags.errorf(pos, "version being built %q: %v", truncate(p.Version), err)
	}
	if tool == "" || strings.ContainsAny(tool, " \t\n") {
		r.diags.errorf(pos, "tool %q: the generator's name in the marker lines must be one word, such as \"mytool/1.2\"", truncate(tool))
	}
	for _, name := range p.Tmpfiles {
		if name == "" || strings.Contains(name, "/") {
			r.diags.errorf(pos, "tmpfiles.d configuration %q: not a file's base name", truncate(name))
		}
	}
	if p.Declarations != nil {
		p.Declarations.check(r.diags)
	}
	seen := map[string]bool{}
	for _, s := range p.InitScripts {
		spos := at{subject: daemonSubject(s.Name)}
		switch {
		case checkName(s.Name) != "":
			r.diags.errorf(spos, "invalid init script name: %s", checkName(s.Name))
		case seen[s.Name]:
			r.diags.errorf(spos, "init script shipped twice")
		}
		seen[s.Name] = true
		if s.Init != nil {
			checkInit(s, spos, r.diags)
		}
	}
	return !r.diags.HasErrors()
}

// notNewer reports a declared version newer than the one being built.
func (r *renderer) notNewer(p at, field, v string) bool {
	if compareValid(v, r.p.Version) > 0 {
		r.diags.errorf(p, "%s %q: newer than the version being built (%s)", field, v, r.p.Version)
		return false
	}
	return true
}

// declarations checks the declarations against the package and renders their code.
func (r *renderer) declarations(g *generator) {
	decls := r.p.Declarations
	if decls == nil {
		return
	}
	for _, d := range decls.Daemons {
		pos := decls.pos(d.Lines, daemonSubject(d.Name))
		script, shipped := r.p.InitScript(d.Name)
		switch {
		case d.RemovedIn != "":
			if shipped {
				file := script.File
				if file == "" {
					file = "/etc/init.d/" + d.Name
				}
				r.diags.errorf(pos("Removed-In"), "Removed-In %q, but the package still ships /etc/init.d/%s (%s)", d.RemovedIn, d.Name, file)
				continue
			}
			if r.notNewer(pos("Removed-In"), "Removed-In", d.RemovedIn) {
				g.removedDaemon(d, r.p.RemovedConffiles)
			}
		case d.Multiuser:
			since := d.MultiuserSince
			if since == "" {
				since = r.p.Version
			} else if !r.notNewer(pos("Multiuser-Since"), "Multiuser-Since", since) {
				continue
			}
			switch {
			case !shipped:
				r.diags.errorf(pos("Multiuser"), "multiuser, but the package ships no /etc/init.d/%s", d.Name)
				continue
			case script.Init != nil && script.Init.Multiuser:
				r.diags.errorf(pos("Multiuser"), "declared multiuser twice: here and in its init script's options (dh_installinit's multiuser); declare it in one place")
				continue
			}
			rewritten, err := MakeMultiuser(script.Content)
			if err != nil {
				file := script.File
				if file == "" {
					file = "/etc/init.d/" + d.Name
				}
				r.diags.errorf(pos("Multiuser"), "cannot make %s multiuser: %v", file, err)
				continue
			}
			subject := daemonSubject(d.Name)
			r.multiuserScript(g, subject, d.Name, script.Content, rewritten, since)
			g.multiuserLinks(subject, templates.MultiuserDaemon{Name: d.Name, InitScript: "/etc/init.d/" + d.Name, Since: since}, false)
		}
	}
	for _, info := range decls.Infos {
		pos := decls.pos(info.Lines, infoSubject(info.Name))
		if r.notNewer(pos("Removed-In"), "Removed-In", info.RemovedIn) {
			g.removedInfo(info)
		}
	}
}

// initScripts renders the code of the init scripts shipped with InitOptions.
func (r *renderer) initScripts(g *generator) {
	for _, s := range r.p.InitScripts {
		if s.Init == nil {
			continue
		}
		subject := daemonSubject(s.Name)
		data := checkInit(s, at{}, &Diagnostics{})
		data.DpkgRootSet = r.p.Debhelper.DpkgRootSet
		data.LinksUnderDpkgRoot = r.p.Debhelper.LinksUnderDpkgRoot
		if s.Init.NoStart {
			data.LinksUnderDpkgRoot = r.p.Debhelper.NoStartLinksUnderDpkgRoot
		}
		var multiuser *templates.MultiuserDaemon
		if s.Init.Multiuser {
			if multiuser = r.initMultiuser(s, subject, g); multiuser == nil {
				continue
			}
		}
		g.render(Preinst, "init", subject, data, true)
		if multiuser != nil {
			g.multiuserLinks(subject, *multiuser, true)
		}
		g.render(Postinst, "init", subject, data, true)
		if !s.Init.NoStart {
			g.render(Prerm, "init", subject, data, true)
		}
		g.render(Postrm, "init", subject, data, true)
		g.noteUpgrade(subject, *s.Init)
	}
}

// initMultiuser rewrites a multiuser init script (InitOptions.Multiuser) and returns the data
// of its link snippets, or reports why it cannot.
func (r *renderer) initMultiuser(s InitScript, subject string, g *generator) *templates.MultiuserDaemon {
	pos := at{subject: subject}
	since := s.Init.MultiuserSince
	if since == "" {
		since = r.p.Version
	}
	if err := CheckVersion(since); err != nil {
		r.diags.errorf(pos, "multiuser since %q: %v", truncate(since), err)
		return nil
	}
	if compareValid(since, r.p.Version) > 0 {
		r.diags.errorf(pos, "multiuser since %q: newer than the version being built (%s)", since, r.p.Version)
		return nil
	}
	if s.Content == nil {
		r.diags.errorf(pos, "multiuser, but no init script /etc/init.d/%s is installed", s.Name)
		return nil
	}
	filePos := at{file: s.File, subject: subject}
	if s.File == "" {
		filePos.file = "/etc/init.d/" + s.Name
	}
	h, err := ParseLSBHeader(s.Content)
	if err != nil {
		r.diags.errorf(filePos, "cannot be multiuser: %v", err)
		return nil
	}
	if h.IsRcS() {
		filePos.line = h.StartLine
		r.diags.errorf(filePos, "an rcS script (Default-Start: %s) runs once at boot and cannot be multiuser", strings.Join(h.DefaultStart, " "))
		return nil
	}
	rewritten, err := MakeMultiuser(s.Content)
	if err != nil {
		r.diags.errorf(filePos, "cannot be multiuser: %v", err)
		return nil
	}
	r.multiuserScript(g, subject, s.Name, s.Content, rewritten, since)
	return &templates.MultiuserDaemon{Name: s.Name, InitScript: "/etc/init.d/" + s.Name, Since: since}
}

// multiuserScript keeps a multiuser daemon's rewritten init script and says what became of
// its header: rewritten, or already multiuser (Default-Stop: 1) as staged.
func (r *renderer) multiuserScript(g *generator, subject, name string, content, rewritten []byte, since string) {
	if string(rewritten) == string(content) {
		g.note(subject, "/etc/init.d/%s already says Default-Stop: %s, left as it is; the code for systems upgraded from before %s still runs (it brings their links to that header), and is not needed if no earlier version said otherwise", name, MultiuserStop, since)
		return
	}
	r.rewritten[name] = rewritten
	g.note(subject, "the LSB header of /etc/init.d/%s now says Default-Stop: %s", name, MultiuserStop)
}

// generator renders fragments and notes, keeping the first rendering error.
type generator struct {
	pkg       string
	fragments []Fragment
	notes     []Note
	err       error
}

func (g *generator) render(script Script, snippet, subject string, data any, service bool) {
	name := snippet + "." + script.String()
	text, err := templates.Render(name, data)
	if err != nil {
		if g.err == nil {
			g.err = err
		}
		return
	}
	g.fragments = append(g.fragments, Fragment{Package: g.pkg, Script: script, Snippet: name, Subject: subject, Text: text, Service: service})
}

func (g *generator) note(subject, format string, args ...any) {
	g.notes = append(g.notes, Note{Package: g.pkg, Subject: subject, Text: fmt.Sprintf(format, args...)})
}

// multiuserLinks renders the rc link handling of a multiuser daemon: postinst, configuring
// from before Since, brings the stop links of a registered daemon to a fresh install's
// (none in rc0.d and rc6.d, one in rc1.d) whatever the old header said; postrm, on a
// downgrade to before Since, removes an enabled daemon's links so that the old version's
// update-rc.d defaults makes them anew from its own header.
func (g *generator) multiuserLinks(subject string, data templates.MultiuserDaemon, service bool) {
	g.render(Postinst, "daemon-multiuser", subject, data, service)
	g.render(Postrm, "daemon-multiuser", subject, data, service)
	g.note(subject, "configuring from a version older than %s removes its stop links in rc0.d and rc6.d (shutdown and reboot leave it to sendsigs) and adds the rc1.d one a fresh install has; a downgrade to such a version lets that version's update-rc.d remake its links from its own header. This is about sysvinit: systemd stops the daemon's unit at shutdown whatever the header says", data.Since)
}

func (g *generator) removedDaemon(d Daemon, alreadyRemoved []string) {
	subject := daemonSubject(d.Name)
	initScript := "/etc/init.d/" + d.Name
	var conffiles []string
	for _, c := range append([]string{initScript}, d.Conffiles...) {
		if slices.Contains(alreadyRemoved, c) {
			g.note(subject, "debian/%s.maintscript already removes the conffile %s", g.pkg, c)
			continue
		}
		conffiles = append(conffiles, c)
	}
	records := stateDir + "/" + g.pkg + "_" + d.Name
	service := d.Name + ".service"
	data := templates.RemovedDaemon{Name: d.Name, InitScript: initScript, RemovedIn: d.RemovedIn, Conffiles: conffiles, PriorVersion: d.RemovedIn + "~",
		Service: service, StateDir: records, InitRecord: records + "/init"}
	for _, u := range stopOrder(append([]string{service}, d.Units...)) {
		data.Units = append(data.Units, templates.Unit{Name: u, Record: records + "/" + u, Files: unitFiles(u)})
	}
	if d.ReplacedBy != "" {
		unit := d.ReplacedBy + ".service"
		data.ReplacedBy = &templates.Replacement{Name: d.ReplacedBy, InitScript: "/etc/init.d/" + d.ReplacedBy, Unit: templates.Unit{Name: unit, Files: unitFiles(unit)},
			OldMask: unitDirs[0] + "/" + service, OldMaskRecord: dshMaskedDir + "/" + service}
	}
	for _, script := range []Script{Preinst, Postinst, Postrm} {
		g.render(script, "daemon-removed", subject, data, false)
	}
}

// stateDir is where the generated preinst of a package records which daemons and units of the
// daemons it no longer ships it stopped, in PKG_NAME/ (a package name has no "_"), which the
// postinst or the postrm removes: under /run, so that a record never outlives the processes it
// describes (a reboot clears both), and in a directory of its own, not /run/PKG, which may be a
// daemon's RuntimeDirectory that systemd removes when it stops the daemon.
const stateDir = "/run/dh-teardown"

// unitDirs are the directories systemd loads system unit files from (administrator,
// runtime, packages before and after the /usr merge). A unit whose file is in none of them is
// gone from the system; one whose file is still in one of them moved to another package (or is
// the administrator's own) and is left alone.
var unitDirs = []string{"/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"}

// dshMaskedDir is where deb-systemd-helper records the masks it made (/etc/systemd/system
// links to /dev/null), to tell them from an administrator's, which it never removes.
const dshMaskedDir = "/var/lib/systemd/deb-systemd-helper-masked"

func unitFiles(unit string) []string {
	files := make([]string, len(unitDirs))
	for i, d := range unitDirs {
		files[i] = d + "/" + unit
	}
	return files
}

// stopOrder orders units as the preinst stops them: the units that activate others
// (sockets, timers, paths) first, so that nothing starts again what was just stopped; the
// rest keep their order.
func stopOrder(units []string) []string {
	trigger := func(u string) bool {
		return strings.HasSuffix(u, ".socket") || strings.HasSuffix(u, ".timer") || strings.HasSuffix(u, ".path")
	}
	out := make([]string, 0, len(units))
	for _, first := range []bool{true, false} {
		for _, u := range units {
			if trigger(u) == first && !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
	}
	return out
}

func (g *generator) removedInfo(info Info) {
	subject := infoSubject(info.Name)
	switch {
	case info.registration() == Trigger && underInfoDir(info.path()):
		g.note(subject, "no script code: dpkg's install-info trigger on %s deregisters %s when the upgrade removes it", InfoDir, info.path())
		return
	case info.registration() == Trigger:
		g.note(subject, "no script code: %s is outside %s, where dpkg's install-info trigger does not look, but the trigger rebuilds %s/dir from %s alone, so no entry for it outlives the trigger's next run; Registration: explicit would call install-info, which Debian's archive rejects", info.path(), InfoDir, InfoDir, InfoDir)
		return
	}
	data := templates.RemovedInfo{File: info.path(), DirFile: InfoDir + "/dir", RemovedIn: info.RemovedIn}
	for _, script := range []Script{Preinst, Postrm} {
		g.render(script, "info-removed", subject, data, false)
	}
}
