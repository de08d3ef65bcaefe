// Package unstable checks dh-teardown under Debian unstable's debhelper and lintian: its
// integration test builds the example packages (examples/hello 1.0, 1.1 and 2.0, and 2.0 in
// compat 14) with dpkg-buildpackage and unstable's dh inside a debootstrapped unstable root
// (dh/internal/debroot), with dh_teardown, the drop-in dh_installinit and the dh add-on
// staged from this checkout (built without cgo, so that they run there), and runs unstable's
// lintian on the packages. The package has no code of its own.
package unstable
