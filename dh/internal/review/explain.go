package review

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
	"github.com/dh-teardown/dh-teardown/maintscript"
	"github.com/dh-teardown/dh-teardown/maintscript/simulate"
)

// explainUsage is the synopsis of teardown explain.
const explainUsage = `usage: teardown explain [-p PKG] --from OLD|none [--config-files] [--to NEW|none|purge]
                        [--fail preinst|prerm|postrm|postinst] [--format text|json] [DIR]`

// explainCmd implements "teardown explain": the dpkg calls of one transition of a package of
// the source tree DIR (default "."), and under each the commands the maintainer scripts run,
// found by executing the scripts with maintscript/simulate (stubbed commands, a simulated
// file system), not from a second model of them.
//
// The transition is given by --from, --config-files and --to:
//
//	--from none                    install (--from "" is the same)
//	--from OLD                     upgrade from OLD, a downgrade when OLD is newer than the
//	                               version DIR builds, a reinstall when it is that version
//	--from OLD --config-files      install over the config-files state OLD left behind
//	--from V --to none             remove (V must be the version DIR builds)
//	--from V --to purge            purge; with --config-files, from the config-files state
//
// --to NEW may name the version DIR builds, which is also its default. The new version's
// scripts are what dh_teardown generates for DIR plus debhelper's own dh_installinit blocks
// for the daemons it ships; the old version's are modelled (see the assumptions the output
// lists). --fail injects a failure into the step dpkg runs: the new preinst, the old prerm,
// the old postrm or the new postinst (for a removal the installed package's prerm or
// postrm, for a purge its postrm purge), and shows the unwinding.
//
// --format json prints an explanation (its fields and their meaning are documented on the
// type and are stable: fields may be added, none renamed or removed). The exit status is 0
// whenever the transition could be explained, whether or not dpkg succeeded in it; 1 for bad
// input (no tree, bad declarations, bad versions, an unknown package, --fail naming a script
// dpkg does not run in that transition, no debhelper snippets); 2 for usage errors.
func explainCmd(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("teardown explain", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var pkgs multiFlag
	fl.Var(&pkgs, "p", "the binary package to explain (needed when several have declarations)")
	from := fl.String("from", "", `the installed version before the transition, or "none"`)
	to := fl.String("to", "", `the version DIR builds (default), "none" (remove) or "purge"`)
	configFiles := fl.Bool("config-files", false, "the --from version was removed, not purged: only its conffiles and postrm are left")
	fail := fl.String("fail", "", "inject a failure into dpkg's call of preinst, prerm, postrm or postinst")
	format := fl.String("format", "text", "output format: text or json")
	fl.Usage = func() { fmt.Fprintln(stderr, explainUsage) }
	if err := fl.Parse(args); err != nil {
		return exitUsage
	}
	fromSet := false
	fl.Visit(func(f *flag.Flag) { fromSet = fromSet || f.Name == "from" })
	switch {
	case !fromSet:
		fmt.Fprintln(stderr, "teardown explain: --from is required")
		fl.Usage()
		return exitUsage
	case fl.NArg() > 1, len(pkgs) > 1, *format != "text" && *format != "json":
		fl.Usage()
		return exitUsage
	case *fail != "" && *fail != "preinst" && *fail != "prerm" && *fail != "postrm" && *fail != "postinst":
		fmt.Fprintf(stderr, "teardown explain: --fail %q: want preinst, prerm, postrm or postinst\n", *fail)
		return exitUsage
	}
	dir := "."
	if fl.NArg() == 1 {
		dir = fl.Arg(0)
	}
	tree, diags := srctree.OpenTree(dir)
	if tree == nil {
		return report(stderr, diags)
	}
	out, diags := explainedPackage(tree, pkgs, diags)
	if out == nil {
		return report(stderr, diags)
	}
	tr, err := parseTransition(*from, *to, *configFiles, *fail, tree.Source.Version)
	if err != nil {
		fmt.Fprintf(stderr, "teardown explain: %v\n", err)
		return exitBadInput
	}
	blocks, err := readInitAutoscripts(debhelperAutoscripts, debhelperVersionFile)
	if err != nil {
		fmt.Fprintf(stderr, "teardown explain: %v\n", err)
		return exitBadInput
	}
	ex, err := explainTransition(tree, *out, tr, blocks)
	if err != nil {
		fmt.Fprintf(stderr, "teardown explain: %v\n", err)
		return exitBadInput
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(ex)
	} else {
		err = ex.writeText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "teardown explain: %v\n", err)
		return exitBadInput
	}
	return report(stderr, diags)
}

// explainedPackage generates the package to explain: the one -p names, or the only package
// of the tree with a declaration file. On a problem it returns nil and diagnostics that hold
// an error.
func explainedPackage(tree *srctree.Tree, names []string, diags maintscript.Diagnostics) (*srctree.PackageOutput, maintscript.Diagnostics) {
	problem := func(format string, args ...any) (*srctree.PackageOutput, maintscript.Diagnostics) {
		return nil, append(diags, maintscript.Diagnostic{File: tree.Path("debian/control"), Severity: maintscript.Error, Message: fmt.Sprintf(format, args...)})
	}
	selected, err := selectPackages(tree, names)
	if err != nil {
		return problem("%v", err)
	}
	outputs, gdiags := tree.Generate(selected, srctree.StagedOrSource)
	diags = append(diags, gdiags...)
	switch {
	case diags.HasErrors():
		return nil, diags
	case len(outputs) == 0 && len(names) == 1:
		return problem("package %q has no declaration file (debian/%s.teardown): nothing to explain", names[0], names[0])
	case len(outputs) == 0:
		return problem("no package has a declaration file: nothing to explain")
	case len(outputs) > 1:
		var with []string
		for _, o := range outputs {
			with = append(with, o.Package)
		}
		return problem("several packages have declarations (%s): choose one with -p", strings.Join(with, ", "))
	}
	return &outputs[0], diags
}

// Transition kinds, as the output names them.
const (
	kindInstall   = "install"
	kindUpgrade   = "upgrade"
	kindDowngrade = "downgrade"
	kindReinstall = "reinstall"
	kindRemove    = "remove"
	kindPurge     = "purge"
)

// transition is a checked --from/--to/--config-files/--fail combination.
type transition struct {
	kind string
	// from is the version installed before ("" for none); to the version DIR builds, or ""
	// for a removal or purge.
	from, to    string
	configFiles bool
	fail        string
	// injected is the simulator's failure for fail.
	injected *simulate.Fail
}

// parseTransition checks the transition options against the version the tree builds.
func parseTransition(from, to string, configFiles bool, fail, built string) (transition, error) {
	if from == "none" {
		from = ""
	}
	tr := transition{from: from, configFiles: configFiles, fail: fail}
	if from != "" {
		if err := maintscript.CheckVersion(from); err != nil {
			return tr, fmt.Errorf("--from %q: %v", from, err)
		}
	}
	switch to {
	case "", built:
		tr.to = built
		switch {
		case from == "":
			if configFiles {
				return tr, errors.New("--config-files needs the version that left its conffiles behind: --from OLD")
			}
			tr.kind = kindInstall
		case configFiles:
			tr.kind = kindInstall
		default:
			tr.kind = compareKind(from, built)
		}
	case "none", "purge":
		tr.kind = kindRemove
		if to == "purge" {
			tr.kind = kindPurge
		}
		if from != built {
			return tr, fmt.Errorf("--to %s acts on the installed package, which must be the version the tree builds: use --from %s", to, built)
		}
		if configFiles && to == "none" {
			return tr, fmt.Errorf("--to none with --config-files: a package in the config-files state is already removed")
		}
	default:
		if err := maintscript.CheckVersion(to); err != nil {
			return tr, fmt.Errorf("--to %q: %v", to, err)
		}
		return tr, fmt.Errorf("--to %s: the tree builds %s; --to can only be that version, none or purge", to, built)
	}
	if fail == "" {
		return tr, nil
	}
	f, ok := failurePoints(tr)[fail]
	if !ok {
		return tr, fmt.Errorf("--fail %s: dpkg runs no %s in %s", fail, failedScriptRole(fail), tr.describe())
	}
	tr.injected = &f
	return tr, nil
}

// compareKind names the transition from an installed version to the one built.
func compareKind(from, built string) string {
	switch c, _ := maintscript.CompareVersions(from, built); {
	case c < 0:
		return kindUpgrade
	case c > 0:
		return kindDowngrade
	}
	return kindReinstall
}

// failedScriptRole names the script --fail fails, for messages.
func failedScriptRole(script string) string {
	switch script {
	case "preinst", "postinst":
		return "new " + script
	}
	return "old " + script
}

// failurePoints are the scripts --fail can fail in a transition, as simulator failures.
func failurePoints(tr transition) map[string]simulate.Fail {
	switch {
	case tr.kind == kindRemove:
		return map[string]simulate.Fail{
			"prerm":  {Script: "prerm", Version: simulate.Old, Action: "remove"},
			"postrm": {Script: "postrm", Version: simulate.Old, Action: "remove"},
		}
	case tr.kind == kindPurge && tr.configFiles:
		return map[string]simulate.Fail{"postrm": {Script: "postrm", Version: simulate.Old, Action: "purge"}}
	case tr.kind == kindPurge:
		return map[string]simulate.Fail{
			"prerm":  {Script: "prerm", Version: simulate.Old, Action: "remove"},
			"postrm": {Script: "postrm", Version: simulate.Old, Action: "purge"},
		}
	case tr.from == "" || tr.configFiles:
		return map[string]simulate.Fail{
			"preinst":  {Script: "preinst", Version: simulate.New, Action: "install"},
			"postinst": {Script: "postinst", Version: simulate.New, Action: "configure"},
		}
	}
	return map[string]simulate.Fail{
		"preinst":  {Script: "preinst", Version: simulate.New, Action: "upgrade"},
		"prerm":    {Script: "prerm", Version: simulate.Old, Action: "upgrade"},
		"postrm":   {Script: "postrm", Version: simulate.Old, Action: "upgrade"},
		"postinst": {Script: "postinst", Version: simulate.New, Action: "configure"},
	}
}

// describe words the transition: "an upgrade from 1.0 to 2.0".
func (tr transition) describe() string {
	switch {
	case tr.kind == kindRemove:
		return "a removal of " + tr.from
	case tr.kind == kindPurge && tr.configFiles:
		return "a purge of " + tr.from + " from the config-files state"
	case tr.kind == kindPurge:
		return "a purge of " + tr.from
	case tr.from == "":
		return "an install of " + tr.to
	case tr.configFiles:
		return "an install of " + tr.to + " over the config-files state of " + tr.from
	}
	article := "a "
	if tr.kind == kindUpgrade {
		article = "an "
	}
	return article + tr.kind + " from " + tr.from + " to " + tr.to
}

// Where debhelper keeps the shell snippets its helpers add, and its version.
const (
	debhelperAutoscripts = "/usr/share/debhelper/autoscripts"
	debhelperVersionFile = "/usr/share/perl5/Debian/Debhelper/Dh_Version.pm"
)

// initAutoscripts are the snippets dh_installinit (compat 13, default options: restart after
// upgrade, stop only on remove) adds for one init script, by maintainer script.
var initAutoscripts = map[string]string{
	"preinst":  "preinst-init-chmod",
	"postinst": "postinst-init-restart",
	"prerm":    "prerm-init-norestart",
	"postrm":   "postrm-init",
}

// initBlocks renders debhelper's dh_installinit snippets for one daemon.
type initBlocks struct {
	// snippets holds the autoscripts' text by maintainer script; tool names debhelper in the
	// marker lines ("dh_installinit/13.11.4").
	snippets map[string]string
	tool     string
}

var placeholder = regexp.MustCompile(`#[A-Z_]+#`)

// readInitAutoscripts reads dh_installinit's snippets from debhelper's autoscripts directory.
func readInitAutoscripts(dir, versionFile string) (*initBlocks, error) {
	b := &initBlocks{snippets: map[string]string{}, tool: "dh_installinit"}
	for _, s := range maintscript.AllScripts() {
		script := s.String()
		name := initAutoscripts[script]
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("debhelper's dh_installinit snippets are needed to explain the daemons' start and stop code: %v", err)
		}
		b.snippets[script] = string(data)
	}
	if data, err := os.ReadFile(versionFile); err == nil {
		if m := regexp.MustCompile(`version\s*=\s*'([^']+)'`).FindSubmatch(data); m != nil {
			b.tool += "/" + string(m[1])
		}
	}
	return b, nil
}

// block renders the snippet for script and daemon name as dh_installinit --name=NAME does
// in compat 13: update-rc.d "defaults", invoke-rc.d --skip-systemd-native, "exit 1" on error.
func (b *initBlocks) block(script, name string) (string, error) {
	text := strings.NewReplacer(
		"#SCRIPT#", name,
		"#INITPARMS#", "defaults",
		"#ERROR_HANDLER#", "exit 1",
		"#INVOKE_RCD_PARAMS#", "--skip-systemd-native ",
	).Replace(b.snippets[script])
	if left := placeholder.FindString(text); left != "" {
		return "", fmt.Errorf("debhelper's %s snippet has a placeholder dh_installinit fills in differently: %s", initAutoscripts[script], left)
	}
	return maintscript.Block(b.tool, text), nil
}

// assemble puts a package's generated blocks together as dh_installdeb does when there is no
// hand-written script: dh_teardown's blocks (debian/PKG.SCRIPT.debhelper) in their order,
// then dh_installinit's (the service bucket, one call per daemon) for preinst and postinst;
// the reverse for prerm and postrm. It returns "" when there are none.
func assemble(script string, teardown, service []string) string {
	blocks := append(append([]string{}, teardown...), service...)
	if script == "prerm" || script == "postrm" {
		blocks = nil
		for i := len(service) - 1; i >= 0; i-- {
			blocks = append(blocks, service[i])
		}
		for i := len(teardown) - 1; i >= 0; i-- {
			blocks = append(blocks, teardown[i])
		}
	}
	if len(blocks) == 0 {
		return ""
	}
	return "#!/bin/sh\nset -e\n" + strings.Join(blocks, "")
}

// versionJSON is one version of the package in a transition, with its maintainer scripts.
type versionJSON struct {
	Version string `json:"version"`
	// Origin is "generated" (DIR, through dh_teardown and debhelper's dh_installinit
	// snippets) or "modelled" (an old version; see the assumptions).
	Origin string `json:"origin"`
	// Daemons lists the init scripts this version ships, Files every file of the model.
	Daemons []string          `json:"daemons"`
	Files   []string          `json:"files"`
	Scripts map[string]string `json:"scripts"`
}

// stateJSON is what the transition is about, before and after it.
type stateJSON struct {
	// Status is the package's dpkg status ("not-installed", "config-files", "unpacked",
	// "half-configured", "half-installed", "installed"); Version the version dpkg records.
	Status  string        `json:"status"`
	Version string        `json:"version,omitempty"`
	Daemons []daemonState `json:"daemons"`
	// Files lists which of the declared daemons' conffiles, and their dpkg variants
	// (.dpkg-new, .dpkg-remove, .dpkg-backup, .dpkg-dist, .dpkg-old), exist.
	Files []string `json:"files"`
	// Info lists the info directory entries of the declared documents.
	Info []string `json:"info,omitempty"`
}

// daemonState is one declared daemon on the simulated system.
type daemonState struct {
	Name    string `json:"name"`
	Running bool   `json:"running"`
	// InitScript is "absent", "executable" or "not executable".
	InitScript string   `json:"init_script"`
	Links      []string `json:"links"`
}

// operationJSON is one dpkg command of the transition and what it ran.
type operationJSON struct {
	Command string     `json:"command"`
	Steps   []stepJSON `json:"steps"`
	// Status is the package's status afterwards; Error dpkg's error, if it failed.
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// stepJSON is one maintainer-script call (kind "script") or one thing dpkg did itself (kind
// "dpkg").
type stepJSON struct {
	Kind string `json:"kind"`
	// Call is the step in words: "new preinst upgrade 1.0 2.0" or "dpkg: unpack 2.0".
	Call string `json:"call"`
	// Side ("old" or "new"), Version, Script and Args say which script dpkg called, how.
	Side    string   `json:"side,omitempty"`
	Version string   `json:"version,omitempty"`
	Script  string   `json:"script,omitempty"`
	Args    []string `json:"args,omitempty"`
	// Exit is the script's exit status; Absent means the version has no such script (dpkg
	// counts that as success); Injected that --fail failed it without running it.
	Exit     int           `json:"exit"`
	Absent   bool          `json:"absent,omitempty"`
	Injected bool          `json:"injected,omitempty"`
	Commands []commandJSON `json:"commands,omitempty"`
	Output   string        `json:"output,omitempty"`
	// Paths are the files a dpkg step touched.
	Paths []string `json:"paths,omitempty"`
}

// commandJSON is one external command a script ran and what it did to the simulated system.
type commandJSON struct {
	Argv []string `json:"argv"`
	Exit int      `json:"exit"`
	// Unknown means the simulation has no such command: it failed with status 127.
	Unknown bool     `json:"unknown,omitempty"`
	Effects []string `json:"effects,omitempty"`
}

// explanation is the result of teardown explain, as --format json prints it.
type explanation struct {
	Package string `json:"package"`
	// Transition is install, upgrade, downgrade, reinstall, remove or purge; ConfigFiles
	// says it starts from the config-files state of From.
	Transition  string `json:"transition"`
	From        string `json:"from"`
	To          string `json:"to"`
	ConfigFiles bool   `json:"config_files"`
	// Fail is the script --fail failed (preinst, prerm, postrm, postinst), if any.
	Fail string `json:"fail,omitempty"`
	// Assumptions say what the explanation takes for granted.
	Assumptions []string        `json:"assumptions"`
	Old         *versionJSON    `json:"old,omitempty"`
	New         *versionJSON    `json:"new,omitempty"`
	Before      stateJSON       `json:"before"`
	Operations  []operationJSON `json:"operations"`
	After       stateJSON       `json:"after"`

	// oldPkg and newPkg are the simulated packages the transition goes from and to; nil
	// when it has no such side.
	oldPkg, newPkg *simulate.Package
}

// explainTransition builds both versions of the package, sets the simulated system up in the
// state before the transition, and runs the transition's dpkg commands.
func explainTransition(tree *srctree.Tree, out srctree.PackageOutput, tr transition, blocks *initBlocks) (*explanation, error) {
	decls := out.Input.Declarations
	ex := &explanation{Package: out.Package, Transition: tr.kind, From: tr.from, To: tr.to, ConfigFiles: tr.configFiles, Fail: tr.fail}
	if tr.kind == kindRemove {
		ex.To = "none"
	} else if tr.kind == kindPurge {
		ex.To = "purge"
	}
	built, err := generatedVersion(tree, out, blocks)
	if err != nil {
		return nil, err
	}
	ex.Assumptions = append(ex.Assumptions, generatedAssumption(tree, out, blocks))
	var old *simulate.Package
	switch {
	case tr.kind == kindRemove || tr.kind == kindPurge || tr.kind == kindReinstall:
		old = &built
	case tr.from != "":
		model, assumption, err := modelledVersion(out, tr.from, blocks)
		if err != nil {
			return nil, err
		}
		old = &model
		ex.Assumptions = append(ex.Assumptions, assumption)
	}
	ex.Assumptions = append(ex.Assumptions,
		"the system runs sysvinit in runlevel 2, without policy-rc.d; init scripts are not run, a daemon counts as running after a successful start and stopped after a stop",
		"a daemon runs before the transition when the version installed ships it (its postinst started it)")
	if old != nil {
		origin := "modelled"
		if old == &built {
			origin = "generated"
		}
		ex.Old, ex.oldPkg = versionOf(*old, origin), old
	}
	if tr.kind != kindRemove && tr.kind != kindPurge {
		ex.New, ex.newPkg = versionOf(built, "generated"), &built
	}

	sys := simulate.NewSystem()
	if old != nil {
		if err := setUp(sys, *old, decls, tr); err != nil {
			return nil, err
		}
	}
	ex.Before = stateOf(sys, out.Package, decls)
	var opts []simulate.Option
	if tr.injected != nil {
		opts = append(opts, *tr.injected)
	}
	record := func(command string, t *simulate.Trace, err error) bool {
		if t == nil {
			ex.Operations = append(ex.Operations, operationJSON{Command: command, Status: string(sys.Status(out.Package)), Error: err.Error()})
			return false
		}
		ex.Operations = append(ex.Operations, operationOf(command, t))
		return err == nil
	}
	deb := fmt.Sprintf("%s_%s_all.deb", out.Package, built.Version)
	switch tr.kind {
	case kindRemove:
		t, err := sys.Remove(out.Package, opts...)
		record("dpkg --remove "+out.Package, t, err)
	case kindPurge:
		t, err := sys.Purge(out.Package, opts...)
		record("dpkg --purge "+out.Package, t, err)
	default:
		t, err := sys.Unpack(built, opts...)
		if record("dpkg --unpack "+deb, t, err) {
			t, err = sys.Configure(out.Package, opts...)
			record("dpkg --configure "+out.Package, t, err)
		}
	}
	ex.After = stateOf(sys, out.Package, decls)
	return ex, nil
}

// generatedVersion is the package DIR builds: the init scripts of the daemons it declares
// (multiuser ones rewritten) and, as scripts, dh_teardown's fragments and dh_installinit's
// blocks for those daemons.
func generatedVersion(tree *srctree.Tree, out srctree.PackageOutput, blocks *initBlocks) (simulate.Package, error) {
	pkg := simulate.Package{Name: out.Package, Version: out.Input.Version}
	var shipped []string
	for _, d := range out.Input.Declarations.Daemons {
		script, ok := out.InitScript(d.Name)
		if !ok {
			continue
		}
		content := script.Content
		pkg.Files = append(pkg.Files, simulate.File{Path: "/etc/init.d/" + d.Name, Mode: 0o755, Content: string(content), Conffile: true})
		shipped = append(shipped, d.Name)
	}
	scripts, err := scriptsFor(blocks, shipped, out.Fragments, srctree.Tool("dh_teardown"))
	pkg.Scripts = scripts
	return pkg, err
}

// scriptsFor assembles the maintainer scripts of a version from dh_teardown's fragments and
// dh_installinit's blocks for the daemons it ships.
func scriptsFor(blocks *initBlocks, daemons []string, fragments []maintscript.Fragment, tool string) (map[string]string, error) {
	scripts := map[string]string{}
	for _, s := range maintscript.AllScripts() {
		script := s.String()
		var teardown, service []string
		for _, f := range fragments {
			if f.Script == s {
				teardown = append(teardown, maintscript.Block(tool, f.Text))
			}
		}
		for _, name := range daemons {
			b, err := blocks.block(script, name)
			if err != nil {
				return nil, err
			}
			service = append(service, b)
		}
		if text := assemble(script, teardown, service); text != "" {
			scripts[script] = text
		}
	}
	return scripts, nil
}

func generatedAssumption(tree *srctree.Tree, out srctree.PackageOutput, blocks *initBlocks) string {
	var daemons []string
	for _, d := range out.Input.Declarations.Daemons {
		if _, ok := out.Input.InitScript(d.Name); ok {
			daemons = append(daemons, d.Name)
		}
	}
	s := fmt.Sprintf("%s %s (the tree): dh_teardown's code for its declarations", out.Package, out.Input.Version)
	if len(daemons) > 0 {
		s += fmt.Sprintf(", and debhelper's %s blocks (compat 13, default options, snippets read from %s) for %s, placed as dh_installdeb places them",
			blocks.tool, debhelperAutoscripts, strings.Join(daemons, ", "))
	}
	var handwritten []string
	for _, script := range maintscript.AllScripts() {
		name := "debian/" + out.Package + "." + script.String()
		if _, err := os.Stat(tree.Path(name)); err == nil {
			handwritten = append(handwritten, name)
		}
	}
	if len(handwritten) > 0 {
		s += "; the hand-written " + strings.Join(handwritten, ", ") + " not included"
	}
	return s
}

// modelledVersion models the version from as plain debhelper would have built it: for every
// declared daemon it shipped (a daemon removed in a later version, or a multiuser one), its
// init script with dh_installinit's compat 13 blocks and no dh-teardown code; the declared
// conffiles of removed daemons; the info documents removed in a later version.
func modelledVersion(out srctree.PackageOutput, from string, blocks *initBlocks) (simulate.Package, string, error) {
	before := func(x string) bool {
		c, err := maintscript.CompareVersions(from, x)
		return err == nil && c < 0
	}
	pkg := simulate.Package{Name: out.Package, Version: from}
	var shipped, described []string
	for _, d := range out.Input.Declarations.Daemons {
		var content []byte
		stop := "0 1 6"
		switch {
		case d.RemovedIn != "" && before(d.RemovedIn):
			content = []byte("#!/bin/sh\n### BEGIN INIT INFO\n# Provides:          " + d.Name +
				"\n# Default-Start:     2 3 4 5\n# Default-Stop:      0 1 6\n### END INIT INFO\n")
		case d.Multiuser:
			since := d.MultiuserSince
			if since == "" {
				since = out.Input.Version
			}
			in, _ := out.Input.InitScript(d.Name)
			script := in.Content
			if before(since) {
				var err error
				if content, err = withDefaultStop(script, "0 1 6"); err != nil {
					return pkg, "", fmt.Errorf("daemon %q: %v", d.Name, err)
				}
			} else {
				shipped, _ := out.InitScript(d.Name)
				content, stop = shipped.Content, maintscript.MultiuserStop
			}
		default:
			continue
		}
		pkg.Files = append(pkg.Files, simulate.File{Path: "/etc/init.d/" + d.Name, Mode: 0o755, Content: string(content), Conffile: true})
		for _, c := range d.Conffiles {
			pkg.Files = append(pkg.Files, simulate.File{Path: c, Mode: 0o644, Content: "# " + c + " of " + d.Name + " " + from + "\n", Conffile: true})
		}
		shipped = append(shipped, d.Name)
		described = append(described, fmt.Sprintf("%s (Default-Stop: %s)", d.Name, stop))
	}
	for _, info := range out.Input.Declarations.Infos {
		if before(info.RemovedIn) {
			pkg.Files = append(pkg.Files, simulate.File{Path: info.File, Mode: 0o644})
			described = append(described, "info document "+info.File)
		}
	}
	scripts, err := scriptsFor(blocks, shipped, nil, "")
	if err != nil {
		return pkg, "", err
	}
	pkg.Scripts = scripts
	what := "nothing the declarations name"
	if len(described) > 0 {
		what = strings.Join(described, ", ")
	}
	return pkg, fmt.Sprintf("%s %s (old): modelled, not read: plain debhelper, dh_installinit blocks (compat 13, default options) for the daemons the declarations say %s shipped and no dh-teardown code; it ships %s",
		out.Package, from, from, what), nil
}

// withDefaultStop sets the Default-Stop of an init script's LSB header.
func withDefaultStop(script []byte, stop string) ([]byte, error) {
	h, err := maintscript.ParseLSBHeader(script)
	if err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(string(script), "\n")
	line := "# Default-Stop:      " + stop + "\n"
	if h.StopLine == 0 {
		if h.StartLine == 0 {
			return nil, errors.New("LSB header has no Default-Start")
		}
		lines = append(lines[:h.StartLine], append([]string{line}, lines[h.StartLine:]...)...)
	} else {
		lines[h.StopLine-1] = line
	}
	return []byte(strings.Join(lines, "")), nil
}

// setUp brings the system to the state before the transition: old installed (its postinst
// starts its daemons), explicitly registered info documents registered, and for
// --config-files old removed.
func setUp(sys *simulate.System, old simulate.Package, decls *maintscript.Declarations, tr transition) error {
	if t, err := sys.Install(old); err != nil {
		return fmt.Errorf("setting up: installing %s %s in the simulation failed: %v%s", old.Name, old.Version, err, unknownCommands(t))
	}
	for _, info := range decls.Infos {
		if info.Registration != maintscript.Explicit || !sys.FS.Exists(info.File) {
			continue
		}
		src := "install-info --info-dir=" + maintscript.InfoDir + " '" + info.File + "'\n"
		if step, err := sys.RunScript(old.Name, "postinst", src, "configure"); err != nil || step.Exit != 0 {
			return fmt.Errorf("setting up: registering %s in the simulation failed: %v %s", info.File, err, step.Output)
		}
	}
	if tr.configFiles {
		if t, err := sys.Remove(old.Name); err != nil {
			return fmt.Errorf("setting up: removing %s %s in the simulation failed: %v%s", old.Name, old.Version, err, unknownCommands(t))
		}
	}
	return nil
}

func unknownCommands(t *simulate.Trace) string {
	if t == nil || len(t.Unknown()) == 0 {
		return ""
	}
	return " (commands the simulation does not know: " + strings.Join(t.Unknown(), "; ") + ")"
}

func versionOf(p simulate.Package, origin string) *versionJSON {
	v := &versionJSON{Version: p.Version, Origin: origin, Daemons: []string{}, Files: []string{}, Scripts: p.Scripts}
	for _, f := range p.Files {
		v.Files = append(v.Files, f.Path)
		if name, ok := strings.CutPrefix(f.Path, "/etc/init.d/"); ok {
			v.Daemons = append(v.Daemons, name)
		}
	}
	return v
}

// conffileVariants are the names dpkg and dpkg-maintscript-helper give a conffile in transit.
var conffileVariants = []string{"", ".dpkg-new", ".dpkg-remove", ".dpkg-backup", ".dpkg-dist", ".dpkg-old"}

func stateOf(sys *simulate.System, pkg string, decls *maintscript.Declarations) stateJSON {
	st := stateJSON{Status: string(sys.Status(pkg)), Daemons: []daemonState{}, Files: []string{}}
	if rec := sys.DB[pkg]; rec != nil {
		st.Version = rec.Version
	}
	for _, d := range decls.Daemons {
		ds := daemonState{Name: d.Name, Running: sys.Running[d.Name], InitScript: "absent", Links: sys.RcLinks(d.Name)}
		if ds.Links == nil {
			ds.Links = []string{}
		}
		if n, err := sys.FS.Stat("/etc/init.d/" + d.Name); err == nil {
			ds.InitScript = "not executable"
			if n.Mode&0o111 != 0 {
				ds.InitScript = "executable"
			}
		}
		st.Daemons = append(st.Daemons, ds)
		for _, c := range append([]string{"/etc/init.d/" + d.Name}, d.Conffiles...) {
			for _, suffix := range conffileVariants {
				if sys.FS.Exists(c + suffix) {
					st.Files = append(st.Files, c+suffix)
				}
			}
		}
	}
	for _, info := range decls.Infos {
		if sys.FS.Exists(info.File) {
			st.Files = append(st.Files, info.File)
		}
	}
	st.Info = sys.InfoEntries("")
	return st
}

func operationOf(command string, t *simulate.Trace) operationJSON {
	op := operationJSON{Command: command, Steps: []stepJSON{}, Status: string(t.Status), Error: t.Error}
	for _, s := range t.Steps {
		step := stepJSON{Kind: string(s.Kind), Call: s.Call(), Side: string(s.Side), Version: s.Version, Script: s.Script, Args: s.Args,
			Exit: s.Exit, Absent: s.Absent, Injected: s.Injected, Output: s.Output, Paths: s.Paths}
		for _, c := range s.Commands {
			step.Commands = append(step.Commands, commandJSON{Argv: c.Argv, Exit: c.Exit, Unknown: c.Unknown, Effects: c.Effects})
		}
		op.Steps = append(op.Steps, step)
	}
	return op
}

// writeText prints the explanation for people.
func (ex *explanation) writeText(w io.Writer) error {
	var b strings.Builder
	tr := transition{kind: ex.Transition, from: ex.From, to: ex.To, configFiles: ex.ConfigFiles}
	fmt.Fprintf(&b, "%s: %s", ex.Package, tr.describe())
	if ex.Fail != "" {
		fmt.Fprintf(&b, ", with the %s failing (--fail %s)", failedScriptRole(ex.Fail), ex.Fail)
	}
	b.WriteString("\n\nAssumptions:\n")
	for _, a := range ex.Assumptions {
		fmt.Fprintf(&b, "* %s\n", a)
	}
	writeState(&b, "Before", ex.Before)
	for _, op := range ex.Operations {
		fmt.Fprintf(&b, "\n$ %s\n", op.Command)
		for _, s := range op.Steps {
			writeStep(&b, s)
		}
		if op.Error != "" {
			fmt.Fprintf(&b, "  %s\n", op.Error)
		}
		fmt.Fprintf(&b, "  => %s: %s\n", ex.Package, op.Status)
	}
	writeState(&b, "After", ex.After)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeState(b *strings.Builder, title string, st stateJSON) {
	fmt.Fprintf(b, "\n%s: %s", title, st.Status)
	if st.Version != "" {
		fmt.Fprintf(b, " (%s)", st.Version)
	}
	b.WriteString("\n")
	for _, d := range st.Daemons {
		running := "not running"
		if d.Running {
			running = "running"
		}
		links := "no rc links"
		if len(d.Links) > 0 {
			links = "links " + strings.Join(d.Links, " ")
		}
		fmt.Fprintf(b, "  %s: %s; init script %s; %s\n", d.Name, running, d.InitScript, links)
	}
	if len(st.Files) > 0 {
		fmt.Fprintf(b, "  files: %s\n", strings.Join(st.Files, " "))
	}
	if len(st.Info) > 0 {
		fmt.Fprintf(b, "  info entries: %s\n", strings.Join(st.Info, " "))
	}
}

func writeStep(b *strings.Builder, s stepJSON) {
	if s.Kind == string(simulate.StepDpkg) {
		fmt.Fprintf(b, "  %s\n", s.Call)
		for _, p := range s.Paths {
			fmt.Fprintf(b, "      %s\n", p)
		}
		return
	}
	fmt.Fprintf(b, "  %s", s.Call)
	switch {
	case s.Injected:
		fmt.Fprintf(b, " -> exit %d (injected failure)\n", s.Exit)
		return
	case s.Absent:
		b.WriteString(": no such script\n")
		return
	case s.Exit != 0:
		fmt.Fprintf(b, " -> exit %d", s.Exit)
	}
	b.WriteString("\n")
	if len(s.Commands) == 0 {
		b.WriteString("      (no command)\n")
	}
	for _, c := range s.Commands {
		argv := make([]string, len(c.Argv))
		for i, a := range c.Argv {
			if argv[i] = a; a == "" {
				argv[i] = "''"
			}
		}
		fmt.Fprintf(b, "      %s", strings.Join(argv, " "))
		switch {
		case c.Unknown:
			fmt.Fprintf(b, " -> exit %d (not simulated)", c.Exit)
		case c.Exit != 0:
			fmt.Fprintf(b, " -> exit %d", c.Exit)
		}
		b.WriteString("\n")
		for _, e := range c.Effects {
			fmt.Fprintf(b, "          %s\n", e)
		}
	}
	for _, line := range strings.Split(strings.TrimRight(s.Output, "\n"), "\n") {
		if line != "" {
			fmt.Fprintf(b, "      | %s\n", line)
		}
	}
}
