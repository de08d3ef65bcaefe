package maintscript

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"mvdan.cc/sh/v3/syntax"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// generateCase is one combination of declarations that the golden and shell tests share.
type generateCase struct {
	name      string
	decls     string
	version   string
	scripts   map[string]string // init scripts shipped, by name
	maintfile []string          // conffiles debian/PKG.maintscript removes
}

var generateCases = []generateCase{
	{name: "multiuser", decls: "Daemon: hellod\nMultiuser: yes\nMultiuser-Since: 1.4-1\n", version: "2.0-1", scripts: map[string]string{"hellod": hellodInit}},
	{name: "multiuser-since-built", decls: "Daemon: hellod\nMultiuser: yes\n", version: "1.4-1", scripts: map[string]string{"hellod": hellodInit}},
	{name: "removed-daemon", decls: "Daemon: hello-legacyd\nRemoved-In: 2.0-1\nConffiles: /etc/default/hello-legacyd\n", version: "2.0-1"},
	{name: "removed-daemon-maintscript", decls: "Daemon: hello-legacyd\nRemoved-In: 2.0-1\nConffiles: /etc/default/hello-legacyd\n", version: "2.1-1", maintfile: []string{"/etc/init.d/hello-legacyd"}},
	{name: "removed-daemon-units", decls: "Daemon: greeterd\nRemoved-In: 2.0\nUnits: greeterd-clean.timer greeterd.socket\n", version: "2.0"},
	{name: "removed-daemon-replaced", decls: "Daemon: greeter-oldd\nRemoved-In: 2.0\nReplaced-By: greeter-newd\n", version: "2.0", scripts: map[string]string{"greeter-newd": hellodInit}},
	{name: "info-explicit", decls: "Info: hello-old\nFile: /opt/hello/info/hello-old.info\nRemoved-In: 1:1.5\nRegistration: explicit\n", version: "1:2.0-1"},
	{name: "info-trigger", decls: "Info: hello-old\nRemoved-In: 1.5-1\n", version: "2.0-1"},
	{name: "info-elsewhere", decls: "Info: hello-old\nFile: /opt/hello/info/hello-old.info\nRemoved-In: 1.5-1\n", version: "2.0-1"},
	{name: "all", decls: exampleDecls, version: "2.0-1", scripts: map[string]string{"hellod": hellodInit}},
}

func (c generateCase) input(t *testing.T) Package {
	decls, diags := ParseDeclarations("debian/hello.teardown", []byte(c.decls))
	require.False(t, diags.HasErrors(), "%v", diags)
	in := Package{Name: "hello", Version: c.version, Declarations: decls, RemovedConffiles: c.maintfile}
	for name, text := range c.scripts {
		in.InitScripts = append(in.InitScripts, InitScript{Name: name, File: "debian/hello/etc/init.d/" + name, Content: []byte(text)})
	}
	return in
}

// describe renders a Result as the golden files show it.
func describe(out *Result) string {
	var b strings.Builder
	for _, f := range out.Fragments {
		fmt.Fprintf(&b, "== %s %s: %s (%s)\n%s", f.Package, f.Script, f.Subject, f.Snippet, f.Text)
	}
	for _, n := range out.Notes {
		fmt.Fprintf(&b, "== note %s: %s: %s\n", n.Package, n.Subject, n.Text)
	}
	for _, s := range out.InitScripts {
		if s.Rewritten {
			fmt.Fprintf(&b, "== init script %s rewritten\n", s.Name)
		}
	}
	return b.String()
}

func TestRenderDeclarationsGolden(t *testing.T) {
	for _, c := range generateCases {
		t.Run(c.name, func(t *testing.T) {
			out, diags := Render(c.input(t), "dh_teardown/test")
			require.False(t, diags.HasErrors(), "%v", diags)
			golden(t, filepath.Join("testdata", "generate", c.name+".golden"), describe(out))
		})
	}
}

// golden compares got with the file, or rewrites the file with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it, then read it")
	assert.Equal(t, string(want), got)
}

// TestGeneratedScriptsPassShellChecks assembles every script of every case and checks it with
// mvdan.cc/sh in POSIX mode, dash -n, shellcheck -s sh and checkbashisms.
func TestGeneratedScriptsPassShellChecks(t *testing.T) {
	checks := newShellChecks(t)
	for _, c := range generateCases {
		out, diags := Render(c.input(t), "dh_teardown/test")
		require.False(t, diags.HasErrors(), "%v", diags)
		checks.scripts(t, c.name, out.Scripts)
	}
	checks.run(t)
}

// shellChecks collects generated scripts and checks them with mvdan.cc/sh in POSIX mode and
// dash -n one by one, and with shellcheck -s sh and checkbashisms all at once: one run of each
// for every script, since starting them costs more than checking.
type shellChecks struct {
	dir   string
	files []string
}

func newShellChecks(t *testing.T) *shellChecks {
	for _, tool := range []string{"dash", "shellcheck", "checkbashisms"} {
		_, err := exec.LookPath(tool)
		require.NoError(t, err, "%s is needed (apt-get install dash shellcheck devscripts)", tool)
	}
	return &shellChecks{dir: t.TempDir()}
}

// scripts adds each script of sc that has code, named NAME.SCRIPT.
func (c *shellChecks) scripts(t *testing.T, name string, sc Scripts) {
	t.Helper()
	for _, script := range AllScripts() {
		if text := sc.Get(script); text != "" {
			c.add(t, name+"."+script.String(), text)
		}
	}
}

// add parses text and checks it with dash -n, and keeps it for run.
func (c *shellChecks) add(t *testing.T, name, text string) {
	t.Helper()
	_, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(strings.NewReader(text), name)
	require.NoError(t, err, "mvdan.cc/sh POSIX parse:\n%s", text)
	path := filepath.Join(c.dir, name)
	require.NoError(t, os.WriteFile(path, []byte(text), 0o755))
	out, err := exec.Command("dash", "-n", path).CombinedOutput()
	assert.NoError(t, err, "dash -n %s:\n%s\n--- script:\n%s", name, out, text)
	c.files = append(c.files, path)
}

// run checks every script added with shellcheck and checkbashisms.
func (c *shellChecks) run(t *testing.T) {
	t.Helper()
	require.NotEmpty(t, c.files)
	for _, tool := range [][]string{{"shellcheck", "-s", "sh"}, {"checkbashisms"}} {
		out, err := exec.Command(tool[0], append(tool[1:], c.files...)...).CombinedOutput()
		assert.NoError(t, err, "%s:\n%s", strings.Join(tool, " "), out)
	}
}

func TestRenderDeclarationErrors(t *testing.T) {
	decls := `Daemon: hellod
Removed-In: 2.0

Daemon: gone
Removed-In: 3.0

Daemon: missing
Multiuser: yes

Daemon: early
Multiuser: yes
Multiuser-Since: 1:0

Daemon: rcs
Multiuser: yes

Info: doc
Removed-In: 1.9-2
`
	d, diags := ParseDeclarations("debian/hello.teardown", []byte(decls))
	require.False(t, diags.HasErrors(), "%v", diags)
	_, diags = Render(Package{Name: "hello", Version: "1.9-1", Declarations: d, InitScripts: []InitScript{
		{Name: "hellod", File: "debian/hello/etc/init.d/hellod", Content: []byte(hellodInit)},
		{Name: "early", File: "debian/hello/etc/init.d/early", Content: []byte(hellodInit)},
		{Name: "rcs", File: "debian/hello.rcs.init", Content: []byte(strings.Replace(hellodInit, "2 3 4 5", "S", 1))},
	}}, "t/1")
	assert.Equal(t, strings.Join([]string{
		`debian/hello.teardown:2: daemon "hellod": Removed-In "2.0", but the package still ships /etc/init.d/hellod (debian/hello/etc/init.d/hellod)`,
		`debian/hello.teardown:5: daemon "gone": Removed-In "3.0": newer than the version being built (1.9-1)`,
		`debian/hello.teardown:8: daemon "missing": multiuser, but the package ships no /etc/init.d/missing`,
		`debian/hello.teardown:12: daemon "early": Multiuser-Since "1:0": newer than the version being built (1.9-1)`,
		`debian/hello.teardown:15: daemon "rcs": cannot make debian/hello.rcs.init multiuser: line 6: an rcS script (Default-Start: S) runs once at boot and cannot be multiuser`,
		`debian/hello.teardown:18: info document "doc": Removed-In "1.9-2": newer than the version being built (1.9-1)`,
	}, "\n"), diags.Error())
}

func TestRenderRejectsBadPackageAndVersion(t *testing.T) {
	d := &Declarations{File: "f", Daemons: []Daemon{{Name: "a", Multiuser: true}}}
	sh := []InitScript{{Name: "a", Content: []byte(hellodInit)}}
	_, diags := Render(Package{Name: "hello", Version: "1.0; reboot", Declarations: d, InitScripts: sh}, "t/1")
	assert.Contains(t, diags.Error(), `f: version being built "1.0; reboot"`)
	_, diags = Render(Package{Name: "Hello$", Version: "1.0", Declarations: d, InitScripts: sh}, "t/1")
	assert.Contains(t, diags.Error(), `f: package "Hello$": not a valid package name`)
	_, diags = Render(Package{Name: "Hello$", Version: "1.0"}, "t/1")
	assert.Equal(t, `package "Hello$": not a valid package name (lower-case letters, digits, "+", "-", ".", at least two characters)`, diags.Error(),
		"without a file the subject is the position")
	_, diags = Render(Package{Name: "hello", Version: "1.0"}, "my tool")
	assert.Contains(t, diags.Error(), `package "hello": tool "my tool": the generator's name in the marker lines must be one word`)
}

func TestRenderWithoutDeclarations(t *testing.T) {
	out, diags := Render(Package{Name: "hello", Version: "1.0"}, "t/1")
	assert.Empty(t, diags)
	assert.Empty(t, out.Fragments)
	assert.Equal(t, Scripts{}, out.Scripts, "a package with nothing to do needs no scripts")
}

func TestAssembleOrder(t *testing.T) {
	frags := []Fragment{{Script: Postrm, Text: "echo first\n"}, {Script: Postrm, Text: "echo second\n"}, {Script: Preinst, Text: "echo pre\n"}}
	sc := assemble("t/1", frags)
	assert.Equal(t, "#!/bin/sh\nset -e\n\n# Automatically added by t/1\necho second\n# End automatically added section\n# Automatically added by t/1\necho first\n# End automatically added section\n",
		sc.Postrm, "postrm blocks are prepended, as debhelper does")
	assert.Equal(t, "", sc.Prerm)
}
