// Package simulate runs Debian maintainer scripts in-process against a
// simulated system and drives whole dpkg transitions through them, so that
// tests and "teardown explain" can see, for each dpkg call, the commands
// the scripts ran and what those did. Nothing on the host is read, written
// or executed.
//
// # Scripts
//
// RunScript and the dpkg operations execute scripts with mvdan.cc/sh/v3's
// interpreter in POSIX mode. The environment is what dpkg sets
// (DPKG_MAINTSCRIPT_PACKAGE, DPKG_MAINTSCRIPT_NAME, DPKG_MAINTSCRIPT_ARCH,
// DPKG_RUNNING_VERSION, DPKG_ADMINDIR, DPKG_ROOT only when System.Root is
// set, PATH) plus HOME=/root, and nothing from the host. Redirections, test
// operators ([ -e ], -f, -d, -L, -x ...), globbing, "command -v" and "type"
// all answer from the simulated file system; "set -e" behaves as in dash.
// Every external command is one of the simulated tools below or, if it is
// not found or not simulated, a logged failure with exit status 127, so a
// script calling something unexpected is caught (see Trace.Unknown).
//
// # Simulated commands
//
// Each models the real tool, read from its source on Debian 12:
// invoke-rc.d (init-system-helpers 1.65.2, sysvinit branch, runlevel
// System.Runlevel), update-rc.d (the same, without insserv: links from the
// LSB header, "defaults" a no-op once any link exists, "remove" deletes all
// links even when the script still exists), dpkg --compare-versions (every
// operator, compared with pault.ag/go/debian/version), --validate-version
// and --print-architecture, dpkg-maintscript-helper supports, rm_conffile
// and mv_conffile (dpkg 1.21.22, step for step), install-info (GNU texinfo
// 6.8), chmod, rm, mv, ln, mkdir, which, deb-systemd-helper (1.65.2, step
// for step: its state files under /var/lib/systemd, compared with the real
// tool under DPKG_ROOT), deb-systemd-invoke and systemctl.
// Init scripts themselves are not interpreted: /etc/init.d/NAME ACTION, run
// by invoke-rc.d or directly, flips System.Running[NAME] like a
// well-behaved LSB script (System.InitFailures makes an action fail).
//
// # systemd
//
// NewSystem is a sysvinit machine. After BootSystemd, /run/systemd/system
// exists and the tools take their systemd branches: invoke-rc.d hands the
// action to systemctl on NAME.service (and --skip-systemd-native skips a
// native unit), update-rc.d reloads systemd, deb-systemd-invoke starts only
// enabled units. systemctl keeps unit states in System.Active; a unit file
// is read from /etc/systemd/system, /run/systemd/system, /lib/systemd/system
// or /usr/lib/systemd/system each time it is needed, a link to /dev/null
// in /etc/systemd/system masks it, and NAME.service without a unit file
// is generated from an executable /etc/init.d/NAME (its state is
// System.Running[NAME], its enablement the S links). daemon-reload is only
// logged: there is no cache of unit files for it to refresh. Every preset
// says "enable", as Debian's default preset does.
//
// # dpkg
//
// Install, Unpack, Configure, Remove and Purge follow Debian Policy 6.5 to
// 6.8 and dpkg 1.21's unpack.c, configure.c and removal.c: the order of
// script calls and their arguments, the fallback to the new package's
// script (prerm and postrm failed-upgrade), the error unwind with the
// statuses it leaves, the point of no return after the old postrm,
// conffiles unpacked as .dpkg-new and put in place at configure, obsolete
// conffiles kept, and config-files state keeping the postrm, the conffiles
// and the last configured version. Fail injects a failure at any script
// invocation (or at the extraction) and the Trace shows the unwinding.
//
// # Deliberate differences from real dpkg
//
//   - No triggers, diversions, alternatives, statoverrides, Replaces,
//     Conflicts or Breaks, dependencies, or file conflicts between packages;
//     one package per operation, so no deconfigure, disappear or in-favour
//     invocations.
//   - Directories are created as needed and never removed by dpkg.
//   - Conffile prompts are answered as with --force-confold: a conffile the
//     admin modified is kept and the new version left as .dpkg-dist; one the
//     admin deleted stays deleted. Conffiles count as modified only when
//     their content differs from the hash in the database (edit them with
//     FS.WriteFile to simulate an admin's change).
//   - On purge dpkg deletes each conffile with the variants in
//     purgeSuffixes (.dpkg-old, .dpkg-new, .dpkg-dist, .dpkg-tmp, ~, %).
//   - No policy-rc.d: invoke-rc.d and deb-systemd-invoke behave as with
//     none installed.
//   - No user instances: deb-systemd-helper --user keeps its own state
//     directories; deb-systemd-invoke --user does nothing.
//   - install-info keys dir entries by the document's file name and ignores
//     the sections and entries inside the info file.
//   - "command -v NAME" does not know shell functions (it answers from
//     builtins and the simulated PATH only).
//   - A script that fails to parse as POSIX shell exits 2, like sh.
//   - When a step of the error unwind fails, the rest of the unwind
//     (including restoring the replaced files) is skipped, as dpkg skips the
//     remaining package cleanups; the status is what dpkg would record.
//   - Fail also fails an invocation of a script the package does not have,
//     so that a generic "preinst fails" can be injected for any package.
//   - update-rc.d "remove" succeeds while the init script still exists, with
//     or without -f: that is what the plain (non-insserv) code path of
//     init-system-helpers 1.65.2 does; older update-rc.d refused.
package simulate
