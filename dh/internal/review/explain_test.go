package review

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// example is the bundled source tree whose declarations the explain tests use.
const example = "../../../examples/hello/2.0"

// run runs the teardown command and returns its exit status, stdout and stderr.
func run(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := Main(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(file, []byte(got), 0o644))
	}
	want, err := os.ReadFile(file)
	require.NoError(t, err, "run go test -update to create the golden file")
	assert.Equal(t, string(want), got)
}

// explainCases are the transitions of the golden files, by file name.
var explainCases = []struct {
	name string
	args []string
}{
	{"install", []string{"--from", "none"}},
	{"install-fail-preinst", []string{"--from", "none", "--fail", "preinst"}},
	{"upgrade", []string{"--from", "1.0"}},
	{"upgrade-from-1.1", []string{"--from", "1.1"}},
	{"upgrade-fail-preinst", []string{"--from", "1.0", "--fail", "preinst"}},
	{"upgrade-fail-prerm", []string{"--from", "1.0", "--fail", "prerm"}},
	{"upgrade-fail-postrm", []string{"--from", "1.0", "--fail", "postrm"}},
	{"upgrade-fail-postinst", []string{"--from", "1.0", "--fail", "postinst"}},
	{"downgrade", []string{"--from", "2.1"}},
	{"reinstall", []string{"--from", "2.0", "--to", "2.0"}},
	{"config-files", []string{"--from", "1.0", "--config-files"}},
	{"remove", []string{"--from", "2.0", "--to", "none"}},
	{"remove-fail-prerm", []string{"--from", "2.0", "--to", "none", "--fail", "prerm"}},
	{"purge", []string{"--from", "2.0", "--to", "purge"}},
	{"purge-config-files", []string{"--from", "2.0", "--config-files", "--to", "purge"}},
}

func TestExplainGolden(t *testing.T) {
	for _, tc := range explainCases {
		t.Run(tc.name, func(t *testing.T) {
			for _, format := range []string{"text", "json"} {
				args := append(append([]string{"explain", "-p", "hello"}, tc.args...), "--format", format, example)
				code, stdout, stderr := run(args...)
				require.Equal(t, cli.ExitOK, code, stderr)
				assert.Empty(t, stderr)
				ext := ".txt"
				if format == "json" {
					ext = ".json"
				}
				golden(t, "explain/"+tc.name+ext+".golden", stdout)
			}
		})
	}
}

// calls returns the maintainer-script calls of an explain --format json run, with " -> exit
// N" for a failed one and " (absent)" for a script the version does not have.
func calls(t *testing.T, args ...string) (calls []string, ex explanation) {
	t.Helper()
	code, stdout, stderr := run(append(append([]string{"explain"}, args...), "--format", "json", example)...)
	require.Equal(t, cli.ExitOK, code, stderr)
	require.NoError(t, json.Unmarshal([]byte(stdout), &ex))
	for _, op := range ex.Operations {
		for _, s := range op.Steps {
			if s.Kind != "script" {
				continue
			}
			c := s.Call
			if s.Exit != 0 {
				c += " -> exit 1"
			}
			if s.Absent {
				c += " (absent)"
			}
			calls = append(calls, c)
		}
	}
	return calls, ex
}

// TestExplainFollowsPolicy holds the call sequences to Debian Policy 6.5-6.8, as docs/design.md §2
// quotes them.
func TestExplainFollowsPolicy(t *testing.T) {
	cases := []struct {
		args  []string
		calls []string
		after string
	}{
		{[]string{"--from", "none"}, []string{"new preinst install", "new postinst configure ''"}, "installed"},
		{[]string{"--from", "1.0"}, []string{"old prerm upgrade 2.0", "new preinst upgrade 1.0 2.0", "old postrm upgrade 2.0", "new postinst configure 1.0"}, "installed"},
		{[]string{"--from", "1.0", "--fail", "preinst"}, []string{"old prerm upgrade 2.0", "new preinst upgrade 1.0 2.0 -> exit 1",
			"new postrm abort-upgrade 1.0 2.0", "old postinst abort-upgrade 2.0"}, "installed"},
		{[]string{"--from", "1.0", "--fail", "prerm"}, []string{"old prerm upgrade 2.0 -> exit 1", "new prerm failed-upgrade 1.0 2.0",
			"new preinst upgrade 1.0 2.0", "old postrm upgrade 2.0", "new postinst configure 1.0"}, "installed"},
		{[]string{"--from", "1.0", "--fail", "postrm"}, []string{"old prerm upgrade 2.0", "new preinst upgrade 1.0 2.0",
			"old postrm upgrade 2.0 -> exit 1", "new postrm failed-upgrade 1.0 2.0", "new postinst configure 1.0"}, "installed"},
		{[]string{"--from", "1.0", "--fail", "postinst"}, []string{"old prerm upgrade 2.0", "new preinst upgrade 1.0 2.0",
			"old postrm upgrade 2.0", "new postinst configure 1.0 -> exit 1"}, "half-configured"},
		{[]string{"--from", "1.0", "--config-files"}, []string{"new preinst install 1.0 2.0", "new postinst configure 1.0"}, "installed"},
		{[]string{"--from", "2.0", "--to", "none"}, []string{"old prerm remove", "old postrm remove"}, "config-files"},
		{[]string{"--from", "2.0", "--to", "none", "--fail", "postrm"}, []string{"old prerm remove", "old postrm remove -> exit 1"}, "half-installed"},
		{[]string{"--from", "2.0", "--to", "purge"}, []string{"old prerm remove", "old postrm remove", "old postrm purge"}, "not-installed"},
		{[]string{"--from", "2.0", "--to", "purge", "--fail", "postrm"}, []string{"old prerm remove", "old postrm remove", "old postrm purge -> exit 1"}, "config-files"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			got, ex := calls(t, tc.args...)
			assert.Equal(t, tc.calls, got)
			assert.Equal(t, tc.after, ex.After.Status)
		})
	}
}

// TestExplainRunsTheGeneratedCode checks the outcome of the example's transitions: the
// removed daemon is stopped and its conffiles gone after an upgrade, back after a failed
// one; the multiuser daemon loses its runlevel 0 and 6 links.
func TestExplainRunsTheGeneratedCode(t *testing.T) {
	daemon := func(st stateJSON, name string) daemonState {
		for _, d := range st.Daemons {
			if d.Name == name {
				return d
			}
		}
		t.Fatalf("no daemon %s in %+v", name, st)
		return daemonState{}
	}
	multiuserLinks := []string{"rc1.d/K01hellod", "rc2.d/S01hellod", "rc3.d/S01hellod", "rc4.d/S01hellod", "rc5.d/S01hellod"}

	_, ex := calls(t, "--from", "1.0")
	assert.True(t, daemon(ex.Before, "hello-legacyd").Running)
	assert.Contains(t, daemon(ex.Before, "hellod").Links, "rc0.d/K01hellod")
	legacy := daemon(ex.After, "hello-legacyd")
	assert.False(t, legacy.Running)
	assert.Equal(t, "absent", legacy.InitScript)
	assert.Empty(t, legacy.Links)
	assert.Equal(t, multiuserLinks, daemon(ex.After, "hellod").Links)
	assert.True(t, daemon(ex.After, "hellod").Running)
	assert.Equal(t, []string{"/etc/init.d/hellod"}, ex.After.Files)
	require.NotNil(t, ex.Old)
	assert.Equal(t, "modelled", ex.Old.Origin)
	assert.Equal(t, []string{"hellod", "hello-legacyd"}, ex.Old.Daemons)
	assert.Contains(t, ex.New.Scripts["preinst"], "# Automatically added by dh_teardown/")
	assert.Contains(t, ex.New.Scripts["postinst"], "invoke-rc.d --skip-systemd-native hellod $_dh_action")

	_, ex = calls(t, "--from", "1.0", "--fail", "postrm")
	assert.Equal(t, "installed", ex.After.Status)
	assert.False(t, daemon(ex.After, "hello-legacyd").Running, "the new postrm failed-upgrade succeeds: the upgrade goes on")

	_, ex = calls(t, "--from", "1.0", "--fail", "preinst")
	assert.Equal(t, ex.Before, ex.After, "a failed preinst unwinds to the state before")

	_, ex = calls(t, "--from", "1.1")
	assert.Equal(t, multiuserLinks, daemon(ex.Before, "hellod").Links, "1.1 was already multiuser")
	assert.False(t, daemon(ex.After, "hello-legacyd").Running)
}

func TestExplainBadInput(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"missing tree", []string{"--from", "1.0", "testdata/nonexistent"}, cli.ExitBadInput, "no debian/ directory"},
		{"bad from", []string{"--from", "1.0 beta", example}, cli.ExitBadInput, `--from "1.0 beta"`},
		{"bad to", []string{"--from", "1.0", "--to", "x y", example}, cli.ExitBadInput, `--to "x y"`},
		{"other to", []string{"--from", "1.0", "--to", "3.0", example}, cli.ExitBadInput, "--to 3.0: the tree builds 2.0"},
		{"remove other version", []string{"--from", "1.0", "--to", "none", example}, cli.ExitBadInput, "use --from 2.0"},
		{"remove config-files", []string{"--from", "2.0", "--config-files", "--to", "none", example}, cli.ExitBadInput, "already removed"},
		{"config-files from none", []string{"--from", "none", "--config-files", example}, cli.ExitBadInput, "--from OLD"},
		{"unknown package", []string{"-p", "nope", "--from", "1.0", example}, cli.ExitBadInput, `package "nope" is not in debian/control`},
		{"no declarations", []string{"--from", "1.0", "../../../examples/hello/1.1"}, cli.ExitBadInput, "no package has a declaration file"},
		{"package without declarations", []string{"-p", "hello", "--from", "1.0", "../../../examples/hello/1.1"}, cli.ExitBadInput, `package "hello" has no declaration file`},
		{"fail prerm on install", []string{"--from", "none", "--fail", "prerm", example}, cli.ExitBadInput, "--fail prerm: dpkg runs no old prerm in an install of 2.0"},
		{"fail postrm over config-files", []string{"--from", "1.0", "--config-files", "--fail", "postrm", example}, cli.ExitBadInput, "dpkg runs no old postrm"},
		{"fail preinst on remove", []string{"--from", "2.0", "--to", "none", "--fail", "preinst", example}, cli.ExitBadInput, "dpkg runs no new preinst in a removal of 2.0"},
		{"fail prerm on purge from config-files", []string{"--from", "2.0", "--config-files", "--to", "purge", "--fail", "prerm", example}, cli.ExitBadInput, "dpkg runs no old prerm"},
		{"no from", []string{example}, cli.ExitUsage, "--from is required"},
		{"unknown fail", []string{"--from", "1.0", "--fail", "unpack", example}, cli.ExitUsage, `--fail "unpack"`},
		{"bad format", []string{"--from", "1.0", "--format", "yaml", example}, cli.ExitUsage, "usage: teardown explain"},
		{"two dirs", []string{"--from", "1.0", example, example}, cli.ExitUsage, "usage: teardown explain"},
		{"unknown flag", []string{"--from", "1.0", "--frm", "1.0", example}, cli.ExitUsage, "flag provided but not defined"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(append([]string{"explain"}, tc.args...)...)
			assert.Equal(t, tc.code, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tc.msg)
		})
	}
}

func TestInitAutoscriptsErrors(t *testing.T) {
	_, err := readInitAutoscripts(t.TempDir(), debhelperVersionFile)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "preinst-init-chmod: no such file")

	dir := t.TempDir()
	for _, name := range initAutoscripts {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("echo #SCRIPT# #NEWTHING#\n"), 0o644))
	}
	b, err := readInitAutoscripts(dir, filepath.Join(dir, "no-version"))
	require.NoError(t, err)
	assert.Equal(t, "dh_installinit", b.tool)
	_, err = b.block("postinst", "hellod")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "#NEWTHING#")
}

func TestInitBlocksAsDhInstallinitWritesThem(t *testing.T) {
	b, err := readInitAutoscripts(debhelperAutoscripts, debhelperVersionFile)
	require.NoError(t, err)
	text, err := b.block("prerm", "hellod")
	require.NoError(t, err)
	assert.Regexp(t, `^# Automatically added by dh_installinit/\S+\n`, text)
	assert.Contains(t, text, `invoke-rc.d --skip-systemd-native hellod stop || exit 1`)
	assert.True(t, strings.HasSuffix(text, "# End automatically added section\n"))

	got := assemble("postrm", []string{"T1\n", "T2\n"}, []string{"S1\n", "S2\n"})
	assert.Equal(t, "#!/bin/sh\nset -e\nS2\nS1\nT2\nT1\n", got)
	got = assemble("postinst", []string{"T1\n", "T2\n"}, []string{"S1\n", "S2\n"})
	assert.Equal(t, "#!/bin/sh\nset -e\nT1\nT2\nS1\nS2\n", got)
	assert.Empty(t, assemble("preinst", nil, nil))
}
