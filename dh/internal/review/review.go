// Package review implements the teardown command, for people reviewing what dh-teardown
// generates: "teardown render" prints it, "teardown explain" runs it through a dpkg
// transition, "teardown audit" finds the init scripts of a system that could be multiuser.
package review

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
	"github.com/dh-teardown/dh-teardown/maintscript"
)

// Exit statuses of the teardown command.
const (
	exitOK       = 0
	exitBadInput = 1
	exitUsage    = 2
)

var commands = map[string]func(args []string, stdout, stderr io.Writer) int{
	"render":  render,
	"explain": explainCmd,
	"audit":   auditCmd,
	"check":   checkCmd,
}

// Main runs the teardown command with args (without the program name) and returns its exit
// status.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "teardown: unknown command %q\n", args[0])
		usage(stderr)
		return exitUsage
	}
	return cmd(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "usage: teardown COMMAND [options]\ncommands: %s\n", strings.Join(names, ", "))
}

// report prints every diagnostic to w and returns exitBadInput when one is an error.
func report(w io.Writer, diags maintscript.Diagnostics) int {
	return srctree.Report(w, "", diags)
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// selectPackages returns the packages named, checked against debian/control, or all of them.
func selectPackages(tree *srctree.Tree, names []string) ([]string, error) {
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
