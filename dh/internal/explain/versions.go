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
// builds (generated) and another one (modelled). Both are rendered by maintscript.Render,
// with the init code the drop-in dh_installinit writes (the same behaviour as debhelper's)
// and the scripts assembled in dh_installdeb's order, so that an explanation is the same on
// every host.

//go:embed init.d.tmpl
var initScriptModel string

// initScriptTemplate is the init script of a daemon the tree no longer has (simulation data:
// only its LSB header matters, to update-rc.d).
var initScriptTemplate = template.Must(template.New("init.d").Option("missingkey=error").Parse(initScriptModel))

// tool names the generator in the simulated scripts' marker lines: both dh_teardown's and
// dh_installinit's code.
var tool = srctree.Tool("dh-teardown")

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
	// units are the systemd units it ships, which setUp enables and starts.
	units []string
}

// versions makes the packages of a transition.
type versions struct {
	tree  *srctree.Tree
	out   srctree.PackageOutput
	rules initOptions
	// units says that modelled versions ship a unit for each daemon declared removed later
	// (NAME.service and the Units: of the declaration).
	units bool
}

// withInit gives each init script of p the dh_installinit settings debian/rules gives it
// (compat from the tree), and returns the names of those that get code. A script the tree no
// longer ships gets dh_installinit's defaults: the tree's debian/rules does not know it.
func (v versions) withInit(p *maintscript.Package, removed map[string]bool) []string {
	var names []string
	for i, s := range p.InitScripts {
		o, ok := v.rules.daemon(p.Name, s.Name)
		if removed[s.Name] {
			o, ok = maintscript.InitOptions{}, true
		}
		if !ok {
			continue
		}
		o.SkipSystemdNative = v.tree.Source.Compat >= 12
		o.Multiuser, o.MultiuserSince = s.Init != nil && s.Init.Multiuser, ""
		if o.Multiuser {
			o.MultiuserSince = s.Init.MultiuserSince
		}
		p.InitScripts[i].Init = &o
		names = append(names, s.Name)
	}
	return names
}

// render renders p into a simulated package with files.
func render(p maintscript.Package, files []simulate.File) (simulate.Package, error) {
	res, diags := maintscript.Render(p, tool)
	if diags.HasErrors() {
		return simulate.Package{}, fmt.Errorf("%s %s: %v", p.Name, p.Version, diags.Err())
	}
	pkg := simulate.Package{Name: p.Name, Version: p.Version, Files: files, Scripts: map[string]string{}}
	for _, s := range maintscript.AllScripts() {
		if text := res.Scripts.Get(s); text != "" {
			pkg.Scripts[s.String()] = text
		}
	}
	for i, f := range pkg.Files {
		if name, ok := strings.CutPrefix(f.Path, "/etc/init.d/"); ok {
			if shipped, ok := res.InitScript(name); ok {
				pkg.Files[i].Content = string(shipped.Content) // a multiuser daemon's header rewritten
			}
		}
	}
	return pkg, nil
}

// generated is the version the tree builds: the init scripts of the daemons it declares
// (multiuser ones rewritten); as scripts, dh_teardown's code and the drop-in
// dh_installinit's for those daemons, placed as dh_installdeb places them.
func (v versions) generated() (version, error) {
	in := v.out.Input
	in.InitScripts = append([]maintscript.InitScript(nil), in.InitScripts...)
	// A daemon that replaces a removed one (Replaced-By) is not declared itself: its init
	// script is the tree's, as dh_installinit installs it.
	for _, d := range in.Declarations.Daemons {
		if _, shipped := in.InitScript(d.ReplacedBy); d.ReplacedBy == "" || shipped {
			continue
		}
		s, ok, err := v.tree.SourceInitScript(in.Name, d.ReplacedBy)
		if err != nil {
			return version{}, fmt.Errorf("daemon %q: Replaced-By %q: %v", d.Name, d.ReplacedBy, err)
		}
		if ok {
			in.InitScripts = append(in.InitScripts, s)
		}
	}
	var files []simulate.File
	for _, s := range in.InitScripts {
		files = append(files, simulate.File{Path: "/etc/init.d/" + s.Name, Mode: 0o755, Content: string(s.Content), Conffile: true})
	}
	names := v.withInit(&in, nil)
	pkg, err := render(in, files)
	if err != nil {
		return version{}, err
	}
	about := fmt.Sprintf("%s %s (the tree): dh_teardown's code for its declarations", in.Name, in.Version)
	if len(names) > 0 {
		about += fmt.Sprintf(", and dh_installinit's (compat %d, as debian/rules runs it) for %s, placed as dh_installdeb places them",
			v.tree.Source.Compat, strings.Join(names, ", "))
	}
	var handwritten []string
	for _, script := range maintscript.AllScripts() {
		name := "debian/" + in.Name + "." + script.String()
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
// the drop-in dh_installinit's code for its daemons (multiuser from Multiuser-Since on) and
// no other dh-teardown code.
func (v versions) modelled(number string) (version, error) {
	out := v.out
	before := func(x string) bool {
		c, err := maintscript.CompareVersions(number, x)
		return err == nil && c < 0
	}
	p := maintscript.Package{Name: out.Package, Version: number}
	removed := map[string]bool{}
	var files []simulate.File
	var units []string
	var described []string
	for _, d := range out.Input.Declarations.Daemons {
		s := maintscript.InitScript{Name: d.Name}
		var header string
		switch {
		case d.RemovedIn != "" && before(d.RemovedIn):
			var b strings.Builder
			if err := initScriptTemplate.Execute(&b, struct{ Name, Stop string }{d.Name, "0 1 6"}); err != nil {
				return version{}, err
			}
			s.Content, header, removed[d.Name] = []byte(b.String()), "modelled", true
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
			s.Content, header = src.Content, "from "+src.File
			if !before(since) {
				s.Init = &maintscript.InitOptions{Multiuser: true, MultiuserSince: since}
				header = "multiuser since " + since
			}
		default:
			continue
		}
		p.InitScripts = append(p.InitScripts, s)
		files = append(files, simulate.File{Path: "/etc/init.d/" + d.Name, Mode: 0o755, Content: string(s.Content), Conffile: true})
		if v.units && removed[d.Name] {
			for _, u := range append([]string{d.Name + ".service"}, d.Units...) {
				files = append(files, simulate.File{Path: unitDir + "/" + u, Mode: 0o644, Content: unitModel(d.Name, u)})
				units = append(units, u)
				header += ", unit " + u
			}
		}
		for _, c := range d.Conffiles {
			files = append(files, simulate.File{Path: c, Mode: 0o644, Content: "# " + c + " of " + d.Name + " " + number + "\n", Conffile: true})
		}
		described = append(described, fmt.Sprintf("%s (init script %s)", d.Name, header))
	}
	for _, info := range out.Input.Declarations.Infos {
		if before(info.RemovedIn) {
			files = append(files, simulate.File{Path: info.File, Mode: 0o644})
			described = append(described, "info document "+info.File)
		}
	}
	v.withInit(&p, removed)
	pkg, err := render(p, files)
	if err != nil {
		return version{}, err
	}
	what := "nothing the declarations name"
	if len(described) > 0 {
		what = strings.Join(described, ", ")
	}
	return version{pkg: pkg, origin: originModelled, units: units, about: fmt.Sprintf(
		"%s %s: modelled from the declarations, not read: it ships %s; its scripts hold dh_installinit's code for those daemons (compat %d, as debian/rules runs it) and no other dh-teardown code",
		out.Package, number, what, v.tree.Source.Compat)}, nil
}

// unitDir is where the modelled versions ship their units, as debhelper 13.11 installs them.
const unitDir = "/lib/systemd/system"

// unitModel is the file of unit, one of daemon's (simulation data: only its [Install]
// section matters, to deb-systemd-helper).
func unitModel(daemon, unit string) string {
	wantedBy := "multi-user.target"
	switch {
	case strings.HasSuffix(unit, ".socket"):
		wantedBy = "sockets.target"
	case strings.HasSuffix(unit, ".timer"):
		wantedBy = "timers.target"
	case strings.HasSuffix(unit, ".path"):
		wantedBy = "paths.target"
	}
	return fmt.Sprintf("[Unit]\nDescription=%s (modelled)\n\n[Install]\nWantedBy=%s\n", daemon, wantedBy)
}
