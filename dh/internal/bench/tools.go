package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dh-teardown/dh-teardown/dh/internal/bench/trees"
)

// baselineTool names the run of /bin/true: what starting a process and copying the tree
// for it costs here, the floor under every command's figures.
const baselineTool = "/bin/true (floor: starting a process)"

// toolRun is what one run of a command cost.
type toolRun struct {
	wall  time.Duration
	maxKB int64 // peak resident set of the command and its descendants
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
	slices.Sort(walls)
	return walls[len(walls)/2]
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
func benchTools(work, stage string, sizes []int, runs int) ([]toolResult, error) {
	env, err := buildEnvironment()
	if err != nil {
		return nil, err
	}
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

// buildEnvironment is the environment dpkg-buildpackage gives debian/rules: the caller's plus
// the dpkg-architecture variables (so that neither tool runs dpkg-architecture itself).
func buildEnvironment() ([]string, error) {
	out, err := exec.Command("dpkg-architecture").Output()
	if err != nil {
		return nil, fmt.Errorf("dpkg-architecture: %w", err)
	}
	env := os.Environ()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		env = append(env, line)
	}
	return env, nil
}

// gnuTime is GNU time, which reports the peak memory of the command it runs. A process's
// maximum resident set counts the memory of the process it was forked from at the fork, so the
// command is forked from GNU time (about 2 MB) rather than from this program (its trees in
// memory would be every command's floor).
const gnuTime = "/usr/bin/time"

// runTool runs cmd in dir under GNU time and measures it: wall time here, peak resident set of
// cmd and its descendants from GNU time (%M, from wait4).
func runTool(dir string, env []string, cmd string) (toolRun, error) {
	rss, err := os.CreateTemp("", "bench-rss-")
	if err != nil {
		return toolRun{}, err
	}
	defer os.Remove(rss.Name())
	rss.Close()
	c := exec.Command(gnuTime, "-f", "%M", "-o", rss.Name(), cmd)
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
	return toolRun{wall: wall, maxKB: kb}, nil
}

// copyDir copies a tree with cp -a.
func copyDir(src, dst string) error {
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		return fmt.Errorf("cp -a %s %s: %v\n%s", src, dst, err, out)
	}
	return nil
}
