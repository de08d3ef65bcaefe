// Command bench measures dh-teardown as DESIGN §6 asks and writes the results as Markdown
// (BENCHMARKS.md; run it with `make bench`):
//
//   - tools: wall time and peak memory (maximum resident set of the command and its
//     descendants, from GNU time) of debhelper's dh_installinit, dh-teardown's drop-in
//     dh_installinit and dh_teardown on the same generated source trees of 1 and 200 binary
//     packages, each run on a fresh copy of the tree, in the environment dpkg-buildpackage
//     gives debian/rules (the dpkg-architecture variables set);
//   - downtime: for each upgrade policy of the drop-in, how long a daemon is down while dpkg
//     upgrades its package, alone and together with 10 large packages (50 MB of random data
//     each) in the same dpkg run, next to the daemon's own restart time; a poller inside the
//     throwaway root checks the daemon's pid file every 100 µs;
//   - links: the stop links in rc0.d and rc6.d of 20 daemons before and after an upgrade
//     declares them multiuser.
//
// Usage:
//
//	bench -stage DIR -work DIR [-o FILE] [-parts tools,downtime,links] [-tools-dir DIR] [-runs N] [-downtime-runs N]
//
// DIR of -stage holds the commands as `make install DESTDIR=DIR PREFIX=/usr` lays them out;
// -work must be an empty directory on the host's root file system (the throwaway roots read the
// packages built there through their overlay). The tools part copies its trees to a tmpfs
// (-tools-dir, default /dev/shm), so that it measures the commands rather than the disk. The
// downtime and links parts need root.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("bench: ")
	if len(os.Args) == 5 && os.Args[1] == "poll" {
		if err := poll(os.Args[2], os.Args[3], os.Args[4]); err != nil {
			log.Fatal(err)
		}
		return
	}
	var (
		stage        = flag.String("stage", "", "staged `dir` of the dh-teardown commands (make install DESTDIR=dir PREFIX=/usr)")
		work         = flag.String("work", "", "empty work `dir` on the host's root file system")
		output       = flag.String("o", "-", "write the report to `file` (- for standard output)")
		parts        = flag.String("parts", "tools,downtime,links", "comma-separated `parts` to run")
		toolsDir     = flag.String("tools-dir", "/dev/shm", "`dir` (a tmpfs) for the trees of the tools part; \"\" for the work dir")
		runs         = flag.Int("runs", 15, "runs of each command per tree in the tools part")
		downtimeRuns = flag.Int("downtime-runs", 3, "upgrades per policy and transaction size")
	)
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: bench -stage DIR -work DIR [-o FILE] [-parts tools,downtime,links] [-tools-dir DIR] [-runs N] [-downtime-runs N]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *stage == "" || *work == "" || flag.NArg() > 0 || *runs < 1 || *downtimeRuns < 1 {
		flag.Usage()
		os.Exit(2)
	}
	want := map[string]bool{}
	for _, p := range strings.Split(*parts, ",") {
		switch p {
		case "tools", "downtime", "links":
			want[p] = true
		default:
			log.Printf("unknown part %q", p)
			os.Exit(2)
		}
	}

	rep := &report{started: time.Now(), commandLine: strings.Join(os.Args[1:], " ")}
	var err error
	if want["tools"] {
		log.Print("tools: dh_installinit (debhelper, drop-in) and dh_teardown on 1 and 200 packages")
		dir := *work
		if *toolsDir != "" {
			if dir, err = os.MkdirTemp(*toolsDir, "dh-teardown-bench-"); err != nil {
				log.Fatal(err)
			}
			rep.toolsDir = *toolsDir
		}
		rep.tools, err = benchTools(dir, *stage, []int{1, 200}, *runs)
		if dir != *work {
			os.RemoveAll(dir)
		}
		if err != nil {
			log.Fatal(err)
		}
	}
	if want["downtime"] {
		log.Print("downtime: upgrade policies with 0 and 10 large packages")
		if rep.downtime, err = benchDowntime(*work, *stage, []int{0, 10}, 50<<20, *downtimeRuns); err != nil {
			log.Fatal(err)
		}
	}
	if want["links"] {
		log.Print("links: rc0.d and rc6.d before and after declaring 20 daemons multiuser")
		if rep.links, err = benchLinks(*work, *stage, 20); err != nil {
			log.Fatal(err)
		}
	}
	rep.took = time.Since(rep.started)

	text := rep.markdown(machine())
	if *output == "-" {
		fmt.Print(text)
		return
	}
	if err := os.WriteFile(*output, []byte(text), 0o644); err != nil {
		log.Fatal(err)
	}
}

// machine describes the machine and the versions of what was measured.
func machine() []string {
	var lines []string
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				lines = append(lines, "CPU: "+strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))+fmt.Sprintf(", %d cores", runtime.NumCPU()))
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		if first, _, ok := strings.Cut(string(data), "\n"); ok {
			lines = append(lines, "Memory: "+strings.Join(strings.Fields(strings.TrimPrefix(first, "MemTotal:")), " "))
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		lines = append(lines, "Kernel: Linux "+strings.TrimSpace(string(data)))
	}
	if data, err := os.ReadFile("/etc/debian_version"); err == nil {
		lines = append(lines, "Debian: "+strings.TrimSpace(string(data)))
	}
	if out, err := exec.Command("dpkg-query", "-W", "-f", "${Package} ${Version}, ", "debhelper", "dpkg", "init-system-helpers", "perl").Output(); err == nil {
		lines = append(lines, "Packages: "+strings.TrimSuffix(string(out), ", "))
	}
	lines = append(lines, "Go: "+runtime.Version())
	return lines
}
