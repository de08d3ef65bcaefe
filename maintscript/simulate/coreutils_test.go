package simulate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The same tree, real in a temporary directory and simulated at /w.
func setUpTree(t *testing.T, s *System, real string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(real, "f"), []byte("data\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(real, "x"), []byte("exec\n"), 0o755))
	require.NoError(t, os.Mkdir(filepath.Join(real, "d"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(real, "d", "inner"), []byte("in\n"), 0o644))
	require.NoError(t, os.Symlink("f", filepath.Join(real, "l")))
	require.NoError(t, os.Symlink("nosuch", filepath.Join(real, "dangling")))
	for _, p := range []string{real, filepath.Join(real, "f"), filepath.Join(real, "x"), filepath.Join(real, "d"), filepath.Join(real, "d", "inner")} {
		info, err := os.Lstat(p)
		require.NoError(t, err)
		require.NoError(t, os.Chmod(p, info.Mode().Perm())) // undo the test process's umask
	}
	require.NoError(t, s.FS.Mkdir("/w", 0o755))
	require.NoError(t, s.FS.WriteFile("/w/f", "data\n", 0o644))
	require.NoError(t, s.FS.WriteFile("/w/x", "exec\n", 0o755))
	require.NoError(t, s.FS.Mkdir("/w/d", 0o755))
	require.NoError(t, s.FS.WriteFile("/w/d/inner", "in\n", 0o644))
	require.NoError(t, s.FS.Symlink("f", "/w/l"))
	require.NoError(t, s.FS.Symlink("nosuch", "/w/dangling"))
}

func listReal(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.Walk(root, func(p string, info fs.FileInfo, err error) error {
		if err != nil || p == root {
			return err
		}
		rel := "/" + filepath.ToSlash(strings.TrimPrefix(p, root+"/"))
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out = append(out, fmt.Sprintf("%s -> %s", rel, strings.ReplaceAll(target, root, "@")))
		case info.IsDir():
			out = append(out, fmt.Sprintf("%s/ %04o", rel, uint32(info.Mode().Perm())))
		default:
			content, _ := os.ReadFile(p)
			out = append(out, fmt.Sprintf("%s %04o %q", rel, uint32(info.Mode().Perm()), content))
		}
		return nil
	}))
	sort.Strings(out)
	return out
}

func listSim(s *System, root string) []string {
	var out []string
	for _, p := range s.FS.Paths() {
		if !strings.HasPrefix(p, root+"/") {
			continue
		}
		n := s.FS.nodes[p]
		rel := strings.TrimPrefix(p, root)
		switch n.Kind {
		case KindSymlink:
			out = append(out, fmt.Sprintf("%s -> %s", rel, strings.ReplaceAll(n.Target, root, "@")))
		case KindDir:
			out = append(out, fmt.Sprintf("%s/ %04o", rel, uint32(n.Mode)))
		default:
			out = append(out, fmt.Sprintf("%s %04o %q", rel, uint32(n.Mode), n.Content))
		}
	}
	sort.Strings(out)
	return out
}

// TestCoreutilsMatchTheRealTools runs each command line with the real
// coreutils in a temporary directory and with the stub on the same
// simulated tree, and compares exit status and the resulting tree.
func TestCoreutilsMatchTheRealTools(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	cases := []string{
		"chmod -x @/x", "chmod +x @/f", "chmod 0600 @/f", "chmod 755 @/f", "chmod u+x,go-r @/f",
		"chmod a=r @/f", "chmod +w @/x", "chmod g+w @/f", "chmod o-rwx,g=rx @/x", "chmod +X @/f", "chmod +X @/d",
		"chmod -x @/nosuch", "chmod -f +x @/nosuch", "chmod +x @/l", "chmod zz @/f", "chmod +x",
		"rm @/f", "rm @/nosuch", "rm -f @/nosuch", "rm @/d", "rm -r @/d", "rm -rf @/d @/nosuch",
		"rm @/l", "rm @/dangling", "rm -f", "rm", "rm -- @/f", "rm -fr @/d/inner @/x",
		"mv @/f @/g", "mv @/f @/d", "mv @/nosuch @/g", "mv -f @/x @/f", "mv @/l @/l2", "mv @/f @/x @/d",
		"mv @/f @/x @/g", "mv @/d @/e", "mv @/f", "mv @/dangling @/d",
		"ln -s @/f @/s", "ln -s @/f @/x", "ln -sf @/f @/x", "ln -s @/f @/d", "ln -s ../f @/d/rel",
		"ln @/f @/hard", "ln -s @/f @/nodir/s", "ln @/nosuch @/h", "ln -sfn @/x @/l", "ln -s @/f @/l",
		"mkdir @/n", "mkdir @/d", "mkdir -p @/d", "mkdir -p @/a/b/c", "mkdir @/a/b", "mkdir -m 700 @/m",
		"mkdir -p -m 0700 @/p/q", "mkdir -m=rx @/bad", "mkdir @/f", "mkdir -p @/f/g", "mkdir",
	}
	for _, line := range cases {
		t.Run(line, func(t *testing.T) {
			real := t.TempDir()
			s := NewSystem()
			setUpTree(t, s, real)
			argv := strings.Fields(strings.ReplaceAll(line, "@", real))
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.Dir = real
			realExit := 0
			if err := cmd.Run(); err != nil {
				var ee *exec.ExitError
				require.ErrorAs(t, err, &ee)
				realExit = ee.ExitCode()
			}
			step, err := s.RunScript("hello", "postinst", strings.ReplaceAll(line, "@", "/w")+" 2>/dev/null")
			require.NoError(t, err)
			assert.Equal(t, realExit, step.Exit, "exit status")
			assert.Equal(t, listReal(t, real), listSim(s, "/w"), "resulting tree")
		})
	}
}

func TestCoreutilsRecordTheirEffects(t *testing.T) {
	s := NewSystem()
	require.NoError(t, s.FS.WriteFile("/etc/init.d/hellod", "x", 0o755))
	step, err := s.RunScript("hello", "postrm", `chmod -x /etc/init.d/hellod
mv /etc/init.d/hellod /etc/init.d/hellod.old
ln -s ../init.d/hellod.old /etc/rc2.d/S01hellod
mkdir -p /var/lib/hello
rm -f /etc/init.d/hellod.old`)
	require.NoError(t, err)
	require.Equal(t, 0, step.Exit)
	var effects []string
	for _, c := range step.Commands {
		effects = append(effects, c.Effects...)
	}
	assert.Equal(t, []string{
		"mode of /etc/init.d/hellod: 0755 -> 0644",
		"renamed /etc/init.d/hellod to /etc/init.d/hellod.old",
		"linked /etc/rc2.d/S01hellod -> ../init.d/hellod.old",
		"created directory /var/lib/hello",
		"removed /etc/init.d/hellod.old",
	}, effects)
}

func TestWhich(t *testing.T) {
	s := NewSystem()
	for script, want := range map[string]string{
		"which update-rc.d":                  "/usr/sbin/update-rc.d\n0",
		"which nosuch":                       "1",
		"which rm nosuch":                    "/usr/bin/rm\n1",
		"which /usr/bin/dpkg":                "/usr/bin/dpkg\n0",
		"which -x rm":                        "Usage: /usr/bin/which [-a] args\n2",
		"which":                              "1",
		"PATH=/usr/bin:/usr/bin which -a rm": "/usr/bin/rm\n/usr/bin/rm\n0",
	} {
		step, err := s.RunScript("hello", "postinst", script+"; echo $?")
		require.NoError(t, err)
		assert.Equal(t, want+"\n", step.Output, script)
	}
}

func TestFSErrors(t *testing.T) {
	f := NewFS()
	require.NoError(t, f.WriteFile("/a/b", "x", 0o644))
	assert.True(t, errors.Is(f.Mkdir("/a/b/c", 0o755), errNotDir))
	assert.True(t, errors.Is(f.Remove("/a"), errNotEmpty))
	require.NoError(t, f.Symlink("loop", "/loop"))
	_, err := f.Stat("/loop")
	assert.True(t, errors.Is(err, errLoop))
	require.NoError(t, f.Symlink("/a", "/alias"))
	content, err := f.ReadFile("/alias/b")
	require.NoError(t, err)
	assert.Equal(t, "x", content)
}
