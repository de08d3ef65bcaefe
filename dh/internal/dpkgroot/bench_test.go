//go:build integration

package dpkgroot

import (
	"testing"

	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
)

// BenchmarkNewClose measures starting and closing a root.
func BenchmarkNewClose(b *testing.B) {
	testenv.RequireRoot(b)
	for b.Loop() {
		r, err := Open()
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRun measures running a trivial command inside a root.
func BenchmarkRun(b *testing.B) {
	r := New(b)
	for b.Loop() {
		if _, _, err := r.Run("true"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDpkgInstall measures dpkg -i of a package whose postinst
// registers and starts a daemon; the purge after each install is not timed.
func BenchmarkDpkgInstall(b *testing.B) {
	r := New(b)
	name := uniqueName(b)
	if err := r.CopyIn(BuildDeb(b, daemonPackage(name, "1.0")), "/tmp/d.deb"); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		if out, err := r.Dpkg("-i", "/tmp/d.deb"); err != nil {
			b.Fatal(out, err)
		}
		b.StopTimer()
		if out, err := r.Dpkg("-P", name); err != nil {
			b.Fatal(out, err)
		}
		b.StartTimer()
	}
}
