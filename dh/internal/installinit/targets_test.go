//go:build integration

package installinit

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/dh-teardown/dh-teardown/dh/internal/debroot"
	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
	"github.com/dh-teardown/dh-teardown/maintscript"
	"github.com/stretchr/testify/require"
)

// A target is one debhelper the drop-in is compared with: the host's, or that of a
// debootstrapped root of another release, where both debhelper's tools and ours (built
// static) run with chroot on the tree, which stays on the host.
type target struct {
	name, version string
	// debhelper runs one of debhelper's commands in dir; ours runs our dh_installinit.
	debhelper func(t *testing.T, dir, command string, args, env []string) result
	ours      func(t *testing.T, dir string, args, env []string) result
}

// atLeast reports whether the target's debhelper is version v or later.
func (tg *target) atLeast(t *testing.T, v string) bool {
	c, err := maintscript.CompareVersions(tg.version, v)
	require.NoError(t, err)
	return c >= 0
}

// releases are the debootstrapped releases compared besides the host: Debian 13 and unstable.
var releases = []string{"trixie", "sid"}

var (
	targetsOnce sync.Once
	allTargets  []*target
)

// targets returns the host's debhelper and every release's, making the roots if needed.
func targets(t *testing.T) []*target {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "dh_installinit", "dh_installdeb", "dash", "unshare")
	targetsOnce.Do(func() {
		data, err := os.ReadFile(versionFile)
		require.NoError(t, err)
		allTargets = []*target{{
			name:    "host",
			version: parseDhVersion(data),
			debhelper: func(t *testing.T, dir, command string, args, env []string) result {
				return runCommand(t, dir, command, args, env)
			},
			ours: runOurs,
		}}
		bin := staticDropIn(t)
		for _, r := range debroot.Releases(t, releases...) {
			allTargets = append(allTargets, rootTarget(t, r, bin))
		}
	})
	require.NotEmpty(t, allTargets, "making the targets failed in an earlier test")
	return allTargets
}

// rootTarget runs debhelper's commands and ours, from bin, in the root r.
func rootTarget(t *testing.T, r *debroot.Root, bin string) *target {
	run := func(t *testing.T, dir, command string, args, env []string) result {
		t.Helper()
		cmd := r.Command([]debroot.Bind{{Host: dir, Path: "/build"}, {Host: bin, Path: "/opt/dh-teardown"}}, "/build", append([]string{command}, args...)...)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if err != nil {
			ee, ok := err.(*exec.ExitError)
			require.True(t, ok, "%s in %s: %v", command, r.Suite, err)
			return result{code: ee.ExitCode(), output: out.String()}
		}
		return result{output: out.String()}
	}
	return &target{
		name:      r.Suite,
		version:   r.Version(t, "debhelper"),
		debhelper: run,
		ours: func(t *testing.T, dir string, args, env []string) result {
			return run(t, dir, "/opt/dh-teardown/dh_installinit", args, env)
		},
	}
}

// staticDropIn builds our dh_installinit without cgo, so that it runs in any root, and
// returns the directory it is in.
func staticDropIn(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "dh-teardown-dropin-")
	require.NoError(t, err)
	binDir = dir // the targets outlive the test that makes them: TestMain removes it
	cmd := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(dir, "dh_installinit"), "github.com/dh-teardown/dh-teardown/dh/cmd/dh_installinit")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return dir
}

// binDir holds the static drop-in while the tests run.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}
