// Package srctree is dh-teardown's debhelper face: it reads a source tree being built (debian/
// files and what earlier debhelper commands staged in debian/PKG/), turns it into the
// maintscript library's inputs, and holds what dh_teardown, the drop-in dh_installinit and
// the teardown review commands share.
package srctree

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dh-teardown/dh-teardown/dh/internal/debhelper"
	"github.com/dh-teardown/dh-teardown/maintscript"
)

// Version is dh-teardown's version, set at build time from debian/changelog.
var Version = "0.1.0"

// Tool names a generating command in debhelper's marker lines: "dh_teardown/0.1.0".
func Tool(command string) string { return command + "/" + Version }

// Tree is a source tree being built: the directory that holds debian/.
type Tree struct {
	Dir    string
	Source *Source
	// MainPackage is the package whose files may omit the "PKG." prefix (debhelper's
	// --mainpackage; by default the first binary package).
	MainPackage string
	// Host selects the debian/PKG.NAME.ARCH and .OS variants of files.
	Host debhelper.Host
	// Debian is debian/ as listed when the tree was opened, where debian/PKG.NAME files are
	// looked up.
	Debian *debhelper.DebianDir
}

// OpenTree reads debian/control, debian/changelog and debian/compat under dir.
func OpenTree(dir string) (*Tree, maintscript.Diagnostics) {
	debian, err := debhelper.ReadDebianDir(filepath.Join(dir, "debian"))
	if err != nil {
		return nil, maintscript.Diagnostics{{File: filepath.Join(dir, "debian"), Severity: maintscript.Error, Message: "no debian/ directory: not a source tree"}}
	}
	src, diags := ReadSource(os.DirFS(dir))
	if src == nil {
		return nil, diags
	}
	return &Tree{Dir: dir, Source: src, MainPackage: src.Packages[0].Name, Debian: debian}, diags
}

// Packages returns the binary packages of debian/control as debhelper's package selection
// takes them.
func (t *Tree) Packages() []debhelper.Package {
	pkgs := make([]debhelper.Package, len(t.Source.Packages))
	for i, p := range t.Source.Packages {
		pkgs[i] = debhelper.Package{Name: p.Name, Architecture: p.Architecture, BuildProfiles: p.BuildProfiles}
	}
	return pkgs
}

// Path returns the path of rel (slash-separated, relative to the tree) on disk.
func (t *Tree) Path(rel string) string { return filepath.Join(t.Dir, filepath.FromSlash(rel)) }

// isMain reports whether pkg's debian/ files may omit the "PKG." prefix.
func (t *Tree) isMain(pkg string) bool { return t.MainPackage == pkg }

// pkgFile finds debian/PKG.NAME (or a variant) as debhelper does and returns its path
// relative to the tree.
func (t *Tree) pkgFile(pkg, name string) (string, bool) {
	p, ok := t.Debian.PkgFile(pkg, t.isMain(pkg), name, t.Host)
	if !ok {
		return "", false
	}
	return "debian/" + filepath.Base(p), true
}

// StagedInitScript is the path, relative to the tree, of the init script NAME as staged for
// pkg by dh_installinit.
func StagedInitScript(pkg, name string) string { return "debian/" + pkg + "/etc/init.d/" + name }

// ScriptSource tells where Input looks for the init scripts a package ships.
type ScriptSource int

const (
	// Staged reads only debian/PKG/etc/init.d, as dh_teardown does after dh_installinit.
	Staged ScriptSource = iota
	// StagedOrSource falls back to debian/PKG.NAME.init (and debian/PKG.init, debian/init for
	// the first package) when nothing is staged yet, as teardown render does before a build.
	StagedOrSource
)

// Input reads pkg's declaration file (debian/PKG.teardown, or debian/teardown for the first
// package), the init scripts it declares, and the conffiles debian/PKG.maintscript already
// removes, into the maintscript library's model. The model's Declarations are nil when the
// package has no declaration file. The diagnostics are the problems that stop reading: the
// declaration file's warnings come again from maintscript.Render, which checks it again.
func (t *Tree) Input(pkg string, from ScriptSource) (maintscript.Package, maintscript.Diagnostics) {
	in := maintscript.Package{Name: pkg, Version: t.Source.Version}
	decls, diags := t.Declarations(pkg)
	if decls == nil || diags.HasErrors() {
		return in, diags
	}
	in.Declarations = decls
	diags = nil
	for _, d := range decls.Daemons {
		script, ok, err := t.initScript(pkg, d.Name, from)
		if err != nil {
			diags = append(diags, fileError(script.File, err)...)
			continue
		}
		if ok {
			in.InitScripts = append(in.InitScripts, script)
		}
	}
	removed, mdiags := t.maintscriptConffiles(pkg)
	in.RemovedConffiles = removed
	return in, append(diags, mdiags...)
}

// Declarations reads and parses pkg's declaration file, debian/PKG.teardown (or
// debian/teardown for the first package); nil when the package has none.
func (t *Tree) Declarations(pkg string) (*maintscript.Declarations, maintscript.Diagnostics) {
	file, ok := t.pkgFile(pkg, "teardown")
	if !ok {
		return nil, nil
	}
	data, err := debhelper.ReadFile(t.Path(file))
	if err != nil {
		return nil, fileError(file, err)
	}
	return maintscript.ParseDeclarations(file, data)
}

// initScript finds the init script name of pkg.
func (t *Tree) initScript(pkg, name string, from ScriptSource) (maintscript.InitScript, bool, error) {
	if from == StagedOrSource {
		if _, err := os.Stat(t.Path("debian/" + pkg)); errors.Is(err, fs.ErrNotExist) {
			return t.SourceInitScript(pkg, name)
		}
	}
	return t.readFirst(name, StagedInitScript(pkg, name))
}

// SourceInitScript reads the init script name of pkg as debian/ holds it, before
// dh_installinit stages it (and dh_teardown rewrites the staged copy): debian/PKG.NAME.init,
// or for the package's own name debian/PKG.init and, for the first package, debian/init.
func (t *Tree) SourceInitScript(pkg, name string) (maintscript.InitScript, bool, error) {
	candidates := []string{"debian/" + pkg + "." + name + ".init"}
	if name == pkg {
		candidates = append(candidates, "debian/"+pkg+".init")
		if t.isMain(pkg) {
			candidates = append(candidates, "debian/init")
		}
	}
	return t.readFirst(name, candidates...)
}

// readFirst reads the init script name from the first of the files that exists.
func (t *Tree) readFirst(name string, candidates ...string) (maintscript.InitScript, bool, error) {
	for _, c := range candidates {
		data, err := debhelper.ReadFile(t.Path(c))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return maintscript.InitScript{Name: name, File: c}, false, err
		}
		return maintscript.InitScript{Name: name, File: c, Content: data}, true, nil
	}
	return maintscript.InitScript{}, false, nil
}

// maintscriptConffiles returns the conffiles that debian/PKG.maintscript removes with
// rm_conffile.
func (t *Tree) maintscriptConffiles(pkg string) ([]string, maintscript.Diagnostics) {
	file, ok := t.pkgFile(pkg, "maintscript")
	if !ok {
		return nil, nil
	}
	data, err := debhelper.ReadFile(t.Path(file))
	if err != nil {
		return nil, fileError(file, err)
	}
	var removed []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		words := strings.Fields(sc.Text())
		if len(words) >= 2 && words[0] == "rm_conffile" {
			removed = append(removed, words[1])
		}
	}
	return removed, nil
}

func fileError(file string, err error) maintscript.Diagnostics {
	return maintscript.Diagnostics{{File: file, Severity: maintscript.Error, Message: describeReadError(err)}}
}
