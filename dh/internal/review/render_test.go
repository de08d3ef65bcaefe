package review

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/cli"
	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"

	"github.com/dh-teardown/dh-teardown/dh/internal/golden"
)

func TestRenderGolden(t *testing.T) {
	code, stdout, stderr := run("render", example)
	require.Equal(t, cli.ExitOK, code, stderr)
	golden.Check(t, "render/hello-2.0.txt.golden", []byte(stdout))

	code, stdout, _ = run("render", "-p", "hello", "../../../examples/hello/1.0")
	assert.Equal(t, cli.ExitOK, code)
	assert.Equal(t, "no declarations: dh_teardown generates nothing for this tree\n", stdout)
}

func TestAuditCommand(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		code, stdout, stderr := run("audit", "--root", "../audit/testdata/root", "--format", format)
		require.Equal(t, cli.ExitOK, code, stderr)
		golden.Check(t, "audit/fixture."+format+".golden", []byte(stdout))
	}
}

func TestCommandErrors(t *testing.T) {
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{nil, cli.ExitUsage, "usage: teardown COMMAND"},
		{[]string{"frobnicate"}, cli.ExitUsage, `unknown command "frobnicate"`},
		{[]string{"render", "-p", "nope", example}, cli.ExitBadInput, `package "nope" is not in debian/control`},
		{[]string{"render", "testdata/nonexistent"}, cli.ExitBadInput, "no debian/ directory"},
		{[]string{"render", example, example}, cli.ExitUsage, "usage: teardown render"},
		{[]string{"audit", "--format", "xml"}, cli.ExitUsage, "usage: teardown audit"},
		{[]string{"audit", "--root", "testdata/nonexistent"}, cli.ExitBadInput, "teardown audit:"},
	}
	for _, tc := range cases {
		code, _, stderr := run(tc.args...)
		assert.Equal(t, tc.code, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.msg, "%v", tc.args)
	}
}

// TestHelpAndVersion checks --help (synopsis, description, every option, on stdout, exit 0)
// and --version of teardown and each of its commands.
func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		code, stdout, stderr := run(args...)
		assert.Equal(t, cli.ExitOK, code, "%v", args)
		assert.Empty(t, stderr, "%v", args)
		assert.Contains(t, stdout, "usage: teardown COMMAND [options]\n", "%v", args)
		for _, c := range commands {
			assert.Regexp(t, `\n  `+c.name+` +\S`, stdout, "%v lists %s with what it does", args, c.name)
		}
	}
	options := map[string][]string{
		"render":  {"-p"},
		"explain": {"-p", "-from", "-to", "-config-files", "-fail", "-format"},
		"audit":   {"-root", "-format"},
		"check":   {"-old", "-p", "-format"},
	}
	for _, c := range commands {
		for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
			code, stdout, stderr := run(args...)
			assert.Equal(t, cli.ExitOK, code, "%v", args)
			assert.Empty(t, stderr, "%v", args)
			assert.True(t, strings.HasPrefix(stdout, "usage: teardown "+c.name+" "), "%v: %s", args, stdout)
			assert.Contains(t, stdout, "Exit status:", "%v", args)
			for _, o := range append(options[c.name], "-version") {
				assert.Regexp(t, `\n  -?`+o+`\b.*\n\s+\S`, stdout, "%v describes %s", args, o)
			}
		}
		code, stdout, stderr := run(c.name, "--version")
		assert.Equal(t, cli.ExitOK, code)
		assert.Empty(t, stderr)
		assert.Equal(t, "teardown (dh-teardown) "+srctree.Version+"\n", stdout)
		code, stdout, stderr = run(c.name, "--no-such-flag")
		assert.Equal(t, cli.ExitUsage, code)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, "usage: teardown "+c.name)
	}
	code, stdout, _ := run("--version")
	assert.Equal(t, cli.ExitOK, code)
	assert.Equal(t, "teardown (dh-teardown) "+srctree.Version+"\n", stdout)
}
