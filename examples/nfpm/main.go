// Command nfpm shows how a packaging tool that does not use debhelper gets dh-teardown's
// maintainer-script code from the maintscript library: for one daemon package it writes the
// maintainer scripts and an nfpm.yaml that nfpm (https://nfpm.goreleaser.com) turns into a
// .deb.
//
// Usage:
//
//	go run ./examples/nfpm -package hello -version 2.0 -daemon hellod -init hellod.init \
//	    -declarations hello.teardown [-file SRC=DST]... [-maintainer WHO] -out DIR
//	cd DIR && nfpm package --packager deb --config nfpm.yaml
//
// -declarations is a declaration file as debian/PKG.teardown would hold it (Daemon and Info
// stanzas, docs/declarations.md); -daemon and -init name the daemon the package ships and its init
// script. Into DIR it writes:
//
//   - preinst, postinst, prerm, postrm: the whole scripts, for the scripts that have code;
//   - etc/init.d/NAME: the init script to ship, rewritten to Default-Stop: 1 when the
//     daemon is declared multiuser;
//   - nfpm.yaml: the package, with the init script as a config file (a conffile, mode 0755),
//     each -file (with the source file's permissions), and the scripts; version_schema "none" keeps the version as given, so that
//     dpkg compares it with the declared ones exactly as the scripts do.
//
// The notes of the library (what the scripts do not show) go to standard output, problems to
// standard error with exit status 1; usage errors exit 2.
//
// The scripts hold dh-teardown's code for the declarations and, for the daemon the package
// ships, the registration, start, restart on upgrade and stop on removal that debhelper's
// dh_installinit would add (see maintscript.Render).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/dh-teardown/dh-teardown/maintscript"
)

// tool names this program in the scripts' marker lines.
const tool = "nfpm-teardown/0.1.0"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// fileFlag is a repeatable SRC=DST flag.
type fileFlag []content

func (f *fileFlag) String() string { return fmt.Sprint(*f) }
func (f *fileFlag) Set(v string) error {
	src, dst, ok := strings.Cut(v, "=")
	if !ok || src == "" || !strings.HasPrefix(dst, "/") {
		return errors.New("want SRC=DST with an absolute DST")
	}
	abs, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return err
	}
	*f = append(*f, content{Src: abs, Dst: dst, Mode: fmt.Sprintf("%#o", info.Mode().Perm())})
	return nil
}

// content is one entry of nfpm.yaml's contents.
type content struct {
	Src, Dst, Type, Mode string
}

// manifest is what run writes: the nfpm.yaml's fields.
type manifest struct {
	Package, Version, Maintainer string
	Contents                     []content
	// Scripts maps nfpm's script keys (preinstall, ...) to the files in the output directory.
	Scripts map[string]string
}

// nfpmKeys are nfpm's names of the Debian maintainer scripts.
var nfpmKeys = map[string]string{"preinst": "preinstall", "postinst": "postinstall", "prerm": "preremove", "postrm": "postremove"}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("nfpm-teardown", flag.ContinueOnError)
	fl.SetOutput(stderr)
	pkg := fl.String("package", "", "the binary package's name")
	version := fl.String("version", "", "the version being built (a Debian version)")
	daemon := fl.String("daemon", "", "the init script name of the daemon the package ships")
	initFile := fl.String("init", "", "the daemon's init script")
	declFile := fl.String("declarations", "", "the declaration file")
	maintainer := fl.String("maintainer", "nobody <nobody@example.org>", "the Maintainer field")
	out := fl.String("out", "", "the directory to write into")
	var files fileFlag
	fl.Var(&files, "file", "another file of the package, SRC=DST (repeatable)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() != 0 || *pkg == "" || *version == "" || *daemon == "" || *initFile == "" || *declFile == "" || *out == "" {
		fmt.Fprintln(stderr, "usage: nfpm-teardown -package PKG -version V -daemon NAME -init FILE -declarations FILE [-file SRC=DST]... -out DIR")
		return 2
	}
	m, notes, err := generate(*pkg, *version, *daemon, *initFile, *declFile, *out)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	m.Maintainer = *maintainer
	m.Contents = append(m.Contents, files...)
	if err := writeManifest(filepath.Join(*out, "nfpm.yaml"), m); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	for _, n := range notes {
		fmt.Fprintf(stdout, "%s: %s\n", n.Subject, n.Text)
	}
	return 0
}

// generate reads the inputs, renders the scripts with the library and writes them and the
// init script into out.
func generate(pkg, version, daemon, initFile, declFile, out string) (*manifest, []maintscript.Note, error) {
	decls, err := os.ReadFile(declFile)
	if err != nil {
		return nil, nil, err
	}
	script, err := os.ReadFile(initFile)
	if err != nil {
		return nil, nil, err
	}
	parsed, diags := maintscript.ParseDeclarations(declFile, decls)
	if diags.HasErrors() {
		return nil, nil, diags
	}
	// The daemon the package ships gets debhelper's ordinary init handling (update-rc.d,
	// start on install, restart on upgrade, stop on remove) next to the declarations' code.
	in := maintscript.Package{
		Name:         pkg,
		Version:      version,
		Declarations: parsed,
		InitScripts: []maintscript.InitScript{{Name: daemon, File: initFile, Content: script,
			Init: &maintscript.InitOptions{OnUpgrade: maintscript.Restart, SkipSystemdNative: true}}},
	}
	res, diags := maintscript.Render(in, tool)
	if diags.HasErrors() {
		return nil, nil, diags
	}
	m := &manifest{Package: pkg, Version: version, Scripts: map[string]string{}}
	for _, s := range res.InitScripts {
		initPath := filepath.Join("etc", "init.d", s.Name)
		if err := write(out, initPath, s.Content, 0o755); err != nil {
			return nil, nil, err
		}
		m.Contents = append(m.Contents, content{Src: "./" + initPath, Dst: "/" + initPath, Type: "config", Mode: "0755"})
	}
	for _, s := range maintscript.AllScripts() {
		text := res.Scripts.Get(s)
		if text == "" {
			continue
		}
		if err := write(out, s.String(), []byte(text), 0o755); err != nil {
			return nil, nil, err
		}
		m.Scripts[nfpmKeys[s.String()]] = "./" + s.String()
	}
	return m, res.Notes, nil
}

func write(dir, rel string, data []byte, mode os.FileMode) error {
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, mode)
}

// manifestTemplate is nfpm.yaml; every value is written as a JSON string, which YAML reads
// as the same string.
var manifestTemplate = template.Must(template.New("nfpm.yaml").Option("missingkey=error").Funcs(template.FuncMap{
	"q":    jsonString,
	"keys": sortedKeys,
}).Parse(`name: {{ q .Package }}
arch: all
platform: linux
version: {{ q .Version }}
version_schema: none
section: misc
priority: optional
maintainer: {{ q .Maintainer }}
description: {{ q (printf "%s, packaged with nfpm and dh-teardown's maintainer scripts" .Package) }}
contents:
{{- range .Contents }}
  - src: {{ q .Src }}
    dst: {{ q .Dst }}
{{- if .Type }}
    type: {{ q .Type }}
{{- end }}
    file_info:
      mode: {{ .Mode }}
{{- end }}
{{- if .Scripts }}
scripts:
{{- range $key := keys .Scripts }}
  {{ $key }}: {{ q (index $.Scripts $key) }}
{{- end }}
{{- end }}
`))

// jsonString quotes s as a JSON string, without escaping HTML characters.
func jsonString(s string) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n"), err
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func writeManifest(path string, m *manifest) error {
	var b strings.Builder
	if err := manifestTemplate.Execute(&b, m); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
