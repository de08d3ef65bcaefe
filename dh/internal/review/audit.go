package review

import (
	"flag"
	"fmt"
	"io"

	"github.com/dh-teardown/dh-teardown/dh/internal/audit"
)

// auditCmd implements "teardown audit [--root DIR] [--format text|json]": which init scripts
// of a system are stopped at shutdown and reboot for nothing, and what declaring them
// multiuser saves.
func auditCmd(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("teardown audit", flag.ContinueOnError)
	fl.SetOutput(stderr)
	root := fl.String("root", "/", "the root file system to audit")
	format := fl.String("format", "text", "output format: text or json")
	fl.Usage = func() { fmt.Fprintln(stderr, "usage: teardown audit [--root DIR] [--format text|json]") }
	if err := fl.Parse(args); err != nil {
		return exitUsage
	}
	if fl.NArg() != 0 || (*format != "text" && *format != "json") {
		fl.Usage()
		return exitUsage
	}
	report, err := audit.Audit(*root)
	if err != nil {
		fmt.Fprintf(stderr, "teardown audit: %v\n", err)
		return exitBadInput
	}
	write := report.WriteText
	if *format == "json" {
		write = report.WriteJSON
	}
	if err := write(stdout); err != nil {
		fmt.Fprintf(stderr, "teardown audit: %v\n", err)
		return exitBadInput
	}
	return exitOK
}
