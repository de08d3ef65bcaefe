//go:build integration

package explain

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/dpkgroot"
	"github.com/dh-teardown/dh-teardown/dh/internal/srctree"
	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
	"github.com/dh-teardown/dh-teardown/maintscript/simulate"
)

// callLog is where the scripts of the packages built for real dpkg log their invocations.
const callLog = "/var/log/explain-calls"

// explainFor runs explain's model for the example tree and a transition.
func explainFor(t *testing.T, from, to string, configFiles bool, fail string, early bool) *explanation {
	t.Helper()
	tree, diags := srctree.OpenTree(example)
	require.NotNil(t, tree, diags)
	out, diags := explainedPackage(tree, nil, diags)
	require.NotNil(t, out, diags)
	tr, err := ParseTransition(from, to, configFiles, fail, early, tree.Source.Version)
	require.NoError(t, err)
	ex, err := explain(tree, *out, tr, initSysvinit)
	require.NoError(t, err)
	return ex
}

// realDeb builds pkg with dpkg-deb, each script logging "VERSION SCRIPT ARGS" to callLog
// first and, when it is the one fail names, exiting 1 for that action — before its code or,
// with fail.After, after it — as the simulator's injected failure does. A script fail needs
// but pkg lacks is made for it.
func realDeb(t *testing.T, pkg *simulate.Package, side simulate.Side, fail *simulate.Fail) string {
	t.Helper()
	spec := dpkgroot.DebSpec{Package: pkg.Name, Version: pkg.Version, Files: map[string]dpkgroot.File{}, Scripts: map[string]string{}}
	for _, f := range pkg.Files {
		spec.Files[f.Path] = dpkgroot.File{Content: f.Content, Mode: f.Mode}
		if f.Conffile {
			spec.Conffiles = append(spec.Conffiles, f.Path)
		}
	}
	scripts := map[string]string{}
	for name, text := range pkg.Scripts {
		scripts[name] = text
	}
	if fail != nil && fail.Version == side {
		if _, ok := scripts[fail.Script]; !ok {
			scripts[fail.Script] = "#!/bin/sh\n"
		}
	}
	for name, text := range scripts {
		body, ok := strings.CutPrefix(text, "#!/bin/sh\n")
		require.True(t, ok, "%s %s does not start with #!/bin/sh", pkg.Version, name)
		head := fmt.Sprintf("#!/bin/sh\necho \"%s %s $*\" >>%s\n", pkg.Version, name, callLog)
		if fail != nil && fail.Version == side && fail.Script == name {
			check := fmt.Sprintf("if [ \"$1\" = %s ]; then exit 1; fi\n", fail.Action)
			if fail.After {
				body += check
			} else {
				head += check
			}
		}
		spec.Scripts[name] = head + body
	}
	return dpkgroot.BuildDeb(t, spec)
}

// expectedCalls lists explain's script calls as the packages' logs write them.
func expectedCalls(ex *explanation) []string {
	var calls []string
	for _, op := range ex.Operations {
		for _, s := range op.Steps {
			if s.Kind == "script" && (!s.Absent || s.Injected) {
				calls = append(calls, strings.Join(append([]string{s.Version, s.Script}, s.Args...), " "))
			}
		}
	}
	return calls
}

// TestExplainMatchesRealDpkg builds the packages explain simulates as real .debs, drives the
// same dpkg commands in a throwaway root, and compares the maintainer-script calls real dpkg
// makes, and the package's status after each command, with explain's.
func TestExplainMatchesRealDpkg(t *testing.T) {
	testenv.RequireRoot(t)
	cases := []struct {
		name, from, to string
		configFiles    bool
		fail           string
		early          bool
	}{
		{"upgrade", "1.0", "", false, "", false},
		{"upgrade, failed preinst", "1.0", "", false, "preinst", false},
		{"upgrade, preinst failing early", "1.0", "", false, "preinst", true},
		{"upgrade, failed prerm", "1.0", "", false, "prerm", false},
		{"upgrade, failed postrm", "1.0", "", false, "postrm", false},
		{"upgrade, failed postinst", "1.0", "", false, "postinst", false},
		{"install over config-files", "1.0", "", true, "", false},
		{"downgrade", "2.0", "1.0", false, "", false},
		{"purge", "2.0", "purge", false, "", false},
		{"remove, failed prerm", "2.0", "none", false, "prerm", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := explainFor(t, tc.from, tc.to, tc.configFiles, tc.fail, tc.early)
			tr, err := ParseTransition(tc.from, tc.to, tc.configFiles, tc.fail, tc.early, "2.0")
			require.NoError(t, err)
			r := dpkgroot.New(t)
			debs := map[simulate.Side]string{}
			for side, pkg := range map[simulate.Side]*simulate.Package{simulate.Old: ex.oldPkg, simulate.New: ex.newPkg} {
				if pkg != nil {
					debs[side] = "/tmp/" + string(side) + ".deb"
					require.NoError(t, r.CopyIn(realDeb(t, pkg, side, tr.injected), debs[side]))
				}
			}
			_, err = r.Dpkg("-i", debs[simulate.Old])
			require.NoError(t, err)
			if tc.configFiles {
				_, err = r.Dpkg("-r", ex.Package)
				require.NoError(t, err)
			}
			r.MustRun(t, "rm -f "+callLog)
			for _, op := range ex.Operations {
				args := strings.Fields(strings.TrimPrefix(op.Command, "dpkg "))
				if strings.HasSuffix(args[len(args)-1], ".deb") {
					args[len(args)-1] = debs[simulate.New]
				}
				out, err := r.Dpkg(args...)
				assert.Equal(t, op.Error != "", err != nil, "%s: explain says %q, dpkg says:\n%s", op.Command, op.Error, out)
				status, serr := r.PackageStatus(ex.Package)
				require.NoError(t, serr)
				assert.Equal(t, op.Status, status, "status after %s", op.Command)
			}
			logged, _ := r.ReadFile(callLog)
			got := strings.Split(strings.TrimRight(string(logged), "\n"), "\n")
			assert.Equal(t, expectedCalls(ex), got)
		})
	}
}

// TestExplainMatchesRealDpkgState compares the daemons' rc links and the declared conffiles
// after a real upgrade from 1.0 with explain's "after" state.
func TestExplainMatchesRealDpkgState(t *testing.T) {
	testenv.RequireRoot(t)
	ex := explainFor(t, "1.0", "", false, "", false)
	r := dpkgroot.New(t)
	for side, pkg := range map[simulate.Side]*simulate.Package{simulate.Old: ex.oldPkg, simulate.New: ex.newPkg} {
		deb := "/tmp/" + string(side) + ".deb"
		require.NoError(t, r.CopyIn(realDeb(t, pkg, side, nil), deb))
	}
	_, err := r.Dpkg("-i", "/tmp/old.deb")
	require.NoError(t, err)
	_, err = r.Dpkg("-i", "/tmp/new.deb")
	require.NoError(t, err)
	for _, d := range ex.After.Daemons {
		links := r.RCLinks(d.Name)
		if links == nil {
			links = []string{}
		}
		assert.Equal(t, d.Links, links, d.Name)
	}
	for _, f := range []string{"/etc/init.d/hellod", "/etc/init.d/hello-legacyd", "/etc/default/hello-legacyd"} {
		_, err := r.ReadFile(f)
		assert.Equal(t, slices.Contains(ex.After.Files, f), err == nil, f)
	}
}
