package debhelper

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// This file runs debhelper itself (Dh_Lib's autoscript and addsubstvar,
// from a tiny Perl command) so that tests can compare its output with ours.

// testControl is the debian/control of the test trees.
const testControl = `Source: hello
Build-Depends: debhelper-compat (= 13)

Package: hello
Architecture: any

Package: hello-doc
Architecture: all
`

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
