package review

import (
	"fmt"
	"io"
	"strings"

	"github.com/dh-teardown/dh-teardown/dh/internal/cli"
	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
	"github.com/dh-teardown/dh-teardown/maintscript"
)

// render implements "teardown render [-p PKG] [DIR]": what dh_teardown would generate for
// the source tree DIR, per package and script, with the notes; it writes nothing.
func render(args []string, stdout, stderr io.Writer) int {
	fl := cli.NewSubcommand("render", "teardown render [-p PKG]... [DIR]", `
Print what dh_teardown would generate for the source tree DIR (default: the current
directory): per binary package and maintainer script, the blocks with the declaration and
snippet each comes from, then the notes (what needs no code, and why). Init scripts are read
as dh_installinit staged them in debian/PKG/etc/init.d, else from debian/. Nothing is written.
Exit status: 0, 1 for bad input (every problem printed), 2 for a usage error.`, stdout, stderr)
	var pkgs cli.MultiFlag
	fl.Var(&pkgs, "p", "only this binary `PACKAGE` (repeatable; default: all)")
	if status, done := fl.Parse(args); done {
		return status
	}
	if fl.NArg() > 1 {
		return fl.UsageError("more than one DIR")
	}
	tree, diags := fl.Tree()
	if tree == nil {
		return cli.Report(stderr, diags)
	}
	selected, err := cli.SelectPackages(tree, pkgs)
	if err != nil {
		fmt.Fprintf(stderr, "teardown render: %v\n", err)
		return cli.ExitBadInput
	}
	outputs, gdiags := tree.Generate(selected, srctree.StagedOrSource)
	diags = append(diags, gdiags...)
	if diags.HasErrors() {
		return cli.Report(stderr, diags)
	}
	writeRender(stdout, outputs)
	return cli.Report(stderr, diags)
}

// writeRender prints the outputs: per package and script the blocks as dh_teardown would
// write them, then the notes.
func writeRender(w io.Writer, outputs []srctree.PackageOutput) {
	if len(outputs) == 0 {
		fmt.Fprintln(w, "no declarations: dh_teardown generates nothing for this tree")
		return
	}
	for _, o := range outputs {
		for _, script := range maintscript.AllScripts() {
			var blocks []string
			for _, f := range o.Fragments {
				if f.Script == script {
					blocks = append(blocks, fmt.Sprintf("# %s (%s)\n%s", f.Subject, f.Snippet, f.Text))
				}
			}
			if len(blocks) == 0 {
				continue
			}
			fmt.Fprintf(w, "=== %s: %s\n%s\n", o.Package, script, strings.Join(blocks, "\n"))
		}
		if len(o.Notes) > 0 {
			fmt.Fprintf(w, "=== %s: notes\n", o.Package)
			for _, n := range o.Notes {
				fmt.Fprintf(w, "* %s: %s\n", n.Subject, n.Text)
			}
			fmt.Fprintln(w)
		}
	}
}
