package maintscript

import (
	"fmt"
	"sort"
	"strings"
)

// Severity tells whether a Diagnostic stops generation.
type Severity int

const (
	// Error is a problem that stops generation: nothing is written.
	Error Severity = iota
	// Warning is reported but does not stop generation.
	Warning
)

// Diagnostic is one problem found in the input, with its position.
type Diagnostic struct {
	// File is the path of the file as the caller named it (for example
	// "debian/hello.teardown"); Line is 1-based, 0 when the problem concerns the whole file.
	File     string
	Line     int
	Severity Severity
	Message  string
}

// String formats the diagnostic as FILE:LINE: MESSAGE, with "warning: " before the message
// of a warning.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
	}
	b.WriteString(": ")
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Diagnostics is every problem found, errors and warnings, in file and line order. As an
// error it reports the errors only, one per line.
type Diagnostics []Diagnostic

func (ds *Diagnostics) add(sev Severity, file string, line int, format string, args ...any) {
	*ds = append(*ds, Diagnostic{File: file, Line: line, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

func (ds *Diagnostics) errorf(file string, line int, format string, args ...any) {
	ds.add(Error, file, line, format, args...)
}

func (ds *Diagnostics) warnf(file string, line int, format string, args ...any) {
	ds.add(Warning, file, line, format, args...)
}

func (ds Diagnostics) errorCount() int {
	n := 0
	for _, d := range ds {
		if d.Severity == Error {
			n++
		}
	}
	return n
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

func (ds Diagnostics) Error() string {
	var lines []string
	for _, d := range ds {
		if d.Severity == Error {
			lines = append(lines, d.String())
		}
	}
	return strings.Join(lines, "\n")
}

// sort orders the diagnostics by file, then line, keeping the order of equal positions.
func (ds Diagnostics) sort() {
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
