//go:build integration

package installinit

import (
	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMultiuser checks the keyword multiuser against debhelper's plain dh_installinit: the
// installed script differs only in its Default-Stop line, and the maintainer scripts behave
// exactly as debhelper's except that postinst "configure OLD" (OLD older than
// --multiuser-since) first removes the rc0.d and rc6.d stop links, before update-rc.d.
func TestMultiuser(t *testing.T) {
	testenv.RequireRoot(t)
	env := buildEnv(t)
	theirs := copyTree(t, "basic", 13)
	mine := copyTree(t, "basic", 13)
	require.Equal(t, 0, runDebhelper(t, theirs, nil, env).code)
	r := runOurs(t, mine, []string{"multiuser", "--multiuser-since=1.0-2"}, env)
	require.Equal(t, 0, r.code, r.output)
	first := snapshot(t, mine, nil)
	require.Equal(t, 0, runOurs(t, mine, []string{"multiuser", "--multiuser-since=1.0-2"}, env).code)
	require.Equal(t, describeSnapshot(first), describeSnapshot(snapshot(t, mine, nil)), "a second run must change no byte")

	source, err := os.ReadFile(filepath.Join(mine, "debian", "init"))
	require.NoError(t, err)
	installed := first["debian/hello/etc/init.d/hello"]
	assert.Equal(t, os.FileMode(0o755), installed.mode.Perm())
	want := strings.Replace(string(source), "# Default-Stop:      0 1 6\n", "# Default-Stop:      1\n", 1)
	require.NotEqual(t, string(source), want)
	assert.Equal(t, want, installed.data)

	runInstalldeb(t, theirs, env)
	runInstalldeb(t, mine, env)
	postinst, err := os.ReadFile(filepath.Join(mine, "debian", "hello", "DEBIAN", "postinst"))
	require.NoError(t, err)
	assert.Contains(t, string(postinst), "\tupdate-rc.d hello defaults >/dev/null\n", "lintian must still see the registration")

	pkgs := packagesOf(t, theirs)
	names := initNames(t, pkgs, theirs)
	debhelperLog := behaviour(t, theirs, pkgs, names)
	ourLog := behaviour(t, mine, pkgs, names)
	rmLine := regexp.MustCompile(`(?m)^rm \[-f\] \[/etc/rc0\.d/.*\] \[/etc/rc6\.d/.*\]\n`)
	if stripped := rmLine.ReplaceAllString(ourLog, ""); stripped != debhelperLog {
		t.Errorf("apart from removing the stop links, multiuser must behave as debhelper's code (-debhelper +ours):\n%s", firstDifference(debhelperLog, stripped))
	}
	runs := splitRuns(ourLog)
	var removing []string
	for title, log := range runs {
		if rmLine.MatchString(log) {
			removing = append(removing, title)
		}
	}
	for _, title := range removing {
		assert.Contains(t, title, " hello postinst configure 1.0-1", "only configuring from an older version drops links")
		assert.NotContains(t, title, "DPKG_ROOT")
	}
	assert.Len(t, removing, 5, "every variant without DPKG_ROOT: %v", removing)
	assert.Equal(t, "rm [-f] [/etc/rc0.d/K01hello] [/etc/rc6.d/K01hello]\nupdate-rc.d [hello] [defaults]\ninvoke-rc.d [--skip-systemd-native] [hello] [restart]\nexit 0\n",
		runs["== executable: hello postinst configure 1.0-1"], "the links go before update-rc.d re-makes them from the header")
}

// splitRuns splits a behaviour log into its runs, by title.
func splitRuns(log string) map[string]string {
	runs := map[string]string{}
	var title string
	for _, line := range strings.SplitAfter(log, "\n") {
		if strings.HasPrefix(line, "== ") {
			title = strings.TrimSuffix(line, "\n")
			continue
		}
		runs[title] += line
	}
	return runs
}

// TestOnUpgradeReload checks --on-upgrade=reload against debhelper's default: the same
// calls, with "status, then reload" wherever debhelper restarts — or "status, then start" in
// the runs where invoke-rc.d fails, status included: a daemon that is not running is started.
func TestOnUpgradeReload(t *testing.T) {
	testenv.RequireRoot(t)
	env := buildEnv(t)
	theirs := copyTree(t, "basic", 12)
	mine := copyTree(t, "basic", 12)
	require.Equal(t, 0, runDebhelper(t, theirs, nil, env).code)
	r := runOurs(t, mine, []string{"--on-upgrade=reload"}, env)
	require.Equal(t, 0, r.code, r.output)
	runInstalldeb(t, theirs, env)
	runInstalldeb(t, mine, env)
	pkgs := packagesOf(t, theirs)
	names := initNames(t, pkgs, theirs)
	debhelperLog := behaviour(t, theirs, pkgs, names)
	require.Contains(t, debhelperLog, "[restart]")
	var want strings.Builder
	action := "[reload]"
	for _, line := range strings.SplitAfter(debhelperLog, "\n") {
		if strings.HasPrefix(line, "== ") {
			action = "[reload]"
			if strings.Contains(line, "invoke-rc.d-fails") {
				action = "[start]"
			}
		}
		if strings.Contains(line, "[restart]") {
			want.WriteString(strings.Replace(line, "[restart]", "[status]", 1))
			line = strings.Replace(line, "[restart]", action, 1)
		}
		want.WriteString(line)
	}
	if got := behaviour(t, mine, pkgs, names); got != want.String() {
		t.Errorf("reload must behave as debhelper's restart with status and reload for restart (-want +ours):\n%s", firstDifference(want.String(), got))
	}
}

// TestMultiuserOnlyScripts rewrites the staged script in place with -o.
func TestMultiuserOnlyScripts(t *testing.T) {
	env := buildEnv(t)
	dir := copyTree(t, "staged", 13)
	r := runOurs(t, dir, []string{"-o", "multiuser"}, env)
	require.Equal(t, 0, r.code, r.output)
	data, err := os.ReadFile(filepath.Join(dir, "debian", "hello", "etc", "init.d", "hello"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "\n# Default-Stop:      1\n")
	service, err := os.ReadFile(filepath.Join(dir, "debian", ".debhelper", "generated", "hello", "postinst.service"))
	require.NoError(t, err)
	assert.Contains(t, string(service), "rm -f /etc/rc0.d/K[0-9][0-9]hello /etc/rc6.d/K[0-9][0-9]hello")
}

// TestBadInput checks that bad input is reported with exit status 1 and writes nothing.
func TestBadInput(t *testing.T) {
	for _, c := range []struct {
		name, tree string
		compat     int
		args, env  []string
		want       string
	}{
		{"multiuser rcS", "rcs", 13, []string{"multiuser"}, nil, `dh_installinit: debian/hello.init:6: daemon "hello": an rcS script (Default-Start: S) runs once at boot and cannot be multiuser`},
		{"multiuser since newer", "basic", 13, []string{"multiuser", "--multiuser-since=2.0"}, nil, `multiuser since "2.0": newer than the version being built (1.1-1)`},
		{"multiuser without script", "basic", 13, []string{"multiuser", "-phello-doc"}, nil, "multiuser: no package acted on installs an init script"},
		{"multiuser -o not staged", "basic", 13, []string{"multiuser", "-o"}, nil, "multiuser with --only-scripts: debian/hello/etc/init.d/hello is not staged"},
		{"name with slash", "basic", 13, []string{"--name=../evil"}, nil, `init script name "../evil": only letters`},
		{"name with space", "basic", 13, []string{"--name", "a b"}, nil, `init script name "a b"`},
		{"init-script with quote", "basic", 13, []string{"--init-script=it's"}, nil, `init script name "it's"`},
		{"error handler", "basic", 13, []string{"--error-handler=echo $(id)"}, nil, `error handler "echo $(id)"`},
		{"update-rc.d params", "basic", 13, []string{"--", "defaults;reboot"}, nil, `update-rc.d parameter "defaults;reboot"`},
		{"compat 9", "basic", 9, nil, nil, "compat level 9 is not supported"},
		{"DH_COMPAT 15", "basic", 13, nil, []string{"DH_COMPAT=15"}, "compat level 15 is not supported"},
		{"DH_COMPAT garbage", "basic", 13, nil, []string{"DH_COMPAT=13x"}, "DH_COMPAT must be a positive integer"},
		{"no-restart-on-upgrade in compat 13", "basic", 13, []string{"--no-restart-on-upgrade"}, nil, "--no-restart-on-upgrade was removed in compat 12"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyTree(t, c.tree, c.compat)
			before := snapshot(t, dir, nil)
			r := runOurs(t, dir, c.args, buildEnv(t, c.env...))
			assert.Equal(t, 1, r.code, r.output)
			assert.Contains(t, r.output, c.want)
			assert.Equal(t, describeSnapshot(before), describeSnapshot(snapshot(t, dir, nil)), "nothing written")
		})
	}
}

// TestUsageErrors checks that contradicting or unknown arguments exit with status 2 and write
// nothing.
func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--multiuser-since=1.0"}, "--multiuser-since is only valid with the keyword multiuser"},
		{[]string{"multiuser", "--multiuser-since=1.0; reboot"}, `option --multiuser-since: "1.0; reboot": invalid`},
		{[]string{"--on-upgrade=reload", "-R"}, "--on-upgrade=reload contradicts -R/--restart-after-upgrade, which mean --on-upgrade=restart"},
		{[]string{"--on-upgrade=restart", "--no-restart-after-upgrade"}, "contradicts --no-restart-after-upgrade, which mean --on-upgrade=stop-then-start"},
		{[]string{"--on-upgrade=stop-then-start", "-r"}, "contradicts -r/--no-stop-on-upgrade, which mean --on-upgrade=none"},
		{[]string{"--on-upgrade=none", "--no-restart-after-upgrade"}, "contradicts --no-restart-after-upgrade"},
		{[]string{"--on-upgrade=none", "-R", "-r"}, "contradicts -R/--restart-after-upgrade and -r/--no-stop-on-upgrade, which mean --on-upgrade=restart"},
		{[]string{"--on-upgrade=reload", "--no-start"}, "contradicts --no-start"},
		{[]string{"--on-upgrade=reload", "--on-upgrade=restart"}, "given twice, as reload and restart"},
		{[]string{"--on-upgrade=sometimes"}, `unknown upgrade policy "sometimes"`},
		{[]string{"--no-enable", "--", "defaults"}, "--no-enable and -- params/-u/--update-rcd-params are mutually exclusive"},
		{[]string{"multiusr"}, `unexpected argument "multiusr"`},
		{[]string{"--bogus"}, "unknown option: --bogus"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			dir := copyTree(t, "basic", 13)
			before := snapshot(t, dir, nil)
			r := runOurs(t, dir, c.args, buildEnv(t))
			assert.Equal(t, 2, r.code, r.output)
			assert.Contains(t, r.output, c.want)
			assert.Equal(t, describeSnapshot(before), describeSnapshot(snapshot(t, dir, nil)), "nothing written")
		})
	}
}

// TestPromiseMatchesDebhelper checks the PROMISE line dh reads to skip the command for
// packages without init files against debhelper's own (help_test.go: it is not printed).
func TestPromiseMatchesDebhelper(t *testing.T) {
	testenv.RequireCommand(t, debhelperInstallinit)
	debhelper, err := os.ReadFile(debhelperInstallinit)
	require.NoError(t, err)
	promise := regexp.MustCompile(`(?m)^# PROMISE: .*$`).FindString(string(debhelper))
	require.NotEmpty(t, promise)
	assert.Equal(t, "\n"+promise+"\n", Promise, "the same promise as debhelper's")
}
