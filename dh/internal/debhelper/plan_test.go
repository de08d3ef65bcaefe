package debhelper

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stage adds a typical dh_installinit run to a plan.
func stage(p *Plan) {
	p.MkdirAll("debian/hello/etc/init.d")
	p.WriteFile("debian/hello/etc/init.d/hellod", []byte("#!/bin/sh\n"), 0o755)
	p.MkdirAll("debian/hello/etc/default")
	p.InstallFile("debian/hello.default", "debian/hello/etc/default/hellod", 0o644)
	p.AddAutoscript("hello", "postinst", "# postinst\n")
	p.AddServiceScript("hello", "prerm", "# prerm\n")
	p.AddSubstvar("hello", "misc:Pre-Depends", "init-system-helpers (>= 1.54~)")
	p.Remove("debian/hello/etc/init.d/obsolete")
}

func newStagingTree(t *testing.T) string {
	root := newSourceTree(t)
	writeTree(t, root, map[string]string{
		"debian/hello.default":               "DAEMON_OPTS=\n",
		"debian/hello/etc/init.d/obsolete":   "old\n",
		"debian/hello.postinst.debhelper":    "# Automatically added by dh_other/1\n# other\n# End automatically added section\n",
		"debian/hello/usr/share/doc/x/stays": "x\n",
	})
	return root
}

func TestPlanCommit(t *testing.T) {
	root := newStagingTree(t)
	src := time.Date(2021, 2, 3, 4, 5, 6, 0, time.UTC)
	require.NoError(t, os.Chtimes(filepath.Join(root, "debian/hello.default"), src, src))

	var out bytes.Buffer
	p := NewPlan(root, "dh_installinit", "0.1.0", &Options{Verbose: true})
	p.Out = &out
	stage(p)
	require.NoError(t, p.Commit())

	assert.Equal(t, "#!/bin/sh\n", readFile(t, root, "debian/hello/etc/init.d/hellod"))
	assert.Equal(t, "DAEMON_OPTS=\n", readFile(t, root, "debian/hello/etc/default/hellod"))
	assert.Equal(t, "misc:Pre-Depends=init-system-helpers (>= 1.54~)\n", readFile(t, root, "debian/hello.substvars"))
	assert.Equal(t, "# Automatically added by dh_installinit/0.1.0\n# prerm\n# End automatically added section\n",
		readFile(t, root, "debian/.debhelper/generated/hello/prerm.service"))
	assert.NoFileExists(t, filepath.Join(root, "debian/hello/etc/init.d/obsolete"))

	fi, err := os.Stat(filepath.Join(root, "debian/hello/etc/init.d/hellod"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), fi.Mode().Perm())
	fi, err = os.Stat(filepath.Join(root, "debian/hello/etc/default/hellod"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	assert.True(t, fi.ModTime().Equal(src), "InstallFile keeps the source's modification time, like install -p")
	fi, err = os.Stat(filepath.Join(root, "debian/hello/etc/default"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), fi.Mode().Perm())

	assert.Equal(t, ""+
		"\t[META] Write debian/hello/etc/init.d/hellod (mode 0755)\n"+
		"\tinstall -m0755 -d debian/hello/etc/default\n"+
		"\tinstall -p -m0644 debian/hello.default debian/hello/etc/default/hellod\n"+
		"\t[META] Append autosnippets of dh_installinit in postinst [debian/hello.postinst.debhelper]\n"+
		"\t[META] Prepend autosnippets of dh_installinit in prerm [debian/.debhelper/generated/hello/prerm.service]\n"+
		"\t[META] Add misc:Pre-Depends=init-system-helpers (>= 1.54~) to substvars [debian/hello.substvars]\n"+
		"\trm -f debian/hello/etc/init.d/obsolete\n", out.String())

	// A second identical run finds nothing to do and touches nothing.
	touchOld(t, root)
	before := snapshot(t, root)
	out.Reset()
	p = NewPlan(root, "dh_installinit", "0.1.0", &Options{Verbose: true})
	p.Out = &out
	stage(p)
	require.NoError(t, p.Commit())
	assert.Equal(t, before, snapshot(t, root))
	assert.Empty(t, out.String())
}

func TestPlanNoAct(t *testing.T) {
	root := newStagingTree(t)
	before := snapshot(t, root)
	var out bytes.Buffer
	p := NewPlan(root, "dh_installinit", "0.1.0", &Options{Verbose: true, NoAct: true})
	p.Out = &out
	stage(p)
	require.NoError(t, p.Commit())
	assert.Equal(t, before, snapshot(t, root))
	assert.Contains(t, out.String(), "\tinstall -m0755 -d debian/hello/etc/default\n")
	assert.Equal(t, 7, strings.Count(out.String(), "\n"))
}

// TestPlanAllOrNothing makes one write fail after directories, new files
// and temporary files for the others were created: the tree must be as
// before. With many files (and directories), they are written several at
// a time.
func TestPlanAllOrNothing(t *testing.T) {
	for _, many := range []int{0, 200} {
		t.Run(fmt.Sprintf("%d more files", many), func(t *testing.T) {
			root := newStagingTree(t)
			long := "debian/hello/usr/lib/old/" + strings.Repeat("x", 250)
			writeTree(t, root, map[string]string{long: "old\n"})
			before := snapshot(t, root)
			p := NewPlan(root, "dh_installinit", "0.1.0", nil)
			stage(p)
			for i := range many / 2 {
				p.WriteFile(fmt.Sprintf("debian/hello/usr/share/many/%d/file", i), []byte("x"), 0o644)
			}
			// The name fits, but the temporary file's name next to it, through
			// which the existing file is replaced, does not.
			p.WriteFile(long, []byte("x"), 0o644)
			for i := range many / 2 {
				p.WriteFile(fmt.Sprintf("debian/hello/usr/share/more/%d", i), []byte("x"), 0o644)
			}
			err := p.Commit()
			require.ErrorIs(t, err, syscall.ENAMETOOLONG)
			assert.Equal(t, before, snapshot(t, root))
		})
	}
}

func TestPlanProblemsWriteNothing(t *testing.T) {
	tests := []struct {
		name string
		add  func(p *Plan)
		want string
	}{
		{"path outside the tree", func(p *Plan) { p.WriteFile("../x", nil, 0o644) }, `"../x": not a path inside the source tree`},
		{"absolute path", func(p *Plan) { p.MkdirAll("/etc") }, `"/etc": not a path inside the source tree`},
		{"written twice", func(p *Plan) {
			p.WriteFile("debian/x", nil, 0o644)
			p.Remove("debian/./x")
		}, "debian/x: written twice in one run"},
		{"staged file over an autoscript file", func(p *Plan) {
			p.WriteFile("debian/hello.postinst.debhelper", nil, 0o644)
		}, "debian/hello.postinst.debhelper: written by both autoscripts and a staged file"},
		{"missing install source", func(p *Plan) { p.InstallFile("debian/nope", "debian/hello/x", 0o644) },
			"debian/nope: no such file or directory"},
		{"directory over a file", func(p *Plan) { p.MkdirAll("debian/hello.default") },
			"debian/hello.default: exists and is not a directory"},
		{"removing a directory", func(p *Plan) { p.Remove("debian/hello") }, "debian/hello: is a directory, not removed"},
		{"newline in substvar", func(p *Plan) { p.AddSubstvar("hello", "misc:Depends", "a\nb") },
			`substvar misc:Depends: value must not contain a newline: "a\nb"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := newStagingTree(t)
			before := snapshot(t, root)
			p := NewPlan(root, "dh_installinit", "0.1.0", nil)
			stage(p)
			tt.add(p)
			err := p.Commit()
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			assert.Equal(t, before, snapshot(t, root))
		})
	}
}

func TestPlanBadIdentity(t *testing.T) {
	root := newStagingTree(t)
	for _, p := range []*Plan{NewPlan(root, "dh teardown", "1", nil), NewPlan(root, "dh_teardown", "", nil), NewPlan(root, "dh_x", "1/2", nil)} {
		p.AddAutoscript("hello", "postinst", "x")
		assert.ErrorContains(t, p.Commit(), "must be non-empty words")
	}
	p := NewPlan(root, "dh_teardown", "1", nil)
	p.Scope = "a\tb"
	assert.ErrorContains(t, p.Commit(), "contains a tab or newline")
}

func TestPlanBadLedger(t *testing.T) {
	root := newStagingTree(t)
	writeTree(t, root, map[string]string{"debian/.debhelper/generated/hello/autoscript-owners": "garbage\n"})
	before := snapshot(t, root)
	p := NewPlan(root, "dh_installinit", "0.1.0", nil)
	stage(p)
	err := p.Commit()
	require.Error(t, err)
	assert.Equal(t, "debian/.debhelper/generated/hello/autoscript-owners:1: malformed line (remove the file, or run dh_prep)", err.Error())
	assert.Equal(t, before, snapshot(t, root))
}

func TestEscapeShell(t *testing.T) {
	assert.Equal(t, `a\$b\;c "x y\$z\"" plain/path-1.2`, escapeShell("a$b;c", `x y$z"`, "plain/path-1.2"))
}

func TestPlanRemovesDanglingSymlink(t *testing.T) {
	root := newStagingTree(t)
	link := filepath.Join(root, "debian/hello/etc/init.d/gone")
	require.NoError(t, os.Symlink("nowhere", link))
	p := NewPlan(root, "dh_installinit", "0.1.0", nil)
	p.Remove("debian/hello/etc/init.d/gone")
	require.NoError(t, p.Commit())
	_, err := os.Lstat(link)
	assert.ErrorIs(t, err, os.ErrNotExist)
}
