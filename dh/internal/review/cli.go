package review

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
)

// Exit statuses of the teardown command.
const (
	exitOK       = 0
	exitBadInput = 1
	exitUsage    = 2
)

// subcommand is the command line of one teardown subcommand: its flags plus --help (the
// synopsis, the description and every option, on stdout, exit 0) and --version. Usage errors
// print the flag package's message and the synopsis on stderr (exit 2).
type subcommand struct {
	*flag.FlagSet
	name     string // "teardown render"
	synopsis string // the usage line(s), without "usage: "
	about    string // what the command does, for --help
	stdout   io.Writer
	stderr   io.Writer
	version  bool
}

// newSubcommand returns the command line of "teardown NAME".
func newSubcommand(name, synopsis, about string, stdout, stderr io.Writer) *subcommand {
	c := &subcommand{FlagSet: flag.NewFlagSet("teardown "+name, flag.ContinueOnError),
		name: "teardown " + name, synopsis: synopsis, about: about, stdout: stdout, stderr: stderr}
	c.SetOutput(stderr)
	c.Usage = func() {} // parse prints what is needed where it is needed
	c.BoolVar(&c.version, "version", false, "print the version and exit")
	return c
}

// parse parses args. When done is true the command has been handled (help or version
// printed, or a usage error reported) and status is its exit status.
func (c *subcommand) parse(args []string) (status int, done bool) {
	err := c.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		c.help(c.stdout)
		return exitOK, true
	case err != nil: // the flag package has printed the problem
		return c.usageError(""), true
	case c.version:
		printVersion(c.stdout, "teardown")
		return exitOK, true
	}
	return exitOK, false
}

// usageError prints problem (if any) and the synopsis on stderr and returns exit status 2.
func (c *subcommand) usageError(problem string) int {
	if problem != "" {
		fmt.Fprintf(c.stderr, "%s: %s\n", c.name, problem)
	}
	fmt.Fprintf(c.stderr, "usage: %s\nRun '%s --help' for the options.\n", c.synopsis, c.name)
	return exitUsage
}

// help prints the synopsis, the description and the options, as GNU tools do ("--from
// VERSION", the argument's name taken from the backquoted word of the flag's usage).
func (c *subcommand) help(w io.Writer) {
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

// printVersion prints the version line of command.
func printVersion(w io.Writer, command string) {
	fmt.Fprintf(w, "%s (dh-teardown) %s\n", command, srctree.Version)
}
