//go:build integration

package lifecycle

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/dh-teardown/dh-teardown/dh/internal/debbuild"
	"github.com/dh-teardown/dh-teardown/dh/internal/dpkgroot"
	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
)

// workDir holds, for the whole test binary, the dh-teardown commands staged as
// `make install DESTDIR=workDir/stage PREFIX=/usr` would lay them out, and every package the
// tests built. TestMain creates and removes it.
var workDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lifecycle-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "lifecycle:", err)
		os.Exit(1)
	}
	workDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	stageOnce sync.Once
	stageDir  string
	stageErr  error
)

// stagedTools builds the dh-teardown commands from this checkout once per test binary and
// installs them under workDir/stage as `make install PREFIX=/usr` would: dh_teardown in
// usr/bin, the drop-in dh_installinit in usr/lib/dh-teardown/bin (off PATH), the dh add-on in
// usr/share/perl5. It returns the stage directory.
func stagedTools(t testing.TB) string {
	t.Helper()
	testenv.RequireCommand(t, "go", "dpkg-buildpackage", "dh")
	stageOnce.Do(func() {
		stageDir, stageErr = stageTools(filepath.Join(workDir, "stage"))
	})
	if stageErr != nil {
		t.Fatal(stageErr)
	}
	return stageDir
}

func stageTools(dir string) (string, error) {
	root, err := debbuild.RepoRoot()
	if err != nil {
		return "", err
	}
	return dir, debbuild.Stage(root, dir)
}

// built is one source tree built once per test binary.
type built struct {
	once sync.Once
	debs map[string]string // binary package name -> host path of its .deb
	err  error
}

var (
	buildsMu sync.Mutex
	builds   = map[string]*built{}
)

// buildSource builds, once per test binary, the source tree that prepare writes into an empty
// directory, with `dpkg-buildpackage -b -uc -us -d` and the staged dh-teardown commands
// (PATH, PERL5LIB and DH_TEARDOWN_BIN as examples/hello/README.md says), and returns its
// binary packages by name. key names the tree; the same key returns the same build.
func buildSource(t testing.TB, key string, prepare func(dir string) error) map[string]string {
	t.Helper()
	staged := stagedTools(t)
	buildsMu.Lock()
	b := builds[key]
	if b == nil {
		b = &built{}
		builds[key] = b
	}
	buildsMu.Unlock()
	b.once.Do(func() {
		dir := filepath.Join(workDir, "build", strings.NewReplacer("/", "_", " ", "_").Replace(key))
		b.debs, b.err = buildTree(staged, dir, prepare)
		if b.err != nil {
			b.err = fmt.Errorf("lifecycle: build %s: %w", key, b.err)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.debs
}

// buildTree writes the tree into dir/src and builds it; the .debs land in dir.
func buildTree(staged, dir string, prepare func(dir string) error) (map[string]string, error) {
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return nil, err
	}
	if err := prepare(src); err != nil {
		return nil, err
	}
	return debbuild.Build(staged, src)
}

// changelogHead matches the first line of debian/changelog: "SOURCE (VERSION) ...".
var changelogHead = regexp.MustCompile(`^(\S+) \(([^)]+)\)`)

// treeVersion returns the version of the source tree in dir, from debian/changelog.
func treeVersion(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "debian/changelog"))
	if err != nil {
		return "", err
	}
	m := changelogHead.FindStringSubmatch(string(data))
	if m == nil {
		return "", fmt.Errorf("%s/debian/changelog: no version on the first line", dir)
	}
	return m[2], nil
}

// helloDeb builds examples/hello/VERSION, with failure hooks, and returns the path of its
// .deb.
func helloDeb(t testing.TB, version string) string {
	t.Helper()
	return treeDeb(t, "examples/hello/"+version, version, "hello")
}

// treeDeb builds the source tree at src (relative to the checkout's top directory), whose
// version must be version, with failure hooks in the maintainer scripts of every package in
// pkgs, and returns the path of the .deb of pkgs[0].
func treeDeb(t testing.TB, src, version string, pkgs ...string) string {
	t.Helper()
	debs := buildSource(t, src, func(dir string) error {
		root, err := debbuild.RepoRoot()
		if err != nil {
			return err
		}
		if err := os.Remove(dir); err != nil {
			return err
		}
		if err := debbuild.CopyTree(filepath.Join(root, src), dir); err != nil {
			return err
		}
		if v, err := treeVersion(dir); err != nil || v != version {
			return fmt.Errorf("%s: version %q in debian/changelog, want %s (%v)", src, v, version, err)
		}
		return debbuild.AddFailureHooks(dir, version, pkgs...)
	})
	deb, ok := debs[pkgs[0]]
	if !ok {
		t.Fatalf("lifecycle: %s built no package %s", src, pkgs[0])
	}
	return deb
}

// lcinfoDeb builds dh/internal/lifecycle/testdata/lcinfo/VERSION: 1.0 ships an info document outside
// /usr/share/info and registers it with install-info; 2.0 drops it and declares it removed.
func lcinfoDeb(t testing.TB, version string) string {
	t.Helper()
	return treeDeb(t, "dh/internal/lifecycle/testdata/lcinfo/"+version, version, "lcinfo")
}

// debIn copies the host .deb into the root (once per root and path) and returns its path
// inside the root.
func debIn(t testing.TB, r *dpkgroot.Root, deb string) string {
	t.Helper()
	inRoot := "/tmp/lifecycle-debs/" + filepath.Base(filepath.Dir(deb)) + "/" + filepath.Base(deb)
	if _, err := os.Lstat(r.Path(inRoot)); err == nil {
		return inRoot
	}
	if err := r.CopyIn(deb, inRoot); err != nil {
		t.Fatal(err)
	}
	return inRoot
}
