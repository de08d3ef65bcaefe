package audit

import (
	"path"
	"slices"
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
	// temporary files: mktemp makes one under $TMPDIR or /tmp, nothing the
	// daemon needs saved
	"mktemp", "tempfile",
	// queries: PostgreSQL's cluster list, upstart's job status
	"pg_lsclusters", "status", "pstree",
)

// readOnly are invocations of programs with effects that only print or
// query: a program and an argument that makes it do so ("" for any
// program).
var readOnly = map[string][]string{
	"postmulti": {"-l"},
	"initctl":   {"list", "status"},
	"":          {"--print-defaults", "--version", "--help"},
}

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
		if names := a.candidates(words[0]); len(names) > 0 {
			a.add(Needed, f, line, text, "runs "+strings.Join(names, " or ")+", which sendsigs would not")
			return
		}
		a.add(Unknown, f, line, text, "runs a command named only at run time: "+a.text(words[0]))
		return
	}
	if target, ok := a.aliases[name]; ok {
		name = target
	}
	if strings.ContainsAny(name, " \t\n") && !quoted(words[0]) {
		// $ERR_LOGGER with ERR_LOGGER="logger -p daemon.err": the shell
		// splits the value into the command and its first arguments
		a.run(f, append(a.split(f, words[:1]), words[1:]...), line, text)
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
	case "alias":
		for _, w := range args {
			if v, ok := a.resolve(f, w); ok {
				if k, target, ok := strings.Cut(v, "="); ok {
					a.aliases[k] = target
				}
			}
		}
		return
	case "eval":
		a.add(Unknown, f, line, text, "evaluates a string as shell code")
		return
	case "exec", "nohup", "builtin", "fstab-decode", "command", "env", "nice":
		if rest, plain := a.wrapped(f, base, args); len(rest) > 0 {
			if base == "exec" && !a.inStop && !a.dispatched && a.handoff == nil {
				// exec /usr/lib/libvirt/libvirt-guests.sh "$@": every action,
				// stop too, is that program's
				a.handoff = &Reason{Kind: Unknown, Line: int(line), Command: text,
					Why: "hands every action, stop too, to " + a.text(rest[0]) + ", which the audit does not read"}
			}
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
	if a.readOnly(f, base, args) {
		return
	}
	switch {
	case quiet[base]:
	case base == "sleep" || base == "usleep":
		a.add(Redundant, f, line, text, signals[base]+"; sendsigs signals every process and waits anyway")
	case signals[base] != "":
		a.signal(f, base, args, line, text)
	case effects[base] != "":
		a.add(Needed, f, line, text, effects[base])
	case fileChangers[base] && a.mentionsOmit(args):
		a.omitEntry(f, line, text)
	case fileChangers[base]:
		a.changeFiles(f, base, args, line, text)
	case a.opaque != "" && !strings.Contains(name, "/"):
		a.add(Unknown, f, line, text, "calls "+name+", which may be a function from "+a.opaque+", which the audit could not read")
	default:
		a.add(Needed, f, line, text, "runs "+name+", which sendsigs would not")
	}
}

// signal classifies kill, pkill, killall and killproc by the signal they
// send: TERM or KILL is what sendsigs sends, signal 0 only tests whether
// a process exists, and anything else is the daemon's own business.
// killproc without a signal is start-stop-daemon --stop --retry 5 (see
// /lib/lsb/init-functions); killall -w waits for the processes to die.
func (a *analyzer) signal(f *frame, cmd string, args []*syntax.Word, line uint, text string) {
	sig, known := "TERM", true
	wait := 0
	var operands []string
	for i := 0; i < len(args); i++ {
		v, ok := a.resolve(f, args[i])
		switch {
		case !ok && len(operands) == 0 && strings.HasPrefix(a.text(args[i]), "-"):
			known = false
		case !ok:
			operands = append(operands, a.text(args[i]))
		case cmd == "killproc" && v == "-p":
			i++
		case (v == "-s" || v == "--signal" || v == "-n") && cmd != "killproc":
			if i+1 < len(args) {
				i++
				sig, ok = a.resolve(f, args[i])
				known = known && ok
			}
		case strings.HasPrefix(v, "--signal="):
			sig = strings.TrimPrefix(v, "--signal=")
		case v == "-l" || v == "-L" || v == "--list":
			return // lists signal names
		case cmd == "killall" && (v == "-w" || v == "--wait"):
			wait = forever
		case strings.HasPrefix(v, "-") && len(v) > 1 && cmd != "killproc":
			if name, ok := signalName(v); ok && (cmd == "kill" || v != strings.ToLower(v) || strings.Trim(v[1:], "0123456789") == "") {
				sig = name
			}
		default:
			operands = append(operands, v)
		}
	}
	if cmd == "killproc" {
		wait = 5
		if len(operands) > 1 {
			sig, wait = operands[1], 0
		}
	}
	name, ok := signalName(sig)
	switch {
	case !known || !ok:
		a.add(Unknown, f, line, text, "sends a signal known only at run time: sendsigs sends TERM, waits about 10 s, then KILL")
	case name == "0":
		// only tests whether the process is there
	default:
		a.stopWait(f, line, text, signals[cmd], schedule{signal: name, grace: wait})
	}
}

// readOnly reports whether this invocation of a program only prints or
// queries: see the readOnly table; besides, a first operand "status" or
// "ping" (fail2ban-client status), "ip OBJECT [show|list]" and ifconfig
// without operands.
func (a *analyzer) readOnly(f *frame, base string, args []*syntax.Word) bool {
	if a.hasArg(f, args, readOnly[""]...) || (len(readOnly[base]) > 0 && a.hasArg(f, args, readOnly[base]...)) {
		return true
	}
	var ops []string
	for _, w := range args {
		v, ok := a.resolve(f, w)
		if !ok {
			return false
		}
		if !strings.HasPrefix(v, "-") {
			ops = append(ops, v)
		}
	}
	switch {
	case len(ops) > 0 && (ops[0] == "status" || ops[0] == "ping"):
		return true
	case base == "ip":
		return len(ops) == 1 || (len(ops) > 1 && (ops[1] == "show" || ops[1] == "list" || ops[1] == "ls"))
	case base == "ifconfig":
		return len(ops) == 0
	}
	return false
}

// candidates returns the programs a command word $VAR may name when VAR is
// assigned in several places (MYADMIN="/usr/bin/mariadb-admin ..." or
// "/usr/bin/mysqladmin ..."), if the first field of each value is written
// out and is a program the audit knows nothing more about; nil otherwise.
func (a *analyzer) candidates(w *syntax.Word) []string {
	p := soleParam(w)
	if p == nil || quoted(w) || p.Exp != nil || len(a.every[p.Param.Value]) < 2 {
		return nil
	}
	var names []string
	for _, v := range a.every[p.Param.Value] {
		// CMD="/usr/sbin/postmulti -i $INSTANCE -x ${DAEMON}"
		fields := strings.Fields(strings.Trim(a.text(v), `"'`))
		if len(fields) == 0 || strings.ContainsAny(fields[0], "$`\\\"'") {
			return nil
		}
		base := path.Base(fields[0])
		if quiet[base] || signals[base] != "" || effects[base] != "" || fileChangers[base] || len(a.funcs[fields[0]]) > 0 {
			return nil
		}
		if !slices.Contains(names, fields[0]) {
			names = append(names, fields[0])
		}
	}
	return names
}

// mayHoldOption reports whether w is $VAR and a value assigned to VAR
// names one of the options.
func (a *analyzer) mayHoldOption(w *syntax.Word, opts ...string) bool {
	p := soleParam(w)
	if p == nil || quoted(w) {
		return false
	}
	for _, v := range a.every[p.Param.Value] {
		t := " " + a.text(v) + " "
		for _, o := range opts {
			if strings.Contains(t, " "+o) {
				return true
			}
		}
	}
	return false
}

// split turns each unquoted word whose value is known and has spaces
// into the words the shell splits it into (SSD_OPTIONS="--oknodo --exec
// $DAEMON").
func (a *analyzer) split(f *frame, args []*syntax.Word) []*syntax.Word {
	out := make([]*syntax.Word, 0, len(args))
	for _, w := range args {
		v, ok := a.resolve(f, w)
		if !ok || quoted(w) || !strings.ContainsAny(v, " \t\n") {
			out = append(out, w)
			continue
		}
		for _, field := range strings.Fields(v) {
			out = append(out, lit(field))
		}
	}
	return out
}

// quoted reports whether a word has quotes, which keep the shell from
// splitting it.
func quoted(w *syntax.Word) bool {
	for _, p := range w.Parts {
		switch p.(type) {
		case *syntax.DblQuoted, *syntax.SglQuoted:
			return true
		}
	}
	return false
}

// mentionsOmit reports whether an argument names /run/sendsigs.omit.d.
func (a *analyzer) mentionsOmit(args []*syntax.Word) bool {
	for _, w := range args {
		if containsOmit(a.text(w)) {
			return true
		}
	}
	return false
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

// startStopDaemon: --stop signals and, with --retry, waits (see
// stopWait), --start starts a program, --status only tests.
func (a *analyzer) startStopDaemon(f *frame, args []*syntax.Word, line uint, text string) {
	args = a.split(f, args)
	mode := ""
	signal, retry := "TERM", ""
	signalKnown, retryKnown := true, true
	for i := 0; i < len(args); i++ {
		v, ok := a.resolve(f, args[i])
		if !ok {
			switch t := a.text(args[i]); {
			case strings.HasPrefix(t, "--signal="):
				signalKnown = false
			case strings.HasPrefix(t, "--retry="):
				retryKnown = false
			case a.mayHoldOption(args[i], "--signal", "-s ", "--retry", "-R "):
				// ssd_args="... --nicelevel $niceness ...": the options
				// this variable holds are known by their text
				signalKnown, retryKnown = false, false
			}
			continue
		}
		// the value of --signal and --retry, in any of their spellings
		value := func(long, short string) (string, bool, bool) {
			switch {
			case strings.HasPrefix(v, long+"="):
				return strings.TrimPrefix(v, long+"="), true, true
			case v == long || v == short:
				if i+1 < len(args) {
					i++
					val, ok := a.resolve(f, args[i])
					return val, ok, true
				}
				return "", false, true
			}
			return "", false, false
		}
		if val, ok, is := value("--signal", "-s"); is {
			signal, signalKnown = val, ok
			continue
		}
		if val, ok, is := value("--retry", "-R"); is {
			retry, retryKnown = val, ok
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
		sig, ok := signalName(signal)
		if !signalKnown || !retryKnown || !ok {
			a.add(Unknown, f, line, text, "stops the daemon with a signal or --retry schedule known only at run time: sendsigs sends TERM, waits about 10 s, then KILL")
			return
		}
		s := schedule{signal: sig}
		if retry != "" {
			if s, ok = parseSchedule(sig, retry); !ok {
				a.add(Unknown, f, line, text, "a --retry schedule the audit cannot read: "+retry)
				return
			}
		}
		a.stopWait(f, line, text, "signals the daemon", s)
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
		case !oks[i] && a.tempOperand(f, args, texts[i]):
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
	a.add(Redundant, f, line, text, "removes a pidfile, a runtime or a temporary file, which leaves nothing a reboot would keep")
}

// tempOperand reports whether the operand printed as text is a variable
// that only holds a temporary file's name.
func (a *analyzer) tempOperand(f *frame, args []*syntax.Word, text string) bool {
	for _, w := range args {
		if a.text(w) == text {
			return a.isTemp(w)
		}
	}
	return false
}

// changeFiles: changing files under /run only is harmless, anything else
// changes persistent state. ln, cp and install change only their last
// operand, the target.
func (a *analyzer) changeFiles(f *frame, cmd string, args []*syntax.Word, line uint, text string) {
	optArg := map[string]bool{"-m": true, "--mode": true, "-o": true, "-g": true, "--owner": true, "--group": true, "-s": true, "--size": true}
	vals, texts, oks := a.operands(f, args, optArg)
	switch {
	case len(vals) > 0 && (cmd == "chmod" || cmd == "chown" || cmd == "chgrp"):
		vals, texts, oks = vals[1:], texts[1:], oks[1:]
	case len(vals) > 1 && (cmd == "ln" || cmd == "cp" || cmd == "install"):
		n := len(vals) - 1
		vals, texts, oks = vals[n:], texts[n:], oks[n:]
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
