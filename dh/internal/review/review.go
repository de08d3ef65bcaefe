// Package review implements the teardown command, for people reviewing what dh-teardown
// generates: "teardown render" prints it, "teardown explain" runs it through a dpkg
// transition, "teardown audit" finds the init scripts of a system that could be multiuser.
package review

import (
	"fmt"
	"io"

	"github.com/dh-teardown/dh-teardown/dh/internal/cli"
	"github.com/dh-teardown/dh-teardown/dh/internal/explain"
)

// command is one subcommand of teardown.
type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) int
}

// commands are teardown's subcommands, in the order its help lists them.
var commands = []command{
	{"render", "print what dh_teardown would generate for a source tree", render},
	{"explain", "show what the generated code does in one dpkg transition", explain.Command},
	{"audit", "find the init scripts of a system that could be multiuser", auditCmd},
	{"check", "find what an old .deb ships that a new one drops, and whether it is handled", checkCmd},
}

// Main runs the teardown command with args (without the program name) and returns its exit
// status: "teardown --help" (or "help"), "teardown --version", "teardown help COMMAND" (the
// same as "teardown COMMAND --help") or "teardown COMMAND [options]".
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return cli.ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return cli.ExitOK
	case "help":
		if len(args) == 1 {
			usage(stdout)
			return cli.ExitOK
		}
		args = []string{args[1], "--help"}
	case "-version", "--version":
		cli.PrintVersion(stdout, "teardown")
		return cli.ExitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "teardown: unknown command %q\n", args[0])
	usage(stderr)
	return cli.ExitUsage
}

// usage prints teardown's synopsis and its commands.
func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: teardown COMMAND [options]\n       teardown --version\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'teardown COMMAND --help' for a command's options; see teardown(1).")
}
