package debhelper

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ourCalls are the blocks of the tool under test: several per script and
// bucket, so that the order of appends and prepends shows.
var ourCalls = []dhCall{
	{pkg: "hello", script: "postinst", body: "if [ \"$1\" = configure ]; then\n\tupdate-rc.d hellod defaults >/dev/null\nfi\n"},
	{pkg: "hello", script: "postinst", body: "# second postinst block\n"},
	{pkg: "hello", script: "prerm", body: "# first prerm block\n"},
	{pkg: "hello", script: "prerm", body: "# second prerm block\n"},
	{pkg: "hello", script: "postrm", body: "# first postrm block\n"},
	{pkg: "hello", script: "postrm", body: "# second postrm block\n"},
	{pkg: "hello", script: "preinst", body: "# preinst block\n"},
	{pkg: "hello", script: "postinst", body: "# first service postinst block\n", service: true},
	{pkg: "hello", script: "postinst", body: "# second service postinst block\n", service: true},
	{pkg: "hello", script: "prerm", body: "# first service prerm block\n", service: true},
	{pkg: "hello", script: "prerm", body: "# second service prerm block\n", service: true},
	{pkg: "hello-doc", script: "postrm", body: "# hello-doc postrm block\n"},
}

// otherCalls are blocks of another debhelper command.
var otherCalls = []dhCall{
	{pkg: "hello", script: "postinst", body: "# other postinst block\n"},
	{pkg: "hello", script: "prerm", body: "# other prerm block\n"},
	{pkg: "hello", script: "postinst", body: "# other service postinst block\n", service: true},
	{pkg: "hello", script: "postrm", body: "# other service postrm block\n", service: true},
}

// TestAutoscriptScopes runs the command with two scopes, as
// "dh_installinit; dh_installinit --name=foo" in one override does: each
// run replaces only its own blocks.
func TestAutoscriptScopes(t *testing.T) {
	root := newSourceTree(t)
	block := func(s string) []dhCall { return []dhCall{{pkg: "hello", script: "prerm", body: s + "\n"}} }
	runOurs(t, root, "dh_installinit", "0.1.0", "", block("# default"))
	runOurs(t, root, "dh_installinit", "0.1.0", "--name=foo", block("# foo"))
	first := readFile(t, root, "debian/hello.prerm.debhelper")
	assert.Equal(t, ""+
		"# Automatically added by dh_installinit/0.1.0\n# foo\n# End automatically added section\n"+
		"# Automatically added by dh_installinit/0.1.0\n# default\n# End automatically added section\n", first)

	runOurs(t, root, "dh_installinit", "0.1.0", "", block("# default"))
	runOurs(t, root, "dh_installinit", "0.1.0", "--name=foo", block("# foo"))
	assert.Equal(t, first, readFile(t, root, "debian/hello.prerm.debhelper"))

	runOurs(t, root, "dh_installinit", "0.1.0", "", block("# default changed"))
	assert.Equal(t, strings.Replace(first, "# default\n", "# default changed\n", 1), readFile(t, root, "debian/hello.prerm.debhelper"))
}

// TestAutoscriptKeepsForeignText keeps text outside blocks and broken
// blocks byte for byte.
func TestAutoscriptKeepsForeignText(t *testing.T) {
	root := newSourceTree(t)
	odd := "echo hand-written\n# Automatically added by dh_teardown/0.0.1\nno end marker"
	writeTree(t, root, map[string]string{"debian/hello.postinst.debhelper": odd})
	runOurs(t, root, "dh_teardown", "0.1.0", "", []dhCall{{pkg: "hello", script: "postinst", body: "# ours"}})
	want := odd + "\n# Automatically added by dh_teardown/0.1.0\n# ours\n# End automatically added section\n"
	assert.Equal(t, want, readFile(t, root, "debian/hello.postinst.debhelper"))
	runOurs(t, root, "dh_teardown", "0.1.0", "", []dhCall{{pkg: "hello", script: "postinst", body: "# ours"}})
	assert.Equal(t, want, readFile(t, root, "debian/hello.postinst.debhelper"))
}

func TestParseSegments(t *testing.T) {
	data := "x\n# Automatically added by a/1\nA\n# End automatically added section\n" +
		"# Automatically added by b c\nB\n# End automatically added section\n"
	segs := parseSegments(data)
	require.Len(t, segs, 3)
	assert.Equal(t, segment{text: "x\n"}, segs[0])
	assert.Equal(t, segment{text: "# Automatically added by a/1\nA\n# End automatically added section\n", tool: "a", body: "A\n"}, segs[1])
	assert.Equal(t, "", segs[2].tool, "a marker lintian would not accept is not a block")
}

func TestAutoscriptBadArguments(t *testing.T) {
	root := newSourceTree(t)
	before := snapshot(t, root)
	p := NewPlan(root, "dh_teardown", "0.1.0", nil)
	p.AddAutoscript("hello", "config", "x")
	p.AddAutoscript("../etc", "postinst", "x")
	p.AddAutoscript("hello", "postinst", "fine")
	err := p.Commit()
	require.Error(t, err)
	assert.Equal(t, "\"config\" is not a maintainer script (preinst, postinst, prerm or postrm)\npackage \"../etc\": not a valid package name (lower-case letters, digits, \"+\", \"-\", \".\", at least two characters)", err.Error())
	assert.Equal(t, before, snapshot(t, root))
}

func readFile(t *testing.T, root, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	require.NoError(t, err)
	return string(b)
}

// touchOld sets every file's modification time into the past, so that a
// rewrite would show.
func touchOld(t *testing.T, root string) {
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, filepath.Walk(root, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(p, old, old)
	}))
}
