package debhelper

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSubstvarsMatchDebhelper applies the same additions with debhelper's
// addsubstvar and with a Plan to the same starting files and compares the
// results, then checks that repeating them changes nothing.
func TestSubstvarsMatchDebhelper(t *testing.T) {
	ish := dhCall{pkg: "hello", name: "misc:Pre-Depends", value: "init-system-helpers", verinfo: ">= 1.54~"}
	tests := []struct {
		name  string
		start string // "" for no file
		calls []dhCall
	}{
		{"new file", "", []dhCall{ish}},
		{"other substvars kept", "misc:Depends=adduser\nshlibs:Depends=libc6 (>= 2.34)\n", []dhCall{ish}},
		{"merged into an existing line, sorted", "misc:Pre-Depends=zz, aa (>= 1)\n", []dhCall{ish}},
		{"already there: line left alone", "misc:Pre-Depends=zz, init-system-helpers (>= 1.54~), aa\n", []dhCall{ish}},
		{"optional assignment kept", "misc:Pre-Depends?=dpkg (>= 1.19)\n", []dhCall{ish}},
		{"empty value", "misc:Pre-Depends=\n", []dhCall{ish}},
		{"duplicates and trailing separator", "misc:Pre-Depends=b, a, b, \n", []dhCall{ish}},
		{"no final newline", "misc:Depends=adduser", []dhCall{ish}},
		{"blank lines kept", "a=1\n\nb=2\n", []dhCall{ish}},
		{"several additions", "", []dhCall{ish,
			{pkg: "hello", name: "misc:Depends", value: "lsb-base"},
			{pkg: "hello", name: "misc:Pre-Depends", value: "dpkg", verinfo: ">= 1.17.5"},
			{pkg: "hello-doc", name: "misc:Depends", value: "install-info"},
		}},
		{"prefix of another name", "misc:Pre-Depends-Extra=x\n", []dhCall{ish}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			theirs, ours := newSourceTree(t), newSourceTree(t)
			if tt.start != "" {
				writeTree(t, theirs, map[string]string{"debian/hello.substvars": tt.start})
				writeTree(t, ours, map[string]string{"debian/hello.substvars": tt.start})
			}
			runDebhelper(t, theirs, "dh_teardown", "0.1.0", tt.calls)
			runOurs(t, ours, "dh_teardown", "0.1.0", "", tt.calls)
			want := contents(snapshot(t, theirs))
			assert.Equal(t, want, contents(snapshot(t, ours)))

			touchOld(t, ours)
			before := snapshot(t, ours)
			runOurs(t, ours, "dh_teardown", "0.1.0", "", tt.calls)
			assert.Equal(t, before, snapshot(t, ours), "second run changed something")
		})
	}
}
