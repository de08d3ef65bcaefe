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
// Each command of the stop action is a finding of one kind:
//
//   - redundant: start-stop-daemon --stop (-K), killproc, kill, pkill,
//     killall, sleep; rm of a pidfile (*.pid, or a $...PID... variable) or
//     of files under /run, /var/run, /var/lock or /dev/shm. Messages and
//     reads are not findings at all: echo, printf, the log_* and vlog_*
//     helpers, status_of_proc, pidofproc, shell builtins, and programs
//     that only read (cat, grep, sed without -i, awk, pidof, ps, date...).
//   - needed: anything else that runs, named with its line. Some programs
//     get a specific reason: hwclock --systohc (saves the system clock),
//     alsactl store (saves the mixer state), dd of=FILE and output
//     redirections to a file outside /run (writes FILE), umount, swapoff,
//     sync, poff (hangs up the PPP link), halt, reboot, poweroff (halt -w:
//     writes the wtmp record), start-stop-daemon --start
//     and start_daemon; rm, touch, mkdir, chmod, cp, mv... of files
//     outside /run change persistent state. A script that mentions
//     sendsigs.omit anywhere is needed: sendsigs spares the processes
//     listed in /run/sendsigs.omit.d, so their stop action is the only one
//     (sendsigs itself, which reads that list, is exempt; its killall5 is
//     needed anyway).
//   - unknown: the script cannot be parsed (with the parser's line), its
//     interpreter is not a shell, no case on $1 is found (and it is not an
//     init-d-script script), a command's name or a written file is only
//     known at run time ($CMD, $LMT when LMT is assigned twice), eval, a
//     sourced file that is not in ROOT, and any later command that could
//     be a function from such a file.
//
// A script is needed if any finding is needed, else unknown if any is
// unknown, else redundant. A stop branch that is empty, a dispatch without
// a branch for stop, and a stop action that only prints messages are
// redundant: the fork/exec is all they cost. Every result has at least one
// reason.
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
// "default_stop", "stale_links" when there are any; each reason "kind", "file", "line", "command", "why",
// "via") and "summary" ("scripts", "redundant", "needed", "unknown",
// "shutdown_forks_saved", "reboot_forks_saved").
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
// know is assumed to have effects (so a query such as `pg_lsclusters` in a
// stop branch makes the script needed), and a program that only signals a
// daemon under another name (poff signals pppd) is taken at its name.
package audit
