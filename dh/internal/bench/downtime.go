package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dh-teardown/dh-teardown/dh/internal/bench/trees"
	"github.com/dh-teardown/dh-teardown/dh/internal/dpkgroot"
)

// pollInterval is how often the poller looks at the daemon.
const pollInterval = 100 * time.Microsecond

// poll is the poller the downtime benchmark runs inside the root (this program, invoked as
// "poll PIDFILE OUT STOP"): it checks every pollInterval whether the pid file names a live
// process, and when the file STOP appears it writes to OUT each time the daemon was down, as
// "down NANOSECONDS" lines, then "end alive" or "end dead", then "done". It writes "ready" to
// OUT when it starts.
func poll(pidfile, out, stop string) error {
	if err := os.WriteFile(out, []byte("ready\n"), 0o644); err != nil {
		return err
	}
	alive := isAlive(pidfile)
	var (
		downSince time.Time
		outages   []time.Duration
	)
	if !alive {
		downSince = time.Now()
	}
	for {
		if _, err := os.Stat(stop); err == nil {
			break
		}
		now, a := time.Now(), isAlive(pidfile)
		switch {
		case alive && !a:
			downSince = now
		case !alive && a:
			outages = append(outages, now.Sub(downSince))
		}
		alive = a
		time.Sleep(pollInterval)
	}
	var b strings.Builder
	b.WriteString("ready\n")
	for _, d := range outages {
		fmt.Fprintf(&b, "down %d\n", d.Nanoseconds())
	}
	if alive {
		b.WriteString("end alive\ndone\n")
	} else {
		fmt.Fprintf(&b, "down %d\nend dead\ndone\n", time.Since(downSince).Nanoseconds())
	}
	return os.WriteFile(out, []byte(b.String()), 0o644)
}

// isAlive reports whether pidfile holds the pid of a live (not zombie) process.
func isAlive(pidfile string) bool {
	data, err := os.ReadFile(pidfile)
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	end := strings.LastIndexByte(string(stat), ')')
	if end < 0 || end+2 >= len(stat) {
		return false
	}
	state := stat[end+2]
	return state != 'Z' && state != 'X'
}

// poller is a running poll inside a root.
type poller struct {
	r    *dpkgroot.Root
	name string
}

const (
	pollBinary = "/usr/local/sbin/dh-teardown-bench"
	pollOut    = "/run/dh-teardown-bench.poll"
	pollStop   = "/run/dh-teardown-bench.stop"
)

// startPoller starts the poller on the daemon name inside r and waits until it runs.
func startPoller(r *dpkgroot.Root, name string) (*poller, error) {
	if _, _, err := r.Run("rm -f " + pollOut + " " + pollStop + "; " + pollBinary + " poll /run/" + name + ".pid " + pollOut + " " + pollStop +
		" </dev/null >/dev/null 2>&1 &"); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if data, err := r.ReadFile(pollOut); err == nil && strings.HasPrefix(string(data), "ready\n") {
			return &poller{r: r, name: name}, nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil, errors.New("bench: the poller did not start")
}

// stop ends the poll and returns the total downtime, how many outages made it up, and
// whether the daemon was running at the end.
func (p *poller) stop() (total time.Duration, outages int, aliveAtEnd bool, err error) {
	if _, _, err := p.r.Run("touch " + pollStop); err != nil {
		return 0, 0, false, err
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		data, err := p.r.ReadFile(pollOut)
		if err == nil && strings.HasSuffix(string(data), "done\n") {
			for _, line := range strings.Split(string(data), "\n") {
				if ns, ok := strings.CutPrefix(line, "down "); ok {
					n, err := strconv.ParseInt(ns, 10, 64)
					if err != nil {
						return 0, 0, false, fmt.Errorf("bench: poller output %q", line)
					}
					total += time.Duration(n)
					outages++
				}
			}
			return total, outages, strings.Contains(string(data), "end alive\n"), nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return 0, 0, false, errors.New("bench: the poller did not finish")
}

// downtimeResult is the downtime of one policy's daemon in upgrades with a number of other
// packages in the same dpkg run.
type downtimeResult struct {
	policy   string
	others   int
	downs    []time.Duration // total downtime per run
	outages  []int
	dpkg     []time.Duration // wall time of the dpkg run
	restarts []time.Duration // the daemon's own restart time (invoke-rc.d NAME restart)
}

func medianOf(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// benchDowntime builds lcpol 1.0 and 2.0 (one package per upgrade policy) and others large
// packages of bigSize random bytes, then, in a throwaway root, for each policy: measures the
// daemon's own restart, and upgrades its package 1.0 -> 2.0 alone and together with the large
// packages (dpkg -i, the policy's package first), runs times each, polling the daemon.
func benchDowntime(work, stage string, others []int, bigSize int64, runs int) ([]downtimeResult, error) {
	v1, err := buildSource(stage, filepath.Join(work, "lcpol-1.0"), trees.PolicySource("1.0"))
	if err != nil {
		return nil, err
	}
	v2, err := buildSource(stage, filepath.Join(work, "lcpol-2.0"), trees.PolicySource("2.0"))
	if err != nil {
		return nil, err
	}
	var big []string
	for i := 1; i <= slices.Max(others); i++ {
		deb, err := buildBigDeb(filepath.Join(work, "big"), fmt.Sprintf("lcbig-%02d", i), bigSize)
		if err != nil {
			return nil, err
		}
		big = append(big, deb)
	}

	// The work directory is on the host's root file system, created before the root: the
	// root sees the .debs at the same paths through its overlay's lower layer.
	r, err := dpkgroot.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	r.Timeout = 10 * time.Minute
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	if err := r.CopyIn(self, pollBinary); err != nil {
		return nil, err
	}
	dpkg := func(args ...string) (time.Duration, error) {
		start := time.Now()
		out, err := r.Dpkg(args...)
		if err != nil {
			return 0, fmt.Errorf("%w\n%s", err, out)
		}
		return time.Since(start), nil
	}
	var all []string
	for _, p := range trees.Policies {
		all = append(all, v1[trees.PolicyPackage(p)])
	}
	if _, err := dpkg(append([]string{"-i"}, all...)...); err != nil {
		return nil, err
	}

	var results []downtimeResult
	for _, policy := range trees.Policies {
		name := trees.PolicyPackage(policy)
		var restarts []time.Duration
		for range runs {
			p, err := startPoller(r, name)
			if err != nil {
				return nil, err
			}
			if _, _, err := r.Run("invoke-rc.d " + name + " restart >/dev/null"); err != nil {
				return nil, err
			}
			down, _, alive, err := p.stop()
			if err != nil {
				return nil, err
			}
			if !alive {
				return nil, fmt.Errorf("bench: %s is not running after its restart", name)
			}
			restarts = append(restarts, down)
		}
		for _, n := range others {
			res := downtimeResult{policy: policy, others: n, restarts: restarts}
			for range runs {
				p, err := startPoller(r, name)
				if err != nil {
					return nil, err
				}
				took, err := dpkg(append([]string{"-i", v2[name]}, big[:n]...)...)
				if err != nil {
					return nil, err
				}
				down, outages, alive, err := p.stop()
				if err != nil {
					return nil, err
				}
				if !alive {
					return nil, fmt.Errorf("bench: %s is not running after the upgrade", name)
				}
				res.downs = append(res.downs, down)
				res.outages = append(res.outages, outages)
				res.dpkg = append(res.dpkg, took)
				// Back to 1.0 without the large packages; not measured.
				if n > 0 {
					var names []string
					for _, deb := range big[:n] {
						names = append(names, strings.SplitN(filepath.Base(deb), "_", 2)[0])
					}
					if _, err := dpkg(append([]string{"--purge"}, names...)...); err != nil {
						return nil, err
					}
				}
				if _, err := dpkg("-i", v1[name]); err != nil {
					return nil, err
				}
			}
			results = append(results, res)
		}
	}
	return results, nil
}

// downtimePart is the downtime part.
func downtimePart(c *config) (string, error) {
	results, err := benchDowntime(c.work, c.stage, []int{0, 10}, 50<<20, c.downtimeRuns)
	if err != nil {
		return "", err
	}
	return downtimeSection(results), nil
}
