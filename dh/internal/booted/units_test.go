//go:build integration

package booted

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/dh-teardown/dh-teardown/dh/internal/bootvm"
	"github.com/dh-teardown/dh-teardown/dh/internal/debbuild"
	"github.com/dh-teardown/dh-teardown/dh/internal/testenv"
)

// The scenarios of issue 10 with examples/greeter: 1.0 ships greeterd (service, socket and
// init script), greeter-oldd and greeter-movedd (service and init script each), built with
// plain debhelper; 2.0 declares greeterd removed with its socket, greeter-oldd replaced by
// greeter-newd and greeter-movedd removed, which greeter-extra 2.0 now ships. 2.0 has
// debbuild's failure hooks, after the generated code.

var (
	greeterOnce sync.Once
	greeterDebs map[string]string // "greeter_1.0", "greeter_2.0", "greeter-extra_2.0" → .deb
	greeterErr  error
)

// buildGreeter builds examples/greeter 1.0 and 2.0 once per test binary.
func buildGreeter(t *testing.T) map[string]string {
	t.Helper()
	testenv.RequireCommand(t, "dpkg-buildpackage", "dh")
	greeterOnce.Do(func() {
		greeterDebs, greeterErr = buildGreeterTrees()
	})
	if greeterErr != nil {
		t.Fatal(greeterErr)
	}
	return greeterDebs
}

func buildGreeterTrees() (map[string]string, error) {
	root, err := debbuild.RepoRoot()
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "booted-greeter-")
	if err != nil {
		return nil, err
	}
	stage := filepath.Join(work, "stage")
	if err := debbuild.Stage(root, stage); err != nil {
		return nil, err
	}
	debs := map[string]string{}
	for _, version := range []string{"1.0", "2.0"} {
		src := filepath.Join(work, version, "greeter-"+version)
		if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
			return nil, err
		}
		if err := debbuild.CopyTree(filepath.Join(root, "examples/greeter", version), src); err != nil {
			return nil, err
		}
		if version == "2.0" {
			if err := debbuild.AddFailureHooks(src, version, "greeter"); err != nil {
				return nil, err
			}
		}
		built, err := debbuild.Build(stage, src)
		if err != nil {
			return nil, err
		}
		for name, deb := range built {
			debs[name+"_"+version] = deb
		}
	}
	return debs, nil
}

// checks are shell functions for the scenarios' assertions: each prints "FAIL: ..." and
// remembers the failure; "finish" exits 1 after any.
const checks = `
fail=0
bad() { echo "FAIL: $*"; fail=1; }
finish() { exit $fail; }
installed() { v=$(dpkg-query -W -f='${Status} ${Version}' "$1" 2>&1); [ "$v" = "install ok installed $2" ] || bad "$1: $v, want $2 installed"; }
purged() { if dpkg-query -W -f='${Status}' "$1" >/dev/null 2>&1; then bad "$1 is still known to dpkg: $(dpkg-query -W -f='${Status}' "$1")"; fi; }
running() { pgrep -x "$1" >/dev/null || bad "$1 is not running"; }
stopped() { if pgrep -x "$1" >/dev/null; then bad "$1 is running"; fi; }
active() { systemctl is-active --quiet "$1" || bad "$1 is $(systemctl is-active "$1"), want active"; }
inactive() { if systemctl is-active --quiet "$1"; then bad "$1 is active"; fi; }
enabled() { s=$(systemctl is-enabled "$1" 2>&1); [ "$s" = enabled ] || bad "$1 is $s, want enabled"; }
disabled() { s=$(systemctl is-enabled "$1" 2>&1); [ "$s" = disabled ] || bad "$1 is $s, want disabled"; }
# Nothing of the unit is left: systemd does not know its file, no link in /etc/systemd/system
# is named after it or points at it, deb-systemd-helper has no state for it.
unit_gone() {
	if [ -n "$(systemctl list-unit-files --no-legend "$1" 2>/dev/null)" ]; then bad "systemctl list-unit-files knows $1"; fi
	l=$(find /etc/systemd/system -name "$1" -o -lname "*/$1")
	[ -z "$l" ] || bad "links for $1 left: $l"
	s=$(find /var/lib/systemd -name "$1" -o -name "$1.dsh-also")
	[ -z "$s" ] || bad "deb-systemd-helper state for $1 left: $s"
	[ "$(systemctl show -p LoadState --value "$1" 2>/dev/null)" = not-found ] || bad "$1 is $(systemctl show -p LoadState --value "$1"), want not-found"
}
# The same without systemd running: links and deb-systemd-helper's state only.
unit_state_gone() {
	l=$(find /etc/systemd/system -name "$1" -o -lname "*/$1" 2>/dev/null)
	[ -z "$l" ] || bad "links for $1 left: $l"
	s=$(find /var/lib/systemd -name "$1" -o -name "$1.dsh-also" 2>/dev/null)
	[ -z "$s" ] || bad "deb-systemd-helper state for $1 left: $s"
}
no_failed_units() { f=$(systemctl --failed --no-legend --plain); [ -z "$f" ] || bad "failed units: $f"; }
no_rc_links() { l=$(ls /etc/rc?.d/[SK][0-9][0-9]"$1" 2>/dev/null); [ -z "$l" ] || bad "rc links of $1 left: $l"; }
rc_links() { l=$(ls /etc/rc[2345].d/"$2"[0-9][0-9]"$1" 2>/dev/null | wc -l); [ "$l" = 4 ] || bad "$1 has $l $2 links in runlevels 2-5, want 4: $(ls /etc/rc?.d/*"$1" 2>&1)"; }
no_init_script() { if [ -e "/etc/init.d/$1" ]; then bad "/etc/init.d/$1 is left"; fi; }
no_records() { r=$(find /run/dh-teardown -mindepth 1 2>/dev/null); [ -z "$r" ] || bad "records left: $r"; }
nothing_left() {
	l=$(find / -xdev \( -path /host -o -path /proc -o -path /sys \) -prune -o -name '*greeter*' -print 2>/dev/null)
	[ -z "$l" ] || bad "left behind: $l"
}
`

// steps are the dpkg operations of the scenarios, as shell for the machine.
type steps struct {
	v2                       string // greeter 2.0's .deb on the machine
	install1, upgrade, purge string
}

// greeterSteps copies the packages into the machine and returns the scenarios' operations:
// install 1.0, upgrade to 2.0 with greeter-extra, purge both.
func greeterSteps(m *bootvm.T, debs map[string]string) steps {
	in := m.MustCopy(debs["greeter_1.0"], debs["greeter_2.0"], debs["greeter-extra_2.0"])
	return steps{
		v2: in[1],
		install1: fmt.Sprintf(`dpkg -i %s >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; bad "dpkg -i greeter 1.0 failed"; }
`, in[0]),
		upgrade: fmt.Sprintf(`dpkg -i %s %s >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; bad "the upgrade to 2.0 failed"; }
installed greeter 2.0; installed greeter-extra 2.0
`, in[1], in[2]),
		purge: `dpkg -P greeter-extra greeter >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; bad "purge failed"; }
purged greeter; purged greeter-extra
`,
	}
}

// greeterCleanup leaves the shared machine as the tests found it, whatever they left.
const greeterCleanup = "dpkg --purge --force-all greeter-extra greeter >/dev/null 2>&1; rm -rf /run/debbuild-fail /run/dh-teardown"

// scenario runs one step on the machine: commands, then the checks' verdict.
func scenario(t *testing.T, m *bootvm.T, name, commands string) {
	t.Helper()
	out, status := m.RunErr(checks + commands + "\nfinish\n")
	if status != 0 {
		t.Errorf("%s: %s (exit %d):\n%s", m, name, status, out)
	} else {
		t.Logf("%s: %s: ok", m, name)
	}
}

// marker is the command that makes greeter 2.0's preinst upgrade fail after its generated code.
func marker(action string) string {
	f := debbuild.FailureMarker("greeter", "2.0", "preinst", action)
	return fmt.Sprintf("mkdir -p %s && touch %s", filepath.Dir(f), f)
}

// TestUnitsOnSystemd runs scenarios (1)–(6) of issue 10 on a machine booted with systemd, in
// one boot.
func TestUnitsOnSystemd(t *testing.T) {
	t.Parallel()
	debs := buildGreeter(t)
	m := bootvm.Shared(t, bootvm.Systemd)
	atEnd(t, m, greeterCleanup)
	st := greeterSteps(m, debs)
	install1 := st.install1 + "for u in greeterd.service greeterd.socket greeter-oldd.service greeter-movedd.service; do active $u; enabled $u; done\n"
	v2, upgrade, purge := st.v2, st.upgrade, st.purge

	scenario(t, m, "install 1.0", install1+`running greeterd; running greeter-oldd; running greeter-movedd`)
	scenario(t, m, "(2) the upgrade fails in the 2.0 preinst: 1.0 stays, its units enabled and running",
		marker("upgrade")+fmt.Sprintf(`
if dpkg -i %s >/tmp/dpkg.log 2>&1; then bad "dpkg -i greeter 2.0 succeeded despite the failing preinst"; fi
grep -q "debbuild: injected failure" /tmp/dpkg.log || { cat /tmp/dpkg.log; bad "the preinst did not fail where injected"; }
rm -rf /run/debbuild-fail
installed greeter 1.0
for u in greeterd.service greeterd.socket greeter-oldd.service greeter-movedd.service; do active $u; enabled $u; done
running greeterd; running greeter-oldd; running greeter-movedd
no_records; no_failed_units`, v2))
	scenario(t, m, "(1) (4) (5) (6) upgrade to 2.0: greeterd and its socket gone, greeter-movedd kept, greeter-newd enabled",
		upgrade+`
for u in greeterd.service greeterd.socket greeter-oldd.service; do inactive $u; unit_gone $u; done
stopped greeterd; stopped greeter-oldd
if [ -e /run/greeterd.sock ]; then bad "/run/greeterd.sock is left"; fi
no_init_script greeterd; no_init_script greeter-oldd; no_rc_links greeterd; no_rc_links greeter-oldd
active greeter-movedd.service; enabled greeter-movedd.service; running greeter-movedd
active greeter-newd.service; enabled greeter-newd.service; running greeter-newd
no_records; no_failed_units`)
	scenario(t, m, "(3) purge after the upgrade: nothing is left", purge+`
for u in greeterd.service greeterd.socket greeter-oldd.service greeter-newd.service greeter-movedd.service; do unit_gone $u; done
stopped greeter-newd; stopped greeter-movedd
nothing_left; no_records; no_failed_units`)
	scenario(t, m, "(5) greeter-oldd disabled by the administrator: greeter-newd installed disabled and stopped",
		install1+`systemctl disable --now greeter-oldd.service 2>/dev/null; disabled greeter-oldd.service; stopped greeter-oldd
`+upgrade+`
disabled greeter-newd.service; inactive greeter-newd.service; stopped greeter-newd
unit_gone greeter-oldd.service
active greeter-movedd.service; running greeter-movedd
no_failed_units
`+purge+`nothing_left`)
}

// TestUnitsOnSysvinit runs the init-script half of the scenarios on a machine booted with
// sysvinit (insserv orders the links): the daemons stop and start through their init scripts,
// and deb-systemd-helper's state (made by dh_installsystemd's code even without systemd) is
// cleaned up the same way.
func TestUnitsOnSysvinit(t *testing.T) {
	t.Parallel()
	debs := buildGreeter(t)
	m := bootvm.Shared(t, bootvm.Sysvinit)
	atEnd(t, m, greeterCleanup)
	st := greeterSteps(m, debs)
	install1 := st.install1 + "running greeterd; running greeter-oldd; running greeter-movedd\n"
	v2, upgrade, purge := st.v2, st.upgrade, st.purge
	scenario(t, m, "install 1.0", install1+`rc_links greeterd S; rc_links greeter-oldd S`)
	scenario(t, m, "(2) the upgrade fails in the 2.0 preinst: 1.0 stays, its daemons running",
		marker("upgrade")+fmt.Sprintf(`
if dpkg -i %s >/tmp/dpkg.log 2>&1; then bad "dpkg -i greeter 2.0 succeeded despite the failing preinst"; fi
grep -q "debbuild: injected failure" /tmp/dpkg.log || { cat /tmp/dpkg.log; bad "the preinst did not fail where injected"; }
rm -rf /run/debbuild-fail
installed greeter 1.0
running greeterd; running greeter-oldd; running greeter-movedd
rc_links greeterd S; no_records`, v2))
	scenario(t, m, "(1) (4) (5) upgrade to 2.0: greeterd gone, greeter-movedd kept, greeter-newd enabled",
		upgrade+`
stopped greeterd; stopped greeter-oldd
no_init_script greeterd; no_init_script greeter-oldd; no_rc_links greeterd; no_rc_links greeter-oldd
for u in greeterd.service greeterd.socket greeter-oldd.service; do unit_state_gone $u; done
running greeter-movedd; rc_links greeter-movedd S
running greeter-newd; rc_links greeter-newd S
no_records`)
	scenario(t, m, "(3) purge after the upgrade: nothing is left", purge+`
stopped greeter-newd; stopped greeter-movedd
nothing_left; no_records`)
	scenario(t, m, "(5) greeter-oldd disabled by the administrator: greeter-newd installed disabled and stopped",
		install1+`update-rc.d greeter-oldd disable >/dev/null 2>&1; invoke-rc.d greeter-oldd stop >/dev/null 2>&1
stopped greeter-oldd; rc_links greeter-oldd K
`+upgrade+`
stopped greeter-newd; rc_links greeter-newd K; no_rc_links greeter-oldd
running greeter-movedd; no_records
`+purge+`nothing_left`)
}
