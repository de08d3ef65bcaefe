//go:build integration

package lifecycle

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dh-teardown/dh-teardown/dh/internal/debbuild"
	"github.com/dh-teardown/dh-teardown/dh/internal/dpkgroot"
	"github.com/dh-teardown/dh-teardown/maintscript"
)

// scenario is one sequence of dpkg operations on a fresh root, checking the invariant after
// every step.
type scenario struct {
	t *testing.T
	r *dpkgroot.Root
	// daemons maps every init script any version of the packages under test ships to its
	// package.
	daemons map[string]string
	// infos maps the files of explicitly registered info documents to their package.
	infos map[string]string
	// disabled holds the daemons the administrator disabled (update-rc.d NAME disable).
	disabled map[string]bool
	// before is the root before the first install.
	before dpkgroot.Snapshot
}

// newScenario opens a root for t and records it before anything is installed. daemons maps
// each init script name to the package that ships (or shipped) it.
func newScenario(t *testing.T, daemons map[string]string) *scenario {
	t.Helper()
	r := dpkgroot.New(t)
	before, err := r.Snapshot()
	require.NoError(t, err)
	return &scenario{t: t, r: r, daemons: daemons, infos: map[string]string{}, disabled: map[string]bool{}, before: before}
}

// dpkg runs dpkg with args, requires it to succeed and checks the invariant.
func (s *scenario) dpkg(args ...string) string {
	s.t.Helper()
	out, err := s.r.Dpkg(args...)
	require.NoError(s.t, err, "dpkg %s", strings.Join(args, " "))
	s.check("after dpkg " + strings.Join(args, " "))
	return out
}

// dpkgFails runs dpkg with args and requires it to fail with the injected failure; it does not
// check the invariant (the caller knows what state dpkg left).
func (s *scenario) dpkgFails(args ...string) string {
	s.t.Helper()
	out, err := s.r.Dpkg(args...)
	require.Error(s.t, err, "dpkg %s should fail\n%s", strings.Join(args, " "), out)
	require.Contains(s.t, out, debbuild.FailureMessage, "dpkg %s failed, but not by the injected failure", strings.Join(args, " "))
	return out
}

// install runs dpkg -i on the host .debs (copied into the root).
func (s *scenario) install(debs ...string) string {
	s.t.Helper()
	return s.dpkg(append([]string{"-i"}, s.in(debs...)...)...)
}

// in copies the host .debs into the root and returns their paths there.
func (s *scenario) in(debs ...string) []string {
	s.t.Helper()
	var paths []string
	for _, deb := range debs {
		paths = append(paths, debIn(s.t, s.r, deb))
	}
	return paths
}

// failAt makes the hook of pkg VERSION's script fail when run with action.
func (s *scenario) failAt(pkg, version, script, action string) {
	s.t.Helper()
	marker := debbuild.FailureMarker(pkg, version, script, action)
	s.r.MustRun(s.t, "mkdir -p "+path.Dir(marker)+" && touch "+marker)
}

// hook is a maintainer script of a version called with an action.
type hook struct{ version, script, action string }

// failedUpgrade makes the hooks of pkg fail, requires dpkg -i of the host .deb newDeb to fail
// by them, and checks that dpkg unwound the upgrade: pkg installed at version from and the
// invariant true (step names the check). The markers stay until heal.
func (s *scenario) failedUpgrade(pkg, from, newDeb, step string, fails ...hook) {
	s.t.Helper()
	for _, h := range fails {
		s.failAt(pkg, h.version, h.script, h.action)
	}
	s.dpkgFails("-i", s.in(newDeb)[0])
	assert.Equal(s.t, "installed", s.status(pkg))
	assert.Equal(s.t, from, s.version(pkg))
	s.check(step)
}

// heal removes every failure marker.
func (s *scenario) heal() {
	s.t.Helper()
	s.r.MustRun(s.t, "rm -rf "+path.Dir(debbuild.FailureMarker("", "", "", "")))
}

// status returns pkg's dpkg state.
func (s *scenario) status(pkg string) string {
	s.t.Helper()
	st, err := s.r.PackageStatus(pkg)
	require.NoError(s.t, err)
	return st
}

// version returns the version of pkg dpkg has, "" when it has none.
func (s *scenario) version(pkg string) string {
	s.t.Helper()
	out, _, err := s.r.Run("dpkg-query -f '${Version}' -W " + pkg + " 2>/dev/null || true")
	require.NoError(s.t, err)
	return out
}

// conffile is one entry of a package's Conffiles.
type conffile struct {
	path     string
	obsolete bool
}

// conffiles returns the conffiles dpkg records for pkg.
func (s *scenario) conffiles(pkg string) []conffile {
	s.t.Helper()
	out, _, err := s.r.Run("dpkg-query -f '${Conffiles}' -W " + pkg + " 2>/dev/null || true")
	require.NoError(s.t, err)
	var cs []conffile
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		cs = append(cs, conffile{path: f[0], obsolete: len(f) > 2 && f[2] == "obsolete"})
	}
	return cs
}

// ships reports whether pkg's version in dpkg's database ships /etc/init.d/name as a live
// conffile.
func (s *scenario) ships(pkg, name string) bool {
	for _, c := range s.conffiles(pkg) {
		if c.path == "/etc/init.d/"+name && !c.obsolete {
			return true
		}
	}
	return false
}

// disable disables the daemon as an administrator does.
func (s *scenario) disable(name string) {
	s.t.Helper()
	s.r.MustRun(s.t, "update-rc.d "+name+" disable >/dev/null && invoke-rc.d "+name+" stop")
	s.disabled[name] = true
	s.check("after update-rc.d " + name + " disable")
}

// check asserts the invariant of docs/design.md §5 for every daemon and package under test; when no
// package is known to dpkg any more, also that the root is as before the first install.
func (s *scenario) check(step string) {
	s.t.Helper()
	pkgs := map[string]bool{}
	for _, name := range sortedKeys(s.daemons) {
		pkg := s.daemons[name]
		pkgs[pkg] = true
		st := s.status(pkg)
		shipped := st != "not-installed" && s.ships(pkg, name)
		wantRunning := st == "installed" && shipped && !s.disabled[name]
		pids := s.r.Pids(name)
		if wantRunning {
			assert.Len(s.t, pids, 1, "%s: %s %s (%s) ships %s: it must run, once", step, pkg, s.version(pkg), st, name)
			assert.True(s.t, s.r.Running("/run/"+name+".pid"), "%s: %s: its pid file names no live process", step, name)
		} else {
			assert.Empty(s.t, pids, "%s: %s must not run (%s %s is %s, ships it: %v, disabled: %v)", step, name, pkg, s.version(pkg), st, shipped, s.disabled[name])
		}
		// Links are settled only in these states: an unpacked or half-configured package may
		// carry a header its postinst has not applied yet.
		if st == "installed" || st == "config-files" || st == "not-installed" {
			want := []string(nil)
			if shipped {
				want = s.headerLinks(name)
			}
			assert.Equal(s.t, want, linkKinds(s.r.RCLinks(name)), "%s: rc links of %s (%s %s is %s)", step, name, pkg, s.version(pkg), st)
		}
	}
	for _, file := range sortedKeys(s.infos) {
		pkg := s.infos[file]
		pkgs[pkg] = true
		st := s.status(pkg)
		if st != "installed" && st != "config-files" && st != "not-installed" {
			continue
		}
		_, err := s.r.ReadFile(file)
		shipped := st == "installed" && err == nil
		assert.Equal(s.t, shipped, s.infoRegistered(file), "%s: %s is registered in %s exactly when %s ships it (%s %s is %s)", step, file, infoDir, pkg, pkg, s.version(pkg), st)
	}
	allGone := true
	for pkg := range pkgs {
		st := s.status(pkg)
		if st != "not-installed" {
			allGone = false
		}
		if st != "installed" {
			continue
		}
		for _, c := range s.conffiles(pkg) {
			if !c.obsolete {
				_, err := s.r.ReadFile(c.path)
				assert.NoError(s.t, err, "%s: conffile %s of %s %s", step, c.path, pkg, s.version(pkg))
			}
		}
	}
	if allGone {
		now, err := s.r.Snapshot()
		require.NoError(s.t, err)
		var diff []string
		for _, d := range s.before.Diff(now) {
			if !strings.Contains(d, " "+infoDirBackup+":") && !strings.Contains(d, " "+infoDirBackup+" (") {
				diff = append(diff, d)
			}
		}
		assert.Empty(s.t, diff, "%s: the root differs from before the first install", step)
	}
}

// infoDirBackup is the copy of the info directory that install-info's trigger
// (update-info-dir) makes before rewriting /usr/share/info/dir. The snapshot comparison
// ignores it, as piuparts does: it holds the directory as it was before the last trigger run,
// not anything a package left. /usr/share/info/dir itself is compared.
const infoDirBackup = "/usr/share/info/dir.old"

// headerLinks returns the rc links the installed init script's LSB header asks for, as
// linkKinds writes them, with S links turned into K links in runlevels 2-5 when the daemon is
// disabled.
func (s *scenario) headerLinks(name string) []string {
	s.t.Helper()
	script, err := s.r.ReadFile("/etc/init.d/" + name)
	require.NoError(s.t, err, "/etc/init.d/%s", name)
	h, err := maintscript.ParseLSBHeader(script)
	require.NoError(s.t, err, "/etc/init.d/%s", name)
	var links []string
	for _, lvl := range h.DefaultStart {
		kind := "S"
		if s.disabled[name] && strings.Contains("2345", lvl) {
			kind = "K"
		}
		links = append(links, "rc"+lvl+".d/"+kind)
	}
	for _, lvl := range h.DefaultStop {
		links = append(links, "rc"+lvl+".d/K")
	}
	sort.Strings(links)
	return links
}

// linkSeq matches the sequence number and name after S or K in a link name.
var linkSeq = regexp.MustCompile(`^(rc.\.d/[SK])[0-9][0-9].*$`)

// linkKinds turns dpkgroot.RCLinks output ("rc2.d/S01hellod") into "rc2.d/S".
func linkKinds(links []string) []string {
	var kinds []string
	for _, l := range links {
		kinds = append(kinds, linkSeq.ReplaceAllString(l, "$1"))
	}
	return kinds
}

// pid returns the pid in the daemon's pid file, 0 when there is none.
func (s *scenario) pid(name string) int {
	data, err := s.r.ReadFile("/run/" + name + ".pid")
	if err != nil {
		return 0
	}
	var pid int
	if _, err := fmt.Sscan(string(data), &pid); err != nil {
		return 0
	}
	return pid
}

// infoDir is the info directory the explicitly registered documents are registered in.
const infoDir = "/usr/share/info/dir"

// infoRegistered reports whether the info directory has an entry pointing at the document
// file (by its base name without .info: "* Title: (NAME).").
func (s *scenario) infoRegistered(file string) bool {
	s.t.Helper()
	dir, err := s.r.ReadFile(infoDir)
	require.NoError(s.t, err)
	name := strings.TrimSuffix(strings.TrimSuffix(path.Base(file), ".gz"), ".info")
	return strings.Contains(string(dir), "("+name+")")
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
