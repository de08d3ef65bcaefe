// Package maintscript generates the maintainer-script code (preinst, postinst, prerm,
// postrm) that manages the life cycle of a Debian package's daemons and info documents across
// installs, upgrades, failed upgrades, removals and purges:
//
//   - multiuser daemons, started in runlevels 2-5 and stopped only in runlevel 1, so that
//     shutdown and reboot leave them to sendsigs;
//   - daemons the package no longer ships from a version on: the new preinst stops the old
//     daemon before its files go, its conffiles are removed as dpkg-maintscript-helper
//     rm_conffile does it, a failed upgrade starts it again;
//   - info documents the package no longer ships;
//   - for packaging tools without debhelper, the registration, start, stop and restart on
//     upgrade that debhelper's dh_installinit adds for the init scripts a package ships.
//
// It does no I/O: the caller hands in a [Package] (what it is, what it declares, the init
// scripts it ships) and gets a [Result] from [Render]: the four whole scripts
// ([Result.Scripts], as a tool that builds packages itself writes them), the fragments they
// are made of (with the snippet and subject each comes from, as debhelper's tools write them
// to debian/PKG.SCRIPT.debhelper), notes on what the code does not show, and the init scripts
// as the package must ship them (a multiuser daemon's with its LSB header rewritten).
//
// Declarations come from a declaration file (debian/PKG.teardown: deb822 stanzas, read with
// [ParseDeclarations]) or are built in Go; either way Render checks every name, version and
// path before it reaches a script, and every value is quoted for the shell anyway. Problems
// come as [Diagnostics], all at once, each positioned in its file or, for values built in Go,
// by its subject; [Diagnostics.Fprint] prints them.
//
// The shell itself is written by package templates; this package decides which snippet goes
// where, with what data.
package maintscript
