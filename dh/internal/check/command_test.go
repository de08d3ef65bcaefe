package check_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/check"
	"github.com/dh-teardown/dh-teardown/dh/internal/review"
)

// teardown runs "teardown ARGS" and returns its exit status, stdout and stderr.
func teardown(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := review.Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCommandExitStatus(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		scenario string
		code     int
	}{{"generated", 0}, {"handwritten", 0}, {"nothing", 0}, {"partial", 1}, {"unhandled", 1}} {
		t.Run(c.scenario, func(t *testing.T) {
			old, new := check.ScenarioDebs(t, dir, c.scenario)
			code, out, errOut := teardown("check", old, new)
			assert.Equal(t, c.code, code, "%s%s", out, errOut)
			assert.Empty(t, errOut)
			code, out, _ = teardown("check", "--format", "json", old, new)
			assert.Equal(t, c.code, code)
			var r check.Report
			require.NoError(t, json.Unmarshal([]byte(out), &r))
			require.Len(t, r.Packages, 1)
			assert.Equal(t, c.code == 0, r.Handled())
		})
	}
}

func TestCommandStaged(t *testing.T) {
	debs := t.TempDir()
	old, _ := check.ScenarioDebs(t, debs, "partial")
	src := t.TempDir()
	pkg := check.ScenarioNewTree(t, src, "partial")
	want, _ := os.ReadFile(filepath.Join("testdata", "partial.txt"))

	code, out, errOut := teardown("check", "--old", old, "-p", pkg, src)
	assert.Equal(t, 1, code, errOut)
	assert.Equal(t, string(want), out, "the staged package gives the report of its .deb")

	t.Chdir(src)
	code, out2, _ := teardown("check", "--old", old) // DIR defaults to ., PKG to the old package's
	assert.Equal(t, 1, code)
	assert.Equal(t, out, out2)
}

func TestCommandBadInput(t *testing.T) {
	dir := t.TempDir()
	oldPart, newPart := check.ScenarioDebs(t, dir, "partial")
	oldMiss, _ := check.ScenarioDebs(t, dir, "unhandled")
	text := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(text, []byte("not a package\n"), 0o644))
	broken := filepath.Join(dir, "broken.deb")
	require.NoError(t, os.WriteFile(broken, []byte("!<arch>\ndebian-binary   0           0     0     100644  4         `\n2.0\n"), 0o644))
	staged := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		msg  string
	}{
		{"not a .deb", []string{text, newPart}, text + ": not a Debian binary package (no ar archive signature)"},
		{"a .deb without members", []string{oldPart, broken}, broken + ": not a Debian binary package"},
		{"missing file", []string{oldPart, filepath.Join(dir, "none.deb")}, "none.deb: no such file"},
		{"different packages", []string{oldMiss, newPart}, "is package miss, " + newPart + " is package part: compare two versions of the same package"},
		{"new older than old", []string{newPart, oldPart}, "the new version (1.0, " + oldPart + ") is older than the old one (1.5, " + newPart + "): it must be newer"},
		{"same version", []string{oldPart, oldPart}, "is the same as the old one"},
		{"nothing staged", []string{"--old", oldPart, staged}, filepath.Join(staged, "debian/part/DEBIAN/control") + ": missing: build the package first"},
		{"-p names another package", []string{"--old", oldPart, "-p", "miss", staged}, oldPart + " is package part, not miss"},
		{"-p is not a package name", []string{"--old", oldPart, "-p", "../x", staged}, "not a valid binary package name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := teardown(append([]string{"check"}, c.args...)...)
			assert.Equal(t, 1, code)
			assert.Empty(t, out, "nothing is written on bad input")
			assert.Contains(t, errOut, "teardown check: ")
			assert.Contains(t, errOut, c.msg)
		})
	}
}

func TestCommandHelp(t *testing.T) {
	for _, args := range [][]string{{"check", "--help"}, {"help", "check"}} {
		code, out, errOut := teardown(args...)
		assert.Equal(t, 0, code, "%v", args)
		assert.Contains(t, out, "teardown check --old OLD.deb [-p PKG] [--format text|json] [DIR]", "%v", args)
		assert.Empty(t, errOut)
	}
}

func TestCommandUsage(t *testing.T) {
	for _, args := range [][]string{
		{}, {"a.deb"}, {"a.deb", "b.deb", "c.deb"}, {"--format", "yaml", "a.deb", "b.deb"},
		{"-p", "x", "a.deb", "b.deb"}, {"--old", "a.deb", "d1", "d2"}, {"--bogus"},
	} {
		code, out, errOut := teardown(append([]string{"check"}, args...)...)
		assert.Equal(t, 2, code, "%v", args)
		assert.Empty(t, out)
		assert.Contains(t, errOut, "usage: teardown check", "%v", args)
	}
}
