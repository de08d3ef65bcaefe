package review

import (
	"fmt"
	"io"

	"github.com/dh-teardown/dh-teardown/dh/internal/check"
	"github.com/dh-teardown/dh-teardown/dh/internal/cli"
)

// checkCmd implements "teardown check [--format text|json] OLD.deb NEW.deb" and "teardown
// check --old OLD.deb [-p PKG] [--format text|json] [DIR]": what OLD ships and NEW (or the
// package staged in DIR/debian/PKG by a build) does not, and whether NEW handles it. Exit
// status 0 when everything is handled, 1 when something is not or on bad input, 2 on usage
// errors.
func checkCmd(args []string, stdout, stderr io.Writer) int {
	fl := cli.NewSubcommand("check", "teardown check [--format text|json] OLD.deb NEW.deb\n       teardown check --old OLD.deb [-p PKG] [--format text|json] [DIR]", `
What the old version ships and the new one does not (init scripts, systemd units,
conffiles, info documents), whether the new version's maintainer scripts handle each, and
the declaration that would. The new version is NEW.deb, or with --old the package a build
staged in DIR/debian/PKG.
Exit status: 0 when everything is handled, 1 when something is not or on bad input, 2 for a
usage error.`, stdout, stderr)
	old := fl.String("old", "", "the old version's .deb (`OLD.deb`), to check against the package staged in DIR")
	pkg := fl.String("p", "", "the binary `PACKAGE` staged in DIR/debian/PACKAGE (default: the old .deb's package)")
	format := fl.String("format", "text", "output `FORMAT`: text or json")
	if status, done := fl.Parse(args); done {
		return status
	}
	staged := *old != ""
	switch {
	case *format != "text" && *format != "json":
		return fl.UsageError(fmt.Sprintf("--format %q: want text or json", *format))
	case !staged && (fl.NArg() != 2 || *pkg != ""):
		return fl.UsageError("want OLD.deb NEW.deb, or --old OLD.deb [-p PACKAGE] [DIR]")
	case staged && fl.NArg() > 1:
		return fl.UsageError("more than one DIR")
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
		return cli.ExitBadInput
	}
	write := report.WriteText
	if *format == "json" {
		write = report.WriteJSON
	}
	if err := write(stdout); err != nil {
		fmt.Fprintf(stderr, "teardown check: %v\n", err)
		return cli.ExitBadInput
	}
	if !report.Handled() {
		return cli.ExitBadInput
	}
	return cli.ExitOK
}
