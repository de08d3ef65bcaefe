package explain

import (
	_ "embed"
	"fmt"
	"os"
	"strings"
	"text/template"

	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
	"github.com/dh-teardown/dh-teardown/maintscript"
	"github.com/dh-teardown/dh-teardown/maintscript/simulate"
)

// This file builds the two versions of a transition as simulated packages: the one the tree
// builds (generated) and another one (modelled). Both get their init code from the
// project's own templates, as the drop-in dh_installinit writes it (the same behaviour as
// debhelper's), so that an explanation is the same on every host.

//go:embed init.d.tmpl
var initScriptModel string

// initScriptTemplate is the init script of a daemon the tree no longer has (simulation data:
// only its LSB header matters, to update-rc.d).
var initScriptTemplate = template.Must(template.New("init.d").Option("missingkey=error").Parse(initScriptModel))

// Origins of a version, as the output names them.
const (
	originGenerated = "generated"
	originModelled  = "modelled"
)

// version is one side of a transition.
type version struct {
	pkg    simulate.Package
	origin string
	// about says what it is made of, for the assumptions.
	about string
}

// versions makes the packages of a transition.
type versions struct {
	tree  *srctree.Tree
	out   srctree.PackageOutput
	rules initOptions
}

// initFragments renders the dh_installinit code of the daemons a version ships, with the
// settings debian/rules gives them (multiuser ones with their since version), in compat
// compat. It also returns the multiuser daemons' rewritten init scripts.
func (v versions) initFragments(ship []shipped, compat int) ([]maintscript.Fragment, map[string][]byte, error) {
	var fragments []maintscript.Fragment
	rewritten := map[string][]byte{}
	for _, s := range ship {
		d, ok := v.rules.daemon(v.out.Package, s.name)
		switch {
		case s.removed:
			d = maintscript.InitDaemon{} // the tree's debian/rules no longer knows it
		case !ok:
			continue
		}
		d.Name = s.name
		d.SkipSystemdNative = compat >= 12
		d.Multiuser, d.MultiuserSince = s.multiuserSince != "", s.multiuserSince
		in := maintscript.InitInput{Package: v.out.Package, Version: v.out.Input.Version, Daemon: d}
		if d.Multiuser {
			in.Script = &maintscript.InitScript{File: "/etc/init.d/" + s.name, Content: s.script}
		}
		out, diags := maintscript.GenerateInit(in)
		if diags.HasErrors() {
			return nil, nil, fmt.Errorf("daemon %q: %v", s.name, diags)
		}
		fragments = append(fragments, out.Fragments...)
		for name, script := range out.InitScripts {
			rewritten[name] = script
		}
	}
	return fragments, rewritten, nil
}

// shipped is a daemon a version ships.
type shipped struct {
	name   string
	script []byte
	// multiuserSince is set when the version's dh_installinit made it multiuser (a modelled
	// version at or after Multiuser-Since).
	multiuserSince string
	// removed says the tree no longer ships it: dh_installinit's default settings apply.
	removed bool
}

// generated is the version the tree builds: the init scripts of the daemons it declares
// (multiuser ones rewritten); as scripts, dh_teardown's fragments and the drop-in
// dh_installinit's code for those daemons, placed as dh_installdeb places them.
func (v versions) generated() (version, error) {
	out := v.out
	pkg := simulate.Package{Name: out.Package, Version: out.Input.Version}
	var ship []shipped
	var names []string
	for _, d := range out.Input.Declarations.Daemons {
		script, ok := out.Input.InitScripts[d.Name]
		if !ok {
			continue
		}
		content := script.Content
		if rewritten, ok := out.InitScripts[d.Name]; ok {
			content = rewritten
		}
		pkg.Files = append(pkg.Files, simulate.File{Path: "/etc/init.d/" + d.Name, Mode: 0o755, Content: string(content), Conffile: true})
		ship = append(ship, shipped{name: d.Name, script: content})
		names = append(names, d.Name)
	}
	initCode, _, err := v.initFragments(ship, v.tree.Source.Compat)
	if err != nil {
		return version{}, err
	}
	pkg.Scripts = assemble(out.Fragments, initCode)
	about := fmt.Sprintf("%s %s (the tree): dh_teardown's code for its declarations", out.Package, pkg.Version)
	if len(names) > 0 {
		about += fmt.Sprintf(", and dh_installinit's (compat %d, as debian/rules runs it) for %s, placed as dh_installdeb places them",
			v.tree.Source.Compat, strings.Join(names, ", "))
	}
	var handwritten []string
	for _, script := range maintscript.Scripts {
		name := "debian/" + out.Package + "." + script
		if _, err := os.Stat(v.tree.Path(name)); err == nil {
			handwritten = append(handwritten, name)
		}
	}
	if len(handwritten) > 0 {
		about += "; the hand-written " + strings.Join(handwritten, ", ") + " not included"
	}
	return version{pkg: pkg, origin: originGenerated, about: about}, nil
}

// modelled is version number of the package as the tree's declarations say it was: every
// declared daemon it shipped (removed in a later version; multiuser ones with the header the
// tree's source init script has, or multiuser already from Multiuser-Since on), the declared
// conffiles of removed daemons, the info documents removed in a later version; as scripts,
// the drop-in dh_installinit's code for its daemons and no other dh-teardown code.
func (v versions) modelled(number string) (version, error) {
	out := v.out
	nv, _ := maintscript.ParseVersion(number)
	before := func(x string) bool {
		xv, err := maintscript.ParseVersion(x)
		return err == nil && maintscript.CompareVersions(nv, xv) < 0
	}
	pkg := simulate.Package{Name: out.Package, Version: number}
	var ship []shipped
	var described []string
	for _, d := range out.Input.Declarations.Daemons {
		s := shipped{name: d.Name}
		var header string
		switch {
		case d.RemovedIn != "" && before(d.RemovedIn):
			var b strings.Builder
			if err := initScriptTemplate.Execute(&b, struct{ Name, Stop string }{d.Name, "0 1 6"}); err != nil {
				return version{}, err
			}
			s.script, header, s.removed = []byte(b.String()), "modelled", true
		case d.Multiuser:
			since := d.MultiuserSince
			if since == "" {
				since = out.Input.Version
			}
			src, ok, err := v.tree.SourceInitScript(out.Package, d.Name)
			if err != nil {
				return version{}, fmt.Errorf("daemon %q: %v", d.Name, err)
			}
			if !ok {
				return version{}, fmt.Errorf("daemon %q: the tree has no debian/%s.%s.init to model version %s's from", d.Name, out.Package, d.Name, number)
			}
			s.script, header = src.Content, "from "+src.File
			if !before(since) {
				s.multiuserSince, header = since, "multiuser since "+since
			}
		default:
			continue
		}
		pkg.Files = append(pkg.Files, simulate.File{Path: "/etc/init.d/" + d.Name, Mode: 0o755, Content: string(s.script), Conffile: true})
		for _, c := range d.Conffiles {
			pkg.Files = append(pkg.Files, simulate.File{Path: c, Mode: 0o644, Content: "# " + c + " of " + d.Name + " " + number + "\n", Conffile: true})
		}
		ship = append(ship, s)
		described = append(described, fmt.Sprintf("%s (init script %s)", d.Name, header))
	}
	for _, info := range out.Input.Declarations.Infos {
		if before(info.RemovedIn) {
			pkg.Files = append(pkg.Files, simulate.File{Path: info.File, Mode: 0o644})
			described = append(described, "info document "+info.File)
		}
	}
	initCode, rewritten, err := v.initFragments(ship, v.tree.Source.Compat)
	if err != nil {
		return version{}, err
	}
	pkg.Scripts = assemble(nil, initCode)
	for i, f := range pkg.Files {
		if script, ok := rewritten[strings.TrimPrefix(f.Path, "/etc/init.d/")]; ok {
			pkg.Files[i].Content = string(script) // multiuser already: its header says so
		}
	}
	what := "nothing the declarations name"
	if len(described) > 0 {
		what = strings.Join(described, ", ")
	}
	return version{pkg: pkg, origin: originModelled, about: fmt.Sprintf(
		"%s %s: modelled from the declarations, not read: it ships %s; its scripts hold dh_installinit's code for those daemons (compat %d, as debian/rules runs it) and no other dh-teardown code",
		out.Package, number, what, v.tree.Source.Compat)}, nil
}

// assemble puts a version's blocks together as dh_installdeb does when there is no
// hand-written script: dh_teardown's (debian/PKG.SCRIPT.debhelper) in their order, then
// dh_installinit's (its service bucket) for preinst and postinst; the reverse for prerm and
// postrm.
func assemble(teardown, initCode []maintscript.Fragment) map[string]string {
	scripts := map[string]string{}
	for _, script := range maintscript.Scripts {
		var blocks []string
		for _, f := range teardown {
			if f.Script == script {
				blocks = append(blocks, maintscript.Block(srctree.Tool("dh_teardown"), f.Text))
			}
		}
		for _, f := range initCode {
			if f.Script == script {
				blocks = append(blocks, maintscript.Block(srctree.Tool("dh_installinit"), f.Text))
			}
		}
		if len(blocks) == 0 {
			continue
		}
		if script == "prerm" || script == "postrm" {
			for i, j := 0, len(blocks)-1; i < j; i, j = i+1, j-1 {
				blocks[i], blocks[j] = blocks[j], blocks[i]
			}
		}
		scripts[script] = "#!/bin/sh\nset -e\n" + strings.Join(blocks, "")
	}
	return scripts
}
