// Package dhteardown is the dh_teardown command: it reads each package's declaration file
// (debian/PKG.teardown, or debian/teardown for the main package), checks it against what
// dh_installinit staged and the version being built, rewrites the LSB header of multiuser
// daemons' staged init scripts, and adds the maintainer-script blocks of DESIGN §4 to
// debian/PKG.SCRIPT.debhelper. It writes everything or, on any problem, nothing; a second run
// changes no byte.
package dhteardown

import (
	"fmt"
	"io"

	"github.com/dh-teardown/dh-teardown/dh/internal/debhelper"
	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
)

// Command is the command's name, as its messages and block markers give it.
const Command = "dh_teardown"

// Promise tells dh (which reads it from the executable) that dh_teardown has nothing to do
// for a package without a debian/PKG.teardown file, so that dh can skip running it.
const Promise = "\n# PROMISE: DH NOOP WITHOUT teardown\n"

// Main runs dh_teardown in the source tree dir with args (without the command name) and the
// environment env, and returns its exit status: 0, 1 for bad input (every problem printed),
// 2 for a bad command line.
func Main(dir string, args []string, env func(string) string, stdout, stderr io.Writer) int {
	opts, err := debhelper.ParseOptions(args, env, nil)
	if err != nil {
		return debhelper.ReportError(stderr, Command, err)
	}
	if opts.Help {
		fmt.Fprintf(stdout, "usage: %s [debhelper options]\nsee dh_teardown(1)%s", Command, Promise)
		return 0
	}
	for _, w := range opts.Warnings {
		debhelper.Warning(stderr, Command, w)
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
	outputs, gdiags := tree.Generate(pkgs, srctree.Staged)
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
