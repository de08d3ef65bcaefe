package maintscript

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const hellodInit = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          hellod
# Required-Start:    $remote_fs $syslog
# Required-Stop:     $remote_fs $syslog
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: hello daemon
### END INIT INFO
case "$1" in stop) echo "Default-Stop: 0 1 6 is not the header" ;; esac
`

func TestMakeMultiuserRewritesOnlyDefaultStop(t *testing.T) {
	out, err := MakeMultiuser([]byte(hellodInit))
	require.NoError(t, err)
	want := strings.Replace(hellodInit, "# Default-Stop:      0 1 6\n", "# Default-Stop:      1\n", 1)
	assert.Equal(t, want, string(out))

	again, err := MakeMultiuser(out)
	require.NoError(t, err)
	assert.Equal(t, string(out), string(again), "rewriting is idempotent")
}

func TestMakeMultiuserKeepsCRLFAndAddsMissingStop(t *testing.T) {
	crlf := strings.ReplaceAll(hellodInit, "\n", "\r\n")
	out, err := MakeMultiuser([]byte(crlf))
	require.NoError(t, err)
	assert.Contains(t, string(out), "# Default-Stop:      1\r\n# Short")

	noStop := strings.Replace(hellodInit, "# Default-Stop:      0 1 6\n", "", 1)
	out, err = MakeMultiuser([]byte(noStop))
	require.NoError(t, err)
	assert.Contains(t, string(out), "# Default-Start:     2 3 4 5\n# Default-Stop:     1\n# Short")
	h, err := ParseLSBHeader(out)
	require.NoError(t, err)
	assert.Equal(t, []string{"1"}, h.DefaultStop)
}

func TestMakeMultiuserRefuses(t *testing.T) {
	for name, tc := range map[string]struct{ script, want string }{
		"no header":   {"#!/bin/sh\necho hi\n", "no LSB header"},
		"rcS":         {strings.Replace(hellodInit, "2 3 4 5", "S", 1), "line 6: an rcS script (Default-Start: S)"},
		"unclosed":    {"#!/bin/sh\n### BEGIN INIT INFO\n# Default-Start: 2\n", "not closed"},
		"no start":    {"#!/bin/sh\n### BEGIN INIT INFO\n# Provides: x\n### END INIT INFO\n", "no Default-Start"},
		"two headers": {hellodInit + hellodInit, "a second"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := MakeMultiuser([]byte(tc.script))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestParseLSBHeaderAsUpdateRcd holds the parser to update-rc.d's parse_def_start_stop: only
// lines so written count, the first header counts, an unclosed header is read to the end.
func TestParseLSBHeaderAsUpdateRcd(t *testing.T) {
	h, err := ParseLSBHeader([]byte("#!/bin/sh\n### BEGIN INIT INFO\r\n#Default-Start: 2\n# default-stop: 0 6\n# Default-Stop:\t0 1 6\r\n"))
	require.NoError(t, err)
	assert.Nil(t, h.DefaultStart, "update-rc.d wants \"# Default-Start:\"")
	assert.Equal(t, []string{"0", "1", "6"}, h.DefaultStop, "the field's name is case-sensitive; CRLF and tabs are blanks")
	assert.Equal(t, 5, h.StopLine)
	assert.Zero(t, h.EndLine, "not closed")

	h, err = ParseLSBHeader([]byte(hellodInit + strings.Replace(hellodInit, "0 1 6", "1", 1)))
	require.NoError(t, err)
	assert.Equal(t, []string{"0", "1", "6"}, h.DefaultStop, "the first header counts")
	assert.True(t, h.More)

	_, err = ParseLSBHeader([]byte("#!/bin/sh\n  ### BEGIN INIT INFO\n# Default-Stop: 1\n### END INIT INFO\n"))
	assert.EqualError(t, err, "no LSB header (### BEGIN INIT INFO)", "update-rc.d wants the marker at the start of the line")
}
