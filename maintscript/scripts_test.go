package maintscript

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRenderScriptsWithShippedDaemons checks that the ordinary init code of a shipped daemon
// is placed as dh_installdeb places debhelper's service code, and that the declarations'
// multiuser rewrite reaches it.
func TestRenderScriptsWithShippedDaemons(t *testing.T) {
	decls, diags := ParseDeclarations("d", []byte(exampleDecls))
	require.False(t, diags.HasErrors(), "%v", diags)
	in := Input{Package: "hello", Version: "2.0-1", Declarations: decls,
		InitScripts: map[string]InitScript{"hellod": {File: "hellod.init", Content: []byte(hellodInit)}}}
	scripts, out, diags := RenderScripts(in, []InitDaemon{{Name: "hellod"}}, "t/1")
	require.False(t, diags.HasErrors(), "%v", diags)
	postinst := scripts["postinst"]
	drop := strings.Index(postinst, "rm -f /etc/rc0.d/K[0-9][0-9]hellod")
	defaults := strings.Index(postinst, "update-rc.d hellod defaults >/dev/null")
	require.True(t, drop > 0 && defaults > 0, postinst)
	assert.Less(t, drop, defaults, "the old stop links go before update-rc.d re-makes the links")
	postrm := scripts["postrm"]
	purge := strings.Index(postrm, "update-rc.d hellod remove >/dev/null")
	restore := strings.Index(postrm, "dpkg-maintscript-helper rm_conffile /etc/init.d/hello-legacyd")
	require.True(t, purge > 0 && restore > 0, postrm)
	assert.Less(t, purge, restore, "service code comes first in postrm")
	assert.Contains(t, scripts["prerm"], "invoke-rc.d hellod stop")
	assert.Contains(t, string(out.InitScripts["hellod"]), "# Default-Stop:      1\n")
	for _, text := range scripts {
		require.NoError(t, checkCommands(text+"\n"), "only known commands")
	}
}

func TestRenderScriptsReportsInitProblems(t *testing.T) {
	_, _, diags := RenderScripts(Input{Package: "hello", Version: "1.0"}, []InitDaemon{{Name: "bad name"}}, "t/1")
	assert.True(t, diags.HasErrors())
}
