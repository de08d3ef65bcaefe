package maintscript

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRenderWithShippedDaemons checks that the ordinary init code of a shipped daemon is
// placed as dh_installdeb places debhelper's service code, and that the declarations'
// multiuser rewrite reaches it.
func TestRenderWithShippedDaemons(t *testing.T) {
	decls, diags := ParseDeclarations("d", []byte(exampleDecls))
	require.False(t, diags.HasErrors(), "%v", diags)
	in := Package{Name: "hello", Version: "2.0-1", Declarations: decls,
		InitScripts: []InitScript{{Name: "hellod", File: "hellod.init", Content: []byte(hellodInit), Init: &InitOptions{}}}}
	out, diags := Render(in, "t/1")
	require.False(t, diags.HasErrors(), "%v", diags)
	postinst := out.Scripts.Postinst
	drop := strings.Index(postinst, "rm -f /etc/rc0.d/K[0-9][0-9]hellod")
	defaults := strings.Index(postinst, "update-rc.d hellod defaults >/dev/null")
	require.True(t, drop > 0 && defaults > 0, postinst)
	assert.Less(t, drop, defaults, "the old stop links go before update-rc.d re-makes the links")
	postrm := out.Scripts.Postrm
	purge := strings.Index(postrm, "update-rc.d hellod remove >/dev/null")
	restore := strings.Index(postrm, "dpkg-maintscript-helper rm_conffile /etc/init.d/hello-legacyd")
	require.True(t, purge > 0 && restore > 0, postrm)
	assert.Less(t, purge, restore, "service code comes first in postrm")
	assert.Contains(t, out.Scripts.Prerm, "invoke-rc.d hellod stop")
	shipped, _ := out.InitScript("hellod")
	assert.Contains(t, string(shipped.Content), "# Default-Stop:      1\n")
	for _, s := range AllScripts() {
		require.NoError(t, checkCommands(out.Scripts.Get(s)+"\n"), "only known commands")
	}
}

func TestScriptNames(t *testing.T) {
	var names []string
	for _, s := range AllScripts() {
		names = append(names, s.String())
		got, err := ParseScript(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	assert.Equal(t, []string{"preinst", "postinst", "prerm", "postrm"}, names)
	assert.Equal(t, "Script(0)", Script(0).String(), "the zero Script is invalid")
	_, err := ParseScript("config")
	assert.EqualError(t, err, `"config" is not a maintainer script (preinst, postinst, prerm or postrm)`)
	assert.True(t, Prerm.Prepends())
	assert.False(t, Postinst.Prepends())
}

func TestBlockTool(t *testing.T) {
	block := Block("dh_teardown/1.0", "true\n")
	first, _, _ := strings.Cut(block, "\n")
	tool, ok := BlockTool(first + "\n")
	assert.True(t, ok)
	assert.Equal(t, "dh_teardown", tool)
	assert.True(t, strings.HasSuffix(block, BlockEnd))
	for _, line := range []string{"# Automatically added by \n", "# Automatically added by a b\n", "# Automatically added by x", "# something\n"} {
		_, ok := BlockTool(line)
		assert.False(t, ok, "%q", line)
	}
}
