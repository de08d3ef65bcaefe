package explain

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dh-teardown/dh-teardown/dh/internal/cli"
	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
	"github.com/dh-teardown/dh-teardown/maintscript"
)

// Synopsis is the usage of teardown explain.
const Synopsis = `teardown explain [-p PKG] --from OLD|none [--config-files] [--to NEW|none|purge]
                        [--fail preinst|prerm|postrm|postinst|unpack [--fail-early]]
                        [--init sysvinit|systemd] [--format text|json] [DIR]`

// about is the description --help prints.
const about = `
Show one dpkg transition of a package of the source tree DIR (default: the current
directory): the maintainer-script calls dpkg makes (Debian Policy 6.5-6.8) and, under each,
the commands the scripts run, found by executing them with stubbed commands on a simulated
file system. One of --from and --to is the version DIR builds (its scripts are generated);
the other version is modelled from the declarations.

  --from none                    install
  --from OLD                     upgrade from OLD (a reinstall when OLD is the version DIR
                                 builds, a downgrade when it is newer)
  --from OLD --config-files      install over the config-files state OLD left behind
  --from V --to OLD              downgrade from V, the version DIR builds, to OLD
  --from V --to none|purge       remove or purge V, the version DIR builds
  --fail STEP                    that script fails after its code ran (or dpkg's unpack
                                 fails): show how dpkg and the scripts unwind
  --init systemd                 the machine runs systemd (default: sysvinit); the modelled
                                 version ships a unit NAME.service (and those of Units:)
                                 for each daemon declared removed, enabled and active

The options debian/rules gives dh_installinit (override_dh_installinit) are read; a recipe
line that cannot be read is named in the notes.
Exit status: 0 when the transition could be explained (whether or not dpkg succeeds in it),
1 for bad input, 2 for a usage error.`

// Command runs "teardown explain" with args (after the command name) and returns its exit
// status. --format json prints the explanation's fields (output.go).
func Command(args []string, stdout, stderr io.Writer) int {
	fl := cli.NewSubcommand("explain", Synopsis, about, stdout, stderr)
	var pkgs cli.MultiFlag
	fl.Var(&pkgs, "p", "the binary `PACKAGE` to explain (needed when several have declarations)")
	from := fl.String("from", "", "the `VERSION` installed before the transition, or \"none\"")
	to := fl.String("to", "", "the `VERSION` installed after it (default: the one DIR builds), \"none\" (remove) or \"purge\"")
	configFiles := fl.Bool("config-files", false, "the --from version was removed, not purged: only its conffiles and postrm are left")
	fail := fl.String("fail", "", "make `STEP` fail: "+failList()+" (the script dpkg runs for it in this transition)")
	early := fl.Bool("fail-early", false, "with --fail: the script fails before its code runs, not after")
	initSystem := fl.String("init", initSysvinit, "the `INIT` system the machine runs: sysvinit or systemd")
	format := fl.String("format", "text", "output `FORMAT`: text or json")
	if status, done := fl.Parse(args); done {
		return status
	}
	fromSet := false
	fl.Visit(func(f *flag.Flag) { fromSet = fromSet || f.Name == "from" })
	switch {
	case !fromSet:
		return fl.UsageError("--from is required")
	case fl.NArg() > 1:
		return fl.UsageError("more than one DIR")
	case len(pkgs) > 1:
		return fl.UsageError("-p names one package")
	case *format != "text" && *format != "json":
		return fl.UsageError(fmt.Sprintf("--format %q: want text or json", *format))
	case *initSystem != initSysvinit && *initSystem != initSystemd:
		return fl.UsageError(fmt.Sprintf("--init %q: want sysvinit or systemd", *initSystem))
	case *fail != "" && !slices.Contains(failSteps, *fail):
		return fl.UsageError(fmt.Sprintf("--fail %q: want %s", *fail, failList()))
	}
	tree, diags := fl.Tree()
	if tree == nil {
		return cli.Report(stderr, diags)
	}
	out, diags := explainedPackage(tree, pkgs, diags)
	if out == nil {
		return cli.Report(stderr, diags)
	}
	problem := func(err error) int {
		fmt.Fprintf(stderr, "teardown explain: %v\n", err)
		return cli.ExitBadInput
	}
	tr, err := ParseTransition(*from, *to, *configFiles, *fail, *early, tree.Source.Version)
	if err != nil {
		return problem(err)
	}
	ex, err := explain(tree, *out, tr, *initSystem)
	if err != nil {
		return problem(err)
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
		return problem(err)
	}
	return cli.Report(stderr, diags)
}

// explainedPackage generates the package to explain: the one -p names, or the only package
// of the tree with a declaration file. On a problem it returns nil and diagnostics that hold
// an error.
func explainedPackage(tree *srctree.Tree, names []string, diags maintscript.Diagnostics) (*srctree.PackageOutput, maintscript.Diagnostics) {
	problem := func(format string, args ...any) (*srctree.PackageOutput, maintscript.Diagnostics) {
		return nil, append(diags, maintscript.Diagnostic{File: tree.Path("debian/control"), Severity: maintscript.Error, Message: fmt.Sprintf(format, args...)})
	}
	selected, err := cli.SelectPackages(tree, names)
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
