package explain

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/dh-teardown/dh-teardown/dh/internal/debhelper"
	"github.com/dh-teardown/dh-teardown/dh/internal/installinit"
	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
	"github.com/dh-teardown/dh-teardown/maintscript"
)

// initOptions is how debian/rules runs dh_installinit for one package: the settings of each
// init script it installs, by name ("" for the package's own, installed as PKG).
type initOptions struct {
	daemons map[string]maintscript.InitOptions
	// overridden says debian/rules has an override_dh_installinit target; without one dh
	// runs plain dh_installinit, which gives every daemon the default settings.
	overridden bool
	// notes say which recipe lines could not be read.
	notes []string
}

// overrideTarget matches the rule line of an override of dh_installinit.
var overrideTarget = regexp.MustCompile(`^override_dh_installinit(-arch|-indep)?\s*:`)

// shellSyntax is what makes a recipe line more than a plain command with words: variables,
// quoting, several commands, redirections, substitutions.
const shellSyntax = "$'\"`;&|<>(){}*?\\[]~#"

// readInitOptions reads the dh_installinit command lines of debian/rules that act on pkg.
// A recipe line that runs dh_installinit in a way it cannot read (make variables, shell
// syntax, options the drop-in does not know) is left out with a note.
func readInitOptions(tree *srctree.Tree, pkg string) initOptions {
	opts := initOptions{daemons: map[string]maintscript.InitOptions{}}
	data, err := os.ReadFile(tree.Path("debian/rules"))
	if err != nil {
		opts.notes = append(opts.notes, fmt.Sprintf("debian/rules: %v: dh_installinit is assumed to run with default options", err))
		return opts
	}
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		if !overrideTarget.MatchString(lines[i]) {
			continue
		}
		opts.overridden = true
		for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "\t") {
			i++
			n := i + 1 // line number of the recipe line
			recipe := lines[i]
			for strings.HasSuffix(recipe, "\\") && i+1 < len(lines) {
				i++
				recipe = strings.TrimSuffix(recipe, "\\") + " " + strings.TrimSpace(lines[i])
			}
			opts.addRecipe(tree, pkg, n, recipe)
		}
	}
	return opts
}

// addRecipe reads one recipe line of the override.
func (opts *initOptions) addRecipe(tree *srctree.Tree, pkg string, line int, recipe string) {
	cmd := strings.TrimLeft(strings.TrimSpace(recipe), "@-+ \t")
	if !strings.Contains(cmd, "dh_installinit") {
		return
	}
	unreadable := func(why string) {
		opts.notes = append(opts.notes, fmt.Sprintf("debian/rules:%d: %q: %s; left out", line, strings.TrimSpace(recipe), why))
	}
	words := strings.Fields(cmd)
	switch {
	case words[0] != "dh_installinit":
		unreadable("not a plain dh_installinit command line")
		return
	case strings.ContainsAny(cmd, shellSyntax):
		unreadable("make or shell syntax (variables, quoting, several commands) that explain does not evaluate")
		return
	}
	inv, err := installinit.ParseInvocation(words[1:])
	if err != nil {
		unreadable(err.Error())
		return
	}
	selected, err := debhelper.SelectPackages(inv.Options, tree.Packages(), tree.Host.Arch)
	if err != nil {
		unreadable(err.Error())
		return
	}
	for _, p := range selected {
		if p == pkg && !inv.NoScripts {
			opts.daemons[inv.Name] = inv.Init
		}
	}
}

// daemon returns the settings debian/rules gives the init script name of pkg; ok is false
// when an override exists and runs no dh_installinit for it.
func (opts initOptions) daemon(pkg, name string) (o maintscript.InitOptions, ok bool) {
	if o, ok := opts.daemons[name]; ok {
		return o, true
	}
	if o, ok := opts.daemons[""]; ok && name == pkg {
		return o, true
	}
	return maintscript.InitOptions{}, !opts.overridden
}
