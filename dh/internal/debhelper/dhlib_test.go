//go:build integration

package debhelper

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
)

// The tests of this file compare a Plan with debhelper itself: the blocks, files and
// substvars that Dh_Lib's autoscript and addsubstvar write (run from a tiny Perl command),
// and the architecture matching with dpkg-architecture's. They are in the integration tier.

// fakeTool is a debhelper command that makes the autoscript and
// addsubstvar calls listed in $FAKE_CALLS, one per line, fields separated
// by tabs: "autoscript PKG SCRIPT SNIPPET SERVICE" (snippet files come from
// $DH_AUTOSCRIPTDIR; SERVICE is 1 for the service bucket) or
// "addsubstvar PKG NAME DEP VERINFO".
const fakeTool = `#!/usr/bin/perl
use strict;
use warnings;
use Debian::Debhelper::Dh_Lib;
our $VERSION = '%s';
init();
for my $call (split(/\n/, $ENV{FAKE_CALLS})) {
	my ($fn, @a) = split(/\t/, $call, -1);
	if ($fn eq 'autoscript') {
		autoscript($a[0], $a[1], $a[2], undef, $a[3] ? { 'snippet-order' => 'service' } : undef);
	} else {
		addsubstvar($a[0], $a[1], $a[2], $a[3]);
	}
}
`

// requireDebhelper skips (or in CI fails) when debhelper is missing.
func requireDebhelper(t *testing.T) {
	t.Helper()
	testenv.RequireFile(t, "/usr/share/perl5/Debian/Debhelper/Dh_Lib.pm", "debhelper")
}

// runDebhelper runs the calls through debhelper's own functions as the
// command tool in the source tree root.
func runDebhelper(t *testing.T, root, tool, version string, calls []dhCall) {
	t.Helper()
	requireDebhelper(t)
	bin := t.TempDir()
	snippets := t.TempDir()
	var lines []string
	for i, c := range calls {
		if c.script == "" {
			lines = append(lines, strings.Join([]string{"addsubstvar", c.pkg, c.name, c.value, c.verinfo}, "\t"))
			continue
		}
		snippet := fmt.Sprintf("snippet%d", i)
		require.NoError(t, os.WriteFile(filepath.Join(snippets, snippet), []byte(c.body), 0o644))
		service := "0"
		if c.service {
			service = "1"
		}
		lines = append(lines, strings.Join([]string{"autoscript", c.pkg, c.script, snippet, service}, "\t"))
	}
	prog := filepath.Join(bin, tool)
	require.NoError(t, os.WriteFile(prog, fmt.Appendf(nil, fakeTool, version), 0o755))
	cmd := exec.Command("perl", prog)
	cmd.Dir = root
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DH_") && !strings.HasPrefix(kv, "DEB_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "DH_AUTOSCRIPTDIR="+snippets, "FAKE_CALLS="+strings.Join(lines, "\n"))
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}

// TestAutoscriptMatchesDebhelper runs the same blocks through debhelper's
// autoscript and through a Plan, with another command's blocks before or
// after, and compares the bytes of every file written.
func TestAutoscriptMatchesDebhelper(t *testing.T) {
	for _, otherFirst := range []bool{false, true} {
		theirs, ours := newSourceTree(t), newSourceTree(t)
		if otherFirst {
			runDebhelper(t, theirs, "dh_other", "13.11.4", otherCalls)
			runDebhelper(t, ours, "dh_other", "13.11.4", otherCalls)
		}
		runDebhelper(t, theirs, "dh_teardown", "0.1.0", ourCalls)
		runOurs(t, ours, "dh_teardown", "0.1.0", "", ourCalls)
		if !otherFirst {
			runDebhelper(t, theirs, "dh_other", "13.11.4", otherCalls)
			runDebhelper(t, ours, "dh_other", "13.11.4", otherCalls)
		}
		want := contents(snapshot(t, theirs))
		require.Contains(t, want, "debian/hello.prerm.debhelper", "debhelper wrote nothing?")
		assert.Equal(t, want, contents(snapshot(t, ours)), "other command first: %v", otherFirst)
	}
}

// TestAutoscriptIdempotent reruns the command after another one wrote
// blocks around ours: nothing may change, not even a modification time.
func TestAutoscriptIdempotent(t *testing.T) {
	root := newSourceTree(t)
	runOurs(t, root, "dh_teardown", "0.1.0", "", ourCalls)
	runDebhelper(t, root, "dh_other", "13.11.4", otherCalls)
	touchOld(t, root)
	before := snapshot(t, root)
	runOurs(t, root, "dh_teardown", "0.1.0", "", ourCalls)
	assert.Equal(t, before, snapshot(t, root))
}

// TestAutoscriptReplacesInPlace changes what the command generates between
// runs: its old blocks give way to the new ones at the same place, other
// commands' blocks stay where they are.
func TestAutoscriptReplacesInPlace(t *testing.T) {
	root := newSourceTree(t)
	runDebhelper(t, root, "dh_other", "13.11.4", otherCalls[:1])
	runOurs(t, root, "dh_teardown", "0.1.0", "", []dhCall{
		{pkg: "hello", script: "postinst", body: "# ours 1\n"},
		{pkg: "hello", script: "postinst", body: "# ours 2\n"},
	})
	runDebhelper(t, root, "dh_other", "13.11.4", []dhCall{{pkg: "hello", script: "postinst", body: "# other after\n"}})
	runOurs(t, root, "dh_teardown", "0.2.0", "", []dhCall{{pkg: "hello", script: "postinst", body: "# ours new\n"}})

	got := readFile(t, root, "debian/hello.postinst.debhelper")
	assert.Equal(t, ""+
		"# Automatically added by dh_other/13.11.4\n# other postinst block\n# End automatically added section\n"+
		"# Automatically added by dh_teardown/0.2.0\n# ours new\n# End automatically added section\n"+
		"# Automatically added by dh_other/13.11.4\n# other after\n# End automatically added section\n", got)
}

// TestClaimPackageRemovesStaleBlocks reruns the command generating nothing
// for a package: its earlier blocks go, and files left empty are removed
// (an empty .debhelper file would still make dh_installdeb write a script).
func TestClaimPackageRemovesStaleBlocks(t *testing.T) {
	root := newSourceTree(t)
	runOurs(t, root, "dh_teardown", "0.1.0", "", ourCalls)
	runDebhelper(t, root, "dh_other", "13.11.4", otherCalls[:1])

	p := NewPlan(root, "dh_teardown", "0.1.0", nil)
	p.ClaimPackage("hello")
	require.NoError(t, p.Commit())

	assert.Equal(t, "# Automatically added by dh_other/13.11.4\n# other postinst block\n# End automatically added section\n",
		readFile(t, root, "debian/hello.postinst.debhelper"))
	for _, gone := range []string{"debian/hello.prerm.debhelper", "debian/hello.postrm.debhelper", "debian/hello.preinst.debhelper",
		"debian/.debhelper/generated/hello/postinst.service", "debian/.debhelper/generated/hello/autoscript-owners"} {
		assert.NoFileExists(t, filepath.Join(root, gone))
	}
	assert.FileExists(t, filepath.Join(root, "debian/hello-doc.postrm.debhelper"), "not claimed, so kept")
}

// TestArchListMatchesDpkg compares the architecture matching with
// dpkg-architecture's own (-i: is the host arch an instance of wildcard).
func TestArchListMatchesDpkg(t *testing.T) {
	testenv.RequireCommand(t, "dpkg-architecture")
	hosts := []string{"amd64", "armhf", "x32", "musl-linux-amd64", "kfreebsd-amd64", "hurd-i386"}
	wildcards := []string{"linux-any", "any-amd64", "any-arm", "gnu-any-any", "kfreebsd-any", "musl-linux-any", "linux-amd64", "i386", "armhf"}
	for _, h := range hosts {
		for _, w := range wildcards {
			want := exec.Command("dpkg-architecture", "-a"+h, "-i"+w).Run() == nil
			assert.Equal(t, want, archListMatches(h, w), "host %s, Architecture: %s", h, w)
		}
	}
	assert.True(t, archListMatches("armhf", "i386  any-arm"), "any entry of a list may match")
	assert.False(t, archListMatches("armhf", "all"))
}

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

// TestLookupHostMatchesDpkg checks that the host's OS is dpkg-architecture's when only the
// architecture is in the environment.
func TestLookupHostMatchesDpkg(t *testing.T) {
	testenv.RequireCommand(t, "dpkg-architecture")
	out, err := exec.Command("dpkg-architecture", "-qDEB_HOST_ARCH_OS").Output()
	require.NoError(t, err)
	h, err := LookupHost(envOf(map[string]string{"DEB_HOST_ARCH": "arm64"}))
	require.NoError(t, err)
	assert.Equal(t, Host{Arch: "arm64", OS: string(out[:len(out)-1])}, h)
}
