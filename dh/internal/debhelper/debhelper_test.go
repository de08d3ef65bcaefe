package debhelper

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// This file runs debhelper itself (Dh_Lib's autoscript and addsubstvar,
// from a tiny Perl command) so that tests can compare its output with ours.

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

// testControl is the debian/control of the test trees.
const testControl = `Source: hello
Build-Depends: debhelper-compat (= 13)

Package: hello
Architecture: any

Package: hello-doc
Architecture: all
`

// requireDebhelper skips (or in CI fails) when debhelper is missing.
func requireDebhelper(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/usr/share/perl5/Debian/Debhelper/Dh_Lib.pm"); err != nil {
		skipOrFail(t, "debhelper is not installed")
	}
}

// newSourceTree returns a directory with debian/control.
func newSourceTree(t *testing.T) string {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"debian/control": testControl})
	return dir
}

// dhCall is one call a command makes: an autoscript block (script set) or
// a substvar (name set).
type dhCall struct {
	pkg     string
	script  string // preinst, postinst, prerm, postrm
	body    string
	service bool
	name    string // substvar name
	value   string // substvar: dependency
	verinfo string // substvar: version restriction, "" for none
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

// runOurs makes the same calls through a Plan and commits it.
func runOurs(t *testing.T, root, tool, version, scope string, calls []dhCall) {
	t.Helper()
	p := NewPlan(root, tool, version, nil)
	p.Scope = scope
	for _, c := range calls {
		switch {
		case c.script == "":
			v := c.value
			if c.verinfo != "" {
				v += " (" + c.verinfo + ")"
			}
			p.AddSubstvar(c.pkg, c.name, v)
		case c.service:
			p.AddServiceScript(c.pkg, c.script, c.body)
		default:
			p.AddAutoscript(c.pkg, c.script, c.body)
		}
	}
	require.NoError(t, p.Commit())
}

// fileState is what a snapshot records of a file or directory.
type fileState struct {
	mode  fs.FileMode
	data  string
	mtime int64
}

// snapshot records every file and directory below root.
func snapshot(t *testing.T, root string) map[string]fileState {
	t.Helper()
	s := map[string]fileState{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st := fileState{mode: fi.Mode(), mtime: fi.ModTime().UnixNano()}
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			st.data = string(b)
		}
		rel, _ := filepath.Rel(root, p)
		s[filepath.ToSlash(rel)] = st
		return nil
	})
	require.NoError(t, err)
	return s
}

// contents returns the contents of the regular files of a snapshot, leaving
// out our ledgers.
func contents(s map[string]fileState) map[string]string {
	c := map[string]string{}
	for p, st := range s {
		if st.mode.IsRegular() && !strings.HasSuffix(p, "/autoscript-owners") {
			c[p] = st.data
		}
	}
	return c
}
