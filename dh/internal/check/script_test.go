package check

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// calls analyses script for args and returns "TEXT reach guarded origin" per command.
func calls(t *testing.T, script string, args ...string) []string {
	t.Helper()
	a := Analyze("preinst", "pkg", []byte(script), args)
	require.NoError(t, a.Err)
	var out []string
	for _, c := range a.Calls {
		g := "unguarded"
		if c.Guarded {
			g = "guarded"
		}
		out = append(out, strings.Join([]string{strings.Join(c.Args, " "), [...]string{"no", "maybe", "yes"}[c.Reach], g, c.Origin}, " | "))
	}
	return out
}

func TestAnalyzeConditions(t *testing.T) {
	for _, c := range []struct {
		name, script string
		args         []string
		want         []string
	}{
		{"version guard holds", `if [ "$1" = upgrade ] && dpkg --compare-versions "$2" lt 2.0; then invoke-rc.d d stop; fi`,
			[]string{"upgrade", "1.0", "2.0"}, []string{"invoke-rc.d d stop | yes | guarded | "}},
		{"version guard excludes", `if [ "$1" = upgrade ] && dpkg --compare-versions "$2" lt 1.0; then invoke-rc.d d stop; fi`,
			[]string{"upgrade", "1.0", "2.0"}, []string{"invoke-rc.d d stop | no | guarded | "}},
		{"le-nl with an empty version", `if dpkg --compare-versions "$2" le-nl ""; then a; fi; if dpkg --compare-versions "" lt 1; then b; fi`,
			[]string{"upgrade", "1.0", "2.0"}, []string{"a | yes | guarded | ", "b | yes | guarded | "}},
		{"file tests depend on the system", `[ -x /etc/init.d/d ] && invoke-rc.d d stop || true`,
			[]string{"upgrade", "1.0", "2.0"}, []string{"invoke-rc.d d stop | maybe | guarded | ", "true | maybe | guarded | "}},
		{"test -o -a ! and parentheses", `if [ "$1" = install -o "$1" = upgrade ] && test ! -z "$2" -a \( "$3" != 1 \); then a; fi`,
			[]string{"upgrade", "1.0", "2.0"}, []string{"a | yes | guarded | "}},
		{"case with alternatives and a default that exits", "case \"$1\" in\ninstall|upgrade) a ;;\nabort-*) b ;;\n*) exit 1 ;;\nesac\nc",
			[]string{"abort-upgrade", "2.0"}, []string{"a | no | guarded | ", "b | yes | guarded | ", "c | yes | unguarded | "}},
		{"an unconditional exit ends the script", "a\nexit 0\nb", []string{"configure", "1.0"}, []string{"a | yes | unguarded | "}},
		{"an exit after a possible return does not", "f() {\n\tif check; then return; fi\n\texit 1\n}\nf\nb", []string{"install"},
			[]string{"check | yes | guarded | ", "b | yes | unguarded | "}},
		{"elif and else", `if [ "$1" = remove ]; then a; elif [ "$1" = upgrade ]; then b; else c; fi`,
			[]string{"upgrade", "1.0", "2.0"}, []string{"a | no | guarded | ", "b | yes | guarded | ", "c | no | guarded | "}},
		{"negation and failure handling", "! a\nb || true\nc | d", []string{"configure"},
			[]string{"a | yes | guarded | ", "b | yes | guarded | ", "true | maybe | guarded | ", "c | yes | guarded | ", "d | yes | unguarded | "}},
		{"variables, defaults and DPKG_ROOT", "N=d\nif [ -z \"${DPKG_ROOT:-}\" ]; then invoke-rc.d $N stop; fi\necho ${UNSET:-x} ${N:+y} \"$UNSET\"",
			[]string{"upgrade", "1", "2"}, []string{"invoke-rc.d d stop | yes | guarded | ", "echo x y \x00? | yes | unguarded | "}},
		{"for loops over literal words", "for u in a.service b.socket; do deb-systemd-helper purge \"$u\"; done",
			[]string{"configure", "1"}, []string{"deb-systemd-helper purge a.service | yes | unguarded | ", "deb-systemd-helper purge b.socket | yes | unguarded | "}},
		{"functions get their own arguments", "stop_it() {\n\tif [ -n \"$1\" ]; then invoke-rc.d \"$1\" stop; fi\n}\nstop_it d\n",
			[]string{"upgrade", "1", "2"}, []string{"invoke-rc.d d stop | yes | guarded | "}},
		{"$@ expands to the arguments", `dpkg-maintscript-helper rm_conffile /etc/x 2~ -- "$@"`, []string{"upgrade", "1", "2"},
			[]string{"dpkg-maintscript-helper rm_conffile /etc/x 2~ -- upgrade 1 2 | yes | unguarded | "}},
		{"command substitutions are unknown", "if [ \"$(cat /x)\" = y ]; then a; fi", []string{"configure"}, []string{"cat /x | yes | guarded | ", "a | maybe | guarded | "}[1:]},
		{"debhelper markers name the tool", "# Automatically added by dh_teardown/0.1.0\na\n# End automatically added section\nb\n# Automatically added by dh_installdeb/13.11.4\nc\n# End automatically added section",
			[]string{"configure"}, []string{"a | yes | unguarded | dh_teardown", "b | yes | unguarded | ", "c | yes | unguarded | dh_installdeb"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, calls(t, c.script, c.args...))
		})
	}
}

func TestAnalyzeBash(t *testing.T) {
	script := "#!/bin/bash\nif [[ \"$1\" == configure && -n \"$2\" ]]; then a; fi\nif [[ $1 != configure ]]; then b; fi\n"
	assert.Equal(t, []string{"a | yes | guarded | ", "b | no | guarded | "}, calls(t, script, "configure", "1.0"))
}

func TestAnalyzeUnparsable(t *testing.T) {
	a := Analyze("preinst", "pkg", []byte("#!/bin/sh\nif then fi (\n"), []string{"install"})
	require.Error(t, a.Err)
	assert.Contains(t, a.Err.Error(), "preinst:")
	assert.Empty(t, a.Calls)
}

func TestDpkgCompare(t *testing.T) {
	for _, c := range []struct {
		a, op, b string
		want     bool
	}{
		{"1.0", "lt", "2.0", true}, {"2.0~rc1", "lt", "2.0", true}, {"2.0~", "lt", "2.0~rc1", true},
		{"1:0.1", "gt", "9.9", true}, {"1.0-1", "le-nl", "1.0-1", true}, {"", "lt-nl", "1.0", false},
		{"", "lt", "1.0", true}, {"1.0", "ge", "1.0", true}, {"1.0", "ne", "1.0", false}, {"1.0", ">>", "0.9", true},
	} {
		got, valid := dpkgCompare(c.a, c.op, c.b)
		assert.True(t, valid)
		assert.Equal(t, c.want, got, "%q %s %q", c.a, c.op, c.b)
	}
}
