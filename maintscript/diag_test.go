package maintscript

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeverity(t *testing.T) {
	var zero Severity
	assert.Equal(t, "Severity(0)", zero.String(), "the zero Severity is invalid")
	assert.Equal(t, "error", Error.String())
	assert.Equal(t, "warning", Warning.String())
	assert.False(t, Diagnostics{{Message: "x"}}.HasErrors(), "a diagnostic without a severity is no error")
}

func TestDiagnosticString(t *testing.T) {
	for _, tc := range []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{Severity: Error, File: "f", Line: 3, Column: 7, Subject: `daemon "a"`, Message: "m"}, `f:3:7: daemon "a": m`},
		{Diagnostic{Severity: Error, File: "f", Column: 7, Message: "m"}, `f: m`},
		{Diagnostic{Severity: Warning, File: "f", Line: 2, Subject: "s", Message: "m"}, `f:2: warning: s: m`},
		{Diagnostic{Severity: Error, Subject: `package "x"`, Message: "m"}, `package "x": m`},
		{Diagnostic{Severity: Error, Message: "m"}, `error: m`},
		{Diagnostic{Severity: Warning, Message: "m"}, `warning: m`},
		{Diagnostic{File: "f", Message: "m"}, `f: Severity(0): m`},
	} {
		assert.Equal(t, tc.want, tc.d.String())
	}
}

func TestDiagnosticsFprint(t *testing.T) {
	var b strings.Builder
	ds := Diagnostics{{Severity: Warning, File: "f", Line: 1, Message: "w"}, {Severity: Error, Subject: "s", Message: "e"}}
	require.NoError(t, ds.Fprint(&b, "cmd: "))
	assert.Equal(t, "cmd: f:1: warning: w\ncmd: s: e\n", b.String())
	assert.Equal(t, "s: e", ds.Error(), "as an error, the errors only")
	assert.Equal(t, ds[:1], ds.Warnings())
	assert.Nil(t, ds[:1].Err())
}
