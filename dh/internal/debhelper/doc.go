// Package debhelper holds the debhelper conventions the dh-teardown
// commands (dh_teardown and the drop-in dh_installinit) share, mirroring
// Dh_Lib.pm and Dh_Getopt.pm of debhelper 13.11.4:
//
//   - ParseOptions: the common options (-p, -N, -a, -i, -v, --no-act, -O…),
//     DH_OPTIONS and the other environment variables, plus a command's own
//     Flags, with Getopt::Long's bundling rules;
//   - SelectPackages and LookupHost: which binary packages of
//     debian/control to act on for the host architecture;
//   - DebianDir.PkgFile: finding debian/PKG.NAME and its variants;
//   - Plan: staging files, maintainer-script blocks (debian/PKG.SCRIPT.debhelper
//     and the service bucket) and substvars, written idempotently and all at
//     once by Commit;
//   - Warning and ReportError: debhelper's message format and exit codes.
//
// It reads and writes only below the source tree a Plan is given.
package debhelper
