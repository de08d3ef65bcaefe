package audit

import (
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// quiet commands have no effect that outlives the shutdown: builtins,
// messages, and programs that only read or test.
var quiet = setOf(
	// shell builtins
	":", "true", "false", "echo", "printf", "test", "[", "exit", "return", "set", "unset",
	"export", "local", "readonly", "declare", "typeset", "shift", "break", "continue", "umask",
	"cd", "pwd", "read", "getopts", "trap", "type", "hash", "alias", "unalias", "ulimit", "let",
	"wait",
	// /lib/lsb/init-functions and the init-d-script framework's helpers
	"log_daemon_msg", "log_end_msg", "log_success_msg", "log_failure_msg", "log_warning_msg",
	"log_action_msg", "log_action_begin_msg", "log_action_cont_msg", "log_action_end_msg",
	"log_begin_msg", "log_progress_msg", "log_use_fancy_output", "vlog_daemon_msg",
	"vlog_end_msg", "vlog_progress_msg", "vlog_action_msg", "status_of_proc", "pidofproc",
	"get_lsb_header_val", "init_is_upstart", "is_call_implemented",
	// programs that read, test or print
	"logger", "cat", "grep", "egrep", "fgrep", "awk", "mawk", "gawk", "cut", "tr", "head",
	"tail", "sort", "uniq", "wc", "basename", "dirname", "date", "uname", "id", "whoami", "expr",
	"seq", "ls", "readlink", "realpath", "stat", "which", "tput", "pidof", "pgrep", "ps",
	"mountpoint", "getent", "runlevel", "tty",
)

// signals are what sendsigs does anyway: signal processes and wait.
var signals = map[string]string{
	"killproc": "signals the daemon (lsb killproc)",
	"kill":     "signals a process",
	"pkill":    "signals processes by name",
	"killall":  "signals processes by name",
	"sleep":    "waits",
	"usleep":   "waits",
}

// effects are programs whose effect the audit can name.
var effects = map[string]string{
	"umount":       "unmounts file systems",
	"swapoff":      "turns swap off",
	"sync":         "flushes file system buffers to disk",
	"poff":         "hangs up the PPP link",
	"mount":        "changes mounts",
	"hdparm":       "talks to the disks",
	"ifdown":       "takes network interfaces down",
	"halt":         "halts the machine",
	"reboot":       "reboots the machine",
	"poweroff":     "powers the machine off",
	"killall5":     "signals every process: this is the shutdown's own kill step, not a daemon's stop",
	"start_daemon": "starts a program",
}

// fileChangers change the files named by their operands.
var fileChangers = setOf("touch", "mkdir", "rmdir", "chmod", "chown", "chgrp", "mv", "cp", "ln", "install", "truncate")

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// run classifies one simple command, given as its words.
func (a *analyzer) run(f *frame, words []*syntax.Word, line uint, text string) {
	name, ok := a.resolve(f, words[0])
	if !ok {
		a.add(Unknown, f, line, text, "runs a command named only at run time: "+a.text(words[0]))
		return
	}
	args := words[1:]
	if len(a.funcs[name]) > 0 {
		a.call(f, name, args)
		return
	}
	base := path.Base(name)
	switch base {
	case ".", "source":
		a.source(f, args, line, text)
		return
	case "eval":
		a.add(Unknown, f, line, text, "evaluates a string as shell code")
		return
	case "exec", "nohup", "builtin", "fstab-decode", "command", "env", "nice":
		if rest, plain := a.wrapped(f, base, args); len(rest) > 0 {
			a.run(f, rest, line, text)
		} else if !plain {
			a.add(Unknown, f, line, text, "runs "+base+" with arguments the audit does not follow")
		}
		return
	case "start-stop-daemon":
		a.startStopDaemon(f, args, line, text)
		return
	case "rm":
		a.remove(f, args, line, text)
		return
	case "dd":
		a.dd(f, args, line, text)
		return
	case "sed":
		for _, w := range args {
			if v, _ := a.resolve(f, w); v == "-i" || strings.HasPrefix(v, "--in-place") ||
				(strings.HasPrefix(v, "-") && !strings.HasPrefix(v, "--") && strings.Contains(v, "i")) {
				a.add(Needed, f, line, text, "edits files in place")
				return
			}
		}
		return
	case "hwclock":
		a.hwclock(f, args, line, text)
		return
	case "halt", "reboot", "poweroff":
		if a.hasArg(f, args, "-w", "--wtmp-only") {
			a.add(Needed, f, line, text, "writes the shutdown record to wtmp")
		} else {
			a.add(Needed, f, line, text, effects[base])
		}
		return
	case "alsactl":
		why := "talks to the sound hardware"
		if a.hasArg(f, args, "store") {
			why = "saves the mixer state"
		}
		a.add(Needed, f, line, text, why)
		return
	}
	switch {
	case quiet[base]:
	case signals[base] != "":
		a.add(Redundant, f, line, text, signals[base]+"; sendsigs signals every process and waits anyway")
	case effects[base] != "":
		a.add(Needed, f, line, text, effects[base])
	case fileChangers[base]:
		a.changeFiles(f, base, args, line, text)
	case a.opaque != "" && !strings.Contains(name, "/"):
		a.add(Unknown, f, line, text, "calls "+name+", which may be a function from "+a.opaque+", which the audit could not read")
	default:
		a.add(Needed, f, line, text, "runs "+name+", which sendsigs would not")
	}
}

// wrapped returns the command a wrapper runs. plain is true when the
// wrapper runs nothing with effects (exec without a command, command -v).
func (a *analyzer) wrapped(f *frame, wrapper string, args []*syntax.Word) (rest []*syntax.Word, plain bool) {
	for i := 0; i < len(args); i++ {
		v, ok := a.resolve(f, args[i])
		if !ok {
			return args[i:], false
		}
		switch {
		case wrapper == "command" && (v == "-v" || v == "-V"):
			return nil, true
		case wrapper == "env" && strings.Contains(v, "=") && !strings.HasPrefix(v, "-"):
			continue
		case wrapper == "nice" && (v == "-n" || v == "--adjustment"):
			i++
			continue
		case wrapper == "exec" && v == "-a":
			i++
			continue
		case wrapper == "env" && (v == "-u" || v == "--unset"):
			i++
			continue
		case v == "--":
			return args[i+1:], len(args) == i+1
		case strings.HasPrefix(v, "-") && wrapper != "fstab-decode":
			continue
		}
		return args[i:], false
	}
	return nil, true
}

func (a *analyzer) hasArg(f *frame, args []*syntax.Word, want ...string) bool {
	for _, w := range args {
		v, ok := a.resolve(f, w)
		if !ok {
			continue
		}
		for _, x := range want {
			if v == x {
				return true
			}
		}
	}
	return false
}

// startStopDaemon: --stop only signals and waits, --start starts a
// program, --status only tests.
func (a *analyzer) startStopDaemon(f *frame, args []*syntax.Word, line uint, text string) {
	mode := ""
	for _, w := range args {
		v, ok := a.resolve(f, w)
		if !ok {
			continue
		}
		switch {
		case v == "--start":
			mode = "start"
		case v == "--stop":
			mode = "stop"
		case v == "--status":
			mode = "status"
		case len(v) > 1 && v[0] == '-' && v[1] != '-':
			switch {
			case strings.ContainsRune(v, 'S'):
				mode = "start"
			case strings.ContainsRune(v, 'K'):
				mode = "stop"
			case strings.ContainsRune(v, 'T'):
				mode = "status"
			}
		}
	}
	switch mode {
	case "stop":
		a.add(Redundant, f, line, text, "signals the daemon and waits for it to exit; sendsigs signals every process and waits anyway")
	case "start":
		a.add(Needed, f, line, text, "starts a program")
	case "status":
	default:
		a.add(Unknown, f, line, text, "start-stop-daemon without a recognisable --start, --stop or --status")
	}
}

// operands returns a command's non-option arguments, resolved; ok is
// false for each one only known at run time.
func (a *analyzer) operands(f *frame, args []*syntax.Word, optArg map[string]bool) (vals []string, texts []string, oks []bool) {
	opts := true
	for i := 0; i < len(args); i++ {
		v, ok := a.resolve(f, args[i])
		if opts && ok {
			if v == "--" {
				opts = false
				continue
			}
			if strings.HasPrefix(v, "-") && v != "-" {
				if optArg[v] {
					i++
				}
				continue
			}
		}
		vals, texts, oks = append(vals, v), append(texts, a.text(args[i])), append(oks, ok)
	}
	return vals, texts, oks
}

// remove: removing a pidfile or a file under /run leaves nothing the next
// boot would not clear itself.
func (a *analyzer) remove(f *frame, args []*syntax.Word, line uint, text string) {
	vals, texts, oks := a.operands(f, args, nil)
	for i, v := range vals {
		switch {
		case oks[i] && (volatile(v) || strings.HasSuffix(v, ".pid")):
		case !oks[i] && strings.Contains(strings.ToUpper(texts[i]), "PID"):
		case !oks[i]:
			a.add(Unknown, f, line, text, "removes a file named only at run time: "+texts[i])
			return
		default:
			a.add(Needed, f, line, text, "removes "+v)
			return
		}
	}
	a.add(Redundant, f, line, text, "removes a pidfile or runtime file, which the next boot clears anyway")
}

// changeFiles: changing files under /run only is harmless, anything else
// changes persistent state.
func (a *analyzer) changeFiles(f *frame, cmd string, args []*syntax.Word, line uint, text string) {
	optArg := map[string]bool{"-m": true, "--mode": true, "-o": true, "-g": true, "--owner": true, "--group": true, "-s": true, "--size": true}
	vals, texts, oks := a.operands(f, args, optArg)
	if len(vals) > 0 && (cmd == "chmod" || cmd == "chown" || cmd == "chgrp") {
		vals, texts, oks = vals[1:], texts[1:], oks[1:]
	}
	for i, v := range vals {
		switch {
		case !oks[i]:
			a.add(Unknown, f, line, text, "changes a file named only at run time: "+texts[i])
			return
		case !volatile(v):
			a.add(Needed, f, line, text, "changes "+v)
			return
		}
	}
}

// dd writes the file named by of=.
func (a *analyzer) dd(f *frame, args []*syntax.Word, line uint, text string) {
	for _, w := range args {
		v, ok := a.resolve(f, w)
		switch {
		case ok && strings.HasPrefix(v, "of="):
			if p := strings.TrimPrefix(v, "of="); !harmlessTarget(p) {
				a.add(Needed, f, line, text, "writes "+p)
			}
			return
		case !ok && strings.HasPrefix(a.text(w), "of="):
			a.add(Unknown, f, line, text, "writes a file named only at run time: "+a.text(w))
			return
		}
	}
}

// hwclock: --systohc saves the system time in the hardware clock, --show
// only reads it.
func (a *analyzer) hwclock(f *frame, args []*syntax.Word, line uint, text string) {
	switch {
	case a.hasArg(f, args, "--systohc", "-w"):
		a.add(Needed, f, line, text, "saves the system clock to the hardware clock")
	case a.hasArg(f, args, "--show", "-r", "--get"):
	default:
		a.add(Needed, f, line, text, "talks to the hardware clock")
	}
}
