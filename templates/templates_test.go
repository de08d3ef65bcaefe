package templates

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuoteLeavesSafeWordsBare(t *testing.T) {
	for _, w := range []string{"hellod", "update-rc.d", "/etc/init.d/hellod", "2.0-1~", "1:2.0+dfsg-3", "a=b", "x,y@z%"} {
		assert.Equal(t, w, Quote(w), w)
	}
}

func TestQuoteQuotesEverythingElse(t *testing.T) {
	for in, want := range map[string]string{
		"":               "''",
		"~root":          "'~root'",
		"a b":            "'a b'",
		"it's":           `'it'\''s'`,
		"$(reboot)":      "'$(reboot)'",
		"x;rm -rf /":     "'x;rm -rf /'",
		"line\nbreak":    "'line\nbreak'",
		"`id`":           "'`id`'",
		"*":              "'*'",
		"a\\b":           `'a\b'`,
		"\"double\"":     `'"double"'`,
		"tab\there":      "'tab\there'",
		"semi&amp|pipe>": "'semi&amp|pipe>'",
	} {
		assert.Equal(t, want, Quote(in), "%q", in)
	}
}

// TestQuoteRoundTripsThroughDash checks with a real shell that every quoted word comes back
// as exactly the original string.
func TestQuoteRoundTripsThroughDash(t *testing.T) {
	dash, err := exec.LookPath("dash")
	require.NoError(t, err, "dash is needed")
	words := []string{"", "plain", "a b", "it's", "$(id)", "`id`", "$HOME", "~", "~x", "*", "?", "[a]",
		"a\nb", "\\", "'", "''", "\"", "!", "#c", "x;y", "a|b", "a&b", "<>", "{a,b}", "é ü", "\t"}
	for _, w := range words {
		out, err := exec.Command(dash, "-c", "printf '%s' "+Quote(w)).Output()
		require.NoError(t, err, "%q", w)
		assert.Equal(t, w, string(out), "%q quoted as %s", w, Quote(w))
	}
}

func TestRenderUnknownSnippet(t *testing.T) {
	_, err := Render("no-such.preinst", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no snippet "no-such.preinst"`)
}

func TestRenderWrongDataIsAnError(t *testing.T) {
	_, err := Render("daemon-removed.preinst", map[string]string{"Name": "x"})
	require.Error(t, err, "a missing key must be an error, not an empty string")
	assert.Contains(t, err.Error(), "daemon-removed.preinst.tmpl")
}

func TestNamesListsEverySnippet(t *testing.T) {
	names := Names()
	assert.Contains(t, names, "daemon-multiuser.postinst")
	assert.Contains(t, names, "info-removed.postrm")
	for _, n := range names {
		script := n[strings.LastIndexByte(n, '.')+1:]
		assert.Contains(t, []string{"preinst", "postinst", "prerm", "postrm"}, script, "snippet %s is named CONCERN.SCRIPT", n)
	}
}

// TestHostileValuesStayQuoted renders every snippet with values full of shell syntax and
// checks that each value appears only in its quoted form.
func TestHostileValuesStayQuoted(t *testing.T) {
	evil := "x'; pwned; echo '$(id)\n"
	data := map[string]any{
		"daemon-multiuser": MultiuserDaemon{Name: evil, InitScript: "/etc/init.d/" + evil, Since: evil},
		"daemon-removed":   RemovedDaemon{Name: evil, InitScript: "/etc/init.d/" + evil, RemovedIn: evil, Conffiles: []string{evil}, PriorVersion: evil},
		"info-removed":     RemovedInfo{File: evil, DirFile: evil, RemovedIn: evil},
		"init":             InitDaemon{Name: evil, InitScript: "/etc/init.d/" + evil, UpdateRcdParams: []string{evil}, InvokeOptions: []string{evil}, ErrorHandler: []string{evil}, Start: true, StopBeforeUpgrade: true, UpgradeAction: evil},
		"init.tmpfiles":    InitTmpfiles{Files: []string{evil}},
	}
	for _, name := range Names() {
		concern := name[:strings.LastIndexByte(name, '.')]
		out, err := Render(name, data[concern])
		require.NoError(t, err, name)
		stripped := strings.ReplaceAll(out, Quote(evil), "")
		stripped = strings.ReplaceAll(stripped, Quote("/etc/init.d/"+evil), "")
		assert.NotContains(t, stripped, "pwned", "%s leaks a value unquoted:\n%s", name, out)
	}
}
