// Package lifecycle has no code of its own: its tests are dh-teardown's life-cycle suite under
// real dpkg (docs/design.md §5 and §6).
//
// The suite builds packages the way a maintainer does — the example source trees of
// examples/hello and generated ones, with dpkg-buildpackage, debhelper and the dh-teardown
// commands built from this checkout (dh_installinit, dh_teardown, the dh add-on) — and drives
// dpkg on them inside throwaway roots (dh/internal/dpkgroot): installs, upgrades across the
// versions that declare a daemon multiuser or remove a daemon or an info document, downgrades,
// removals, purges, reinstalls, multi-package transactions as apt runs them, and failures
// injected into maintainer scripts at each step Policy's upgrade sequence can fail at.
//
// After every step it checks the invariant the generated code is held to:
//
//   - a daemon runs, once, exactly when an installed and configured version of its package ships
//     its init script (and the administrator has not disabled it);
//   - its rc links are those of the installed init script's LSB header (Default-Start as S
//     links, Default-Stop as K links; S turned into K in runlevels 2-5 when disabled), and a
//     package that no longer ships the script leaves no link;
//   - every conffile of the installed version is on disk;
//   - after a purge the root is as it was before the first install (a piuparts-style snapshot
//     comparison), so no conffile, backup or link is left behind.
//
// Each maintainer script of each package the suite builds carries a hand-written hook after
// #DEBHELPER# that fails when the marker file debbuild.FailureMarker names exists inside the
// root (debbuild.AddFailureHooks); a scenario creates the marker to fail that step.
//
// The tests need root; without it they skip, except with CI=true, where they fail.
package lifecycle
