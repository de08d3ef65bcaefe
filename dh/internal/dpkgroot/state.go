package dpkgroot

import (
	"fmt"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Running reports whether a daemon is alive inside the root. An absolute
// path names a pid file, read inside the root: the daemon runs when the
// file holds the pid of a live process. Anything else is a process name, as
// for Pids.
func (r *Root) Running(pidfileOrName string) bool {
	if !path.IsAbs(pidfileOrName) {
		return len(r.Pids(pidfileOrName)) > 0
	}
	data, err := r.ReadFile(pidfileOrName)
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return false
	}
	_, _, _, ok := r.process(pid)
	return ok
}

// Pids returns, in increasing order, the pids (as seen inside the root) of
// the live processes named name: those whose command name is name, or whose
// first or second argument has base name name — the second so that a shell
// script daemon run as "/bin/sh /usr/sbin/NAME" counts. Zombies are not
// live. A process whose parent also matches is left out as part of the same
// daemon: a worker, or a shell's child between fork and exec.
func (r *Root) Pids(name string) []int {
	entries, err := os.ReadDir(r.Path("/proc"))
	if err != nil {
		return nil
	}
	parents := map[int]int{} // matching pid -> its parent's pid
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, args, ppid, ok := r.process(pid)
		if !ok {
			continue
		}
		if comm == truncateComm(name) ||
			len(args) > 0 && path.Base(args[0]) == name ||
			len(args) > 1 && path.Base(args[1]) == name {
			parents[pid] = ppid
		}
	}
	var pids []int
	for pid, ppid := range parents {
		if _, child := parents[ppid]; !child {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids
}

// process reads the command name, arguments and parent of pid from the
// root's /proc; ok is false when there is no such process or it is a
// zombie.
func (r *Root) process(pid int) (comm string, args []string, ppid int, ok bool) {
	dir := r.Path(fmt.Sprintf("/proc/%d", pid))
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return "", nil, 0, false
	}
	// "pid (comm) state ppid ..."; comm may itself contain ") ".
	s := string(stat)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return "", nil, 0, false
	}
	fields := strings.Fields(s[end+1:])
	if len(fields) < 2 || fields[0] == "Z" || fields[0] == "X" {
		return "", nil, 0, false
	}
	if ppid, err = strconv.Atoi(fields[1]); err != nil {
		return "", nil, 0, false
	}
	cmdline, err := os.ReadFile(dir + "/cmdline")
	if err != nil {
		return "", nil, 0, false
	}
	if c := strings.TrimRight(string(cmdline), "\x00"); c != "" {
		args = strings.Split(c, "\x00")
	}
	return s[open+1 : end], args, ppid, true
}

// truncateComm shortens name the way the kernel shortens a command name
// (TASK_COMM_LEN is 16 including the terminating NUL).
func truncateComm(name string) string {
	if len(name) > 15 {
		return name[:15]
	}
	return name
}

// rcDir matches the System V runlevel directories under /etc.
var rcDir = regexp.MustCompile(`^rc[0-6S]\.d$`)

// RCLinks returns the System V links of the init script name inside the
// root, as "rc2.d/S01name", sorted: every entry of /etc/rc?.d named S or K,
// two digits and name.
func (r *Root) RCLinks(name string) []string {
	etc := r.Path("/etc")
	dirs, err := os.ReadDir(etc)
	if err != nil {
		return nil
	}
	link := regexp.MustCompile(`^[SK][0-9][0-9]` + regexp.QuoteMeta(name) + `$`)
	var links []string
	for _, d := range dirs {
		if !rcDir.MatchString(d.Name()) {
			continue
		}
		entries, err := os.ReadDir(etc + "/" + d.Name())
		if err != nil {
			continue
		}
		for _, e := range entries {
			if link.MatchString(e.Name()) {
				links = append(links, d.Name()+"/"+e.Name())
			}
		}
	}
	sort.Strings(links)
	return links
}
