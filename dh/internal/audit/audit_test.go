package audit

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/golden"
)

const fixtureRoot = "testdata/root"

func byName(t *testing.T, r *Report) map[string]ScriptResult {
	t.Helper()
	m := map[string]ScriptResult{}
	for _, s := range r.Scripts {
		m[s.Name] = s
	}
	return m
}

// decisive returns the first reason of the script's own class.
func decisive(s ScriptResult) Reason {
	for _, r := range s.Reasons {
		if r.Kind == s.Class {
			return r
		}
	}
	return Reason{}
}

func TestFixtureClassification(t *testing.T) {
	rep, err := Audit(fixtureRoot)
	require.NoError(t, err)
	got := byName(t, rep)

	tests := []struct {
		name    string
		class   Class
		file    string
		line    int
		command string // a prefix of the decisive reason's command
		why     string // a substring of the decisive reason's why
	}{
		{"anacron", Redundant, "", 36, "start-stop-daemon --stop", "signals the daemon"},
		{"atd", Redundant, "", 29, "start-stop-daemon --stop", "signals the daemon"},
		{"cron", Redundant, "", 47, "start-stop-daemon --stop", "signals the daemon"},
		{"cupsys", Redundant, "", 47, "killproc", "lsb killproc"},
		{"dbus", Redundant, "", 76, "start-stop-daemon --stop", "signals the daemon"},
		{"ssh", Redundant, "", 74, "start-stop-daemon --stop", "signals the daemon"},
		{"klogd", Redundant, "", 43, "start-stop-daemon --stop", "signals the daemon"},
		{"sysklogd", Redundant, "", 67, "start-stop-daemon --stop", "signals the daemon"},
		{"makedev", Redundant, "", 24, "", "the stop branch is empty"},
		{"gpm", Redundant, "", 30, "start-stop-daemon --stop", "signals the daemon"},
		{"hellod", Needed, "", 1, "start-stop-daemon --stop --retry=TERM/0/CONT/30/KILL/5", "framework's default do_stop_cmd (/lib/init/init-d-script) signals the daemon (TERM, then CONT) and gives it up to 30 s"},
		{"hwclock.sh", Needed, "", 65, "/sbin/hwclock --systohc", "saves the system clock to the hardware clock"},
		{"alsa-utils", Needed, "", 51, "alsactl", "saves the mixer state"},
		{"urandom", Needed, "", 48, "dd if=/dev/urandom of=$SAVEDFILE", "writes /var/lib/urandom/random-seed"},
		{"umountfs", Needed, "", 43, "swapoff -a", "turns swap off"},
		{"ppp", Needed, "", 35, "poff -a", "hangs up the PPP link"},
		{"laptop-mode", Needed, "", 38, "$LMT stop", "runs /usr/sbin/laptop_mode"},
		{"kvstored", Needed, "", 18, "kvstore-ctl", "runs kvstore-ctl"},
		{"halt", Needed, "", 36, "/etc/init.d/ups-monitor poweroff", "runs /etc/init.d/ups-monitor"},
		{"oldtool", Unknown, "", 18, "", "cannot parse the script: `if` statement must end with `fi`"},
		{"vendor-agent", Unknown, "", 26, ". $AGENT_HOME/lib/agent-functions", "sources /opt/vendor/agent/lib/agent-functions, which the audit cannot read"},
		{"firewall", Unknown, "", 1, "", "no case on the action ($1) found"},
	}
	require.Len(t, rep.Scripts, len(tests), "one result per script with stop links")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := got[tt.name]
			require.True(t, ok, "script %s not in the report", tt.name)
			assert.Equal(t, tt.class, s.Class, "reasons: %+v", s.Reasons)
			r := decisive(s)
			if tt.file == "" {
				tt.file = "/etc/init.d/" + tt.name
			}
			assert.Equal(t, tt.file, r.File)
			assert.Equal(t, tt.line, r.Line)
			assert.True(t, strings.HasPrefix(r.Command, tt.command), "command %q, want prefix %q", r.Command, tt.command)
			assert.Contains(t, r.Why, tt.why)
		})
	}
}

func TestFixtureNamesEveryNeededAction(t *testing.T) {
	rep, err := Audit(fixtureRoot)
	require.NoError(t, err)
	got := byName(t, rep)
	// umountfs unmounts as well as turning swap off, alsa-utils mutes the
	// cards too: every needed command is listed, not only the first.
	assertReason(t, got["umountfs"], Needed, "umount -f -r -d $REG_MTPTS", "unmounts file systems")
	assertReason(t, got["alsa-utils"], Needed, "amixer $CARDOPT", "runs amixer")
	assert.Equal(t, []string{"mute_and_zero_levels", "mute_and_zero_levels_on_card"}, findReason(got["alsa-utils"], "amixer").Via)
	assertReason(t, got["halt"], Needed, "halt -d -f -i", "halts the machine")
	// the override still stops the daemon, with 30 s to exit: more than sendsigs gives
	assertReason(t, got["kvstored"], Needed, "start-stop-daemon --stop", "gives it up to 30 s to exit")
	assert.Equal(t, []string{"do_stop", "do_stop_cmd_override"}, findReason(got["kvstored"], "kvstore-ctl").Via)
	// the function an unreadable file might define is doubtful too
	assertReason(t, got["vendor-agent"], Unknown, "agent_shutdown --graceful", "may be a function from /opt/vendor/agent/lib/agent-functions")
	// start-only code is not part of stop: dbus' start calls dbus-uuidgen,
	// hwclock.sh's start writes /etc/adjtime, cron's start evals.
	for _, r := range got["hwclock.sh"].Reasons {
		assert.NotContains(t, r.Command, "/etc/adjtime")
	}
	for _, name := range []string{"dbus", "cron", "ssh", "cupsys"} {
		for _, r := range got[name].Reasons {
			assert.NotEqual(t, Needed, r.Kind, "%s: %+v", name, r)
			assert.NotEqual(t, Unknown, r.Kind, "%s: %+v", name, r)
		}
	}
}

func findReason(s ScriptResult, commandPrefix string) Reason {
	for _, r := range s.Reasons {
		if strings.HasPrefix(r.Command, commandPrefix) {
			return r
		}
	}
	return Reason{}
}

func assertReason(t *testing.T, s ScriptResult, kind Class, commandPrefix, why string) {
	t.Helper()
	r := findReason(s, commandPrefix)
	assert.Equal(t, kind, r.Kind, "%s: no %s reason for %q in %+v", s.Name, kind, commandPrefix, s.Reasons)
	assert.Contains(t, r.Why, why)
}

func TestFixtureLinksAndHeader(t *testing.T) {
	rep, err := Audit(fixtureRoot)
	require.NoError(t, err)
	got := byName(t, rep)

	assert.Equal(t, []string{"rc0.d/K11atd", "rc6.d/K11atd"}, got["atd"].Links)
	assert.Equal(t, []string{"0", "1", "6"}, got["atd"].DefaultStop)
	assert.True(t, got["atd"].LSBHeader)
	// S links in rc0.d/rc6.d are run with "stop" by /etc/init.d/rc
	assert.Equal(t, []string{"rc0.d/S30urandom", "rc6.d/S30urandom"}, got["urandom"].Links)
	assert.Equal(t, []string{"rc0.d/S90halt"}, got["halt"].Links)
	// gpm's header says Default-Stop: 1, its old links say otherwise
	assert.Equal(t, []string{"rc0.d/K20gpm", "rc6.d/K20gpm"}, got["gpm"].StaleLinks)
	assert.Empty(t, got["atd"].StaleLinks)
	// S links are not compared with Default-Stop
	assert.Empty(t, got["urandom"].StaleLinks)
	// an empty Default-Stop is not an absent one
	assert.NotNil(t, got["umountfs"].DefaultStop)
	assert.Empty(t, got["umountfs"].DefaultStop)

	// quietd has a K link in rc1.d only, gone has only a dangling link,
	// README is not a link: none of them is audited.
	for _, name := range []string{"quietd", "gone", "README"} {
		_, ok := got[name]
		assert.False(t, ok, name)
	}
}

func TestFixtureSummary(t *testing.T) {
	rep, err := Audit(fixtureRoot)
	require.NoError(t, err)
	assert.Equal(t, Summary{
		Scripts:            22,
		Redundant:          10,
		Needed:             9,
		Unknown:            3,
		ShutdownForksSaved: 10,
		RebootForksSaved:   10,
	}, rep.Summary)
}

func TestSummaryCountsLinksPerDirectory(t *testing.T) {
	s := summarize([]ScriptResult{
		{Class: Redundant, Links: []string{"rc0.d/K01a", "rc6.d/K01a"}},
		{Class: Redundant, Links: []string{"rc0.d/S20b"}},
		{Class: Needed, Links: []string{"rc0.d/K01c", "rc6.d/K01c"}},
		{Class: Unknown, Links: []string{"rc6.d/K01d"}},
	})
	assert.Equal(t, Summary{Scripts: 4, Redundant: 2, Needed: 1, Unknown: 1, ShutdownForksSaved: 2, RebootForksSaved: 1}, s)
}

func TestGoldenOutput(t *testing.T) {
	rep, err := Audit(fixtureRoot)
	require.NoError(t, err)
	for _, tc := range []struct {
		file  string
		write func(*bytes.Buffer) error
	}{
		{"fixture.txt.golden", func(b *bytes.Buffer) error { return rep.WriteText(b) }},
		{"fixture.json.golden", func(b *bytes.Buffer) error { return rep.WriteJSON(b) }},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, tc.write(&b))
			golden.Check(t, tc.file, b.Bytes())
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	rep, err := Audit(fixtureRoot)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, rep.WriteJSON(&b))

	var back Report
	require.NoError(t, json.Unmarshal(b.Bytes(), &back))
	assert.Equal(t, *rep, back)

	var raw map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &raw))
	assert.ElementsMatch(t, []string{"root", "scripts", "summary"}, keys(raw))
	script := raw["scripts"].([]any)[0].(map[string]any)
	assert.ElementsMatch(t, []string{"name", "class", "reasons", "links", "lsb_header", "default_stop"}, keys(script))
	assert.Equal(t, "needed", script["class"])
	reason := script["reasons"].([]any)[0].(map[string]any)
	assert.ElementsMatch(t, []string{"kind", "file", "line", "command", "why", "via"}, keys(reason))
	assert.ElementsMatch(t, []string{"scripts", "redundant", "needed", "unknown", "shutdown_forks_saved", "reboot_forks_saved", "systemd_shadowed"},
		keys(raw["summary"].(map[string]any)))
}

func keys(m map[string]any) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	return k
}

func TestClassText(t *testing.T) {
	for _, c := range []Class{Redundant, Needed, Unknown} {
		b, err := c.MarshalText()
		require.NoError(t, err)
		var back Class
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, c, back)
		assert.Equal(t, c.String(), string(b))
	}
	_, err := Class(7).MarshalText()
	assert.Error(t, err)
	var c Class
	assert.EqualError(t, c.UnmarshalText([]byte("maybe")), `invalid class "maybe"`)
}

func TestBadRoots(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	noRC := filepath.Join(dir, "norc")
	require.NoError(t, os.MkdirAll(filepath.Join(noRC, "etc", "init.d"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(noRC, "etc", "rc2.d"), 0o755))
	noInitd := filepath.Join(dir, "noinitd")
	require.NoError(t, os.MkdirAll(filepath.Join(noInitd, "etc", "rc0.d"), 0o755))

	for _, tc := range []struct{ root, err string }{
		{filepath.Join(dir, "missing"), "root " + filepath.Join(dir, "missing") + ": no such file or directory"},
		{file, "root " + file + ": not a directory"},
		{noRC, "root " + noRC + ": neither etc/rc0.d nor etc/rc6.d exists: not a sysv-rc system"},
		{noInitd, "root " + noInitd + ": no etc/init.d directory"},
	} {
		rep, err := Audit(tc.root)
		assert.Nil(t, rep)
		assert.EqualError(t, err, tc.err)
	}
}

func TestOneStopDirectoryIsEnough(t *testing.T) {
	root := newRoot(t)
	root.script("atd", "#!/bin/sh\ncase \"$1\" in\n  stop) kill 1 ;;\nesac\n", "rc6.d/K20")
	rep, err := Audit(root.dir)
	require.NoError(t, err)
	require.Len(t, rep.Scripts, 1)
	assert.Equal(t, Summary{Scripts: 1, Redundant: 1, RebootForksSaved: 1}, rep.Summary)
}

// TestThisMachine audits the real root: it must succeed or fail with one
// of Audit's clear errors, never panic. This machine has /etc/init.d and,
// at the time of writing, rc0.d and rc6.d with two links each.
func TestThisMachine(t *testing.T) {
	rep, err := Audit("/")
	if err != nil {
		assert.Regexp(t, `^root /: (no etc/init.d directory|neither etc/rc0.d nor etc/rc6.d exists)`, err.Error())
		return
	}
	assert.Equal(t, len(rep.Scripts), rep.Summary.Scripts)
	assert.Equal(t, rep.Summary.Scripts, rep.Summary.Redundant+rep.Summary.Needed+rep.Summary.Unknown)
	var b bytes.Buffer
	require.NoError(t, rep.WriteText(&b))
	require.NoError(t, rep.WriteJSON(&b))
	for _, s := range rep.Scripts {
		assert.NotEmpty(t, s.Links, s.Name)
		assert.NotEmpty(t, s.Reasons, s.Name)
	}
}
