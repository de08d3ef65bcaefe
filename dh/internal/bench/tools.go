package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dh-teardown/dh-teardown/dh/internal/bench/trees"
)

// baselineTool names the run of /bin/true: what starting a process and copying the tree
// for it costs here, the floor under every command's figures; startTool the run of
// `dh_teardown --version`: starting our program (Go's runtime, the initialisation of every
// package it links) without reading or writing anything, the floor under our commands.
const (
	baselineTool = "/bin/true (floor: starting a process)"
	startTool    = "dh_teardown --version (floor: starting our program)"
)

// isFloor reports whether a result is one of the floors rather than a command compared.
func isFloor(tool string) bool { return tool == baselineTool || tool == startTool }

// toolRun is what one run of a command cost.
type toolRun struct {
	wall  time.Duration
	cpu   time.Duration // user + system time of the command and its descendants (and GNU time's)
	maxKB int64         // peak resident set of the command and its descendants
}

// toolResult is the runs of one command on one tree.
type toolResult struct {
	tool     string
	packages int
	runs     []toolRun
}

func (r toolResult) median() time.Duration {
	walls := make([]time.Duration, len(r.runs))
	for i, run := range r.runs {
		walls[i] = run.wall
	}
	return medianOf(walls)
}

// medianCPU is the median CPU time.
func (r toolResult) medianCPU() time.Duration {
	cpus := make([]time.Duration, len(r.runs))
	for i, run := range r.runs {
		cpus[i] = run.cpu
	}
	return medianOf(cpus)
}

func (r toolResult) peakKB() int64 {
	var peak int64
	for _, run := range r.runs {
		peak = max(peak, run.maxKB)
	}
	return peak
}

// benchTools times debhelper's dh_installinit, the drop-in dh_installinit and dh_teardown on
// generated trees of each size in sizes (trees.ManySource: one daemon per package, each with
// a declaration file), runs times each, every run on a fresh copy of the tree. dh_teardown runs
// on the tree as debhelper's dh_installinit left it, as in a build.
func benchTools(work, stage string, sizes []int, runs int, env []string) ([]toolResult, error) {
	dropin := filepath.Join(stage, "usr/lib/dh-teardown/bin/dh_installinit")
	teardown := filepath.Join(stage, "usr/bin/dh_teardown")
	var results []toolResult
	for _, n := range sizes {
		pristine := filepath.Join(work, fmt.Sprintf("tree-%d", n))
		if err := trees.Write(pristine, trees.ManySource("1.0", n, true)); err != nil {
			return nil, err
		}
		installed := pristine + "-installinit"
		if err := copyDir(pristine, installed); err != nil {
			return nil, err
		}
		if _, err := runTool(installed, env, "dh_installinit"); err != nil {
			return nil, err
		}
		cases := []struct {
			name, tree, cmd string
		}{
			{"dh_installinit (debhelper 13)", pristine, "/usr/bin/dh_installinit"},
			{"dh_installinit (dh-teardown drop-in)", pristine, dropin},
			{"dh_teardown", installed, teardown},
			{startTool, pristine, teardown + " --version"},
			{baselineTool, pristine, "/bin/true"},
		}
		// Interleave the commands run by run, so that a slow patch of the machine hits all.
		res := make([]toolResult, len(cases))
		for i, c := range cases {
			res[i] = toolResult{tool: c.name, packages: n}
		}
		for range runs {
			for i, c := range cases {
				dir := filepath.Join(work, "run")
				if err := os.RemoveAll(dir); err != nil {
					return nil, err
				}
				if err := copyDir(c.tree, dir); err != nil {
					return nil, err
				}
				run, err := runTool(dir, env, c.cmd)
				if err != nil {
					return nil, err
				}
				res[i].runs = append(res[i].runs, run)
			}
		}
		results = append(results, res...)
	}
	return results, nil
}

// buildEnvironment is the environment dpkg-buildpackage gives debian/rules, taken from a real
// dpkg-buildpackage run (-T on a minimal source tree whose rules target writes its
// environment): the caller's plus the dpkg-architecture variables, DEB_BUILD_OPTIONS,
// SOURCE_DATE_EPOCH, DEB_RULES_REQUIRES_ROOT… (so that neither tool runs dpkg-architecture
// itself). It also returns the names of the variables dpkg-buildpackage set or changed, and
// leaves out the working directory's and make's own variables (PWD, OLDPWD, MAKE*, MFLAGS).
func buildEnvironment(work string) (env, added []string, err error) {
	dir, err := os.MkdirTemp(work, "environment-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	files := map[string]string{
		"debian/control":   "Source: envcap\nMaintainer: dh-teardown developers <dh-teardown@lists.example.org>\n\nPackage: envcap\nArchitecture: all\nDescription: environment capture\n For the bench.\n",
		"debian/changelog": "envcap (1.0) unstable; urgency=medium\n\n  * Environment capture.\n\n -- dh-teardown developers <dh-teardown@lists.example.org>  Mon, 16 Nov 2026 10:00:00 +0000\n",
		"debian/rules":     "#!/usr/bin/make -f\ncapture:\n\tenv -0 > environment\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, nil, err
		}
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			return nil, nil, err
		}
	}
	cmd := exec.Command("dpkg-buildpackage", "-T", "capture", "-d", "-nc")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, nil, fmt.Errorf("dpkg-buildpackage -T capture: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "environment"))
	if err != nil {
		return nil, nil, err
	}
	before := map[string]bool{}
	for _, kv := range os.Environ() {
		before[kv] = true
	}
	for _, kv := range strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00") {
		name, _, _ := strings.Cut(kv, "=")
		if name == "PWD" || name == "OLDPWD" || name == "_" || name == "MFLAGS" || strings.HasPrefix(name, "MAKE") {
			continue
		}
		env = append(env, kv)
		if !before[kv] {
			added = append(added, name)
		}
	}
	slices.Sort(added)
	return env, added, nil
}

// gnuTime is GNU time, which reports the peak memory of the command it runs. A process's
// maximum resident set counts the memory of the process it was forked from at the fork, so the
// command is forked from GNU time (about 2 MB) rather than from this program (its trees in
// memory would be every command's floor).
const gnuTime = "/usr/bin/time"

// runTool runs cmd (a program and its arguments, separated by spaces) in dir under GNU time
// and measures it: wall time here, CPU time from the wait status (it includes the waited-for
// descendants of GNU time, the command), peak resident set of cmd and its descendants from
// GNU time (%M, from wait4).
func runTool(dir string, env []string, cmd string) (toolRun, error) {
	rss, err := os.CreateTemp("", "bench-rss-")
	if err != nil {
		return toolRun{}, err
	}
	defer os.Remove(rss.Name())
	rss.Close()
	c := exec.Command(gnuTime, append([]string{"-f", "%M", "-o", rss.Name()}, strings.Fields(cmd)...)...)
	c.Dir = dir
	c.Env = env
	out := &strings.Builder{}
	c.Stdout, c.Stderr = out, out
	start := time.Now()
	if err := c.Run(); err != nil {
		return toolRun{}, fmt.Errorf("%s in %s: %v\n%s", cmd, dir, err, out)
	}
	wall := time.Since(start)
	data, err := os.ReadFile(rss.Name())
	if err != nil {
		return toolRun{}, err
	}
	kb, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		return toolRun{}, fmt.Errorf("%s -f %%M: %q: %v", gnuTime, data, err)
	}
	var cpu time.Duration
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return toolRun{wall: wall, cpu: cpu, maxKB: kb}, nil
}

// copyDir copies a tree with cp -a.
func copyDir(src, dst string) error {
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		return fmt.Errorf("cp -a %s %s: %v\n%s", src, dst, err, out)
	}
	return nil
}

// toolsPart is the tools part.
func toolsPart(c *config) (string, error) {
	dir := c.work
	if c.toolsDir != "" {
		var err error
		if dir, err = os.MkdirTemp(c.toolsDir, "dh-teardown-bench-"); err != nil {
			return "", err
		}
		defer os.RemoveAll(dir)
	}
	env, added, err := buildEnvironment(dir)
	if err != nil {
		return "", err
	}
	load := loadAverage()
	results, err := benchTools(dir, c.stage, []int{1, 200}, c.runs, env)
	if err != nil {
		return "", err
	}
	inits, err := initCosts(filepath.Join(c.stage, "usr/bin/dh_teardown"), c.runs)
	if err != nil {
		return "", err
	}
	return toolsSection(results, inits, c.toolsDir, added, load, loadAverage()), nil
}

// initCost is the median time Go spent initialising one package of dh_teardown at start.
type initCost struct {
	pkg    string
	median time.Duration
}

// initCosts runs `dh_teardown --version` runs times with GODEBUG=inittrace=1 and returns the
// median initialisation time of each package whose median is at least 20 µs, costliest
// first, and the median of their sum as the package "(all)".
func initCosts(teardown string, runs int) ([]initCost, error) {
	times := map[string][]time.Duration{}
	var totals []time.Duration
	for range runs {
		c := exec.Command(teardown, "--version")
		c.Env = append(os.Environ(), "GODEBUG=inittrace=1")
		var stderr strings.Builder
		c.Stderr = &stderr
		if err := c.Run(); err != nil {
			return nil, fmt.Errorf("%s --version: %v\n%s", teardown, err, stderr.String())
		}
		var total time.Duration
		for _, line := range strings.Split(stderr.String(), "\n") {
			// "init PKG @0.12 ms, 0.30 ms clock, 173904 bytes, 2118 allocs"
			f := strings.Fields(line)
			if len(f) < 7 || f[0] != "init" || f[6] != "clock," {
				continue
			}
			ms, err := strconv.ParseFloat(f[4], 64)
			if err != nil {
				return nil, fmt.Errorf("inittrace: %q: %v", line, err)
			}
			d := time.Duration(ms * float64(time.Millisecond))
			times[f[1]] = append(times[f[1]], d)
			total += d
		}
		totals = append(totals, total)
	}
	var costs []initCost
	for pkg, ds := range times {
		if medianOf(ds) >= 20*time.Microsecond {
			costs = append(costs, initCost{pkg, medianOf(ds)})
		}
	}
	slices.SortFunc(costs, func(a, b initCost) int { return int(b.median - a.median) })
	return append(costs, initCost{"(all)", medianOf(totals)}), nil
}
