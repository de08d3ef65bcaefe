//go:build integration

package installinit

import (
	"fmt"
	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// diffCase runs debhelper's dh_installinit and ours on copies of one fixture tree.
type diffCase struct {
	name   string
	tree   string // testdata/TREE
	compat int
	// calls are the dh_installinit invocations, in order, for both; ours, when set, replaces
	// them for our command (to compare an extension with the debhelper options it stands for).
	calls, ours [][]string
	// fails says that the (last) call fails for both.
	fails bool
	// env is added to the environment of every call.
	env []string
}

var diffCases = []diffCase{
	{name: "compat10", tree: "basic", compat: 10, calls: [][]string{{}}},
	{name: "compat11", tree: "basic", compat: 11, calls: [][]string{{}}},
	{name: "compat12", tree: "basic", compat: 12, calls: [][]string{{}}},
	{name: "compat13", tree: "basic", compat: 13, calls: [][]string{{}}},
	{name: "compat14", tree: "basic", compat: 14, calls: [][]string{{}}},
	{name: "restart-after-upgrade", tree: "basic", compat: 13, calls: [][]string{{"-R"}}},
	{name: "no-restart-after-upgrade", tree: "basic", compat: 13, calls: [][]string{{"--no-restart-after-upgrade"}}},
	{name: "no-restart-after-upgrade-compat10", tree: "basic", compat: 10, calls: [][]string{{"--no-restart-after-upgrade"}}},
	{name: "no-stop-on-upgrade", tree: "basic", compat: 13, calls: [][]string{{"--no-stop-on-upgrade"}}},
	{name: "r", tree: "basic", compat: 12, calls: [][]string{{"-r"}}},
	{name: "R-and-r", tree: "basic", compat: 13, calls: [][]string{{"-R", "-r"}}},
	{name: "no-restart-and-r", tree: "basic", compat: 13, calls: [][]string{{"--no-restart-after-upgrade", "-r"}}},
	{name: "no-restart-on-upgrade-compat11", tree: "basic", compat: 11, calls: [][]string{{"--no-restart-on-upgrade"}}},
	{name: "no-restart-on-upgrade-compat12", tree: "basic", compat: 12, calls: [][]string{{"--no-restart-on-upgrade"}}, fails: true},
	{name: "no-start", tree: "basic", compat: 13, calls: [][]string{{"--no-start"}}},
	{name: "no-start-R", tree: "basic", compat: 13, calls: [][]string{{"--no-start", "-R"}}},
	{name: "no-enable", tree: "basic", compat: 13, calls: [][]string{{"--no-enable"}}},
	{name: "no-enable-no-start", tree: "basic", compat: 11, calls: [][]string{{"--no-enable", "--no-start"}}},
	{name: "no-enable-with-params", tree: "basic", compat: 13, calls: [][]string{{"--no-enable", "-u", "defaults"}}, fails: true},
	{name: "u", tree: "basic", compat: 13, calls: [][]string{{"-u", "defaults 20  80"}}},
	{name: "update-rcd-params", tree: "basic", compat: 13, calls: [][]string{{"--update-rcd-params=defaults-disabled"}}},
	{name: "params-after-dashes", tree: "basic", compat: 13, calls: [][]string{{"-udefaults", "--", "start 20 2 3 4 5 .", "stop", "80", "0 1 6 ."}}},
	{name: "error-handler", tree: "basic", compat: 13, calls: [][]string{{"--error-handler=my_handler"}}},
	{name: "error-handler-stop-then-start", tree: "basic", compat: 13, calls: [][]string{{"--error-handler=my_handler", "--no-restart-after-upgrade"}}},
	{name: "no-scripts", tree: "basic", compat: 13, calls: [][]string{{"-n"}}},
	{name: "no-scripts-no-enable", tree: "basic", compat: 13, calls: [][]string{{"--no-scripts", "--no-enable"}}},
	{name: "only-scripts", tree: "staged", compat: 13, calls: [][]string{{"-o"}}},
	{name: "onlyscripts-no-init-anywhere", tree: "basic", compat: 13, calls: [][]string{{"--onlyscripts", "-phello-doc"}}},
	{name: "mainpackage", tree: "basic", compat: 13, calls: [][]string{{"--mainpackage=hello-doc"}}},
	{name: "package-selection", tree: "basic", compat: 13, calls: [][]string{{"-Nhello"}}},
	{name: "indep-only", tree: "basic", compat: 13, calls: [][]string{{"-i"}}},
	{name: "tmpdir", tree: "basic", compat: 13, calls: [][]string{{"-phello", "-Pdebian/hello"}}},
	{name: "unknown-option", tree: "basic", compat: 13, calls: [][]string{{"--bogus"}}, fails: true},
	{name: "names-and-packages", tree: "multi", compat: 13, calls: [][]string{
		{"-phello", "--name=hellod"},
		{"-phello", "--name=hello-legacyd", "--no-start"},
		{"-phello-server"},
		{"-phellod", "-d"},
	}},
	{name: "names-compat12", tree: "multi", compat: 12, calls: [][]string{
		{"-phello", "--name=hellod", "-r"},
		{"-phello", "--name=hello-legacyd", "--no-restart-after-upgrade"},
		{"-phellod", "--remove-d"},
	}},
	{name: "all-packages", tree: "multi", compat: 14, calls: [][]string{{}}},
	{name: "init-script", tree: "multi", compat: 13, calls: [][]string{{"-phello-server", "--init-script=hello-alt"}}},
	{name: "remove-d-without-d", tree: "multi", compat: 13, calls: [][]string{{"-phello-server", "-d"}}},
	{name: "compat10-service-tmpfile-upstart", tree: "compat10", compat: 10, calls: [][]string{{}}},
	{name: "compat10-only-scripts", tree: "compat10", compat: 10, calls: [][]string{{"-o", "-phello"}}},
	{name: "compat11-upstart", tree: "compat10", compat: 11, calls: [][]string{{}}},
	{name: "compat12-upstart", tree: "compat10", compat: 12, calls: [][]string{{}}, fails: true},
	// Inside a dh override target: one call for some packages, then the remaining ones.
	{name: "remaining-packages", tree: "compat10", compat: 10, env: []string{"DH_INTERNAL_OVERRIDE=dh_installinit"},
		calls: [][]string{{"-phello-unit", "--no-start"}, {"--remaining-packages"}}},
	{name: "remaining-packages-names", tree: "multi", compat: 13, env: []string{"DH_INTERNAL_OVERRIDE=dh_installinit"},
		calls: [][]string{{"-phellod", "-d"}, {"--remaining-packages", "--name=hellod"}}},
	// The extension --on-upgrade against the debhelper options it stands for.
	{name: "on-upgrade-restart", tree: "basic", compat: 13, calls: [][]string{{}}, ours: [][]string{{"--on-upgrade=restart"}}},
	{name: "on-upgrade-stop-then-start", tree: "basic", compat: 13, calls: [][]string{{"--no-restart-after-upgrade"}}, ours: [][]string{{"--on-upgrade=stop-then-start"}}},
	{name: "on-upgrade-agreeing-flags", tree: "basic", compat: 13, calls: [][]string{{"--no-restart-after-upgrade", "-r"}}, ours: [][]string{{"--on-upgrade=none", "--no-restart-after-upgrade", "-r"}}},
	{name: "on-upgrade-none", tree: "multi", compat: 12, calls: [][]string{{"-phello", "--name=hellod", "--no-stop-on-upgrade"}}, ours: [][]string{{"-phello", "--name=hellod", "--on-upgrade=none"}}},
}

// TestDifferential holds our dh_installinit to debhelper's: on the same tree with the same
// arguments, the same exit status (success or failure), the same installed files (paths,
// modes, contents) and substvars after dh_installdeb, and maintainer scripts that make the
// same calls and exit the same way in every Policy invocation and variant. It also checks
// that running our calls a second time changes no byte.
func TestDifferential(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, debhelperInstallinit, "dh_installdeb", "dash", "unshare")
	for _, c := range diffCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := buildEnv(t, c.env...)
			theirs := copyTree(t, c.tree, c.compat)
			mine := copyTree(t, c.tree, c.compat)
			ourCalls := c.ours
			if ourCalls == nil {
				ourCalls = c.calls
			}
			var failed bool
			for i, args := range c.calls {
				r := runDebhelper(t, theirs, args, env)
				if r.code != 0 {
					require.True(t, c.fails && i == len(c.calls)-1, "debhelper's dh_installinit %v failed unexpectedly (%d):\n%s", args, r.code, r.output)
					failed = true
				}
			}
			require.Equal(t, c.fails, failed, "debhelper's dh_installinit was expected to fail")
			before := snapshot(t, mine, nil)
			for i, args := range ourCalls {
				r := runOurs(t, mine, args, env)
				if c.fails && i == len(ourCalls)-1 {
					require.NotEqual(t, 0, r.code, "ours %v succeeded where debhelper's fails:\n%s", args, r.output)
					assert.Equal(t, describeSnapshot(before), describeSnapshot(snapshot(t, mine, nil)), "a failing run must write nothing")
					return
				}
				require.Equal(t, 0, r.code, "ours %v:\n%s", args, r.output)
			}
			first := snapshot(t, mine, nil)
			for _, args := range ourCalls {
				r := runOurs(t, mine, args, env)
				require.Equal(t, 0, r.code, "ours %v, again:\n%s", args, r.output)
			}
			second := snapshot(t, mine, nil)
			require.Equal(t, describeSnapshot(first), describeSnapshot(second), "a second run must change no byte")
			for p, e := range first {
				assert.Equal(t, e.mtime, second[p].mtime, "a second run must not rewrite %s", p)
			}

			runInstalldeb(t, theirs, env)
			runInstalldeb(t, mine, env)
			assert.Equal(t, describeSnapshot(snapshot(t, theirs, generatedFiles)), describeSnapshot(snapshot(t, mine, generatedFiles)), "installed files, DEBIAN/ control files and substvars")

			pkgs := packagesOf(t, theirs)
			names := initNames(t, pkgs, theirs, mine)
			want := behaviour(t, theirs, pkgs, names)
			got := behaviour(t, mine, pkgs, names)
			require.NotEmpty(t, want)
			if want != got {
				t.Errorf("maintainer scripts behave differently (-debhelper +ours):\n%s", firstDifference(want, got))
			}
		})
	}
}

// firstDifference shows where two logs part, with the run they part in.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	title := ""
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if strings.HasPrefix(wl, "== ") {
			title = wl
		}
		if wl != gl {
			return fmt.Sprintf("in %s\n-%s\n+%s", title, wl, gl)
		}
	}
	return ""
}
