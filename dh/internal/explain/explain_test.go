package explain

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/cli"
	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"

	"github.com/dh-teardown/dh-teardown/dh/internal/golden"
)

// example is the bundled source tree whose declarations the explain tests use.
const example = "../../../examples/hello/2.0"

// run runs teardown explain and returns its exit status, stdout and stderr.
func run(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := Command(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
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
	{"downgrade-to-1.0", []string{"--from", "2.0", "--to", "1.0"}},
	{"upgrade-fail-unpack", []string{"--from", "1.0", "--fail", "unpack"}},
	{"upgrade-fail-preinst-early", []string{"--from", "1.0", "--fail", "preinst", "--fail-early"}},
	{"reinstall", []string{"--from", "2.0", "--to", "2.0"}},
	{"config-files", []string{"--from", "1.0", "--config-files"}},
	{"remove", []string{"--from", "2.0", "--to", "none"}},
	{"remove-fail-prerm", []string{"--from", "2.0", "--to", "none", "--fail", "prerm"}},
	{"purge", []string{"--from", "2.0", "--to", "purge"}},
	{"purge-config-files", []string{"--from", "2.0", "--config-files", "--to", "purge"}},
	{"upgrade-systemd", []string{"--from", "1.0", "--init", "systemd"}},
	{"upgrade-fail-preinst-systemd", []string{"--from", "1.0", "--fail", "preinst", "--init", "systemd"}},
}

func TestExplainGolden(t *testing.T) {
	for _, tc := range explainCases {
		t.Run(tc.name, func(t *testing.T) {
			for _, format := range []string{"text", "json"} {
				args := append(append([]string{"-p", "hello"}, tc.args...), "--format", format, example)
				code, stdout, stderr := run(args...)
				require.Equal(t, cli.ExitOK, code, stderr)
				assert.Empty(t, stderr)
				ext := ".txt"
				if format == "json" {
					ext = ".json"
				}
				golden.Check(t, "explain/"+tc.name+ext+".golden", []byte(stdout))
			}
		})
	}
}

// calls returns the maintainer-script calls of an explain --format json run, with " -> exit
// N" for a failed one and " (absent)" for a script the version does not have.
func calls(t *testing.T, args ...string) (calls []string, ex explanation) {
	t.Helper()
	code, stdout, stderr := run(append(args, "--format", "json", example)...)
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
	assert.Contains(t, ex.New.Scripts["preinst"], "# Automatically added by dh-teardown/")
	assert.Contains(t, ex.New.Scripts["postinst"], "invoke-rc.d --skip-systemd-native hellod restart")
	assert.Contains(t, ex.New.Scripts["postinst"], "# Automatically added by dh-teardown/"+srctree.Version+"\n", "rendered with the project's own templates")
	assert.NotContains(t, ex.New.Scripts["postinst"], "13.11", "the same on any host")

	_, ex = calls(t, "--from", "1.0", "--fail", "postrm")
	assert.Equal(t, "installed", ex.After.Status)
	assert.False(t, daemon(ex.After, "hello-legacyd").Running, "the new postrm failed-upgrade succeeds: the upgrade goes on")

	_, ex = calls(t, "--from", "1.0", "--fail", "preinst")
	assert.Equal(t, ex.Before, ex.After, "a failed preinst unwinds to the state before")
	preinst := ex.Operations[0].Steps[1]
	require.Equal(t, "new preinst upgrade 1.0 2.0", preinst.Call)
	assert.True(t, preinst.Injected)
	assert.Contains(t, argvs(preinst), "invoke-rc.d hello-legacyd stop", "the failure comes after the generated stop")
	postrm := ex.Operations[0].Steps[2]
	require.Equal(t, "new postrm abort-upgrade 1.0 2.0", postrm.Call)
	assert.Contains(t, argvs(postrm), "invoke-rc.d hello-legacyd start", "the abort code starts it again")

	_, ex = calls(t, "--from", "1.0", "--fail", "preinst", "--fail-early")
	assert.Equal(t, ex.Before, ex.After)
	assert.Empty(t, ex.Operations[0].Steps[1].Commands, "--fail-early: nothing ran")

	_, ex = calls(t, "--from", "1.0", "--fail", "unpack")
	assert.Equal(t, ex.Before, ex.After, "a failed unpack unwinds to the state before")
	var unwound []string
	for _, st := range ex.Operations[0].Steps {
		if st.Kind == "script" {
			unwound = append(unwound, st.Call)
		}
	}
	assert.Equal(t, []string{"old prerm upgrade 2.0", "new preinst upgrade 1.0 2.0", "new postrm abort-upgrade 1.0 2.0", "old postinst abort-upgrade 2.0"}, unwound)

	_, ex = calls(t, "--from", "2.0", "--to", "1.0")
	assert.Equal(t, "downgrade", ex.Transition)
	assert.Equal(t, "generated", ex.Old.Origin)
	assert.Equal(t, "modelled", ex.New.Origin)
	var downgradePostrm *stepJSON
	for i, st := range ex.Operations[0].Steps {
		if st.Call == "old postrm upgrade 1.0" {
			downgradePostrm = &ex.Operations[0].Steps[i]
		}
	}
	require.NotNil(t, downgradePostrm, "the 2.0 postrm runs with upgrade 1.0")
	assert.Contains(t, argvs(*downgradePostrm), "dpkg --compare-versions 1.0 lt 1.1", "its multiuser downgrade block acts")
	assert.Contains(t, daemon(ex.After, "hellod").Links, "rc0.d/K01hellod", "1.0's stop links are back")
	assert.True(t, daemon(ex.After, "hello-legacyd").Running, "1.0 ships hello-legacyd again")

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
		{"bad init", []string{"--from", "1.0", "--init", "upstart", example}, cli.ExitUsage, `--init "upstart": want sysvinit or systemd`},
		{"missing tree", []string{"--from", "1.0", "testdata/nonexistent"}, cli.ExitBadInput, "no debian/ directory"},
		{"bad from", []string{"--from", "1.0 beta", example}, cli.ExitBadInput, `--from "1.0 beta"`},
		{"bad to", []string{"--from", "1.0", "--to", "x y", example}, cli.ExitBadInput, `--to "x y"`},
		{"neither side built", []string{"--from", "1.0", "--to", "3.0", example}, cli.ExitBadInput, "--from 1.0 --to 3.0: the tree builds 2.0, which must be one of them"},
		{"fail unpack on remove", []string{"--from", "2.0", "--to", "none", "--fail", "unpack", example}, cli.ExitBadInput, "--fail unpack: dpkg unpacks nothing in a removal of 2.0"},
		{"fail-early without fail", []string{"--from", "1.0", "--fail-early", example}, cli.ExitBadInput, "--fail-early needs --fail"},
		{"fail-early unpack", []string{"--from", "1.0", "--fail", "unpack", "--fail-early", example}, cli.ExitBadInput, "the unpack is not a script"},
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
		{"unknown fail", []string{"--from", "1.0", "--fail", "configure", example}, cli.ExitUsage, `--fail "configure": want preinst, prerm, postrm, postinst or unpack`},
		{"bad format", []string{"--from", "1.0", "--format", "yaml", example}, cli.ExitUsage, "usage: teardown explain"},
		{"two dirs", []string{"--from", "1.0", example, example}, cli.ExitUsage, "usage: teardown explain"},
		{"unknown flag", []string{"--from", "1.0", "--frm", "1.0", example}, cli.ExitUsage, "flag provided but not defined"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tc.msg)
		})
	}
}

// argvs lists the commands a step ran.
func argvs(s stepJSON) []string {
	var out []string
	for _, c := range s.Commands {
		out = append(out, strings.Join(c.Argv, " "))
	}
	return out
}

// TestExplainReadsDebianRules checks that the options override_dh_installinit gives
// dh_installinit shape the generated init code, and that a recipe line explain cannot read
// is named in a note.
func TestExplainReadsDebianRules(t *testing.T) {
	tree := t.TempDir()
	out, err := exec.Command("cp", "-a", example+"/.", tree).CombinedOutput()
	require.NoError(t, err, "%s", out)
	rules := "#!/usr/bin/make -f\n%:\n\tdh $@\n\noverride_dh_installinit:\n" +
		"\tdh_installinit --name=hellod --no-stop-on-upgrade\n" +
		"\tdh_installinit $(EXTRA) --name=other\n"
	require.NoError(t, os.WriteFile(filepath.Join(tree, "debian/rules"), []byte(rules), 0o755))
	code, stdout, stderr := run("--from", "1.0", "--format", "json", tree)
	require.Equal(t, cli.ExitOK, code, stderr)
	var ex explanation
	require.NoError(t, json.Unmarshal([]byte(stdout), &ex))
	postinst := ex.New.Scripts["postinst"]
	assert.NotContains(t, postinst, "hellod restart", "--no-stop-on-upgrade: no restart on upgrade")
	assert.Contains(t, postinst, "invoke-rc.d --skip-systemd-native hellod start")
	require.Len(t, ex.Notes, 1)
	assert.Contains(t, ex.Notes[0], `debian/rules:7: "dh_installinit $(EXTRA) --name=other"`)
	for _, st := range ex.Operations[1].Steps {
		if st.Call == "new postinst configure 1.0" {
			assert.NotContains(t, argvs(st), "invoke-rc.d --skip-systemd-native hellod restart")
		}
	}
	code, stdout, _ = run("--from", "1.0", tree)
	require.Equal(t, cli.ExitOK, code)
	assert.Contains(t, stdout, "\nNotes:\n* debian/rules:7: ")

	// Without an override, dh runs plain dh_installinit: hellod gets the default settings.
	require.NoError(t, os.WriteFile(filepath.Join(tree, "debian/rules"), []byte("#!/usr/bin/make -f\n%:\n\tdh $@\n"), 0o755))
	code, stdout, stderr = run("--from", "1.0", "--format", "json", tree)
	require.Equal(t, cli.ExitOK, code, stderr)
	ex = explanation{}
	require.NoError(t, json.Unmarshal([]byte(stdout), &ex))
	assert.Contains(t, ex.Assumptions, "debian/rules has no override_dh_installinit: dh runs dh_installinit with its default options")
}

// TestExplainReplacedBy explains examples/greeter, whose greeter-oldd is replaced by
// greeter-newd: the generated version ships greeter-newd (its init script from the tree), the
// postinst hands greeter-oldd's rc links over to it before dh_installinit's code registers and
// starts it, and the states list it.
func TestExplainReplacedBy(t *testing.T) {
	code, stdout, stderr := run("-p", "greeter", "--from", "1.0", "--format", "json", "../../../examples/greeter/2.0")
	require.Equal(t, cli.ExitOK, code, stderr)
	var ex explanation
	require.NoError(t, json.Unmarshal([]byte(stdout), &ex))
	var postinst []string
	for _, op := range ex.Operations {
		for _, s := range op.Steps {
			if s.Script != "postinst" {
				continue
			}
			for _, c := range s.Commands {
				if line := strings.Join(c.Argv, " "); strings.Contains(line, "greeter-newd") {
					postinst = append(postinst, line)
				}
			}
		}
	}
	assert.Equal(t, []string{
		"ln -s ../init.d/greeter-newd /etc/rc0.d/K01greeter-newd", "ln -s ../init.d/greeter-newd /etc/rc1.d/K01greeter-newd",
		"ln -s ../init.d/greeter-newd /etc/rc2.d/S01greeter-newd", "ln -s ../init.d/greeter-newd /etc/rc3.d/S01greeter-newd",
		"ln -s ../init.d/greeter-newd /etc/rc4.d/S01greeter-newd", "ln -s ../init.d/greeter-newd /etc/rc5.d/S01greeter-newd",
		"ln -s ../init.d/greeter-newd /etc/rc6.d/K01greeter-newd",
		"update-rc.d greeter-newd defaults", "invoke-rc.d --skip-systemd-native greeter-newd restart",
	}, postinst)
	var newd *daemonState
	for i, d := range ex.After.Daemons {
		if d.Name == "greeter-newd" {
			newd = &ex.After.Daemons[i]
		}
	}
	require.NotNil(t, newd, "the state after lists greeter-newd")
	assert.True(t, newd.Running)
	assert.Contains(t, newd.Links, "rc2.d/S01greeter-newd")
}
