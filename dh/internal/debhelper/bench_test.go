package debhelper

import (
	"fmt"
	"testing"
)

// BenchmarkCommit200 regenerates the blocks and substvars of 200 packages
// in a tree where an earlier run wrote them (the idempotent case).
func BenchmarkCommit200(b *testing.B) {
	root := b.TempDir()
	run := func() {
		p := NewPlan(root, "dh_teardown", "0.1.0", nil)
		for i := range 200 {
			pkg := fmt.Sprintf("pkg%d", i)
			p.AddAutoscript(pkg, "postinst", "update-rc.d hellod defaults >/dev/null\n")
			p.AddAutoscript(pkg, "prerm", "invoke-rc.d hellod stop\n")
			p.AddServiceScript(pkg, "postrm", "update-rc.d hellod remove >/dev/null\n")
			p.AddSubstvar(pkg, "misc:Pre-Depends", "init-system-helpers (>= 1.54~)")
		}
		if err := p.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	run()
	for b.Loop() {
		run()
	}
}
