package maintscript

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const exampleDecls = `# hello's daemons and documents
Daemon: hellod
Multiuser: yes
Multiuser-Since: 1.4-1

Daemon: hello-legacyd
Removed-In: 2.0-1
Conffiles: /etc/default/hello-legacyd
 /etc/hello/legacy.conf

Info: hello-old
Removed-In: 1.5-1
Registration: explicit
`

func TestParseDeclarationsExample(t *testing.T) {
	decls, diags := ParseDeclarations("debian/hello.teardown", []byte(exampleDecls))
	require.False(t, diags.HasErrors(), "%v", diags)
	require.Len(t, decls.Daemons, 2)
	require.Len(t, decls.Infos, 1)

	hellod := decls.Daemons[0]
	assert.Equal(t, "hellod", hellod.Name)
	assert.True(t, hellod.Multiuser)
	assert.Equal(t, "1.4-1", hellod.MultiuserSince)
	assert.Equal(t, 2, hellod.Lines["Daemon"])
	assert.Equal(t, 4, hellod.Lines["Multiuser-Since"])

	legacy := decls.Daemons[1]
	assert.Equal(t, "2.0-1", legacy.RemovedIn)
	assert.Equal(t, []string{"/etc/default/hello-legacyd", "/etc/hello/legacy.conf"}, legacy.Conffiles)

	info := decls.Infos[0]
	assert.Equal(t, "/usr/share/info/hello-old.info.gz", info.File)
	assert.Equal(t, Explicit, info.Registration)
	require.Len(t, diags.Warnings(), 1, "explicit registration in /usr/share/info warns")
	assert.Equal(t, `debian/hello.teardown:13: warning: info document "hello-old": explicit registration calls install-info from maintainer scripts: lintian's install-info-used-in-maintainer-script is an error on Debian's auto-reject list, and dpkg's trigger already handles documents in /usr/share/info`, diags.Warnings()[0].String())
}

func TestParseDeclarationsDefaults(t *testing.T) {
	decls, diags := ParseDeclarations("d", []byte("INFO: a\nremoved-in: 2\n\nInfo: b\nFile: /opt/b/share/b.info\nRemoved-In: 2\n"))
	require.Empty(t, diags)
	assert.Equal(t, Trigger, decls.Infos[0].Registration, "field names are case-insensitive; /usr/share/info documents default to the trigger")
	assert.Equal(t, Trigger, decls.Infos[1].Registration, "documents elsewhere too: explicit registration is rejected by Debian's archive")
}

// TestExplicitRegistrationWarnsEverywhere: lintian rejects any install-info call in a
// maintainer script, so Registration: explicit warns whatever the document's path.
func TestExplicitRegistrationWarnsEverywhere(t *testing.T) {
	for _, file := range []string{"/usr/share/info/a.info.gz", "/usr/share/doc/a/a.info", "/opt/a/a.info"} {
		_, diags := ParseDeclarations("d", []byte("Info: a\nFile: "+file+"\nRemoved-In: 2\nRegistration: explicit\n"))
		require.False(t, diags.HasErrors(), file)
		require.Len(t, diags.Warnings(), 1, file)
		assert.Contains(t, diags.Warnings()[0].String(), "d:4: warning: info document \"a\": explicit registration calls install-info from maintainer scripts: lintian's install-info-used-in-maintainer-script is an error on Debian's auto-reject list", file)
	}
}

// TestParseDeclarationsReportsEveryProblem checks that one pass reports every problem, each
// with its line, in line order.
func TestParseDeclarationsReportsEveryProblem(t *testing.T) {
	input := strings.Join([]string{
		"Daemon: hellod",               // 1
		"Multiuser: maybe",             // 2
		"Mulituser-Since: 1.0",         // 3
		"",                             // 4
		"Daemon: bad name",             // 5
		"Removed-In: 2.0;reboot",       // 6
		"Conffiles: etc/foo /etc/../x", // 7
		"",                             // 8
		"Info: doc",                    // 9
		"Registration: sometimes",      // 10
		"",                             // 11
		"Daemon: hellod",               // 12
		"Removed-In: 1",                // 13
		"",                             // 14
		"Package: hello",               // 15
		"",                             // 16
		"Daemon: x",                    // 17
		"Removed-In: 1",                // 18
		"Removed-In: 2",                // 19
		"garbage line",                 // 20
		" continued",                   // 21
		"Daemon: y",                    // 22 (same stanza as 17: a field given twice)
		"",                             // 23
		"Daemon: z",                    // 24
		"Multiuser: yes",               // 25
		"Removed-In: 3",                // 26
		"Conffiles: /etc/default/z",    // 27
		"Multiuser-Since: 2",           // 28
		"",                             // 29
		"Info: f",                      // 30
		"File: /opt/f.info",            // 31
		"Removed-In: 1",                // 32
		"Registration: trigger",        // 33
	}, "\n")
	_, diags := ParseDeclarations("debian/teardown", []byte(input))
	want := []string{
		`debian/teardown:1: daemon "hellod": declares neither "Multiuser: yes" nor Removed-In`,
		`debian/teardown:2: daemon "hellod": Multiuser "maybe": expected "yes" or "no"`,
		`debian/teardown:3: unknown field "Mulituser-Since" in a Daemon stanza (did you mean "Multiuser-Since"?)`,
		`debian/teardown:5: daemon "bad name": invalid init script name: only letters, digits and "_.+-" are allowed, starting with a letter or digit`,
		`debian/teardown:6: daemon "bad name": Removed-In "2.0;reboot": invalid upstream version "2.0;reboot" (it must start with a digit and hold only letters, digits and ".+~-")`,
		`debian/teardown:7: daemon "bad name": conffile "etc/foo": not absolute`,
		`debian/teardown:7: daemon "bad name": conffile "/etc/../x": not clean (it should be "/x")`,
		`debian/teardown:9: info document "doc": Removed-In is required`,
		`debian/teardown:10: info document "doc": Registration "sometimes": expected "trigger" or "explicit"`,
		`debian/teardown:12: daemon "hellod": declared again (first at line 1)`,
		`debian/teardown:15: stanza declares neither a Daemon nor an Info (its first field is "Package")`,
		`debian/teardown:19: field "Removed-In" given twice (first at line 18)`,
		`debian/teardown:20: expected "Field: value", found "garbage line"`,
		`debian/teardown:22: field "Daemon" given twice (first at line 17)`,
		`debian/teardown:26: daemon "z": a removed daemon cannot be multiuser`,
	}
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	assert.Equal(t, want, got)
}

func TestParseDeclarationsNeitherMultiuserNorRemoved(t *testing.T) {
	_, diags := ParseDeclarations("f", []byte("Daemon: a\nMultiuser: no\n"))
	assert.Equal(t, `f:1: daemon "a": declares neither "Multiuser: yes" nor Removed-In`, diags.Error())
}

func TestParseDeclarationsHostileInput(t *testing.T) {
	for name, tc := range map[string]struct {
		input string
		want  string
	}{
		"command substitution": {"Daemon: $(reboot)\nMultiuser: yes\n", `f:1: daemon "$(reboot)": invalid init script name`},
		"backquotes":           {"Daemon: `id`\nMultiuser: yes\n", `f:1: daemon "` + "`id`" + `": invalid init script name`},
		"semicolon":            {"Daemon: a;b\nMultiuser: yes\n", `f:1: daemon "a;b": invalid init script name`},
		"newline in value":     {"Daemon: hellod\nRemoved-In: 2.0\n ; reboot\n", `f:2: daemon "hellod": Removed-In "2.0\n; reboot": invalid`},
		"quote in version":     {"Daemon: a\nRemoved-In: 1'\n", `f:2: daemon "a": Removed-In "1'": invalid`},
		"dot-dot path":         {"Daemon: a\nRemoved-In: 1\nConffiles: /etc/../../root/.ssh\n", `f:3: daemon "a": conffile "/etc/../../root/.ssh": not clean`},
		"space path":           {"Info: a\nRemoved-In: 1\nFile: /opt/a b\n", `f:3: info document "a": File "/opt/a b": only letters`},
		"NUL byte":             {"Daemon: a\x00b\nMultiuser: yes\n", `f:1: NUL byte in line`},
		"invalid UTF-8":        {"Daemon: \xff\n", `f: not valid UTF-8`},
		"dash name":            {"Daemon: -rf\nMultiuser: yes\n", `f:1: daemon "-rf": invalid init script name`},
		"huge field":           {"Daemon: a\nRemoved-In: " + strings.Repeat("1", 1<<20) + "\n", `f:2: line too long (1048588 bytes, at most 4096)`},
		"huge continuation":    {"Daemon: a\nRemoved-In: 1\nConffiles: /etc/a\n" + strings.Repeat(" /etc/b\n", 1<<17), `f:3: field "Conffiles" too long (more than 65536 bytes)`},
	} {
		t.Run(name, func(t *testing.T) {
			decls, diags := ParseDeclarations("f", []byte(tc.input))
			require.True(t, diags.HasErrors(), "hostile input must be rejected; got %+v", decls)
			assert.Contains(t, diags.Error(), tc.want)
		})
	}
}

func TestParseDeclarationsEmpty(t *testing.T) {
	_, diags := ParseDeclarations("f", []byte("# nothing\n\n"))
	assert.False(t, diags.HasErrors())
	assert.Equal(t, "f: warning: declares nothing", diags[0].String())
}

func TestCheckVersion(t *testing.T) {
	for _, ok := range []string{"1", "1.0-1", "1:2.0~rc1+dfsg-1.1", "2.0-1~bpo12+1", "0.1.0", "1.2-3-4"} {
		assert.NoError(t, CheckVersion(ok), ok)
	}
	for _, bad := range []string{"", "a1", "1.0-", "1:", ":1", "x:1", "1.0 -1", "1.0_1", "1.0-1!", "1$(id)"} {
		assert.Error(t, CheckVersion(bad), bad)
	}
}

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		sign int
	}{
		{"1.0-1", "2.0-1", -1},
		{"2.0-1~", "2.0-1", -1},
		{"2.0~rc1-1", "2.0-1~", -1},
		{"1:0.1", "9.9", 1},
		{"1.0", "1.0-0", 0},
	} {
		got, err := CompareVersions(tc.a, tc.b)
		require.NoError(t, err)
		assert.Equal(t, tc.sign, sign(got), "%s vs %s", tc.a, tc.b)
	}
	_, err := CompareVersions("1.0", "1.0; reboot")
	assert.ErrorContains(t, err, `version "1.0; reboot": invalid`)
}

func TestParseDeclarationsUnitsAndReplacedBy(t *testing.T) {
	decls, diags := ParseDeclarations("f", []byte("Daemon: lvmetad\nRemoved-In: 2.0\nUnits: lvmetad.socket\n lvmetad-helper.timer\nReplaced-By: lvmd\n"))
	require.Empty(t, diags)
	d := decls.Daemons[0]
	assert.Equal(t, []string{"lvmetad.socket", "lvmetad-helper.timer"}, d.Units)
	assert.Equal(t, "lvmd", d.ReplacedBy)
	assert.Equal(t, 3, d.Lines["Units"])
	assert.Equal(t, 5, d.Lines["Replaced-By"])

	_, diags = ParseDeclarations("f", []byte(strings.Join([]string{
		"Daemon: a",       // 1
		"Multiuser: yes",  // 2
		"Units: a.socket", // 3
		"Replaced-By: b",  // 4
		"",                // 5
		"Daemon: c",       // 6
		"Removed-In: 1",   // 7
		"Units: c.service c.conf getty@.service getty@tty1.service x;y.path c.socket c.socket", // 8
		"Replaced-By: c",     // 9
		"",                   // 10
		"Daemon: d",          // 11
		"Removed-In: 1",      // 12
		"Replaced-By: $(id)", // 13
	}, "\n")))
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	assert.Equal(t, []string{
		`f:3: daemon "a": Units without Removed-In`,
		`f:4: daemon "a": Replaced-By without Removed-In`,
		`f:8: daemon "c": unit "c.service": always covered, do not list it`,
		`f:8: daemon "c": unit "c.conf": not a systemd unit name: it must end in .service, .socket, .timer, .path, .target, .mount`,
		`f:8: daemon "c": unit "getty@.service": a template unit: not supported, because which instances the old version enabled is not known (list no template; stop and disable its instances, such as getty@NAME.service, in your own scripts)`,
		`f:8: daemon "c": unit "getty@tty1.service": an instance of the template unit getty@.service: not supported, because an instance has no unit file of its own, so whether it is gone from the system cannot be told`,
		`f:8: daemon "c": unit "x;y.path": only letters, digits and "_.+-" are allowed, starting with a letter or digit`,
		`f:8: daemon "c": unit "c.socket": listed twice`,
		`f:9: daemon "c": Replaced-By "c": replaced by itself`,
		`f:13: daemon "d": Replaced-By "$(id)": invalid init script name: only letters, digits and "_.+-" are allowed, starting with a letter or digit`,
	}, got)
}

// TestDeclarationsBuiltInGoAreChecked holds values built in Go to the checks of parsed ones:
// Render rejects them with diagnostics whose position is their subject.
func TestDeclarationsBuiltInGoAreChecked(t *testing.T) {
	for name, tc := range map[string]struct {
		decls Declarations
		want  string
	}{
		"shell in a name": {Declarations{Daemons: []Daemon{{Name: "bard; touch x", Multiuser: true}}},
			`daemon "bard; touch x": invalid init script name: only letters, digits and "_.+-" are allowed, starting with a letter or digit`},
		"relative conffile": {Declarations{Daemons: []Daemon{{Name: "bard", RemovedIn: "1.0", Conffiles: []string{"relative"}}}},
			`daemon "bard": conffile "relative": not absolute`},
		"bad version": {Declarations{Daemons: []Daemon{{Name: "bard", RemovedIn: "1.0'"}}},
			`daemon "bard": Removed-In "1.0'": invalid`},
		"neither": {Declarations{Daemons: []Daemon{{Name: "bard"}}},
			`daemon "bard": declares neither "Multiuser: yes" nor Removed-In`},
		"twice": {Declarations{Daemons: []Daemon{{Name: "bard", RemovedIn: "1"}, {Name: "bard", RemovedIn: "1"}}},
			`daemon "bard": declared twice`},
		"units": {Declarations{Daemons: []Daemon{{Name: "bard", RemovedIn: "1", Units: []string{"bard@.service"}}}},
			`daemon "bard": unit "bard@.service": a template unit`},
		"info path": {Declarations{Infos: []Info{{Name: "doc", RemovedIn: "1", File: "/opt/../doc.info"}}},
			`info document "doc": File "/opt/../doc.info": not clean`},
		"info registration": {Declarations{Infos: []Info{{Name: "doc", RemovedIn: "1", Registration: "sometimes"}}},
			`info document "doc": Registration "sometimes": expected "trigger" or "explicit"`},
	} {
		t.Run(name, func(t *testing.T) {
			out, diags := Render(Package{Name: "hello", Version: "2.0", Declarations: &tc.decls}, "t/1")
			assert.Nil(t, out)
			require.True(t, diags.HasErrors())
			assert.Contains(t, diags.Error(), tc.want)
			assert.NotRegexp(t, "(?m)^:", diags.Error(), "never an empty position")
		})
	}
}

func TestInfoDefaultsBuiltInGo(t *testing.T) {
	out, diags := Render(Package{Name: "hello", Version: "2.0", Declarations: &Declarations{Infos: []Info{
		{Name: "doc", RemovedIn: "1"},
		{Name: "opt", RemovedIn: "1", File: "/opt/doc/opt.info"},
	}}}, "t/1")
	require.Empty(t, diags)
	assert.Contains(t, out.Notes[0].Text, "/usr/share/info/doc.info.gz", "the default file, deregistered by the trigger")
	assert.Empty(t, out.Scripts.Preinst, "a document elsewhere is left to the trigger too")
	assert.Contains(t, out.Notes[1].Text, "/opt/doc/opt.info is outside /usr/share/info")
}

func TestMultiuserDeclaredTwice(t *testing.T) {
	decls, diags := ParseDeclarations("debian/hello.teardown", []byte("Daemon: hellod\nMultiuser: yes\n"))
	require.Empty(t, diags)
	out, diags := Render(Package{Name: "hello", Version: "2.0", Declarations: decls, InitScripts: []InitScript{
		{Name: "hellod", Content: []byte(hellodInit), Init: &InitOptions{Multiuser: true}},
	}}, "t/1")
	assert.Nil(t, out)
	assert.Equal(t, `debian/hello.teardown:2: daemon "hellod": declared multiuser twice: here and in its init script's options (dh_installinit's multiuser); declare it in one place`, diags.Error())
}
func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
