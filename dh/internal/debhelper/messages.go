package debhelper

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// Cause returns what went wrong in a file system error without the path it
// happened on (an *fs.PathError's Err), for a message that names the file in
// its own words (a plan path, a file of debian/, a path inside a root);
// any other error is returned as it is. It is the one place the dh
// packages unwrap a PathError.
func Cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Warning prints "TOOL: warning: MSG" to w (normally os.Stderr), as Dh_Lib's
// warning does; like it, it is printed even in quiet mode.
func Warning(w io.Writer, tool, msg string) {
	fmt.Fprintf(w, "%s: warning: %s\n", tool, msg)
}

// ReportError prints err to w (normally os.Stderr) in debhelper's format,
// "TOOL: error: MSG", one line per line of the message, and returns the
// exit status for it: 2 for a *UsageError, 0 for a *NoPackagesError
// (printed as a warning, as debhelper does), 1 for anything else. A main
// ends with os.Exit(debhelper.ReportError(os.Stderr, tool, err)).
func ReportError(w io.Writer, tool string, err error) int {
	var none *NoPackagesError
	if errors.As(err, &none) {
		Warning(w, tool, none.Msg)
		return 0
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(w, "%s: error: %s\n", tool, line)
	}
	var usage *UsageError
	if errors.As(err, &usage) {
		return 2
	}
	return 1
}
