// Package dhteardown is the dh_teardown command: it reads each package's declaration file
// (debian/PKG.teardown, or debian/teardown for the main package), checks it against what
// dh_installinit staged and the version being built, rewrites the LSB header of multiuser
// daemons' staged init scripts, and adds the maintainer-script blocks of docs/design.md §5 to
// debian/PKG.SCRIPT.debhelper. It writes everything or, on any problem, nothing; a second run
// changes no byte.
package dhteardown

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"

	"github.com/dh-teardown/dh-teardown/dh/internal/debhelper"
	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
	"github.com/dh-teardown/dh-teardown/maintscript"
)

// Command is the command's name, as its messages and block markers give it.
const Command = "dh_teardown"

// Promise tells dh (which reads it from the executable) that dh_teardown has nothing to do
// for a package without a debian/PKG.teardown file, so that dh can skip running it.
const Promise = "\n# PROMISE: DH NOOP WITHOUT teardown\n"

// usage is the --help text. debhelper.PrintHelp prints it without its last line, the
// PROMISE line, which it carries so that the line stays in the executable.
var usage = `Usage: dh_teardown [debhelper options]

Generate the maintainer-script code for the daemons and info documents declared in
debian/PKG.teardown (debian/teardown for the main package): multiuser daemons (their staged
init script's Default-Stop becomes 1; old runlevel 0 and 6 stop links are dropped on
upgrade), daemons and info documents removed in a version (stopped or deregistered before the
upgrade unpacks, restored when it fails). Run it after dh_installinit (dh's add-on teardown
does). It writes every file or, on any problem, nothing, and a second run changes nothing.
Exit status: 0, 1 for bad input (every problem printed as FILE:LINE: MESSAGE), 2 for a
usage error. See dh_teardown(1).

` + debhelper.CommonOptionsHelp + Promise

// Main runs dh_teardown in the source tree dir with args (without the command name) and the
// environment env, and returns its exit status: 0, 1 for bad input (every problem printed),
// 2 for a bad command line.
func Main(dir string, args []string, env func(string) string, stdout, stderr io.Writer) int {
	opts, err := debhelper.ParseOptions(args, env, nil)
	if err != nil {
		return debhelper.ReportError(stderr, Command, err)
	}
	if opts.Begin(Command, srctree.Version, usage, Promise, stdout, stderr) {
		return 0
	}
	if len(opts.Args) > 0 {
		return debhelper.ReportError(stderr, Command, &debhelper.UsageError{Problems: []string{fmt.Sprintf("unexpected argument %q: dh_teardown takes only options", opts.Args[0])}})
	}
	tree, diags := srctree.OpenTree(dir)
	if tree == nil {
		return srctree.Report(stderr, "", diags)
	}
	host, err := debhelper.LookupHost(env)
	if err != nil {
		return debhelper.ReportError(stderr, Command, err)
	}
	tree.Host = host
	tree.MainPackage = debhelper.MainPackage(opts, tree.Packages())
	pkgs, err := debhelper.SelectPackages(opts, tree.Packages(), host.Arch)
	if err != nil {
		return debhelper.ReportError(stderr, Command, err)
	}
	outputs, gdiags := generate(tree, pkgs)
	diags = append(diags, gdiags...)
	if code := srctree.Report(stderr, "", diags); code != 0 {
		return code
	}

	plan := debhelper.NewPlan(dir, Command, srctree.Version, opts)
	plan.Out = stdout
	for _, pkg := range pkgs {
		plan.ClaimPackage(pkg)
	}
	for _, o := range outputs {
		for _, f := range o.Fragments {
			plan.AddAutoscript(o.Package, f.Script.String(), f.Text)
		}
		for _, script := range o.InitScripts {
			if script.Rewritten {
				plan.ReplaceFile(srctree.StagedInitScript(o.Package, script.Name), script.Content, 0o755)
			}
		}
		if opts.NoAct || opts.Verbose {
			for _, f := range o.Fragments {
				fmt.Fprintf(stdout, "\t# %s: %s: block for %s (%s)\n", o.Package, f.Script, f.Subject, f.Snippet)
			}
		}
		if opts.Verbose {
			for _, n := range o.Notes {
				fmt.Fprintf(stdout, "\t# %s: %s: %s\n", n.Package, n.Subject, n.Text)
			}
		}
	}
	if err := plan.Commit(); err != nil {
		return debhelper.ReportError(stderr, Command, err)
	}
	return 0
}

// generate is tree.Generate(pkgs, srctree.Staged), on several goroutines when there are many
// packages: each package is read and rendered on its own, and rendering templates costs
// tens of microseconds a package. Outputs and diagnostics come in the order of pkgs.
func generate(tree *srctree.Tree, pkgs []string) ([]srctree.PackageOutput, maintscript.Diagnostics) {
	n := min(runtime.GOMAXPROCS(0), 4, len(pkgs)/16)
	if n <= 1 {
		return tree.Generate(pkgs, srctree.Staged)
	}
	outputs := make([][]srctree.PackageOutput, n)
	diags := make([]maintscript.Diagnostics, n)
	var wg sync.WaitGroup
	for i := range n {
		chunk := pkgs[i*len(pkgs)/n : (i+1)*len(pkgs)/n]
		wg.Go(func() { outputs[i], diags[i] = tree.Generate(chunk, srctree.Staged) })
	}
	wg.Wait()
	all := slices.Concat(diags...)
	if all.HasErrors() {
		return nil, all
	}
	return slices.Concat(outputs...), all
}
