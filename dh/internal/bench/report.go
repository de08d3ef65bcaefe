package main

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// report is everything one run of bench measured.
type report struct {
	started     time.Time
	took        time.Duration
	commandLine string
	sections    []string // the parts' sections, in Markdown
}

// Targets of docs/design.md §7.
const (
	targetSpeedup   = 10.0
	targetDowntime  = 10 * time.Millisecond
	debhelperPrefix = "dh_installinit (debhelper"
)

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

// markdown renders the report.
func (r *report) markdown(machine []string) string {
	var b strings.Builder
	b.WriteString("# Benchmarks\n\n")
	b.WriteString("Written by `make bench` (the program `dh/internal/bench`; see its doc comment for what each part measures and how).\n")
	fmt.Fprintf(&b, "Run of %s, %s in all, as `bench %s`.\n", r.started.UTC().Format("2006-01-02 15:04 MST"), r.took.Round(time.Second), r.commandLine)
	b.WriteString("Reproduce with `make bench` as root from a checkout (it builds the commands, stages them with " +
		"`make install DESTDIR=… PREFIX=/usr` and runs the program); the dpkg parts run in throwaway roots and leave the host as it was.\n\n")
	b.WriteString("## Machine\n\n")
	for _, line := range machine {
		b.WriteString("* " + line + "\n")
	}
	b.WriteString("\n")
	if busy(loadAverage()) {
		b.WriteString("**The machine was busy during this run** (load average above its core count, see above): every time " +
			"below includes waiting for a CPU, and targets missed by wall time may be the machine's rather than the code's.\n\n")
	}
	for _, s := range r.sections {
		b.WriteString(s)
	}
	return b.String()
}

// toolsSection renders the tools part: the results, on trees in toolsDir ("" for the work
// directory), in an environment to which dpkg-buildpackage added the variables env, with the
// machine's load averages before and after.
func toolsSection(tools []toolResult, inits []initCost, toolsDir string, env []string, loadBefore, loadAfter string) string {
	b := &strings.Builder{}
	b.WriteString("## Commands: dh_installinit and dh_teardown\n\n")
	fmt.Fprintf(b, "Measured %s. ", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(b, "Each command on a fresh copy of a generated tree (`trees.ManySource`: every package ships a daemon with "+
		"`debian/PKG.init`, `.default` and a `.teardown` declaring it multiuser and a second daemon removed), %d runs, "+
		"interleaved; no package selection option (all packages); the environment is the one dpkg-buildpackage gives "+
		"debian/rules (taken from a dpkg-buildpackage -T run), which set "+strings.Join(env, ", ")+". dh_teardown runs on the tree as debhelper's dh_installinit left it. Peak RSS is GNU time's "+
		"`%%M` (the command and its descendants); every command runs under GNU time, whose own size is in the /bin/true row.", len(tools[0].runs))
	if toolsDir != "" {
		fmt.Fprintf(b, " The trees are on a tmpfs (%s), so that the figures are the commands' own rather than this machine's disk.", toolsDir)
	}
	if loadBefore != "" {
		fmt.Fprintf(b, " Load average (1, 5, 15 min) before this part: %s; after: %s.", loadBefore, loadAfter)
		if busy(loadBefore) || busy(loadAfter) {
			fmt.Fprintf(b, " **The machine was busy** (load above its %d cores): wall times include waiting for a CPU, which "+
				"costs the longer-running command more turns, so the wall ratios are not this code's; compare the CPU columns.", runtime.NumCPU())
		}
	}
	b.WriteString("\n\n")
	b.WriteString("| packages | command | median wall | fastest | median CPU | peak RSS |\n|---:|---|---:|---:|---:|---:|\n")
	for _, t := range tools {
		fastest := slices.MinFunc(t.runs, func(a, b toolRun) int { return int(a.wall - b.wall) })
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %d KB |\n", t.packages, t.tool, ms(t.median()), ms(fastest.wall), ms(t.medianCPU()), t.peakKB())
	}
	b.WriteString("\nRatios against debhelper's dh_installinit on the same tree (speed-up: its median wall time over ours, " +
		"the target; CPU: the same for the CPU time, user and system, which other load on the machine changes less; " +
		"memory: our peak RSS over its). Target: at least 10× faster, memory no higher.\n\n")
	b.WriteString("| packages | command | speed-up | speed target | CPU speed-up | memory ratio | memory target |\n|---:|---|---:|---|---:|---:|---|\n")
	for _, t := range tools {
		if strings.HasPrefix(t.tool, debhelperPrefix) || isFloor(t.tool) {
			continue
		}
		var base toolResult
		for _, d := range tools {
			if d.packages == t.packages && strings.HasPrefix(d.tool, debhelperPrefix) {
				base = d
			}
		}
		speedup := float64(base.median()) / float64(t.median())
		cpu := float64(base.medianCPU()) / float64(t.medianCPU())
		memory := float64(t.peakKB()) / float64(base.peakKB())
		fmt.Fprintf(b, "| %d | %s | %.1f× | %s | %.1f× | %.2f | %s |\n", t.packages, t.tool, speedup, verdict(speedup >= targetSpeedup), cpu, memory, verdict(memory <= 1))
	}
	b.WriteString("\n")
	writeFloors(b, tools, inits)
	return b.String()
}

// writeFloors writes what the 10× target leaves once the floors are paid: the budget at each
// size (debhelper's median wall over 10), what starting our program takes (the --version row)
// and what our commands' own work took, per package at the larger size; then where the start
// goes (package initialisation, from GODEBUG=inittrace=1).
func writeFloors(b *strings.Builder, tools []toolResult, inits []initCost) {
	find := func(n int, match func(string) bool) (toolResult, bool) {
		for _, t := range tools {
			if t.packages == n && match(t.tool) {
				return t, true
			}
		}
		return toolResult{}, false
	}
	b.WriteString("What the 10× target leaves after the floors (median wall times of the rows above; the work is a " +
		"command's time minus starting our program):\n\n")
	b.WriteString("| packages | target (debhelper / 10) | starting a process | starting our program | left for the work | our work: drop-in | our work: dh_teardown |\n|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, n := range []int{1, 200} {
		deb, ok1 := find(n, func(s string) bool { return strings.HasPrefix(s, debhelperPrefix) })
		start, ok2 := find(n, func(s string) bool { return s == startTool })
		base, ok3 := find(n, func(s string) bool { return s == baselineTool })
		dropin, ok4 := find(n, func(s string) bool { return strings.Contains(s, "drop-in") })
		td, ok5 := find(n, func(s string) bool { return s == "dh_teardown" })
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
			continue
		}
		target := time.Duration(float64(deb.median()) / targetSpeedup)
		work := func(t toolResult) string {
			w := t.median() - start.median()
			if n > 1 {
				return fmt.Sprintf("%s (%.0f µs a package)", ms(w), float64(w.Microseconds())/float64(n))
			}
			return ms(w)
		}
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s | %s |\n", n, ms(target), ms(base.median()), ms(start.median()),
			ms(target-start.median()), work(dropin), work(td))
	}
	b.WriteString("\nStarting our program, by package initialised (`GODEBUG=inittrace=1 dh_teardown --version`, medians; " +
		"packages under 20 µs left out):\n\n| package | init |\n|---|---:|\n")
	for _, c := range inits {
		fmt.Fprintf(b, "| %s | %.2f ms |\n", c.pkg, float64(c.median.Microseconds())/1000)
	}
	b.WriteString("\nWhere \"left for the work\" is smaller than our work, 10× is out of reach by arithmetic, whatever the " +
		"work is made of: docs/design.md §7 says what the floors and the work per package consist of (system calls " +
		"per package, template rendering, sprig's dependencies) and what was taken out of them.\n\n")
}

// downtimeSection renders the downtime part.
func downtimeSection(downtime []downtimeResult) string {
	b := &strings.Builder{}
	b.WriteString("## Daemon downtime during an upgrade\n\n")
	fmt.Fprintf(b, "`dpkg -i lcpol-POLICY_2.0_all.deb [lcbig-01 … lcbig-10]` over 1.0 in a throwaway root (the policy's package "+
		"first on the command line, so it is unpacked before the large ones; each large package is 50 MB of random data, "+
		"uncompressed), %d runs each. Downtime is the total time the daemon's pid file named no live process, "+
		"polled every %s from inside the root. The restart time is the same measure around `invoke-rc.d NAME restart` "+
		"(the test daemon's init script: start-stop-daemon --stop --retry, then --start and wait until the daemon logged its start).\n\n",
		len(downtime[0].downs), pollInterval)
	b.WriteString("| policy | other packages | median downtime | max downtime | outages | median dpkg run | median restart time |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, d := range downtime {
		fmt.Fprintf(b, "| %s | %d | %s | %s | %d | %s | %s |\n", d.policy, d.others, ms(medianOf(d.downs)), ms(slices.Max(d.downs)),
			slices.Max(d.outages), ms(medianOf(d.dpkg)), ms(medianOf(d.restarts)))
	}
	b.WriteString("\nTarget (restart policy): downtime within 10 ms of the restart time, and independent of the other packages " +
		"(medians with 0 and 10 within 10 ms of each other).\n\n")
	var restart []downtimeResult
	for _, d := range downtime {
		if d.policy == "restart" {
			restart = append(restart, d)
		}
	}
	for _, d := range restart {
		diff := medianOf(d.downs) - medianOf(d.restarts)
		fmt.Fprintf(b, "* restart, %d other packages: downtime − restart time = %s: %s\n", d.others, ms(diff), verdict(diff.Abs() <= targetDowntime))
	}
	if len(restart) >= 2 {
		diff := medianOf(restart[len(restart)-1].downs) - medianOf(restart[0].downs)
		fmt.Fprintf(b, "* restart, %d vs %d other packages: difference %s: %s\n", restart[len(restart)-1].others, restart[0].others, ms(diff), verdict(diff.Abs() <= targetDowntime))
	}
	b.WriteString("\n")
	return b.String()
}

// linksSection renders the links part.
func linksSection(links []linkCount) string {
	b := &strings.Builder{}
	b.WriteString("## Stop links for halt and reboot\n\n")
	b.WriteString("lcmany 1.0 (20 daemons, plain debhelper: Default-Stop 0 1 6) installed in a throwaway root, then upgraded in one " +
		"dpkg run to 1.1, whose `debian/PKG.teardown` declares each daemon multiuser since 1.1. Each K link in rc0.d or rc6.d " +
		"is one init script (a shell) run at every halt or reboot.\n\n")
	b.WriteString("| state | K links in rc0.d | K links in rc6.d | of them lcmany's | lcmany daemons registered | running |\n|---|---:|---:|---:|---:|---:|\n")
	for _, c := range links {
		fmt.Fprintf(b, "| %s | %d | %d | %d | %d/%d | %d/%d |\n", c.when, c.rc0, c.rc6, c.ours, c.withLinks, c.totalDaems, c.running, c.totalDaems)
	}
	b.WriteString("\n")
	return b.String()
}

// busy reports whether the 1-minute figure of a load average (as loadAverage gives it) is
// above the number of CPUs.
func busy(load string) bool {
	one, _, _ := strings.Cut(load, ",")
	f, err := strconv.ParseFloat(one, 64)
	return err == nil && f > float64(runtime.NumCPU())
}
