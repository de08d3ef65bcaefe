// Package examplebuild holds an integration suite (go test -tags integration): it builds the
// example source packages examples/hello/{1.0,1.1,2.0} and examples/greeter/{1.0,2.0} with
// dpkg-buildpackage and the dh-teardown commands staged from this checkout (package
// debbuild), checks what dh_teardown and the drop-in dh_installinit put into them, runs
// lintian on them (no error, no warning), and builds dh-teardown's own Debian package from
// the checkout's tracked files.
package examplebuild
