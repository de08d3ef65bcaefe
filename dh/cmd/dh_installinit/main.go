// Command dh_installinit is dh-teardown's drop-in for debhelper's dh_installinit, with the
// keyword multiuser and --on-upgrade: see dh_installinit-teardown(1).
package main

import (
	"log"
	"os"

	"github.com/dh-teardown/dh-teardown/dh/internal/installinit"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix(installinit.Command + ": ")
	dir, err := os.Getwd()
	if err != nil {
		log.Fatal(err)
	}
	os.Exit(installinit.Main(dir, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
