// Package cli is the command line of teardown's commands (render, explain, audit, check):
// flags with --help and --version, exit statuses, diagnostics and package selection, the
// same for every command.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
	"github.com/dh-teardown/dh-teardown/maintscript"
)

// Exit statuses of the teardown command.
const (
	ExitOK       = 0
	ExitBadInput = 1 // bad input: every problem printed
	ExitUsage    = 2 // a bad command line
)

// Subcommand is the command line of one teardown subcommand: its flags plus --help (the
// synopsis, the description and every option, on stdout, exit 0) and --version. Usage errors
// print the flag package's message and the synopsis on stderr (exit 2).
type Subcommand struct {
	*flag.FlagSet
	name     string // "teardown render"
	synopsis string // the usage line(s), without "usage: "
	about    string // what the command does, for --help
	stdout   io.Writer
	stderr   io.Writer
	version  bool
}

// NewSubcommand returns the command line of "teardown NAME": synopsis is its usage (without
// "usage: "), about what --help says it does.
func NewSubcommand(name, synopsis, about string, stdout, stderr io.Writer) *Subcommand {
	c := &Subcommand{FlagSet: flag.NewFlagSet("teardown "+name, flag.ContinueOnError),
		name: "teardown " + name, synopsis: synopsis, about: about, stdout: stdout, stderr: stderr}
	c.SetOutput(stderr)
	c.Usage = func() {} // parse prints what is needed where it is needed
	c.BoolVar(&c.version, "version", false, "print the version and exit")
	return c
}

// Parse parses args. When done is true the command has been handled (help or version
// printed, or a usage error reported) and status is its exit status.
func (c *Subcommand) Parse(args []string) (status int, done bool) {
	err := c.FlagSet.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		c.help(c.stdout)
		return ExitOK, true
	case err != nil: // the flag package has printed the problem
		return c.UsageError(""), true
	case c.version:
		PrintVersion(c.stdout, "teardown")
		return ExitOK, true
	}
	return ExitOK, false
}

// UsageError prints problem (if any) and the synopsis on stderr and returns exit status 2.
func (c *Subcommand) UsageError(problem string) int {
	if problem != "" {
		fmt.Fprintf(c.stderr, "%s: %s\n", c.name, problem)
	}
	fmt.Fprintf(c.stderr, "usage: %s\nRun '%s --help' for the options.\n", c.synopsis, c.name)
	return ExitUsage
}

// help prints the synopsis, the description and the options, as GNU tools do ("--from
// VERSION", the argument's name taken from the backquoted word of the flag's usage).
func (c *Subcommand) help(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n\n%s\n\noptions:\n", c.synopsis, strings.TrimSpace(c.about))
	c.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		dashes := "--"
		if len(f.Name) == 1 {
			dashes = "-"
		}
		if f.DefValue != "" && f.DefValue != "false" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "  %s\n      %s\n", strings.TrimSpace(dashes+f.Name+" "+arg), usage)
	})
}

// PrintVersion prints the version line of command.
func PrintVersion(w io.Writer, command string) {
	fmt.Fprintf(w, "%s (dh-teardown) %s\n", command, srctree.Version)
}

// Tree opens the source tree the command's argument names (DIR, default the current
// directory); on a problem it returns nil and the diagnostics.
func (c *Subcommand) Tree() (*srctree.Tree, maintscript.Diagnostics) {
	dir := "."
	if c.NArg() == 1 {
		dir = c.Arg(0)
	}
	return srctree.OpenTree(dir)
}

// Report prints every diagnostic to w (srctree.Report, the one renderer) and returns
// ExitBadInput when one is an error.
func Report(w io.Writer, diags maintscript.Diagnostics) int {
	return srctree.Report(w, "", diags)
}

// MultiFlag is a repeatable string flag.
type MultiFlag []string

func (m *MultiFlag) String() string     { return strings.Join(*m, ",") }
func (m *MultiFlag) Set(v string) error { *m = append(*m, v); return nil }

// SelectPackages returns the packages named, checked against debian/control, or all of them.
func SelectPackages(tree *srctree.Tree, names []string) ([]string, error) {
	if len(names) == 0 {
		var all []string
		for _, p := range tree.Source.Packages {
			all = append(all, p.Name)
		}
		return all, nil
	}
	for _, n := range names {
		if tree.Source.Package(n) == nil {
			return nil, fmt.Errorf("package %q is not in debian/control", n)
		}
	}
	return names, nil
}
