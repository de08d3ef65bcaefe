package maintscript

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Severity tells whether a Diagnostic stops rendering. Its zero value is invalid, so that a
// Diagnostic built without one is noticed rather than taken for an error or a warning.
type Severity int

const (
	// Error is a problem that stops rendering: no Result, nothing to write.
	Error Severity = iota + 1
	// Warning is reported but does not stop rendering.
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "Severity(" + strconv.Itoa(int(s)) + ")"
}

// Diagnostic is one problem found in the input, with where it is.
//
// A problem in a file (a declaration file, an init script) has the file's path as the
// caller named it, a 1-based line (0: the whole file) and a 1-based column (0: unknown). A
// problem in a value built in Go, or given on a command line, has no file: its Subject (what it
// is about, such as `daemon "hellod"` or `package "hello"`) is then its position.
type Diagnostic struct {
	Severity Severity
	File     string
	Line     int
	Column   int
	// Subject names what the problem is about; it is printed before the message.
	Subject string
	Message string
}

// String formats the diagnostic on one line:
//
//	FILE:LINE:COLUMN: [warning: ]SUBJECT: MESSAGE
//
// leaving out what is unknown: the line and column when 0, the file when there is none (the
// subject is then the position), "error: " in place of the position when there is neither.
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.File != "" {
		b.WriteString(d.File)
		if d.Line > 0 {
			fmt.Fprintf(&b, ":%d", d.Line)
			if d.Column > 0 {
				fmt.Fprintf(&b, ":%d", d.Column)
			}
		}
		b.WriteString(": ")
	}
	switch {
	case d.Severity == Warning:
		b.WriteString("warning: ")
	case d.Severity != Error:
		b.WriteString(d.Severity.String() + ": ")
	case d.File == "" && d.Subject == "":
		b.WriteString("error: ")
	}
	if d.Subject != "" {
		b.WriteString(d.Subject + ": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Diagnostics is every problem found, errors and warnings, in file and line order. As an
// error it reports the errors only, one per line.
type Diagnostics []Diagnostic

// Fprint writes every diagnostic to w, one a line as [Diagnostic.String] formats it, each
// line started by prefix (a command's "NAME: ", or ""). It is the one way dh-teardown's
// commands print problems.
func (ds Diagnostics) Fprint(w io.Writer, prefix string) error {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(prefix + d.String() + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// HasErrors reports whether any diagnostic is an Error.
func (ds Diagnostics) HasErrors() bool { return ds.errorCount() > 0 }

// Warnings returns the warnings only.
func (ds Diagnostics) Warnings() Diagnostics {
	var w Diagnostics
	for _, d := range ds {
		if d.Severity == Warning {
			w = append(w, d)
		}
	}
	return w
}

// Err returns ds as an error when it holds an error, else nil.
func (ds Diagnostics) Err() error {
	if ds.HasErrors() {
		return ds
	}
	return nil
}

// Error returns the errors, one a line.
func (ds Diagnostics) Error() string {
	var lines []string
	for _, d := range ds {
		if d.Severity == Error {
			lines = append(lines, d.String())
		}
	}
	return strings.Join(lines, "\n")
}

// at is where a problem is: a file position, or a subject alone.
type at struct {
	file    string
	line    int
	subject string
}

func (ds *Diagnostics) add(sev Severity, p at, format string, args ...any) {
	*ds = append(*ds, Diagnostic{Severity: sev, File: p.file, Line: p.line, Subject: p.subject, Message: fmt.Sprintf(format, args...)})
}

func (ds *Diagnostics) errorf(p at, format string, args ...any) { ds.add(Error, p, format, args...) }

func (ds *Diagnostics) warnf(p at, format string, args ...any) { ds.add(Warning, p, format, args...) }

func (ds Diagnostics) errorCount() int {
	n := 0
	for _, d := range ds {
		if d.Severity == Error {
			n++
		}
	}
	return n
}

// Sort orders the diagnostics by file, then line, keeping the order of equal positions.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		if ds[i].File != ds[j].File {
			return ds[i].File < ds[j].File
		}
		return ds[i].Line < ds[j].Line
	})
}

// suggest returns the candidate closest to word (case-insensitively) when it is close enough
// to be a likely typo, else "".
func suggest(word string, candidates []string) string {
	best, bestDist := "", 3
	w := strings.ToLower(word)
	for _, c := range candidates {
		if d := editDistance(w, strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, counted in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
