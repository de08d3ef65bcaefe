// Command bench measures dh-teardown as docs/design.md §7 asks and writes the results as Markdown
// (BENCHMARKS.md; run it with `make bench`). The report is made of parts, each a section:
//
//   - tools: wall time and peak memory (maximum resident set of the command and its
//     descendants, from GNU time) of debhelper's dh_installinit, dh-teardown's drop-in
//     dh_installinit and dh_teardown on the same generated source trees of 1 and 200 binary
//     packages, each run on a fresh copy of the tree, in the environment dpkg-buildpackage
//     gives debian/rules (captured from a real dpkg-buildpackage run: the dpkg-architecture
//     variables, DEB_BUILD_OPTIONS, SOURCE_DATE_EPOCH, DEB_RULES_REQUIRES_ROOT);
//   - downtime: for each upgrade policy of the drop-in, how long a daemon is down while dpkg
//     upgrades its package, alone and together with 10 large packages (50 MB of random data
//     each) in the same dpkg run, next to the daemon's own restart time; a poller inside the
//     throwaway root checks the daemon's pid file every 100 µs;
//   - links: the stop links in rc0.d and rc6.d of 20 daemons before and after an upgrade
//     declares them multiuser;
//
// and whatever other parts the package's files add (see part).
//
// Usage:
//
//	bench -stage DIR -work DIR [-o FILE] [-parts NAME,…] [-tools-dir DIR] [-runs N] [-downtime-runs N]
//
// DIR of -stage holds the commands as `make install DESTDIR=DIR PREFIX=/usr` lays them out;
// -work must be an empty directory on the host's root file system (the throwaway roots read the
// packages built there through their overlay). -parts names the parts to run, all by default.
// The tools part copies its trees to a tmpfs (-tools-dir, default /dev/shm), so that it
// measures the commands rather than the disk. The downtime and links parts need root.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// config is what the command line gives every part.
type config struct {
	stage, work  string
	toolsDir     string // the tmpfs for the tools part's trees, "" for work
	runs         int    // runs of each command in the tools part
	downtimeRuns int
}

// A part is one section of the report. Each lives in its own file of this package and adds
// itself from an init function:
//
//	func init() { addPart(part{name: "check", what: "teardown check on two 50 MB packages", run: benchCheck}) }
//
// Parts run, and appear in the report, in the order they were added: tools, downtime and links
// first (this file's), then the other files' in file-name order (the order in which Go runs
// their init functions). run gets the command line's settings and returns the section in
// Markdown, from its "## " title to a blank line; it must leave the host as it found it and
// use c.work (empty, on the root file system, removed by make bench) for what it builds.
type part struct {
	name string // its name in -parts: one lowercase word
	what string // what it measures, logged when it starts
	run  func(c *config) (string, error)
}

// parts are the parts added so far.
var parts = []part{
	{name: "tools", what: "dh_installinit (debhelper, drop-in) and dh_teardown on 1 and 200 packages", run: toolsPart},
	{name: "downtime", what: "upgrade policies with 0 and 10 large packages", run: downtimePart},
	{name: "links", what: "rc0.d and rc6.d before and after declaring 20 daemons multiuser", run: linksPart},
}

// addPart adds p after the parts added so far.
func addPart(p part) { parts = append(parts, p) }

func main() {
	log.SetFlags(0)
	log.SetPrefix("bench: ")
	if len(os.Args) == 5 && os.Args[1] == "poll" {
		if err := poll(os.Args[2], os.Args[3], os.Args[4]); err != nil {
			log.Fatal(err)
		}
		return
	}
	var names []string
	for _, p := range parts {
		if slices.Contains(names, p.name) {
			log.Fatalf("two parts named %q", p.name)
		}
		names = append(names, p.name)
	}
	var c config
	flag.StringVar(&c.stage, "stage", "", "staged `dir` of the dh-teardown commands (make install DESTDIR=dir PREFIX=/usr)")
	flag.StringVar(&c.work, "work", "", "empty work `dir` on the host's root file system")
	output := flag.String("o", "-", "write the report to `file` (- for standard output)")
	only := flag.String("parts", strings.Join(names, ","), "comma-separated `parts` to run")
	flag.StringVar(&c.toolsDir, "tools-dir", "/dev/shm", "`dir` (a tmpfs) for the trees of the tools part; \"\" for the work dir")
	flag.IntVar(&c.runs, "runs", 15, "runs of each command per tree in the tools part")
	flag.IntVar(&c.downtimeRuns, "downtime-runs", 3, "upgrades per policy and transaction size")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: bench -stage DIR -work DIR [-o FILE] [-parts NAME,…] [-tools-dir DIR] [-runs N] [-downtime-runs N]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if c.stage == "" || c.work == "" || flag.NArg() > 0 || c.runs < 1 || c.downtimeRuns < 1 {
		flag.Usage()
		os.Exit(2)
	}
	want := map[string]bool{}
	for _, name := range strings.Split(*only, ",") {
		if !slices.Contains(names, name) {
			log.Printf("unknown part %q (parts: %s)", name, strings.Join(names, ", "))
			os.Exit(2)
		}
		want[name] = true
	}

	rep := &report{started: time.Now(), commandLine: strings.Join(os.Args[1:], " ")}
	for _, p := range parts {
		if !want[p.name] {
			continue
		}
		log.Printf("%s: %s", p.name, p.what)
		section, err := p.run(&c)
		if err != nil {
			log.Fatalf("%s: %v", p.name, err)
		}
		rep.sections = append(rep.sections, section)
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
	if load := loadAverage(); load != "" {
		lines = append(lines, "Load average when the report was written (1, 5, 15 min): "+load)
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

// loadAverage is the machine's load average over 1, 5 and 15 minutes, "" if unknown: the
// machine may be shared, and other load slows the measured commands down.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], ", ")
	}
	return ""
}
