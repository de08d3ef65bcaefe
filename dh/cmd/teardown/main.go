// Command teardown shows reviewers what dh-teardown generates and what it does: see
// teardown(1), or run "teardown help".
package main

import (
	"os"

	"github.com/dh-teardown/dh-teardown/dh/internal/review"
)

func main() {
	os.Exit(review.Main(os.Args[1:], os.Stdout, os.Stderr))
}
