//go:build integration

package booted

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/dh-teardown/dh-teardown/dh/internal/bench/trees"
	"github.com/dh-teardown/dh-teardown/dh/internal/bootvm"
	"github.com/dh-teardown/dh-teardown/dh/internal/debbuild"
)

// The packages the scenarios install: examples/hello 1.0, 1.1 and 2.0 and the generated
// source lcpol (one package per upgrade policy of the drop-in, dh/internal/bench/trees) at
// 1.0 and 2.0, with failure hooks in every maintainer script; the generated source lch
// (trees.HeaderSource: one package per old Default-Stop) at 1.0 and 1.1; examples/greeter
// (units_test.go). Each is built once per test binary with dpkg-buildpackage and the
// dh-teardown commands of this checkout. TestMain starts the builds, one after the other in
// the order the tests need them, so that they run on the host while the machines boot and
// the first scenarios run.

var (
	workDir string
	builds  = map[string]*build{}
)

// build is one source tree being built.
type build struct {
	done chan struct{}
	debs map[string]string
	err  error
}

// source is a tree the scenarios use: a function writing it into an empty directory, its
// version, and the packages that get failure hooks.
type source struct {
	write   func(dir string) error
	version string
	pkgs    []string
}

// sources are the trees the scenarios use, by name; order is the order they are built in.
var (
	sources = map[string]source{}
	order   []string
)

func init() {
	add := func(name string, src source) {
		sources[name] = src
		order = append(order, name)
	}
	for _, v := range []string{"1.0", "1.1", "2.0"} {
		add("hello "+v, source{func(dir string) error { return copyExample("examples/hello/"+v, dir) }, v, []string{"hello"}})
	}
	var policyPkgs []string
	for _, p := range trees.Policies {
		policyPkgs = append(policyPkgs, trees.PolicyPackage(p))
	}
	for _, v := range []string{"1.0", "2.0"} {
		add("lcpol "+v, source{func(dir string) error { return trees.Write(dir, trees.PolicySource(v)) }, v, policyPkgs})
	}
	for _, v := range []string{"1.0", "1.1"} {
		add("lch "+v, source{func(dir string) error { return trees.Write(dir, trees.HeaderSource(v)) }, v, nil})
	}
}

// copyExample copies the checkout's tree at rel into dir.
func copyExample(rel, dir string) error {
	root, err := debbuild.RepoRoot()
	if err != nil {
		return err
	}
	return debbuild.CopyTree(filepath.Join(root, rel), dir)
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "booted-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "booted:", err)
		os.Exit(1)
	}
	workDir = dir
	for name := range sources {
		builds[name] = &build{done: make(chan struct{})}
	}
	// The booted tests wait for their machine far more than they use the host's cores: let
	// every one of them start (each kind's machine still runs one test at a time), unless
	// -test.parallel says otherwise.
	parallelSet := false
	flag.Parse()
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		flag.Set("test.parallel", "8")
	}
	go buildAll()
	code := m.Run()
	bootvm.CloseShared()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildAll stages the commands and builds every source, one after the other (the host's
// cores are busy running the machines), then examples/greeter.
func buildAll() {
	defer greeterOnce.Do(func() { greeterDebs, greeterErr = buildGreeterTrees() })
	stage := filepath.Join(workDir, "stage")
	root, err := debbuild.RepoRoot()
	if err == nil {
		err = debbuild.Stage(root, stage)
	}
	if _, lookErr := exec.LookPath("dpkg-buildpackage"); err == nil && lookErr != nil {
		err = lookErr
	}
	for _, name := range order {
		src := sources[name]
		b := builds[name]
		if err != nil {
			b.err = err
			close(b.done)
			continue
		}
		dir := filepath.Join(workDir, "build", filepath.Base(name)+"-"+src.version, "src")
		b.err = src.write(dir)
		if b.err == nil {
			b.err = debbuild.AddFailureHooks(dir, src.version, src.pkgs...)
		}
		if b.err == nil {
			b.debs, b.err = debbuild.Build(stage, dir)
		}
		if b.err != nil {
			b.err = fmt.Errorf("build %s: %w", name, b.err)
		}
		close(b.done)
	}
}

// deb waits for the source's build and returns the .deb of pkg.
func deb(t testing.TB, source, pkg string) string {
	t.Helper()
	b := builds[source]
	if b == nil {
		t.Fatalf("no source %q", source)
	}
	<-b.done
	if b.err != nil {
		t.Fatal(b.err)
	}
	p, ok := b.debs[pkg]
	if !ok {
		t.Fatalf("%s built no package %s", source, pkg)
	}
	return p
}

// hello returns the .deb of examples/hello at version.
func hello(t testing.TB, version string) string {
	t.Helper()
	return deb(t, "hello "+version, "hello")
}

// policyDeb returns the .deb of lcpol's package for the upgrade policy at version.
func policyDeb(t testing.TB, version, policy string) string {
	t.Helper()
	return deb(t, "lcpol "+version, trees.PolicyPackage(policy))
}
