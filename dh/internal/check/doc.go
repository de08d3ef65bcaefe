// Package check implements "teardown check": what the old version of a binary package ships
// and the new version does not — init scripts, systemd units, conffiles, info documents —
// whether the new version's maintainer scripts handle each, and the declaration that would.
//
// Both versions are read in-process: a .deb with ReadDeb (ar, control and data members,
// gzip/xz/zstd/bzip2/lzma or no compression, through pault.ag/go/debian/deb), or the
// package a build staged in DIR/debian/PKG with ReadStaged. Compare then lists, per kind:
//
//   - init-script: /etc/init.d/NAME. Handled when the daemon is stopped before the new
//     version is unpacked (a guarded invoke-rc.d NAME stop, deb-systemd-invoke or systemctl
//     stop NAME.service, service NAME stop or /etc/init.d/NAME stop in the new preinst for an
//     upgrade from the old version, or the old prerm stopping it on upgrade), the init script
//     — a conffile — is removed (below), and its rc links go (update-rc.d NAME remove in the
//     new preinst or postinst).
//   - unit: a unit file in /lib/systemd/system or /usr/lib/systemd/system that is in neither
//     directory of the new version (a unit that moved between the two did not disappear;
//     symbolic links are aliases or masks and are not checked). Services, sockets, timers
//     and paths must be stopped as above (deb-systemd-invoke stop UNIT, systemctl stop UNIT,
//     or invoke-rc.d for the service of an init script); a unit with an [Install] section,
//     or that the old postinst handed to deb-systemd-helper, must lose its enablement
//     (deb-systemd-helper purge UNIT in the new preinst or postinst). A template or static
//     unit with nothing to stop or purge is reported as handled.
//   - conffile: a line of the old DEBIAN/conffiles that the new one lacks. Handled by
//     dpkg-maintscript-helper rm_conffile (or mv_conffile) in each of preinst, postinst and
//     postrm, passing -- "$@", with a prior version that covers the old version (the helper
//     acts when the old version is <= prior; no prior version acts on every upgrade), or by
//     the remove-on-upgrade flag in the new conffiles (handled, with its caveats stated).
//     /etc/init.d/NAME is part of its init-script finding.
//   - info: a document in /usr/share/info (NAME.info, its parts and compressions) is handled
//     by dpkg's install-info trigger; a document elsewhere that the old postinst registered
//     with install-info needs install-info --remove in the new preinst (guarded) or the old
//     prerm.
//
// The scripts are parsed with mvdan.cc/sh/v3 and walked for one invocation each — new
// preinst "upgrade OLD NEW", new postinst "configure OLD", new postrm "abort-upgrade OLD
// NEW", old prerm "upgrade NEW", old postinst "configure" — with if, case, && and || decided
// where the arguments decide them (dpkg --compare-versions is evaluated, so a version guard
// that excludes the old version is seen), for loops over literal words, variables set to
// literal values and shell functions followed. What depends on the system (file tests,
// command -v, the init system) counts as possibly run. Generated and hand-written code are
// judged alike; a command inside a debhelper marker block ("# Automatically added by
// TOOL/VERSION") is reported with TOOL, others as hand-written.
//
// Each finding not fully handled carries a fix: the debian/PKG.teardown stanza (a Daemon
// with Removed-In, Units and Conffiles for the daemon's units and /etc/default/NAME; an Info
// with File and Registration: explicit) or the debian/PKG.maintscript line (rm_conffile PATH
// NEW~), with Removed-In the new version without a binNMU suffix.
package check
