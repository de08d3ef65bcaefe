package simulate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// run executes src as hello's postinst with args and fails the test on an
// interpreter error.
func run(t *testing.T, s *System, src string, args ...string) Step {
	t.Helper()
	step, err := s.RunScript("hello", "postinst", src, args...)
	require.NoError(t, err)
	return step
}

func TestEnvironmentIsDpkgsOnly(t *testing.T) {
	t.Setenv("SIMULATE_HOST_MARKER", "leaked")
	s := NewSystem()
	step := run(t, s, `echo "pkg=$DPKG_MAINTSCRIPT_PACKAGE name=$DPKG_MAINTSCRIPT_NAME arch=$DPKG_MAINTSCRIPT_ARCH"
echo "root=${DPKG_ROOT-unset} marker=${SIMULATE_HOST_MARKER-unset} home=$HOME"
echo "path=$PATH"
echo "args=$# 1=$1 2=[$2]"`, "configure", "")
	assert.Equal(t, "pkg=hello name=postinst arch=amd64\nroot=unset marker=unset home=/root\n"+
		"path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nargs=2 1=configure 2=[]\n", step.Output)

	s.Root = "/target"
	step = run(t, s, `echo "root=${DPKG_ROOT-unset}"`)
	assert.Equal(t, "root=/target\n", step.Output)
}

func TestSetEStopsAtAFailingStubLikeDash(t *testing.T) {
	s := NewSystem()
	step := run(t, s, `set -e
if update-rc.d nosuch defaults 2>/dev/null; then echo then; else echo else; fi
update-rc.d nosuch defaults 2>/dev/null || echo "or-list $?"
! update-rc.d nosuch defaults 2>/dev/null
update-rc.d nosuch defaults 2>/dev/null && echo and-list-not-reached
echo "still running"
update-rc.d nosuch defaults 2>/dev/null
echo not reached`)
	assert.Equal(t, 1, step.Exit)
	assert.Equal(t, "else\nor-list 1\nstill running\n", step.Output)
	require.Len(t, step.Commands, 5)
	for _, c := range step.Commands {
		assert.Equal(t, []string{"update-rc.d", "nosuch", "defaults"}, c.Argv)
		assert.Equal(t, 1, c.Exit)
	}
}

func TestWithoutSetEAFailureContinues(t *testing.T) {
	s := NewSystem()
	step := run(t, s, "rm /nonexistent 2>/dev/null\necho went on\n")
	assert.Equal(t, 0, step.Exit)
	assert.Equal(t, "went on\n", step.Output)
}

func TestUnknownCommandIsLoggedAndFails(t *testing.T) {
	s := NewSystem()
	step := run(t, s, "set -e\nstart-stop-daemon --stop --name hellod\necho not reached\n")
	assert.Equal(t, 127, step.Exit)
	require.Len(t, step.Commands, 1)
	assert.True(t, step.Commands[0].Unknown)
	assert.Equal(t, 127, step.Commands[0].Exit)
	assert.Contains(t, step.Output, "start-stop-daemon: not found")

	// A file on PATH that is not a simulated tool is unknown too.
	require.NoError(t, s.FS.WriteFile("/usr/bin/cat", "", 0o755))
	step = run(t, s, "cat /etc/hostname\n")
	assert.Equal(t, 127, step.Exit)
	assert.True(t, step.Commands[0].Unknown)
	tr := &Trace{Steps: []Step{step}}
	assert.Equal(t, []string{"cat /etc/hostname"}, tr.Unknown())
}

func TestNoHostFileIsReadOrWritten(t *testing.T) {
	hostDir := t.TempDir()
	hostFile := filepath.Join(hostDir, "existing")
	require.NoError(t, os.WriteFile(hostFile, []byte("host content\n"), 0o644))
	s := NewSystem()
	step := run(t, s, `
[ -e /etc/passwd ] && echo "passwd exists" || echo "no passwd"
[ -e `+hostFile+` ] && echo "host file seen" || echo "host file unseen"
echo written > `+filepath.Join(hostDir, "new")+` || echo "write failed"
read line < `+hostFile+` || echo "read failed"
for f in /etc/*; do echo "glob $f"; done
`)
	assert.Equal(t, 0, step.Exit)
	assert.Contains(t, step.Output, "no passwd\nhost file unseen\n")
	assert.Contains(t, step.Output, "write failed\n")
	assert.Contains(t, step.Output, "read failed\n")
	assert.NotContains(t, step.Output, "glob /etc/passwd")
	assert.Contains(t, step.Output, "glob /etc/init.d\n")
	entries, err := os.ReadDir(hostDir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "the script must not create host files")
}

func TestRedirectionsUseTheSimulatedFS(t *testing.T) {
	s := NewSystem()
	step := run(t, s, `echo one > /etc/hello.conf
echo two >> /etc/hello.conf
echo discarded > /dev/null
while read l; do echo "got $l"; done < /etc/hello.conf
echo x > /no/such/dir/file || echo "missing dir: $?"`)
	assert.Equal(t, "got one\ngot two\nmissing dir: 1\n", strings.ReplaceAll(step.Output, "open /no/such/dir/file: file does not exist\n", ""))
	content, err := s.FS.ReadFile("/etc/hello.conf")
	require.NoError(t, err)
	assert.Equal(t, "one\ntwo\n", content)
}

func TestTestOperatorsSeeTheSimulatedFS(t *testing.T) {
	s := NewSystem()
	require.NoError(t, s.FS.WriteFile("/etc/init.d/hellod", "#!/bin/sh\n", 0o755))
	require.NoError(t, s.FS.WriteFile("/etc/default/hellod", "", 0o644))
	require.NoError(t, s.FS.Symlink("../init.d/hellod", "/etc/rc2.d/S01hellod"))
	require.NoError(t, s.FS.Symlink("../init.d/gone", "/etc/rc2.d/S01gone"))
	cases := map[string]bool{
		"[ -e /etc/init.d/hellod ]":   true,
		"[ -x /etc/init.d/hellod ]":   true,
		"[ -f /etc/init.d/hellod ]":   true,
		"[ -d /etc/init.d ]":          true,
		"[ -d /etc/init.d/hellod ]":   false,
		"[ -x /etc/default/hellod ]":  false,
		"[ -s /etc/default/hellod ]":  false,
		"[ -s /etc/init.d/hellod ]":   true,
		"[ -L /etc/rc2.d/S01hellod ]": true,
		"[ -h /etc/rc2.d/S01gone ]":   true,
		"[ -e /etc/rc2.d/S01gone ]":   false,
		"[ -x /etc/rc2.d/S01hellod ]": true,
		"[ -e /etc/passwd ]":          false,
		"test -e /etc/init.d/nosuch":  false,
	}
	for expr, want := range cases {
		step := run(t, s, expr)
		assert.Equal(t, want, step.Exit == 0, expr)
	}
}

func TestCommandVAnswersFromTheSimulatedPath(t *testing.T) {
	s := NewSystem()
	s.RemoveCommand("install-info")
	step := run(t, s, `command -v invoke-rc.d
command -v install-info || echo "no install-info: $?"
command -v echo
if [ -x "$(command -v update-rc.d)" ]; then echo usable; fi
type which
type nosuch || echo "type: $?"
which dpkg
which nosuch || echo "which: $?"`)
	assert.Equal(t, "/usr/sbin/invoke-rc.d\nno install-info: 127\necho\nusable\n"+
		"which is /usr/bin/which\nnosuch: not found\ntype: 127\n/usr/bin/dpkg\nwhich: 1\n", step.Output)
	// The lookups are builtins: only which (a real command) is logged.
	assert.Equal(t, []string{"which dpkg", "which nosuch"}, (&Trace{Steps: []Step{step}}).Commands())

	step = run(t, s, "install-info --version")
	assert.Equal(t, 127, step.Exit)
	assert.True(t, step.Commands[0].Unknown)
}

func TestInitScriptsRunDirectly(t *testing.T) {
	s := NewSystem()
	require.NoError(t, s.FS.WriteFile("/etc/init.d/hellod", "#!/bin/sh\n", 0o755))
	step := run(t, s, "/etc/init.d/hellod start")
	assert.Equal(t, 0, step.Exit)
	assert.True(t, s.Running["hellod"])
	require.NoError(t, s.FS.Chmod("/etc/init.d/hellod", 0o644))
	step = run(t, s, "/etc/init.d/hellod stop")
	assert.Equal(t, 126, step.Exit)
	assert.True(t, s.Running["hellod"])
}

func TestSyntaxErrorExitsTwo(t *testing.T) {
	s := NewSystem()
	step := run(t, s, "if then fi\n")
	assert.Equal(t, 2, step.Exit)
	assert.NotEmpty(t, step.Output)
}
