//go:build integration

package lifecycle

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A dist-upgrade as apt runs it: dpkg --unpack of every package, then dpkg --configure -a.
// Between the two the new versions are unpacked but not configured: daemons with the restart
// policy keep running (the point of restarting in postinst), removed daemons are already
// stopped.
//
// lcinfo's explicit registration is not checked here: hello ships a document in
// /usr/share/info, so install-info's trigger runs update-info-dir, which rebuilds
// /usr/share/info/dir from that directory alone and so drops lcinfo's entry (its document
// lives elsewhere) whatever the maintainer scripts do. info_test.go checks it without hello.

// newTransaction opens a scenario with hello, lcinfo and lclib at version 1.0 installed in one
// dpkg -i, and returns it with the 2.0 packages (paths inside the root).
func newTransaction(t *testing.T) (*scenario, []string) {
	t.Parallel()
	daemons := map[string]string{}
	for name, pkg := range helloDaemons {
		daemons[name] = pkg
	}
	for name, pkg := range libDaemons {
		daemons[name] = pkg
	}
	s := newScenario(t, daemons)
	s.infos[helloInfo] = "hello"
	lib := libDebs(t)
	s.install(helloDeb(t, "1.0"), lcinfoDeb(t, "1.0"), lib["1.0"])
	return s, s.in(helloDeb(t, "2.0"), lcinfoDeb(t, "2.0"), lib["2.0"])
}

func TestAptLikeTransaction(t *testing.T) {
	s, next := newTransaction(t)
	hellod := s.pid("hellod")

	out, err := s.r.Dpkg(append([]string{"--unpack"}, next...)...)
	require.NoError(t, err, out)
	for _, pkg := range []string{"hello", "lcinfo", "lclib"} {
		assert.Equal(t, "unpacked", s.status(pkg), pkg)
	}
	assert.Equal(t, hellod, s.pid("hellod"), "hellod keeps running until its postinst restarts it")
	assert.Len(t, s.r.Pids("hellod"), 1)
	assert.Empty(t, s.r.Pids("hello-legacyd"), "the removed daemon is stopped before its files go")
	assert.Empty(t, s.r.Pids(libDaemon), "the removed daemon is stopped before its files go")

	s.dpkg("--configure", "-a")
	assert.NotEqual(t, hellod, s.pid("hellod"), "configuring restarts hellod")
	s.legacyGone()
	s.noStopLinksAtShutdown("hellod")
	s.dpkg("--purge", "hello", "lcinfo", "lclib")
}

func TestAptLikeTransactionWithAFailedConfigure(t *testing.T) {
	s, next := newTransaction(t)
	out, err := s.r.Dpkg(append([]string{"--unpack"}, next...)...)
	require.NoError(t, err, out)

	s.failAt("hello", "2.0", "postinst", "configure")
	s.dpkgFails("--configure", "-a")
	assert.Equal(t, "half-configured", s.status("hello"))
	assert.Equal(t, "installed", s.status("lcinfo"))
	assert.Equal(t, "installed", s.status("lclib"))

	s.heal()
	s.dpkg("--configure", "-a")
	s.legacyGone()
	s.dpkg("--purge", "hello", "lcinfo", "lclib")
}
