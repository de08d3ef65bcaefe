package srctree

import (
	"github.com/dh-teardown/dh-teardown/maintscript"
)

// PackageOutput is what dh_teardown generates for one binary package.
type PackageOutput struct {
	Package string
	Input   maintscript.Input
	*maintscript.Output
}

// Generate reads and generates every package of pkgs, in order, and returns all outputs or,
// when any package has an error, every problem of every package and no output. Warnings are
// returned either way.
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
		out, diags := maintscript.Generate(in)
		all = append(all, diags...)
		if out != nil {
			outputs = append(outputs, PackageOutput{Package: pkg, Input: in, Output: out})
		}
	}
	if all.HasErrors() {
		return nil, all
	}
	return outputs, all
}
