package srctree

import (
	"io"

	"github.com/dh-teardown/dh-teardown/maintscript"
)

// PackageOutput is what dh_teardown generates for one binary package.
type PackageOutput struct {
	Package string
	Input   maintscript.Package
	*maintscript.Result
}

// Generate reads and renders every package of pkgs that has a declaration file, in order, as
// dh_teardown does, and returns all outputs or, when any package has an error, every problem
// of every package and no output. Warnings are returned either way.
func (t *Tree) Generate(pkgs []string, from ScriptSource) ([]PackageOutput, maintscript.Diagnostics) {
	var (
		all     maintscript.Diagnostics
		outputs []PackageOutput
	)
	for _, pkg := range pkgs {
		in, diags := t.Input(pkg, from)
		all = append(all, diags...)
		if diags.HasErrors() || in.Declarations == nil {
			continue
		}
		out, diags := maintscript.Render(in, Tool("dh_teardown"))
		all = append(all, diags...)
		if out != nil {
			outputs = append(outputs, PackageOutput{Package: pkg, Input: in, Result: out})
		}
	}
	if all.HasErrors() {
		return nil, all
	}
	return outputs, all
}

// Report prints diags to w, each line started by prefix (a command's "NAME: ", or ""), and
// returns the exit status they call for: 1 when one is an error, else 0. Every command
// prints its problems with it.
func Report(w io.Writer, prefix string, diags maintscript.Diagnostics) int {
	diags.Fprint(w, prefix)
	if diags.HasErrors() {
		return 1
	}
	return 0
}
