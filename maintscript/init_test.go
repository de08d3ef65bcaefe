package maintscript

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// initCase is one InitOptions combination that the golden and shell tests share.
type initCase struct {
	name string
	opts InitOptions
}

var initCases = []initCase{
	{"restart", InitOptions{SkipSystemdNative: true}},
	{"restart-compat11", InitOptions{}},
	{"stop-then-start", InitOptions{OnUpgrade: StopThenStart, SkipSystemdNative: true}},
	{"none", InitOptions{OnUpgrade: None, SkipSystemdNative: true}},
	{"reload", InitOptions{OnUpgrade: Reload, SkipSystemdNative: true}},
	{"no-start", InitOptions{NoStart: true, UpdateRcdParams: []string{"defaults-disabled"}, SkipSystemdNative: true}},
	{"params-and-handler", InitOptions{UpdateRcdParams: []string{"start 20 2 3 4 5 .", "stop", "80 0 1 6 ."}, ErrorHandler: "my_handler  --quiet", OnUpgrade: StopThenStart}},
	{"multiuser", InitOptions{Multiuser: true, MultiuserSince: "1.4-1", SkipSystemdNative: true}},
}

func (c initCase) input() Package {
	return shipping("2.0-1", InitScript{Name: "hellod", File: "debian/hello.hellod.init", Content: []byte(hellodInit), Init: &c.opts})
}

// shipping is package hello at version, shipping one init script.
func shipping(version string, s InitScript) Package {
	return Package{Name: "hello", Version: version, InitScripts: []InitScript{s}}
}

func TestRenderInitGolden(t *testing.T) {
	for _, c := range initCases {
		t.Run(c.name, func(t *testing.T) {
			out, diags := Render(c.input(), "dh_installinit/test")
			require.Empty(t, diags)
			for _, f := range out.Fragments {
				assert.True(t, f.Service, "%s goes to debhelper's service bucket", f.Snippet)
			}
			golden(t, filepath.Join("testdata", "init", c.name+".golden"), describe(out))
		})
	}
}

func TestRenderInitScriptsPassShellChecks(t *testing.T) {
	checks := newShellChecks(t)
	for _, c := range initCases {
		out, diags := Render(c.input(), "dh_installinit/test")
		require.Empty(t, diags)
		checks.scripts(t, c.name, out.Scripts)
	}
	out, diags := Render(Package{Name: "hello", Version: "1.0", Tmpfiles: []string{"hello.conf", "odd name.conf"}}, "dh_installinit/test")
	require.Empty(t, diags)
	require.Len(t, out.Fragments, 1)
	assert.Equal(t, "init.tmpfiles.postinst", out.Fragments[0].Snippet)
	assert.False(t, out.Fragments[0].Service, "debhelper keeps the tmpfiles code with the other blocks")
	checks.add(t, "tmpfiles.postinst", out.Scripts.Postinst)
	checks.run(t)
}

// TestRenderInitLintianReadsUpdateRcd checks the line lintian looks for to see that an init
// script is registered.
func TestRenderInitLintianReadsUpdateRcd(t *testing.T) {
	out, diags := Render(shipping("1.0", InitScript{Name: "hellod", Init: &InitOptions{}}), "t/1")
	require.Empty(t, diags)
	assert.Contains(t, out.Scripts.Postinst, "\tupdate-rc.d hellod defaults >/dev/null\n")
}

func TestRenderInitMultiuserRewritesHeader(t *testing.T) {
	out, diags := Render(initCases[len(initCases)-1].input(), "t/1")
	require.Empty(t, diags)
	want := strings.Replace(hellodInit, "# Default-Stop:      0 1 6", "# Default-Stop:      1", 1)
	require.NotEqual(t, hellodInit, want, "the fixture has the header this test expects")
	shipped, ok := out.InitScript("hellod")
	require.True(t, ok)
	assert.True(t, shipped.Rewritten)
	assert.Equal(t, want, string(shipped.Content))
	var postinst []string
	for _, f := range out.Fragments {
		if f.Script == Postinst {
			postinst = append(postinst, f.Snippet)
		}
	}
	assert.Equal(t, []string{"daemon-multiuser.postinst", "init.postinst"}, postinst, "the old links go before update-rc.d runs")
}

func TestRenderShipsScriptsUnchanged(t *testing.T) {
	out, diags := Render(shipping("1.0", InitScript{Name: "hellod", Content: []byte(hellodInit), Init: &InitOptions{}}), "t/1")
	require.Empty(t, diags)
	assert.Equal(t, []ShippedScript{{Name: "hellod", Content: []byte(hellodInit)}}, out.InitScripts)
}

func TestRenderInitErrors(t *testing.T) {
	rcs := strings.Replace(hellodInit, "2 3 4 5", "S", 1)
	multiuser := func(since string) *InitOptions { return &InitOptions{Multiuser: true, MultiuserSince: since} }
	for _, c := range []struct {
		name string
		in   Package
		want []string
	}{
		{"every problem at once", Package{Name: "Hello", Version: "1.0", InitScripts: []InitScript{{Name: "../x", Init: &InitOptions{
			UpdateRcdParams: []string{"defaults;reboot"}, ErrorHandler: "echo $(id)", OnUpgrade: "sometimes"}}}},
			[]string{
				`package "Hello": not a valid package name`,
				`daemon "../x": invalid init script name: only letters`,
				`daemon "../x": update-rc.d parameter "defaults;reboot"`,
				`daemon "../x": error handler "echo $(id)"`,
				`daemon "../x": unknown upgrade policy "sometimes" (want restart, stop-then-start, none, reload)`,
			}},
		{"rcS", shipping("1.0", InitScript{Name: "hellod", File: "debian/hello.init", Content: []byte(rcs), Init: multiuser("")}),
			[]string{`debian/hello.init:6: daemon "hellod": an rcS script (Default-Start: S) runs once at boot and cannot be multiuser`}},
		{"no header", shipping("1.0", InitScript{Name: "hellod", File: "debian/hello.init", Content: []byte("#!/bin/sh\nexit 0\n"), Init: multiuser("")}),
			[]string{`debian/hello.init: daemon "hellod": cannot be multiuser: no LSB header`}},
		{"no header, no file", shipping("1.0", InitScript{Name: "hellod", Content: []byte("#!/bin/sh\nexit 0\n"), Init: multiuser("")}),
			[]string{`/etc/init.d/hellod: daemon "hellod": cannot be multiuser: no LSB header`}},
		{"no script", shipping("1.0", InitScript{Name: "hellod", Init: multiuser("")}),
			[]string{`daemon "hellod": multiuser, but no init script /etc/init.d/hellod is installed`}},
		{"since newer", shipping("1.0", InitScript{Name: "hellod", File: "f", Content: []byte(hellodInit), Init: multiuser("1.1")}),
			[]string{`daemon "hellod": multiuser since "1.1": newer than the version being built (1.0)`}},
		{"since invalid", shipping("1.0", InitScript{Name: "hellod", File: "f", Content: []byte(hellodInit), Init: multiuser("x$y")}),
			[]string{`daemon "hellod": multiuser since "x$y": invalid upstream version`}},
		{"empty handler", shipping("1.0", InitScript{Name: "hellod", Init: &InitOptions{ErrorHandler: "  "}}),
			[]string{`daemon "hellod": error handler: empty`}},
		{"shipped twice", Package{Name: "hello", Version: "1.0", InitScripts: []InitScript{{Name: "a"}, {Name: "a"}}},
			[]string{`daemon "a": init script shipped twice`}},
		{"bad tmpfiles", Package{Name: "hello", Version: "1.0", Tmpfiles: []string{"../x.conf"}},
			[]string{`package "hello": tmpfiles.d configuration "../x.conf": not a file's base name`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, diags := Render(c.in, "t/1")
			assert.Nil(t, out)
			require.Len(t, diags, len(c.want), "%v", diags)
			for i, w := range c.want {
				assert.Contains(t, diags[i].String(), w)
				assert.NotRegexp(t, "^:", diags[i].String(), "a position, never an empty file name")
			}
		})
	}
}

func TestParseOnUpgrade(t *testing.T) {
	for _, p := range onUpgradePolicies {
		got, err := ParseOnUpgrade(string(p))
		require.NoError(t, err)
		assert.Equal(t, p, got)
	}
	_, err := ParseOnUpgrade("Restart")
	assert.EqualError(t, err, `unknown upgrade policy "Restart" (want restart, stop-then-start, none, reload)`)
}
