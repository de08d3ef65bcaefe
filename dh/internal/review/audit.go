package review

import (
	"fmt"
	"io"

	"github.com/dh-teardown/dh-teardown/dh/internal/audit"
	"github.com/dh-teardown/dh-teardown/dh/internal/cli"
)

// auditCmd implements "teardown audit [--root DIR] [--format text|json]": which init scripts
// of a system are stopped at shutdown and reboot for nothing, and what declaring them
// multiuser saves.
func auditCmd(args []string, stdout, stderr io.Writer) int {
	fl := cli.NewSubcommand("audit", "teardown audit [--root DIR] [--format text|json]", `
For every init script of the system under DIR that rc0.d or rc6.d runs with "stop" at
shutdown and reboot, classify the stop action: redundant with sendsigs (it only signals the
daemon and waits no longer than sendsigs does), needed (it saves state, flushes, unmounts,
talks to hardware...), or unknown; each with its reasons (file and line). The summary says
what declaring the redundant ones multiuser saves at each shutdown and reboot.
Exit status: 0, 1 when the root cannot be read, 2 for a usage error.`, stdout, stderr)
	root := fl.String("root", "/", "the root file system to audit, a `DIR`")
	format := fl.String("format", "text", "output `FORMAT`: text or json")
	if status, done := fl.Parse(args); done {
		return status
	}
	switch {
	case fl.NArg() != 0:
		return fl.UsageError("unexpected argument " + fl.Arg(0))
	case *format != "text" && *format != "json":
		return fl.UsageError(fmt.Sprintf("--format %q: want text or json", *format))
	}
	report, err := audit.Audit(*root)
	if err != nil {
		fmt.Fprintf(stderr, "teardown audit: %v\n", err)
		return cli.ExitBadInput
	}
	write := report.WriteText
	if *format == "json" {
		write = report.WriteJSON
	}
	if err := write(stdout); err != nil {
		fmt.Fprintf(stderr, "teardown audit: %v\n", err)
		return cli.ExitBadInput
	}
	return cli.ExitOK
}
