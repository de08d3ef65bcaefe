//go:build integration

package booted

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/dh-teardown/dh-teardown/dh/internal/bench/trees"
	"github.com/dh-teardown/dh-teardown/dh/internal/bootvm"
)

// TestMultiuserFromEveryOldHeaderWithInsserv is the lifecycle suite's
// TestMultiuserFromEveryOldHeader on a booted sysvinit machine, where update-rc.d hands the
// links to insserv: it orders them from the LSB dependencies of every script (numbers other
// than 01) and redoes them from the header on every call. The packages of trees.HeaderSource
// (old Default-Stop 0 1 6, 0 6, nothing, 1) go 1.0 → 1.1 (multiuser) → 1.0 → 1.1, all four in
// each dpkg run, and after every step each daemon's rc links must be those a fresh install of
// the version it has makes on the same machine; a daemon the administrator disabled stays
// disabled (not running) through upgrade and downgrade, with the links of a fresh install of
// that version that was then disabled. Seven dpkg runs on the shared sysvinit machine, after
// TestLifecycle; the packages are purged at the end, passed or failed.
func TestMultiuserFromEveryOldHeaderWithInsserv(t *testing.T) {
	t.Parallel()
	var names []string
	debs := map[string][]string{}
	for _, p := range trees.HeaderPackages {
		names = append(names, p.Name)
		for _, v := range []string{"1.0", "1.1"} {
			debs[v] = append(debs[v], deb(t, "lch "+v, p.Name))
		}
	}
	all := strings.Join(names, " ")
	m := bootvm.Shared(t, bootvm.Sysvinit)
	atEnd(t, m, "dpkg --purge --force-all "+all+" >/dev/null 2>&1")
	m.MustRun("test -x /sbin/insserv || test -x /usr/lib/insserv/insserv")
	in := map[string]string{
		"1.0": strings.Join(m.MustCopy(debs["1.0"]...), " "),
		"1.1": strings.Join(m.MustCopy(debs["1.1"]...), " "),
	}
	start := time.Now()
	install := func(v string) map[string][]string {
		t.Helper()
		m.MustRun("dpkg -i " + in[v] + " >/dev/null")
		t.Logf("%6.1fs dpkg -i lch %s", time.Since(start).Seconds(), v)
		return links(m, names)
	}
	disable := func() {
		t.Helper()
		for _, n := range names {
			m.MustRun("update-rc.d " + n + " disable >/dev/null && invoke-rc.d " + n + " stop")
		}
	}
	running := func(want bool, step string) {
		t.Helper()
		for _, n := range names {
			_, status := m.RunErr("pgrep -x " + n + " >/dev/null")
			assert.Equal(t, want, status == 0, "%s: %s running", step, n)
		}
	}

	fresh10 := install("1.0")
	running(true, "fresh 1.0")
	disable()
	fresh10Disabled := links(m, names)
	for _, n := range names {
		m.MustRun("update-rc.d " + n + " enable >/dev/null && invoke-rc.d " + n + " start")
	}
	assert.Equal(t, fresh10, links(m, names), "enabled again: the links of a fresh install of 1.0")
	upgraded := install("1.1")
	running(true, "upgraded to 1.1")
	assert.Equal(t, fresh10, install("1.0"), "downgraded to 1.0: the links of a fresh install of 1.0")
	running(true, "downgraded to 1.0")
	disable()
	upgradedDisabled := install("1.1")
	running(false, "disabled, upgraded to 1.1")
	assert.Equal(t, fresh10Disabled, install("1.0"), "disabled, downgraded to 1.0: the links of a fresh, then disabled, install of 1.0")
	running(false, "disabled, downgraded to 1.0")

	m.MustRun("dpkg --purge " + all + " >/dev/null")
	fresh11 := install("1.1")
	assert.Equal(t, fresh11, upgraded, "upgraded to 1.1: the links of a fresh install of 1.1")
	for _, n := range names {
		assert.NotContains(t, strings.Join(fresh11[n], " "), "rc0.d/", "%s: no stop link at shutdown", n)
		assert.NotContains(t, strings.Join(fresh11[n], " "), "rc6.d/", "%s: no stop link at reboot", n)
		assert.Contains(t, strings.Join(fresh11[n], " "), "rc1.d/K", "%s: a stop link in runlevel 1", n)
	}
	disable()
	assert.Equal(t, links(m, names), upgradedDisabled, "disabled, upgraded to 1.1: the links of a fresh install of 1.1, disabled")
	m.MustRun("dpkg --purge " + all + " >/dev/null")
	assert.Equal(t, map[string][]string{}, links(m, names), "purged: no link left")
}

// links returns the rc links of each of names on the machine ("rc2.d/S03lch-016"), sorted;
// names without a link are left out.
func links(m *bootvm.T, names []string) map[string][]string {
	out := m.MustRun("cd /etc && for l in rc?.d/[SK][0-9][0-9]*; do [ -L \"$l\" ] && echo \"$l\"; done; true")
	got := map[string][]string{}
	for _, l := range strings.Fields(out) {
		base := l[len("rc?.d/S00"):]
		for _, n := range names {
			if base == n {
				got[n] = append(got[n], l)
			}
		}
	}
	for _, l := range got {
		sort.Strings(l)
	}
	return got
}
