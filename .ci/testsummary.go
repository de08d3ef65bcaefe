// Command testsummary reads `go test -json` on stdin and writes what a plain `go test` would
// (the output of failed tests, the ok/FAIL line of each package), plus the output of every
// skipped test, then one line of totals. It exits 1 when a test or a package failed, a
// package did not build, or — with -noskip, as `make test` runs it — a test was skipped.
//
//	go test -json ./... | go run .ci/testsummary.go -noskip
//
// It lives in .ci/ (which ./... does not match) because it is part of the CI machinery, not
// of the project.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

type totals struct {
	passed, failed, skipped int
	pkgOK, pkgFailed        int
	skips                   []string
	failedBuilds            int
}

func main() {
	noskip := flag.Bool("noskip", false, "a skipped test is a failure")
	flag.Parse()
	t, err := summarize(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(1)
	}
	fmt.Printf("\ntests: %d passed, %d failed, %d skipped; packages: %d ok, %d failed",
		t.passed, t.failed, t.skipped, t.pkgOK, t.pkgFailed)
	if t.failedBuilds > 0 {
		fmt.Printf(", %d did not build", t.failedBuilds)
	}
	fmt.Println()
	bad := t.failed > 0 || t.pkgFailed > 0 || t.failedBuilds > 0
	if *noskip && t.skipped > 0 {
		fmt.Println("skipped, which is a failure here (every suite must run):")
		for _, s := range t.skips {
			fmt.Println("  " + s)
		}
		bad = true
	}
	if bad {
		os.Exit(1)
	}
}

// summarize copies the readable part of the event stream in to out and counts the results.
func summarize(in io.Reader, out io.Writer) (totals, error) {
	var t totals
	buffered := map[string][]string{} // package + " " + test -> output lines so far
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			fmt.Fprintf(out, "%s\n", line) // go's own messages (e.g. a package that cannot be loaded)
			continue
		}
		key := e.Package + " " + e.Test
		switch {
		case e.Action == "build-output":
			fmt.Fprint(out, e.Output)
		case e.Action == "build-fail":
			t.failedBuilds++
		case e.Test == "" && e.Action == "output":
			// The package's own lines: "ok  pkg 1.2s", "FAIL pkg", a panic outside any test.
			if s := strings.TrimSpace(e.Output); s != "PASS" && s != "FAIL" && !strings.HasPrefix(s, "=== ") {
				fmt.Fprint(out, e.Output)
			}
		case e.Test == "" && e.Action == "pass":
			t.pkgOK++
		case e.Test == "" && e.Action == "fail":
			t.pkgFailed++
		case e.Test == "":
		case e.Action == "output":
			if !strings.HasPrefix(e.Output, "=== ") {
				buffered[key] = append(buffered[key], e.Output)
			}
		case e.Action == "pass":
			t.passed++
			delete(buffered, key)
		case e.Action == "fail":
			t.failed++
			fmt.Fprint(out, strings.Join(buffered[key], ""))
			delete(buffered, key)
		case e.Action == "skip": // of a test (a package's skip means it has no test files)
			t.skipped++
			t.skips = append(t.skips, e.Package+" "+e.Test)
			fmt.Fprint(out, strings.Join(buffered[key], ""))
			delete(buffered, key)
		}
	}
	return t, sc.Err()
}
