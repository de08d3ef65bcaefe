package review

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
	"github.com/dh-teardown/dh-teardown/maintscript"
)

// render implements "teardown render [-p PKG] [DIR]": what dh_teardown would generate for
// the source tree DIR, per package and script, with the notes; it writes nothing.
func render(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("teardown render", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var pkgs multiFlag
	fl.Var(&pkgs, "p", "only this binary package (repeatable)")
	fl.Usage = func() { fmt.Fprintln(stderr, "usage: teardown render [-p PKG] [DIR]") }
	if err := fl.Parse(args); err != nil {
		return exitUsage
	}
	if fl.NArg() > 1 {
		fl.Usage()
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
	selected, err := selectPackages(tree, pkgs)
	if err != nil {
		fmt.Fprintf(stderr, "teardown render: %v\n", err)
		return exitBadInput
	}
	outputs, gdiags := tree.Generate(selected, srctree.StagedOrSource)
	diags = append(diags, gdiags...)
	if diags.HasErrors() {
		return report(stderr, diags)
	}
	writeRender(stdout, outputs)
	return report(stderr, diags)
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
