//go:build integration

package lifecycle

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/check"
	"github.com/dh-teardown/dh-teardown/dh/internal/debbuild"
)

// helloForgotten is hello 2.0's declaration file without the stanza for hello-legacyd, as
// if the maintainer had forgotten that 2.0 drops it.
const helloForgotten = `# hello 2.0, hello-legacyd forgotten.
Daemon: hellod
Multiuser: yes
Multiuser-Since: 1.1

Info: hello-old
Removed-In: 2.0
`

// helloWithTeardown builds examples/hello/2.0 with debian/hello.teardown replaced by
// declarations (and failure hooks), and returns its .deb.
func helloWithTeardown(t *testing.T, key, declarations string) string {
	t.Helper()
	debs := buildSource(t, "check/"+key, func(dir string) error {
		root, err := debbuild.RepoRoot()
		if err != nil {
			return err
		}
		if err := os.Remove(dir); err != nil {
			return err
		}
		if err := debbuild.CopyTree(filepath.Join(root, "examples/hello/2.0"), dir); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "debian/hello.teardown"), []byte(declarations), 0o644); err != nil {
			return err
		}
		return debbuild.AddFailureHooks(dir, "2.0", "hello")
	})
	return debs["hello"]
}

// checkDebs runs the check and returns its report and text.
func checkDebs(t *testing.T, old, new string) (*check.Report, string) {
	t.Helper()
	r, err := check.Debs(old, new)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, r.WriteText(&b))
	return r, b.String()
}

// TestCheckHello: the bundled example's 1.1 → 2.0 passes the check; with the hello-legacyd
// stanza forgotten it does not, and the upgrade under real dpkg leaves the daemon running
// from an obsolete init script; the stanza the check suggests, pasted into
// debian/hello.teardown and rebuilt, passes the check and the life cycle of the upgrade.
func TestCheckHello(t *testing.T) {
	old := helloDeb(t, "1.1")

	r, text := checkDebs(t, old, helloDeb(t, "2.0"))
	assert.True(t, r.Handled(), text)
	require.Len(t, r.Packages[0].Findings, 3, text)
	assert.Contains(t, text, "hello: init-script /etc/init.d/hello-legacyd: handled by [stop] preinst:")
	assert.Contains(t, text, "hello: conffile /etc/default/hello-legacyd: handled by [conffile] preinst:")
	assert.Contains(t, text, "hello: info /usr/share/info/hello-old.info.gz: handled by dpkg's install-info trigger")

	forgotten := helloWithTeardown(t, "forgotten", helloForgotten)
	r, text = checkDebs(t, old, forgotten)
	assert.False(t, r.Handled(), text)
	var fix string
	for _, f := range r.Packages[0].Findings {
		if f.Path == "/etc/init.d/hello-legacyd" {
			assert.False(t, f.Handled)
			assert.Empty(t, f.HandledBy)
			fix = f.Fix
		}
	}
	assert.Equal(t, "# debian/hello.teardown: 1.1 ships hello-legacyd, 2.0 does not\nDaemon: hello-legacyd\nRemoved-In: 2.0\nConffiles: /etc/default/hello-legacyd\n", fix)

	t.Run("the forgotten upgrade leaves the daemon behind", func(t *testing.T) {
		s := newHello(t)
		s.install(old)
		before := s.r.Pids("hello-legacyd")
		require.NotEmpty(t, before)
		out, err := s.r.Dpkg("-i", debIn(t, s.r, forgotten))
		require.NoError(t, err, out)
		assert.Equal(t, before, s.r.Pids("hello-legacyd"), "nothing stopped it")
		assert.FileExists(t, s.r.Path("/etc/init.d/hello-legacyd"), "an obsolete conffile")
		assert.NotEmpty(t, s.r.RCLinks("hello-legacyd"))
	})

	fixed := helloWithTeardown(t, "fixed", helloForgotten+"\n"+fix)
	r, text = checkDebs(t, old, fixed)
	assert.True(t, r.Handled(), text)
	assert.NotContains(t, text, "not handled")

	t.Run("the fixed upgrade", func(t *testing.T) {
		s := newHello(t)
		s.install(old)
		require.NotEmpty(t, s.r.Pids("hello-legacyd"))
		s.install(fixed)
		s.legacyGone()
		s.noStopLinksAtShutdown("hellod")
		s.purge("hello")
	})
	t.Run("the fixed upgrade fails in its preinst and is undone", func(t *testing.T) {
		s := newHello(t)
		s.install(old)
		s.failedUpgrade("hello", "1.1", fixed, "after the failed upgrade", hook{"2.0", "preinst", "upgrade"})
		assert.NotEmpty(t, s.r.Pids("hello-legacyd"), "hello-legacyd runs again")
		s.heal()
		s.install(fixed)
		s.legacyGone()
		s.purge("hello")
	})
}

// greeterForgotten is greeter 2.0's declaration file without the stanza for greeterd, which
// 1.0 shipped with greeterd.service and greeterd.socket.
const greeterForgotten = `Daemon: greeter-oldd
Removed-In: 2.0
Replaced-By: greeter-newd

Daemon: greeter-movedd
Removed-In: 2.0
`

// greeterWithTeardown builds examples/greeter/2.0 with debian/greeter.teardown replaced by
// declarations, and returns the greeter .deb.
func greeterWithTeardown(t *testing.T, key, declarations string) string {
	t.Helper()
	debs := buildSource(t, "check/greeter-"+key, func(dir string) error {
		root, err := debbuild.RepoRoot()
		if err != nil {
			return err
		}
		if err := os.Remove(dir); err != nil {
			return err
		}
		if err := debbuild.CopyTree(filepath.Join(root, "examples/greeter/2.0"), dir); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, "debian/greeter.teardown"), []byte(declarations), 0o644)
	})
	return debs["greeter"]
}

// TestCheckGreeter: greeter 1.0 → 2.0 (units and a socket, a renamed daemon, a daemon moved to
// another package) passes the check; without the greeterd stanza its unit and socket are not
// handled, and the stanza the check suggests (with Units: greeterd.socket), pasted and rebuilt,
// passes.
func TestCheckGreeter(t *testing.T) {
	old := treeDeb(t, "examples/greeter/1.0", "1.0", "greeter")

	r, text := checkDebs(t, old, treeDeb(t, "examples/greeter/2.0", "2.0", "greeter", "greeter-extra"))
	assert.True(t, r.Handled(), text)
	for _, want := range []string{
		"greeter: init-script /etc/init.d/greeterd: handled by",
		"greeter: unit /lib/systemd/system/greeterd.service: handled by [stop] preinst:",
		"greeter: unit /lib/systemd/system/greeterd.socket: handled by [stop] preinst:",
		"greeter: init-script /etc/init.d/greeter-movedd: handled by",
	} {
		assert.Contains(t, text, want)
	}
	assert.Contains(t, text, "deb-systemd-helper purge greeterd.socket` (dh_teardown)")

	r, text = checkDebs(t, old, greeterWithTeardown(t, "forgotten", greeterForgotten))
	assert.False(t, r.Handled(), text)
	fixes := map[string]bool{}
	for _, f := range r.Packages[0].Findings {
		if !f.Handled {
			fixes[f.Fix] = true
		}
	}
	require.Len(t, fixes, 1, text)
	fix := "# debian/greeter.teardown: 1.0 ships greeterd, 2.0 does not\nDaemon: greeterd\nRemoved-In: 2.0\nUnits: greeterd.socket\n"
	assert.True(t, fixes[fix], "want the fix\n%s\nin\n%s", fix, text)

	r, text = checkDebs(t, old, greeterWithTeardown(t, "fixed", greeterForgotten+"\n"+fix))
	assert.True(t, r.Handled(), text)
}
