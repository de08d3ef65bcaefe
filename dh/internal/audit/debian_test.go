package audit

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/golden"
)

// debianRoot holds the init scripts of real Debian packages, with the
// files they source and their systemd units (testdata/debian/README.md).
const debianRoot = "testdata/debian/root"

// expectedVerdict is one line of testdata/debian/VERDICTS.
type expectedVerdict struct {
	class Class
	lines []string // "LINE" in the script, or "FILE:LINE"
}

func readVerdicts(t *testing.T) map[string]expectedVerdict {
	t.Helper()
	data, err := os.ReadFile("testdata/debian/VERDICTS")
	require.NoError(t, err)
	out := map[string]expectedVerdict{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		require.Len(t, f, 4, "VERDICTS:%d: want NAME, VERDICT, LINES, NOTE separated by tabs", n)
		var c Class
		require.NoError(t, c.UnmarshalText([]byte(f[1])), "VERDICTS:%d", n)
		_, dup := out[f[0]]
		require.False(t, dup, "VERDICTS:%d: %s twice", n, f[0])
		out[f[0]] = expectedVerdict{class: c, lines: strings.Split(f[2], ",")}
	}
	return out
}

// TestDebianInitScripts holds the audit to the verdicts read off each real
// script by hand: the class, and the lines of the reasons that make it.
func TestDebianInitScripts(t *testing.T) {
	rep, err := Audit(debianRoot)
	require.NoError(t, err)
	want := readVerdicts(t)
	require.GreaterOrEqual(t, len(want), 30)
	got := byName(t, rep)
	for name := range want {
		_, ok := got[name]
		assert.True(t, ok, "%s: in VERDICTS but not audited", name)
	}
	for _, s := range rep.Scripts {
		t.Run(s.Name, func(t *testing.T) {
			w, ok := want[s.Name]
			require.True(t, ok, "%s: audited but not in VERDICTS", s.Name)
			assert.Equal(t, w.class, s.Class, whys(s))
			var lines []string
			for _, r := range s.Reasons {
				require.NotEmpty(t, r.File, "every reason names its file")
				require.Positive(t, r.Line, "every reason has a line")
				if r.Kind != s.Class {
					continue
				}
				loc := strconv.Itoa(r.Line)
				if r.File != "/etc/init.d/"+s.Name {
					loc = r.File + ":" + loc
				}
				if !slices.Contains(lines, loc) {
					lines = append(lines, loc)
				}
			}
			assert.ElementsMatch(t, w.lines, lines, whys(s))
		})
	}
}

// TestDebianGolden keeps the whole text report on the real scripts, so
// that a change of any reason shows in review (go test -update).
func TestDebianGolden(t *testing.T) {
	rep, err := Audit(debianRoot)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, rep.WriteText(&b))
	golden.Check(t, "debian.txt.golden", b.Bytes())
}

// TestDebianLatin1: smartmontools' script has a Latin-1 comment; it is
// read, and its lines keep their numbers.
func TestDebianLatin1(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(debianRoot, "etc/init.d/smartmontools"))
	require.NoError(t, err)
	require.False(t, isUTF8(src), "the test data must keep the script's own encoding")
	s := auditScript(debianRoot, "smartmontools")
	assert.Equal(t, Redundant, s.Class, whys(s))
}

func isUTF8(b []byte) bool { return bytes.Equal(latin1(b), b) }
