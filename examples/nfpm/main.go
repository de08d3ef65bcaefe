// Command nfpm shows how a packaging tool that does not use debhelper gets dh-teardown's
// maintainer-script code from the maintscript library, and builds the package with nfpm's own
// Go API (https://nfpm.goreleaser.com): for one daemon package it renders the maintainer
// scripts and the init script to ship, and has nfpm's deb packager write the .deb.
//
// Usage:
//
//	go run . -package hello -version 2.0 -daemon hellod -init hellod.init \
//	    -declarations hello.teardown [-file SRC=DST]... [-maintainer WHO] -out DIR
//
// -declarations is a declaration file as debian/PKG.teardown would hold it (Daemon and Info
// stanzas, docs/declarations.md); -daemon and -init name the daemon the package ships and its init script. Into DIR
// it writes the maintainer scripts that have code (preinst, postinst, prerm, postrm: nfpm
// reads scripts from files), etc/init.d/NAME (the init script to ship, rewritten to
// Default-Stop: 1 when the daemon is declared multiuser) and PKG_VERSION_all.deb, whose path
// it prints. The init script is a conffile (mode 0755), each -file keeps its source's
// permissions; the version is kept as given (nfpm's version schema "none"), so that dpkg
// compares it with the declared ones exactly as the scripts do.
//
// The notes of the library (what the scripts do not show) go to standard output, problems to
// standard error with exit status 1; usage errors exit 2.
//
// The scripts hold dh-teardown's code for the declarations and, for the daemon the package
// ships, the registration, start, restart on upgrade and stop on removal that debhelper's
// dh_installinit would add (see maintscript.Render and maintscript.InitOptions).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	"github.com/goreleaser/nfpm/v2/files"

	"github.com/dh-teardown/dh-teardown/maintscript"
)

// tool names this program in the scripts' marker lines.
const tool = "nfpm-teardown/0.1.0"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// fileFlag is a repeatable SRC=DST flag.
type fileFlag []*files.Content

func (f *fileFlag) String() string { return fmt.Sprint(*f) }
func (f *fileFlag) Set(v string) error {
	src, dst, ok := strings.Cut(v, "=")
	if !ok || src == "" || !strings.HasPrefix(dst, "/") {
		return errors.New("want SRC=DST with an absolute DST")
	}
	info, err := os.Stat(src)
	if err != nil {
		return err
	}
	*f = append(*f, &files.Content{Source: src, Destination: dst, FileInfo: &files.ContentFileInfo{Mode: info.Mode().Perm()}})
	return nil
}

// build is what the program is asked to build.
type build struct {
	name, version, daemon, initFile, declFile, maintainer, out string
	files                                                      []*files.Content
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("nfpm-teardown", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var b build
	fl.StringVar(&b.name, "package", "", "the binary package's name")
	fl.StringVar(&b.version, "version", "", "the version being built (a Debian version)")
	fl.StringVar(&b.daemon, "daemon", "", "the init script name of the daemon the package ships")
	fl.StringVar(&b.initFile, "init", "", "the daemon's init script")
	fl.StringVar(&b.declFile, "declarations", "", "the declaration file")
	fl.StringVar(&b.maintainer, "maintainer", "nobody <nobody@example.org>", "the Maintainer field")
	fl.StringVar(&b.out, "out", "", "the directory to write into")
	fl.Var((*fileFlag)(&b.files), "file", "another file of the package, SRC=DST (repeatable)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() != 0 || b.name == "" || b.version == "" || b.daemon == "" || b.initFile == "" || b.declFile == "" || b.out == "" {
		fmt.Fprintln(stderr, "usage: nfpm-teardown -package PKG -version V -daemon NAME -init FILE -declarations FILE [-file SRC=DST]... -out DIR")
		return 2
	}
	deb, notes, err := b.run()
	var diags maintscript.Diagnostics
	switch {
	case errors.As(err, &diags):
		diags.Fprint(stderr, "nfpm-teardown: ")
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "nfpm-teardown:", err)
		return 1
	}
	for _, n := range notes {
		fmt.Fprintf(stdout, "%s: %s\n", n.Subject, n.Text)
	}
	fmt.Fprintln(stdout, deb)
	return 0
}

// run renders the scripts with the library, writes them and the init script into b.out,
// and builds the .deb there with nfpm; it returns the .deb's path and the library's notes.
func (b *build) run() (string, []maintscript.Note, error) {
	decls, err := os.ReadFile(b.declFile)
	if err != nil {
		return "", nil, err
	}
	script, err := os.ReadFile(b.initFile)
	if err != nil {
		return "", nil, err
	}
	parsed, diags := maintscript.ParseDeclarations(b.declFile, decls)
	if diags.HasErrors() {
		return "", nil, diags
	}
	// The daemon the package ships gets debhelper's ordinary init handling (update-rc.d,
	// start on install, restart on upgrade, stop on remove) next to the declarations' code.
	res, diags := maintscript.Render(maintscript.Package{
		Name:         b.name,
		Version:      b.version,
		Declarations: parsed,
		InitScripts: []maintscript.InitScript{{Name: b.daemon, File: b.initFile, Content: script,
			Init: &maintscript.InitOptions{OnUpgrade: maintscript.Restart, SkipSystemdNative: true}}},
	}, tool)
	if diags.HasErrors() {
		return "", nil, diags
	}

	info := &nfpm.Info{
		Name:          b.name,
		Arch:          "all",
		Platform:      "linux",
		Version:       b.version,
		VersionSchema: "none",
		Section:       "misc",
		Priority:      "optional",
		Maintainer:    b.maintainer,
		Description:   b.name + ", packaged with nfpm and dh-teardown's maintainer scripts",
	}
	for _, s := range res.InitScripts {
		path := filepath.Join(b.out, "etc", "init.d", s.Name)
		if err := write(path, s.Content); err != nil {
			return "", nil, err
		}
		info.Contents = append(info.Contents, &files.Content{Source: path, Destination: "/etc/init.d/" + s.Name,
			Type: files.TypeConfig, FileInfo: &files.ContentFileInfo{Mode: 0o755}})
	}
	info.Contents = append(info.Contents, b.files...)
	for _, s := range []struct {
		script maintscript.Script
		field  *string
	}{
		{maintscript.Preinst, &info.Scripts.PreInstall},
		{maintscript.Postinst, &info.Scripts.PostInstall},
		{maintscript.Prerm, &info.Scripts.PreRemove},
		{maintscript.Postrm, &info.Scripts.PostRemove},
	} {
		if text := res.Scripts.Get(s.script); text != "" {
			*s.field = filepath.Join(b.out, s.script.String())
			if err := write(*s.field, []byte(text)); err != nil {
				return "", nil, err
			}
		}
	}
	deb, err := packageDeb(info, b.out)
	return deb, res.Notes, err
}

// packageDeb builds info's .deb in dir with nfpm's deb packager.
func packageDeb(info *nfpm.Info, dir string) (string, error) {
	info = nfpm.WithDefaults(info)
	if err := nfpm.PrepareForPackager(info, "deb"); err != nil {
		return "", err
	}
	packager, err := nfpm.Get("deb")
	if err != nil {
		return "", err
	}
	target := filepath.Join(dir, packager.ConventionalFileName(info))
	f, err := os.Create(target)
	if err != nil {
		return "", err
	}
	info.Target = target
	if err := packager.Package(info, f); err != nil {
		f.Close()
		os.Remove(target)
		return "", fmt.Errorf("nfpm: %w", err)
	}
	return target, f.Close()
}

// write writes an executable file (a script), making its directory.
func write(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o755)
}
