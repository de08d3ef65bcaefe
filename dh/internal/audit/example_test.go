package audit_test

import (
	"fmt"
	"log"

	"github.com/dh-teardown/dh-teardown/dh/internal/audit"
)

// Audit a root and act on the verdicts; WriteText and WriteJSON print the
// whole report.
func ExampleAudit() {
	rep, err := audit.Audit("testdata/root")
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range rep.Scripts {
		if s.Class == audit.Needed && s.Name == "hwclock.sh" {
			r := s.Reasons[0]
			fmt.Printf("%s: %s at line %d: %s\n", s.Name, s.Class, r.Line, r.Why)
		}
	}
	fmt.Printf("multiuser would save %d fork/execs per shutdown, %d per reboot\n",
		rep.Summary.ShutdownForksSaved, rep.Summary.RebootForksSaved)
	// Output:
	// hwclock.sh: needed at line 65: saves the system clock to the hardware clock
	// multiuser would save 10 fork/execs per shutdown, 10 per reboot
}
