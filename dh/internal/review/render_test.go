package review

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenderGolden(t *testing.T) {
	code, stdout, stderr := run("render", example)
	require.Equal(t, exitOK, code, stderr)
	golden(t, "render/hello-2.0.txt.golden", stdout)

	code, stdout, _ = run("render", "-p", "hello", "../../../examples/hello/1.0")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, "no declarations: dh_teardown generates nothing for this tree\n", stdout)
}

func TestAuditCommand(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		code, stdout, stderr := run("audit", "--root", "../audit/testdata/root", "--format", format)
		require.Equal(t, exitOK, code, stderr)
		golden(t, "audit/fixture."+format+".golden", stdout)
	}
}

func TestCommandErrors(t *testing.T) {
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{nil, exitUsage, "usage: teardown COMMAND"},
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{[]string{"render", "-p", "nope", example}, exitBadInput, `package "nope" is not in debian/control`},
		{[]string{"render", "testdata/nonexistent"}, exitBadInput, "no debian/ directory"},
		{[]string{"render", example, example}, exitUsage, "usage: teardown render"},
		{[]string{"audit", "--format", "xml"}, exitUsage, "usage: teardown audit"},
		{[]string{"audit", "--root", "testdata/nonexistent"}, exitBadInput, "teardown audit:"},
	}
	for _, tc := range cases {
		code, _, stderr := run(tc.args...)
		assert.Equal(t, tc.code, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.msg, "%v", tc.args)
	}
	code, _, stderr := run("help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stderr, "commands: audit, check, explain, render")
}
