package shword

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"mvdan.cc/sh/v3/syntax"
)

// word parses src ("echo WORD") and returns WORD.
func word(t *testing.T, src string) *syntax.Word {
	t.Helper()
	f, err := syntax.NewParser().Parse(strings.NewReader(src), "")
	require.NoError(t, err)
	return f.Stmts[0].Cmd.(*syntax.CallExpr).Args[1]
}

func TestValue(t *testing.T) {
	param := func(p *syntax.ParamExp) (string, bool) {
		if p.Param.Value == "NAME" {
			return "hellod", true
		}
		return "", false
	}
	for src, want := range map[string]string{
		`/etc/init.d/$NAME`:         "/etc/init.d/hellod",
		`"/run/${NAME}.pid"`:        "/run/hellod.pid",
		`'$NAME'`:                   "$NAME",
		`a\ b`:                      "a b",
		`"a\b\$c\"d"`:               `a\b$c"d`,
		`pre"mid"'post'`:            "premidpost",
		"line\\\ncontinued":         "linecontinued",
		`"$NAME"-"$NAME"`:           "hellod-hellod",
		`"${NAME}"'s'`:              "hellods",
		`x`:                         "x",
		`""`:                        "",
		`"\\"`:                      `\`,
		`\\`:                        `\`,
		`"a\` + "\n" + `b"`:         "ab",
		`"tab	and space"`:           "tab	and space",
		`"${NAME}"/"$NAME".default`: "hellod/hellod.default",
	} {
		v, ok := Value(word(t, "echo "+src), param)
		assert.True(t, ok, src)
		assert.Equal(t, want, v, src)
	}
	for _, src := range []string{`$OTHER`, `$(id)`, "`id`", `$((1+1))`, `$'x'`, `$"x"`, `"$OTHER"`} {
		_, ok := Value(word(t, "echo "+src), param)
		assert.False(t, ok, src)
	}
	v, ok := Value(nil, param)
	assert.True(t, ok)
	assert.Empty(t, v)
}
