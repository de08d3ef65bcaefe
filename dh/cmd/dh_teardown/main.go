// Command dh_teardown generates the maintainer-script code for the daemons and info
// documents declared in debian/PKG.teardown: see dh_teardown(1).
package main

import (
	"log"
	"os"

	"github.com/dh-teardown/dh-teardown/dh/internal/dhteardown"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix(dhteardown.Command + ": ")
	dir, err := os.Getwd()
	if err != nil {
		log.Fatal(err)
	}
	os.Exit(dhteardown.Main(dir, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
