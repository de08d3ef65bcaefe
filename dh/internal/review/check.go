package review

import (
	"flag"
	"fmt"
	"io"

	"github.com/dh-teardown/dh-teardown/dh/internal/check"
)

// checkCmd implements "teardown check [--format text|json] OLD.deb NEW.deb" and "teardown
// check --old OLD.deb [-p PKG] [--format text|json] [DIR]": what OLD ships and NEW (or the
// package staged in DIR/debian/PKG by a build) does not, and whether NEW handles it. Exit
// status 0 when everything is handled, 1 when something is not or on bad input, 2 on usage
// errors.
func checkCmd(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("teardown check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	old := fl.String("old", "", "the old version's .deb, to check against the package staged in DIR")
	pkg := fl.String("p", "", "the binary package staged in DIR/debian/PKG (default: the old .deb's package)")
	format := fl.String("format", "text", "output format: text or json")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: teardown check [--format text|json] OLD.deb NEW.deb\n       teardown check --old OLD.deb [-p PKG] [--format text|json] [DIR]")
	}
	if err := fl.Parse(args); err != nil {
		return exitUsage
	}
	staged := *old != ""
	if (*format != "text" && *format != "json") || (!staged && (fl.NArg() != 2 || *pkg != "")) || (staged && fl.NArg() > 1) {
		fl.Usage()
		return exitUsage
	}
	var report *check.Report
	var err error
	if staged {
		dir := "."
		if fl.NArg() == 1 {
			dir = fl.Arg(0)
		}
		report, err = check.Staged(*old, dir, *pkg)
	} else {
		report, err = check.Debs(fl.Arg(0), fl.Arg(1))
	}
	if err != nil {
		fmt.Fprintf(stderr, "teardown check: %v\n", err)
		return exitBadInput
	}
	write := report.WriteText
	if *format == "json" {
		write = report.WriteJSON
	}
	if err := write(stdout); err != nil {
		fmt.Fprintf(stderr, "teardown check: %v\n", err)
		return exitBadInput
	}
	if !report.Handled() {
		return exitBadInput
	}
	return exitOK
}
