package maintscript

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// initCase is one InitDaemon combination that the golden and shell tests share.
type initCase struct {
	name   string
	daemon InitDaemon
}

var initCases = []initCase{
	{"restart", InitDaemon{Name: "hellod", SkipSystemdNative: true}},
	{"restart-compat11", InitDaemon{Name: "hellod"}},
	{"stop-then-start", InitDaemon{Name: "hellod", OnUpgrade: StopThenStart, SkipSystemdNative: true}},
	{"none", InitDaemon{Name: "hellod", OnUpgrade: None, SkipSystemdNative: true}},
	{"reload", InitDaemon{Name: "hellod", OnUpgrade: Reload, SkipSystemdNative: true}},
	{"no-start", InitDaemon{Name: "hellod", NoStart: true, UpdateRcdParams: []string{"defaults-disabled"}, SkipSystemdNative: true}},
	{"params-and-handler", InitDaemon{Name: "hellod", UpdateRcdParams: []string{"start 20 2 3 4 5 .", "stop", "80 0 1 6 ."}, ErrorHandler: "my_handler  --quiet", OnUpgrade: StopThenStart}},
	{"multiuser", InitDaemon{Name: "hellod", Multiuser: true, MultiuserSince: "1.4-1", SkipSystemdNative: true}},
}

func (c initCase) input() InitInput {
	return InitInput{Package: "hello", Version: "2.0-1", Daemon: c.daemon,
		Script: &InitScript{File: "debian/hello.hellod.init", Content: []byte(hellodInit)}}
}

func TestGenerateInitGolden(t *testing.T) {
	for _, c := range initCases {
		t.Run(c.name, func(t *testing.T) {
			out, diags := GenerateInit(c.input())
			require.Empty(t, diags)
			golden(t, filepath.Join("testdata", "init", c.name+".golden"), describe(out))
		})
	}
}

func TestGenerateInitScriptsPassShellChecks(t *testing.T) {
	for _, c := range initCases {
		out, diags := GenerateInit(c.input())
		require.Empty(t, diags)
		for _, script := range Scripts {
			if text := WholeScript(script, "dh_installinit/test", out.Fragments); text != "" {
				t.Run(c.name+"/"+script, func(t *testing.T) { checkShell(t, text) })
			}
		}
	}
	f, err := TmpfilesFragment("hello", []string{"hello.conf", "odd name.conf"}, DebhelperConventions{})
	require.NoError(t, err)
	checkShell(t, WholeScript("postinst", "dh_installinit/test", []Fragment{f}))
}

// TestGenerateInitLintianReadsUpdateRcd checks the line lintian looks for to see that an init
// script is registered.
func TestGenerateInitLintianReadsUpdateRcd(t *testing.T) {
	out, diags := GenerateInit(InitInput{Package: "hello", Version: "1.0", Daemon: InitDaemon{Name: "hellod"}})
	require.Empty(t, diags)
	var postinst string
	for _, f := range out.Fragments {
		if f.Script == "postinst" {
			postinst += f.Text
		}
	}
	assert.Contains(t, postinst, "\tupdate-rc.d hellod defaults >/dev/null\n")
}

func TestGenerateInitMultiuserRewritesHeader(t *testing.T) {
	out, diags := GenerateInit(initCases[len(initCases)-1].input())
	require.Empty(t, diags)
	want := strings.Replace(hellodInit, "# Default-Stop:      0 1 6", "# Default-Stop:      1", 1)
	require.NotEqual(t, hellodInit, want, "the fixture has the header this test expects")
	assert.Equal(t, want, string(out.InitScripts["hellod"]))
	var postinst []string
	for _, f := range out.Fragments {
		if f.Script == "postinst" {
			postinst = append(postinst, f.Snippet)
		}
	}
	assert.Equal(t, []string{"daemon-multiuser.postinst", "init.postinst"}, postinst, "the old links go before update-rc.d runs")
}

func TestGenerateInitErrors(t *testing.T) {
	rcs := strings.Replace(hellodInit, "2 3 4 5", "S", 1)
	for _, c := range []struct {
		name string
		in   InitInput
		want []string
	}{
		{"every problem at once", InitInput{Package: "Hello", Version: "1.0", Daemon: InitDaemon{
			Name: "../x", UpdateRcdParams: []string{"defaults;reboot"}, ErrorHandler: "echo $(id)", OnUpgrade: "sometimes"}},
			[]string{
				`package "Hello": not a valid package name`,
				`init script name "../x": only letters`,
				`update-rc.d parameter "defaults;reboot"`,
				`error handler "echo $(id)"`,
				`unknown upgrade policy "sometimes" (want restart, stop-then-start, none, reload)`,
			}},
		{"rcS", InitInput{Package: "hello", Version: "1.0", Daemon: InitDaemon{Name: "hellod", Multiuser: true},
			Script: &InitScript{File: "debian/hello.init", Content: []byte(rcs)}},
			[]string{`debian/hello.init:6: daemon "hellod": an rcS script (Default-Start: S) runs once at boot and cannot be multiuser`}},
		{"no header", InitInput{Package: "hello", Version: "1.0", Daemon: InitDaemon{Name: "hellod", Multiuser: true},
			Script: &InitScript{File: "debian/hello.init", Content: []byte("#!/bin/sh\nexit 0\n")}},
			[]string{`debian/hello.init: daemon "hellod": cannot be multiuser: no LSB header`}},
		{"no script", InitInput{Package: "hello", Version: "1.0", Daemon: InitDaemon{Name: "hellod", Multiuser: true}},
			[]string{`multiuser, but no init script /etc/init.d/hellod is installed`}},
		{"since newer", InitInput{Package: "hello", Version: "1.0", Daemon: InitDaemon{Name: "hellod", Multiuser: true, MultiuserSince: "1.1"},
			Script: &InitScript{File: "f", Content: []byte(hellodInit)}},
			[]string{`daemon "hellod": multiuser since "1.1": newer than the version being built (1.0)`}},
		{"since invalid", InitInput{Package: "hello", Version: "1.0", Daemon: InitDaemon{Name: "hellod", Multiuser: true, MultiuserSince: "x$y"},
			Script: &InitScript{File: "f", Content: []byte(hellodInit)}},
			[]string{`daemon "hellod": multiuser since "x$y": invalid upstream version`}},
		{"empty handler", InitInput{Package: "hello", Version: "1.0", Daemon: InitDaemon{Name: "hellod", ErrorHandler: "  "}},
			[]string{`error handler: empty`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, diags := GenerateInit(c.in)
			assert.Nil(t, out)
			require.Len(t, diags, len(c.want), "%v", diags)
			for i, w := range c.want {
				assert.Contains(t, diags[i].String(), w)
			}
		})
	}
}

func TestParseOnUpgrade(t *testing.T) {
	for _, p := range OnUpgradePolicies {
		got, err := ParseOnUpgrade(string(p))
		require.NoError(t, err)
		assert.Equal(t, p, got)
	}
	_, err := ParseOnUpgrade("Restart")
	assert.EqualError(t, err, `unknown upgrade policy "Restart" (want restart, stop-then-start, none, reload)`)
}
