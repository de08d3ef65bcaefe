package maintscript

import (
	"fmt"

	"github.com/dh-teardown/dh-teardown/templates"
)

// Scripts are the maintainer scripts, in the order dpkg first runs them on an upgrade.
var Scripts = []string{"preinst", "postinst", "prerm", "postrm"}

// Input is what Generate needs to know about one binary package.
type Input struct {
	// Package is the binary package's name, Version the version being built.
	Package, Version string
	// Declarations is the package's declaration file; nil when it has none.
	Declarations *Declarations
	// InitScripts holds the init scripts the package ships, by name (/etc/init.d/NAME): as
	// staged in debian/PKG/etc/init.d, or the debian/PKG.NAME.init that will be installed.
	InitScripts map[string]InitScript
	// RemovedConffiles holds the conffiles that debian/PKG.maintscript already removes with
	// rm_conffile; Generate does not remove them again.
	RemovedConffiles map[string]bool
}

// InitScript is an init script and where it was read from.
type InitScript struct {
	File    string
	Content []byte
}

// Fragment is one block of shell for one maintainer script of one package.
type Fragment struct {
	Package string
	// Script is "preinst", "postinst", "prerm" or "postrm".
	Script string
	// Snippet names the template it was rendered from; Subject what it is about, for
	// example `daemon "hellod"`.
	Snippet, Subject string
	// Text is the shell code, ending in a newline, without debhelper's marker lines.
	Text string
}

// Note explains something about the generated code that the code itself does not show.
type Note struct {
	Package, Subject, Text string
}

// Output is what Generate produces for one package.
type Output struct {
	// Fragments in the order they go into their scripts.
	Fragments []Fragment
	Notes     []Note
	// InitScripts holds the rewritten init scripts of multiuser daemons, by name; a script
	// that needs no change is absent.
	InitScripts map[string][]byte
	// Warnings are the problems that do not stop generation.
	Warnings Diagnostics
}

// Generate checks a package's declarations against what it ships and the version being built,
// and renders the maintainer script fragments for them (docs/design.md §5). On any error it returns
// every problem, positioned in the declaration file, and no output.
func Generate(in Input) (*Output, Diagnostics) {
	var diags Diagnostics
	out := &Output{InitScripts: map[string][]byte{}}
	if in.Declarations == nil {
		return out, nil
	}
	file := in.Declarations.File
	built, err := ParseVersion(in.Version)
	if err != nil {
		diags.errorf(file, 0, "version being built %q: %v", truncate(in.Version), err)
		return nil, diags
	}
	if why := checkPackageName(in.Package); why != "" {
		diags.errorf(file, 0, "package %q: %s", truncate(in.Package), why)
		return nil, diags
	}
	// notNewer reports a declared version newer than the one being built.
	notNewer := func(subject, name, v string, line int) bool {
		dv, err := ParseVersion(v)
		if err != nil {
			diags.errorf(file, line, "%s: %s %q: %v", subject, name, truncate(v), err)
			return false
		}
		if CompareVersions(dv, built) > 0 {
			diags.errorf(file, line, "%s: %s %q: newer than the version being built (%s)", subject, name, v, in.Version)
			return false
		}
		return true
	}
	g := generator{in: in, out: out}
	for _, d := range in.Declarations.Daemons {
		subject := fmt.Sprintf("daemon %q", d.Name)
		script, shipped := in.InitScripts[d.Name]
		switch {
		case d.RemovedIn != "":
			if shipped {
				diags.errorf(file, d.Lines["Removed-In"], "%s: Removed-In %q, but the package still ships /etc/init.d/%s (%s)", subject, d.RemovedIn, d.Name, script.File)
				continue
			}
			if notNewer(subject, "Removed-In", d.RemovedIn, d.Lines["Removed-In"]) {
				g.removedDaemon(subject, d)
			}
		case d.Multiuser:
			since := d.MultiuserSince
			if since == "" {
				since = in.Version
			} else if !notNewer(subject, "Multiuser-Since", since, d.Lines["Multiuser-Since"]) {
				continue
			}
			if !shipped {
				diags.errorf(file, d.Lines["Multiuser"], "%s: multiuser, but the package ships no /etc/init.d/%s", subject, d.Name)
				continue
			}
			rewritten, err := MakeMultiuser(script.Content)
			if err != nil {
				diags.errorf(file, d.Lines["Multiuser"], "%s: cannot make %s multiuser: %v", subject, script.File, err)
				continue
			}
			g.multiuserDaemon(subject, d, since, script.Content, rewritten)
		}
	}
	for _, info := range in.Declarations.Infos {
		subject := fmt.Sprintf("info document %q", info.Name)
		if notNewer(subject, "Removed-In", info.RemovedIn, info.Lines["Removed-In"]) {
			g.removedInfo(subject, info)
		}
	}
	if err := g.err; err != nil {
		diags.errorf(file, 0, "%v", err)
	}
	if diags.HasErrors() {
		diags.sort()
		return nil, diags
	}
	return out, diags
}

// generator renders fragments into out, keeping the first rendering error.
type generator struct {
	in  Input
	out *Output
	err error
}

func (g *generator) render(script, snippet, subject string, data any) {
	text, err := templates.Render(snippet+"."+script, data)
	if err != nil {
		if g.err == nil {
			g.err = err
		}
		return
	}
	g.out.Fragments = append(g.out.Fragments, Fragment{Package: g.in.Package, Script: script, Snippet: snippet + "." + script, Subject: subject, Text: text})
}

func (g *generator) note(subject, format string, args ...any) {
	g.out.Notes = append(g.out.Notes, Note{Package: g.in.Package, Subject: subject, Text: fmt.Sprintf(format, args...)})
}

func (g *generator) multiuserDaemon(subject string, d Daemon, since string, script, rewritten []byte) {
	if string(script) != string(rewritten) {
		g.out.InitScripts[d.Name] = rewritten
		g.note(subject, "the LSB header of /etc/init.d/%s now says Default-Stop: %s", d.Name, MultiuserStop)
	}
	g.multiuserLinks(subject, templates.MultiuserDaemon{Name: d.Name, InitScript: "/etc/init.d/" + d.Name, Since: since})
}

// multiuserLinks renders the rc link handling of a multiuser daemon: postinst drops the old
// rc0.d/rc6.d stop links when configuring from before Since, postrm puts them back on a
// downgrade to before Since.
func (g *generator) multiuserLinks(subject string, data templates.MultiuserDaemon) {
	g.render("postinst", "daemon-multiuser", subject, data)
	g.render("postrm", "daemon-multiuser", subject, data)
	g.note(subject, "configuring from a version older than %s removes its stop links in rc0.d and rc6.d: shutdown and reboot leave it to sendsigs", data.Since)
}

func (g *generator) removedDaemon(subject string, d Daemon) {
	initScript := "/etc/init.d/" + d.Name
	var conffiles []string
	for _, c := range append([]string{initScript}, d.Conffiles...) {
		if g.in.RemovedConffiles[c] {
			g.note(subject, "debian/%s.maintscript already removes the conffile %s", g.in.Package, c)
			continue
		}
		conffiles = append(conffiles, c)
	}
	data := templates.RemovedDaemon{Name: d.Name, InitScript: initScript, RemovedIn: d.RemovedIn, Conffiles: conffiles, PriorVersion: d.RemovedIn + "~"}
	for _, script := range []string{"preinst", "postinst", "postrm"} {
		g.render(script, "daemon-removed", subject, data)
	}
}

func (g *generator) removedInfo(subject string, info Info) {
	if info.Registration == Trigger {
		g.note(subject, "no script code: dpkg's install-info trigger on %s deregisters %s when the upgrade removes it", InfoDir, info.File)
		return
	}
	data := templates.RemovedInfo{File: info.File, DirFile: InfoDir + "/dir", RemovedIn: info.RemovedIn}
	for _, script := range []string{"preinst", "postrm"} {
		g.render(script, "info-removed", subject, data)
	}
}
