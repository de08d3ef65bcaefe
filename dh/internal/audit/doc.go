// Package audit finds the init scripts whose stop action at shutdown and
// reboot is redundant with sendsigs, the logic behind
// `teardown audit [--root DIR] [--format text|json]`.
//
// At shutdown (runlevel 0) and reboot (runlevel 6) sysv-rc runs
// "/etc/init.d/NAME stop" for every stop link, one fork/exec of a shell
// each; a little later sendsigs sends every remaining process TERM, waits,
// and sends KILL. A stop action that only signals its daemon and waits
// therefore buys nothing, and the script can be declared multiuser
// (Default-Stop: 1). Audit tells which scripts those are.
//
// # What is audited
//
// Every script in ROOT/etc/init.d that has a link in ROOT/etc/rc0.d or
// ROOT/etc/rc6.d named K<digits><name> or S<digits><name>. S links count:
// /etc/init.d/rc runs the S scripts of runlevels 0 and 6 with "stop" too
// (ACTION=stop), which is how umountfs, urandom or halt were linked before
// dependency-based boot. A link is resolved by its target's base name
// (../init.d/NAME or /etc/init.d/NAME); links whose script is not a regular
// file in etc/init.d are skipped, as rc skips them; README and other
// entries are ignored. The result lists the links, the Default-Stop field
// of the script's LSB header, and the stale links: K links in a runlevel
// Default-Stop does not list, left over because "update-rc.d NAME
// defaults" does nothing while any link exists (a script whose header
// already says Default-Stop: 1 but whose rc0.d/rc6.d links predate it).
//
// # How the stop action is found
//
// The script is parsed with mvdan.cc/sh/v3/syntax, as POSIX shell unless
// its shebang names bash (or mksh). The audit then walks the code that
// "NAME stop" runs, with $1 set to "stop":
//
//   - A case statement on $1 (or ${1:-word}) is the dispatch: only the
//     branch whose patterns match "stop" is the stop action (`stop)`,
//     `stop|force-stop)`, `st*)`, a catch-all `*)`; `;&` and `;;&` are
//     honoured). Other case statements, if/while bodies and both sides of
//     && and || are all taken, except that string comparisons of known
//     values (`[ "$1" = start ]`) are evaluated.
//   - Calls of shell functions defined by the script are followed, with
//     their arguments as positional parameters, so a dispatch inside a
//     function called as `f "$@"` is found. Command substitutions are
//     walked too.
//   - Variables assigned exactly once to a value known without running
//     anything (DAEMON=/usr/sbin/atd, PIDFILE=/var/run/$NAME.pid) are
//     resolved, as are ${VAR-word} and ${VAR:-word}; any other variable,
//     and one assigned only for a command (VAR=x cmd), is a run-time value.
//   - Sourced files: /lib/lsb/init-functions, /lib/init/vars.sh and
//     /etc/default/rcS are known without reading them; other absolute
//     paths are read from ROOT, parsed and walked; an absent
//     /etc/default/* file is taken as empty configuration.
//   - Scripts run by the init-d-script framework (shebang
//     `#!/bin/sh /lib/init/init-d-script` or `#!/lib/init/init-d-script`,
//     or sourcing it) have no dispatch of their own: the audit follows the
//     framework as /lib/init/init-d-script does. It reads
//     /etc/default/$NAME, then runs do_stop_override if the script defines
//     it, else the script's do_stop if it defines one, else the
//     framework's do_stop: do_stop_prepare (if defined), do_stop_cmd
//     (do_stop_cmd_override, else the script's do_stop_cmd, else the
//     framework's default, start-stop-daemon --stop plus removing the
//     pidfile) and do_stop_cleanup (if defined); each hook's _override is
//     preferred, like the framework's `call`.
//
// Code outside the stop action - the preamble every action runs, such as
// `test -x $DAEMON || exit 0` or sourcing the configuration - yields no
// findings of its own: it runs for "status" as much as for "stop", so it
// is not work the daemon needs done at shutdown.
//
// # Classification
//
// At shutdown sendsigs (/etc/init.d/sendsigs) sends every remaining
// process TERM, waits up to about 10 seconds for them to go and sends
// KILL. A stop action is redundant when it does no more than that. Each
// command of the stop action is a finding of one kind:
//
//   - redundant: start-stop-daemon --stop (-K) with TERM or KILL and a
//     --retry schedule that gives the daemon at most 10 s before KILL (or
//     no --retry); killproc (without a signal it is start-stop-daemon
//     --retry 5); kill, pkill and killall with TERM or KILL; sleep; a
//     loop that waits for a process to go, if its bound (rounds × the
//     seconds it sleeps) is at most 10 s; rm of a pidfile (*.pid, or a
//     $...PID... variable), of files under /run, /var/run, /var/lock or
//     /dev/shm, or of a temporary file (a variable only ever set to
//     $(mktemp) or empty). Messages, reads and queries are not findings
//     at all: echo, printf, the log_* and vlog_* helpers, status_of_proc,
//     pidofproc, shell builtins, kill -0, mktemp, programs that only read
//     (cat, grep, sed without -i, awk, pidof, ps, pg_lsclusters...) and
//     read-only invocations (a first operand status or ping, --version,
//     --print-defaults, postmulti -l, initctl list, ip addr, ifconfig -a).
//   - needed: anything else that runs, named with its line. Some programs
//     get a specific reason: hwclock --systohc (saves the system clock),
//     alsactl store (saves the mixer state), dd of=FILE and output
//     redirections to a file outside /run (writes FILE), umount, swapoff,
//     sync, poff (hangs up the PPP link), halt, reboot, poweroff (halt -w:
//     writes the wtmp record), start-stop-daemon --start and start_daemon;
//     rm, touch, mkdir, chmod, cp, ln, mv... of files outside /run change
//     persistent state. Waits: a --retry schedule that gives the daemon
//     more than 10 s before KILL (--retry 30, TERM/30/KILL/5, the
//     init-d-script framework's default TERM/0/CONT/30/KILL/5) or that
//     loops until it is gone (forever, redis-server's forever/TERM/1),
//     killall -w, and a while/until loop on a process test (kill -0,
//     pidof, pgrep, ps, status_of_proc, start-stop-daemon --status, a
//     /proc test) or a for loop that sleeps, whose bound is over 10 s or
//     not known (squid: 24 rounds of sleep 5): a daemon that needs the
//     time to shut down cleanly gets it only from its stop action.
//     sendsigs.omit.d: sendsigs spares the processes listed in
//     /run/sendsigs.omit.d. A stop action that adds an entry there
//     (mdadm links mdmon's pidfiles on stop) is what keeps that process
//     alive through the shutdown; a script that adds one anywhere else
//     (openvpn, rpcbind, nfs-common on start) has a daemon that only its
//     stop action stops - that finding points at the stop branch and
//     names the registering line in its text. sendsigs itself, which
//     reads the list, is exempt; its killall5 is needed anyway.
//   - unknown: the script cannot be parsed (with the parser's line), its
//     interpreter is not a shell, no case on $1 is found (and it is not an
//     init-d-script script), it execs another program for every action,
//     a command's name or a written file is only known at run time ($CMD,
//     $LMT when LMT is assigned twice - unless every value assigned to it
//     starts with a program the audit does not know, which is then
//     needed), a signal or --retry schedule only known at run time, a
//     signal other than TERM or KILL with no long wait (nginx's QUIT,
//     tor's INT: what the daemon does on it only the daemon knows), eval,
//     a sourced file that is not in ROOT, and any later command that could
//     be a function from such a file.
//
// A script is needed if any finding is needed, else unknown if any is
// unknown, else redundant. A stop branch that is empty, a dispatch without
// a branch for stop, and a stop action that only prints messages are
// redundant: the fork/exec is all they cost. Every result has at least one
// reason, and every reason names its file (the script, /etc/init.d/NAME,
// or a file it sources) and a line in it: the command's, or for a finding
// about the stop action as a whole the stop branch's (the line naming the
// init-d-script framework for such scripts, else line 1).
//
// Scripts are read as UTF-8, or as Latin-1 when they are not valid UTF-8
// (smartmontools' has a Latin-1 comment); lines keep their numbers.
//
// # systemd
//
// systemd-sysv-generator makes a unit for /etc/init.d/NAME only when no
// unit NAME.service exists in /etc/systemd/system, /run/systemd/system,
// /usr/local/lib/systemd/system, /usr/lib/systemd/system or
// /lib/systemd/system. When one does - a native unit, an alias, or a
// link to /dev/null (a mask) - a systemd machine never runs the script,
// at shutdown or otherwise, and the result says so (ScriptResult.Systemd,
// Summary.SystemdShadowed). The classification stays: it is about sysv-rc
// machines, where the links are what counts.
//
// # Summary
//
// Summary counts scripts by class and, for the redundant ones, their stop
// links in rc0.d (ShutdownForksSaved) and rc6.d (RebootForksSaved): each
// link is one "/etc/init.d/NAME stop", a fork/exec of a shell that
// declaring the script multiuser removes from every shutdown or reboot.
//
// # Output
//
// WriteText prints a block per script and the summary; WriteJSON prints
// the Report with the JSON field names documented on its types: "root",
// "scripts" (each "name", "class", "reasons", "links", "lsb_header",
// "default_stop", "stale_links" when there are any, "systemd" ("unit",
// "masked") when a systemd machine never runs the script; each reason
// "kind", "file", "line", "command" when it is about one command, "why",
// "via") and "summary" ("scripts", "redundant", "needed", "unknown",
// "shutdown_forks_saved", "reboot_forks_saved", "systemd_shadowed").
//
// # Errors
//
// Audit fails only when ROOT cannot be audited: it does not exist, is not
// a directory, has no etc/init.d, has neither etc/rc0.d nor etc/rc6.d, or
// a directory cannot be read. A script that cannot be read or parsed is an
// unknown result, not an error.
//
// # Limits
//
// The audit reads code, it does not run it: a branch guarded by a
// condition on the system's state is assumed to run, a program it does not
// know is assumed to have effects, a program that only signals a daemon
// under another name (poff signals pppd) is taken at its name, and a wait
// loop's bound is estimated from the largest number its body compares
// with. testdata/debian holds the init scripts of real Debian packages
// with their verdicts, checked by hand.
package audit
