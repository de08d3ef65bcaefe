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
