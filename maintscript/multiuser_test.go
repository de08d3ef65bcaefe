package maintscript

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAlreadyMultiuser: a staged script whose header already says Default-Stop: 1 (cups's)
// is left as it is, with a note, and still gets the link code for upgraded systems, declared
// or through dh_installinit's multiuser.
func TestAlreadyMultiuser(t *testing.T) {
	script := []byte(strings.Replace(hellodInit, "# Default-Stop:      0 1 6", "# Default-Stop:      1", 1))
	require.NotEqual(t, hellodInit, string(script))
	decls, diags := ParseDeclarations("debian/hello.teardown", []byte("Daemon: hellod\nMultiuser: yes\n"))
	require.Empty(t, diags)
	for name, pkg := range map[string]Package{
		"declared": {Name: "hello", Version: "1.1", Declarations: decls,
			InitScripts: []InitScript{{Name: "hellod", Content: script}}},
		"drop-in": {Name: "hello", Version: "1.1",
			InitScripts: []InitScript{{Name: "hellod", Content: script, Init: &InitOptions{Multiuser: true}}}},
	} {
		t.Run(name, func(t *testing.T) {
			out, diags := Render(pkg, "t/1")
			require.Empty(t, diags)
			var notes []string
			for _, n := range out.Notes {
				notes = append(notes, n.Text)
			}
			assert.Contains(t, strings.Join(notes, "\n"), "/etc/init.d/hellod already says Default-Stop: 1, left as it is")
			assert.NotContains(t, strings.Join(notes, "\n"), "now says")
			rewritten := false
			for _, s := range out.InitScripts {
				rewritten = rewritten || s.Rewritten
			}
			assert.False(t, rewritten)
			assert.Contains(t, out.Scripts.Postinst, "ln -s ../init.d/hellod /etc/rc1.d/K01hellod")
		})
	}
}
