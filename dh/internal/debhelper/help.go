package debhelper

import (
	"fmt"
	"io"
	"strings"
)

// CommonOptionsHelp describes, for a command's --help, the debhelper options that
// dh-teardown's commands act on. ParseOptions accepts all of debhelper's common options, as
// every dh_* command does, so that dh can pass them on.
const CommonOptionsHelp = `Common debhelper options (debhelper(7)):
  -p, --package=PACKAGE      act on PACKAGE (repeatable); default: every package
  -N, --no-package=PACKAGE   do not act on PACKAGE (repeatable)
  -a, --arch                 act on the architecture-dependent packages
  -i, --indep                act on the architecture-independent packages
      --mainpackage=PACKAGE  the package that unprefixed debian/ files belong to
  -v, --verbose              print every change as a shell command, and the notes
      --no-act               write nothing: print the files that would be written
  -h, --help                 print this help and exit
      --version              print the version and exit
Other debhelper options are accepted as debhelper's commands accept them.
`

// Begin does what every dh-teardown command does first with its parsed options: prints the
// help text (PrintHelp) for --help or the version (PrintVersion) for --version, and then
// tells the command it is done (exit status 0); otherwise prints the options' warnings.
func (o *Options) Begin(command, version, usage, promise string, stdout, stderr io.Writer) (done bool) {
	switch {
	case o.Help:
		PrintHelp(stdout, usage, promise)
		return true
	case o.Version:
		PrintVersion(stdout, command, version)
		return true
	}
	for _, w := range o.Warnings {
		Warning(stderr, command, w)
	}
	return false
}

// PrintHelp prints a command's --help text, which ends with the command's PROMISE line
// (promise): the line is not printed. Keeping it at the end of a text the command prints
// keeps it in the executable, where dh looks for it to skip the command.
func PrintHelp(w io.Writer, text, promise string) {
	fmt.Fprint(w, strings.TrimSuffix(text, promise))
}

// PrintVersion prints the --version line of a dh-teardown command.
func PrintVersion(w io.Writer, command, version string) {
	fmt.Fprintf(w, "%s (dh-teardown) %s\n", command, version)
}
