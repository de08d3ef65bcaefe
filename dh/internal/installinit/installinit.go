// Package installinit is dh-teardown's drop-in dh_installinit: debhelper 13.11.4's
// dh_installinit (compat 10 to 14) with the same options, the same installed files and
// maintainer-script code that behaves the same, written through dh-teardown's templates and
// idempotently, plus the keyword multiuser (with --multiuser-since) and --on-upgrade; see
// dh_installinit-teardown(1).
//
// For each package acted on it installs debian/PKG.init (debian/PKG.NAME.init with --name,
// and the other names debhelper looks for) as etc/init.d/NAME, mode 0755, and
// debian/PKG.default as etc/default/NAME, mode 0644; in compat 10 also debian/PKG.service,
// debian/PKG.tmpfile and debian/PKG.upstart. Its maintainer-script code goes to debhelper's
// service bucket (debian/.debhelper/generated/PKG/SCRIPT.service), which dh_installdeb
// assembles. It writes everything or, on any problem, nothing.
package installinit

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/dh-teardown/dh-teardown/dh/internal/debhelper"
	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
	"github.com/dh-teardown/dh-teardown/maintscript"
)

// Command is the command's name, as its messages and block markers give it.
const Command = "dh_installinit"

// Promise tells dh (which reads it from the executable) when it may skip the command: as
// debhelper's dh_installinit, when the package has none of these files and the command line
// none of these options.
const Promise = "\n# PROMISE: DH NOOP WITHOUT service tmpfile default upstart init init.d tmp(usr/lib/tmpfiles.d) tmp(etc/tmpfiles.d) cli-options(--init-script|-d|--remove-d|-o|--only-scripts)\n"

// Compat levels this command implements.
const (
	MinCompat = 10
	MaxCompat = 14
)

// usage is the --help text. debhelper.PrintHelp prints it without its last line, the
// PROMISE line, which it carries so that the line stays in the executable.
var usage = `Usage: dh_installinit [debhelper options] [options] [multiuser] [-- update-rc.d params]

dh-teardown's drop-in for debhelper's dh_installinit (compat 10 to 14): installs
debian/PKG.init as etc/init.d/NAME and debian/PKG.default as etc/default/NAME, and adds the
code that registers, starts, restarts and stops the daemon, as debhelper's does. Exit
status: 0, 1 for bad input, 2 for a usage error. See dh_installinit-teardown(1).

Options:
      --name=NAME              the init script NAME (debian/PKG.NAME.init) instead of PKG
  -n, --no-scripts             install the files, add no maintainer-script code
  -o, --only-scripts           add the code, install no files
  -R, --restart-after-upgrade  restart in postinst instead of stopping in prerm (default)
      --no-restart-after-upgrade  stop in the new preinst, start in postinst
  -r, --no-stop-on-upgrade     do not stop (or restart) the daemon on upgrade
      --no-start               register the daemon; never start or stop it
      --no-enable              register it disabled (update-rc.d defaults-disabled)
  -d, --remove-d               the script is NAME without a trailing "d" (NAMEd -> NAME)
  -u, --update-rcd-params=PARAMS  update-rc.d parameters instead of "defaults"
      --error-handler=FUNCTION call FUNCTION when invoke-rc.d fails (default: exit 1)
dh-teardown's extensions:
  multiuser                    stop the daemon in runlevel 1 only: the staged script's
                               Default-Stop becomes 1; upgrades drop old 0 and 6 stop links
      --multiuser-since=VERSION  the first version that was multiuser (default: this one)
      --on-upgrade=POLICY      restart (default), stop-then-start, none, or reload

` + debhelper.CommonOptionsHelp + Promise

// Main runs dh_installinit in the source tree dir with args (without the command name) and
// the environment env, and returns its exit status: 0, 1 for bad input (every problem
// printed, nothing written), 2 for a bad command line.
func Main(dir string, args []string, env func(string) string, stdout, stderr io.Writer) int {
	c, err := parseArgs(args, env)
	if err != nil {
		return debhelper.ReportError(stderr, Command, err)
	}
	if c.Begin(Command, srctree.Version, usage, Promise, stdout, stderr) {
		return 0
	}
	tree, diags := srctree.OpenTree(dir)
	if tree == nil {
		return srctree.Report(stderr, Command+": ", diags)
	}
	dh, warning, err := detect(env)
	if err != nil {
		return debhelper.ReportError(stderr, Command, err)
	}
	if warning != "" {
		debhelper.Warning(stderr, Command, warning)
	}
	compat, err := compatLevel(tree.Source.Compat, env)
	if err != nil {
		return debhelper.ReportError(stderr, Command, err)
	}
	if dh.Compat14Stable && tree.Source.Compat >= 14 && exists(tree.Path(srctree.CompatFile)) {
		return debhelper.ReportError(stderr, Command, fmt.Errorf("debian/compat cannot declare compat %d with debhelper %s: use Build-Depends: debhelper-compat (= %[1]d) in debian/control", tree.Source.Compat, dh.Version))
	}
	if c.deprecatedNoRestart {
		debhelper.Warning(stderr, Command, "--no-restart-on-upgrade has been renamed to --no-stop-on-upgrade")
		if compat >= 12 {
			return debhelper.ReportError(stderr, Command, fmt.Errorf("--no-restart-on-upgrade was removed in compat 12: use --no-stop-on-upgrade"))
		}
		debhelper.Warning(stderr, Command, "This feature will be removed in compat 12.")
	}
	host, err := debhelper.LookupHost(env)
	if err != nil {
		return debhelper.ReportError(stderr, Command, err)
	}
	tree.Host = host
	tree.MainPackage = debhelper.MainPackage(c.Options, tree.Packages())
	pkgs, err := debhelper.SelectPackages(c.Options, tree.Packages(), host.Arch)
	if err != nil {
		return debhelper.ReportError(stderr, Command, err)
	}

	if c.RemainingPackages {
		if pkgs = remaining(tree, pkgs); len(pkgs) == 0 {
			debhelper.Warning(stderr, Command, noPackages(tree, host.Arch))
			return 0
		}
	}

	r := &run{c: c, tree: tree, compat: compat, dh: dh, stderr: stderr}
	r.plan = debhelper.NewPlan(dir, Command, srctree.Version, c.Options)
	r.plan.Scope = c.scope()
	r.plan.Out = stdout
	for _, pkg := range pkgs {
		r.pkg(pkg)
	}
	if env("DH_INTERNAL_OVERRIDE") != "" && !c.NoAct {
		for _, pkg := range pkgs {
			r.logRun(pkg)
		}
	}
	if c.multiuser && r.daemons == 0 && !r.diags.HasErrors() {
		r.diags = append(r.diags, maintscript.Diagnostic{Severity: maintscript.Error, Message: "multiuser: no package acted on installs an init script"})
	}
	if r.diags.HasErrors() {
		return srctree.Report(stderr, Command+": ", r.diags)
	}
	if err := r.plan.Commit(); err != nil {
		return debhelper.ReportError(stderr, Command, err)
	}
	if c.Verbose {
		for _, n := range r.notes {
			fmt.Fprintf(stdout, "\t# %s: %s: %s\n", n.Package, n.Subject, n.Text)
		}
	}
	return 0
}

// compatLevel returns the compat level in effect: DH_COMPAT if set, as in debhelper, else
// the tree's; it must be one this command implements.
func compatLevel(declared int, env func(string) string) (int, error) {
	level := declared
	if v := env("DH_COMPAT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || strings.Trim(v, "0123456789") != "" {
			return 0, fmt.Errorf("the environment variable DH_COMPAT must be a positive integer, not %q", v)
		}
		level = n
	}
	if level < MinCompat || level > MaxCompat {
		return 0, fmt.Errorf("compat level %d is not supported: this dh_installinit implements compat %d to %d (use debhelper's /usr/bin/dh_installinit for older levels)", level, MinCompat, MaxCompat)
	}
	return level, nil
}

// logFile is where debhelper records, inside dh override targets, which commands have acted
// on a package, for --remaining-packages.
func logFile(pkg string) string { return "debian/" + pkg + ".debhelper.log" }

// loggedRun reports whether debian/PKG.debhelper.log records a run of this command.
func loggedRun(tree *srctree.Tree, pkg string) (log []byte, logged bool) {
	log, _ = os.ReadFile(tree.Path(logFile(pkg)))
	for _, line := range strings.Split(string(log), "\n") {
		if line == Command {
			return log, true
		}
	}
	return log, false
}

// remaining drops the packages this command has already acted on in the current dh
// override target (--remaining-packages).
func remaining(tree *srctree.Tree, pkgs []string) []string {
	var left []string
	for _, pkg := range pkgs {
		if _, logged := loggedRun(tree, pkg); !logged {
			left = append(left, pkg)
		}
	}
	return left
}

// noPackages is debhelper's warning when nothing is left to act on.
func noPackages(tree *srctree.Tree, hostArch string) string {
	seen := map[string]bool{}
	var archs []string
	for _, p := range tree.Packages() {
		if a := strings.TrimSpace(p.Architecture); !seen[a] {
			seen[a] = true
			archs = append(archs, a)
		}
	}
	sort.Strings(archs)
	return fmt.Sprintf("No packages to build. Possible architecture mismatch: %s, want: %s", hostArch, strings.Join(archs, " "))
}

// logRun records, as debhelper does when dh runs an override target, that this command
// acted on pkg; unlike debhelper it adds the line only once.
func (r *run) logRun(pkg string) {
	log, logged := loggedRun(r.tree, pkg)
	if logged {
		return
	}
	if len(log) > 0 && !strings.HasSuffix(string(log), "\n") {
		log = append(log, '\n')
	}
	r.plan.WriteFile(logFile(pkg), append(log, Command+"\n"...), 0o644)
}

// run is one invocation working through its packages.
type run struct {
	c       *config
	tree    *srctree.Tree
	compat  int
	dh      Behaviour // the debhelper version followed
	plan    *debhelper.Plan
	stderr  io.Writer
	diags   maintscript.Diagnostics
	notes   []maintscript.Note
	daemons int // packages given init script code, for multiuser
}

func (r *run) errorf(format string, args ...any) {
	r.diags = append(r.diags, maintscript.Diagnostic{Severity: maintscript.Error, Message: fmt.Sprintf(format, args...)})
}

// names works out, as dh_installinit does, the name the init script and defaults file are
// installed as, the name of the debian/ file looked for first, and the upstart job's name.
func (r *run) names(pkg string) (script, scriptSrc, job string) {
	c := r.c
	switch {
	case c.Name != "":
		return c.Name, c.Name, c.Name
	case c.removeD:
		if base, ok := strings.CutSuffix(pkg, "d"); ok {
			return base, base, base
		}
		debhelper.Warning(r.stderr, Command, fmt.Sprintf("%q has no final d' in its name, but -d was specified.", pkg))
		return pkg, pkg, pkg
	case c.initScript != "":
		return c.initScript, c.initScript, pkg
	}
	return pkg, "init", pkg
}

// pkgFile finds debian/PKG.FILE as debhelper's pkgfile does (with --name,
// debian/PKG.NAME.FILE), returning its path relative to the tree.
func (r *run) pkgFile(pkg, file string) (string, bool) {
	named := file
	if r.c.Name != "" {
		named = r.c.Name + "." + file
	}
	host := r.tree.Host
	if r.compat >= 14 && r.dh.Compat14PkgFiles {
		// debhelper's pkgfile in compat 14: dh_installinit's files are named but have no
		// architecture variants; files without the package prefix are deprecated.
		host = debhelper.Host{}
		r.warnPrefixless(pkg, named)
	}
	p, ok := r.tree.Debian.PkgFile(pkg, pkg == r.tree.MainPackage, named, host)
	if !ok {
		return "", false
	}
	return "debian/" + filepath.Base(p), true
}

// warnPrefixless repeats debhelper's compat 14 warnings for debian/FILE, a file without the
// package prefix, when it exists: with --name always, else for the main package of a source
// with several binary packages.
func (r *run) warnPrefixless(pkg, file string) {
	if pkg != r.tree.MainPackage && r.c.Name == "" {
		return
	}
	if r.c.Name == "" && len(r.tree.Packages()) < 2 {
		return
	}
	if info, err := os.Stat(r.tree.Path("debian/" + file)); err != nil || !info.Mode().IsRegular() {
		return
	}
	what := "prefix-less debhelper config files"
	if r.c.Name != "" {
		what = "prefix-less debhelper config files with --name"
	}
	debhelper.Warning(r.stderr, Command, "The use of "+what+" is deprecated.")
	debhelper.Warning(r.stderr, Command, fmt.Sprintf("Please rename \"debian/%s\" to \"debian/%s.%[1]s\"", file, r.tree.MainPackage))
}

// pkg plans everything for one package.
func (r *run) pkg(pkg string) {
	c := r.c
	tmp := "debian/" + pkg
	if c.TmpDir != "" {
		tmp = path.Clean(filepath.ToSlash(c.TmpDir))
	}
	script, scriptSrc, jobName := r.names(pkg)
	if err := maintscript.CheckInitScriptName(script); err != nil {
		r.errorf("%v", err)
		return
	}
	if !c.NoScripts {
		r.plan.ClaimPackage(pkg)
	}
	install := !c.OnlyScripts

	var service, tmpfile string
	if r.compat <= 10 {
		service, _ = r.pkgFile(pkg, "service")
		tmpfile, _ = r.pkgFile(pkg, "tmpfile")
		if service != "" && install {
			units := "/lib/systemd/system/"
			if r.dh.UsrUnits {
				units = "/usr/lib/systemd/system/"
			}
			r.plan.InstallFile(service, tmp+units+script+".service", 0o644)
		}
		if tmpfile != "" && install {
			r.plan.InstallFile(tmpfile, tmp+"/usr/lib/tmpfiles.d/"+script+".conf", 0o644)
		}
	}
	job, _ := r.pkgFile(pkg, "upstart")
	// debhelper's manual says compat 11 rejects upstart jobs; its code does so from 12 on.
	if job != "" && r.compat >= 12 {
		for _, w := range []string{
			"Detected an upstart file; these are no longer supported by dh_installinit in compat 11",
			"Please ensure a proper removal by adding a \"rm_conffile\" line in debian/<pkg>.maintscript",
			"Example maintscript line:",
			fmt.Sprintf("     rm_conffile /etc/init/%s.conf %s", jobName, r.tree.Source.Version),
			"(Note: the example is a best-effort guess and it is not always correct! Please verify before use)",
			"see \"man dh_installdeb\" for more information about the maintscript file",
		} {
			debhelper.Warning(r.stderr, Command, w)
		}
		r.diags = append(r.diags, maintscript.Diagnostic{File: job, Severity: maintscript.Error, Message: "upstart jobs are no longer supported: remove the file and check whether the previous version's job needs a conffile removal"})
		return
	}
	if job != "" && install {
		r.plan.InstallFile(job, tmp+"/etc/init/"+jobName+".conf", 0o644)
	}
	if def, ok := r.pkgFile(pkg, "default"); ok && install {
		r.plan.InstallFile(def, tmp+"/etc/default/"+script, 0o644)
	}
	init, ok := r.pkgFile(pkg, scriptSrc)
	if !ok {
		init, ok = r.pkgFile(pkg, "init")
	}
	if !ok {
		init, _ = r.pkgFile(pkg, "init.d")
	}
	if c.initScript != "" && job != "" && init != "" {
		r.errorf("cannot use --init-script with an upstart job (%s)", job)
		return
	}
	installed := tmp + "/etc/init.d/" + script
	if r.compat <= 10 && !c.NoScripts {
		r.tmpfiles(pkg, tmp, tmpfile, script)
	}
	if service == "" && job == "" && init == "" && !c.OnlyScripts {
		return
	}

	var params []string
	if c.noEnable {
		params = []string{"defaults-disabled"}
		if !r.dh.NoInitSystemHelpers {
			r.plan.AddSubstvar(pkg, "misc:Depends", "init-system-helpers (>= 1.51)")
		}
	}
	if len(splitWords(c.updateRcdParams)) > 0 {
		params = c.updateRcdParams
	}
	shipped := maintscript.InitScript{
		Name: script,
		Init: &maintscript.InitOptions{
			UpdateRcdParams:   params,
			NoStart:           c.noStart,
			OnUpgrade:         c.policy(),
			ErrorHandler:      c.ErrorHandler,
			SkipSystemdNative: r.compat >= 12,
			Multiuser:         c.multiuser,
			MultiuserSince:    c.multiuserSince,
		},
	}
	source := init
	if !install {
		source = installed
	}
	if c.multiuser && (init != "" || !install) {
		data, err := os.ReadFile(r.tree.Path(source))
		switch {
		case err == nil:
			shipped.File, shipped.Content = source, data
		case !install && os.IsNotExist(err):
			r.errorf("multiuser with --only-scripts: %s is not staged, so its header cannot be made multiuser", installed)
			return
		default:
			r.diags = append(r.diags, maintscript.Diagnostic{File: source, Severity: maintscript.Error, Message: debhelper.Cause(err).Error()})
			return
		}
	}
	model := maintscript.Package{Name: pkg, Version: r.tree.Source.Version, InitScripts: []maintscript.InitScript{shipped}, Debhelper: r.dh.Scripts}
	if c.multiuser {
		// The declaration file must not declare it multiuser too: Render says so.
		model.Declarations = r.declaredMultiuser(pkg, script)
	}
	out, diags := maintscript.Render(model, srctree.Tool(Command))
	r.diags = append(r.diags, diags...)
	if out == nil {
		return
	}
	r.daemons++
	rewritten, _ := out.InitScript(script)
	if install && init != "" {
		if rewritten.Rewritten {
			r.plan.WriteFile(installed, rewritten.Content, 0o755)
		} else {
			r.plan.InstallFile(init, installed, 0o755)
		}
	} else if rewritten.Rewritten {
		mode := os.FileMode(0o755)
		if info, err := os.Stat(r.tree.Path(installed)); err == nil {
			mode = info.Mode().Perm()
		}
		r.plan.WriteFile(installed, rewritten.Content, mode)
	}
	if c.NoScripts {
		return
	}
	r.addFragments(pkg, out.Fragments)
	if !c.noStart && r.compat >= 12 && !r.dh.NoInitSystemHelpers {
		// invoke-rc.d --skip-systemd-native, from the prerm on: needs init-system-helpers
		// unpacked before this package.
		r.plan.AddSubstvar(pkg, "misc:Pre-Depends", "init-system-helpers (>= 1.54~)")
	}
	r.notes = append(r.notes, out.Notes...)
}

// tmpfiles adds, in compat 10, the postinst code that creates the package's
// systemd-tmpfiles configuration: the regular files under usr/lib/tmpfiles.d and
// etc/tmpfiles.d of the package build directory, including the one this run installs.
func (r *run) tmpfiles(pkg, tmp, installing, script string) {
	var files []string
	for _, dir := range []string{"usr/lib/tmpfiles.d", "etc/tmpfiles.d"} {
		root := r.tree.Path(tmp + "/" + dir)
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
				files = append(files, filepath.Base(p))
			}
			return nil
		})
	}
	if installing != "" && !r.c.OnlyScripts {
		conf := script + ".conf"
		if _, err := os.Stat(r.tree.Path(tmp + "/usr/lib/tmpfiles.d/" + conf)); err != nil {
			files = append(files, conf)
		}
	}
	if len(files) == 0 {
		return
	}
	sort.Strings(files)
	out, diags := maintscript.Render(maintscript.Package{Name: pkg, Version: r.tree.Source.Version, Tmpfiles: files, Debhelper: r.dh.Scripts}, srctree.Tool(Command))
	r.diags = append(r.diags, diags...)
	if out != nil {
		r.addFragments(pkg, out.Fragments)
	}
}

// addFragments plans the fragments of pkg into debhelper's files: the service bucket for a
// daemon's code, the package's .debhelper files for the rest.
func (r *run) addFragments(pkg string, fragments []maintscript.Fragment) {
	for _, f := range fragments {
		if f.Service {
			r.plan.AddServiceScript(pkg, f.Script.String(), f.Text)
		} else {
			r.plan.AddAutoscript(pkg, f.Script.String(), f.Text)
		}
	}
}

// declaredMultiuser returns the declaration of script as a multiuser daemon in pkg's
// declaration file, or nil; problems of the file are left to dh_teardown.
func (r *run) declaredMultiuser(pkg, script string) *maintscript.Declarations {
	decls, _ := r.tree.Declarations(pkg)
	if decls == nil {
		return nil
	}
	for _, d := range decls.Daemons {
		if d.Name == script && d.Multiuser {
			return &maintscript.Declarations{File: decls.File, Daemons: []maintscript.Daemon{d}}
		}
	}
	return nil
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
