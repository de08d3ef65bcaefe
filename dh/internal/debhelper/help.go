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
