package review

import (
	"bytes"
)

// example is the bundled source tree with declarations.
const example = "../../../examples/hello/2.0"

// run runs the teardown command and returns its exit status, stdout and stderr.
func run(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := Main(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}
