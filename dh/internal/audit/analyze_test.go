package audit

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testRoot is a throwaway root with etc/init.d, rc0.d and rc6.d.
type testRoot struct {
	t   *testing.T
	dir string
}

func newRoot(t *testing.T) *testRoot {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"init.d", "rc0.d", "rc6.d", "default"} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "etc", d), 0o755))
	}
	return &testRoot{t: t, dir: dir}
}

// script writes etc/init.d/name and links it as each of links, given as
// "rc0.d/K20" (the name is appended).
func (r *testRoot) script(name, src string, links ...string) {
	r.t.Helper()
	r.file("/etc/init.d/"+name, src)
	for _, l := range links {
		require.NoError(r.t, os.Symlink("../init.d/"+name, filepath.Join(r.dir, "etc", l+name)))
	}
}

func (r *testRoot) file(p, src string) {
	r.t.Helper()
	full := filepath.Join(r.dir, filepath.FromSlash(p))
	require.NoError(r.t, os.MkdirAll(filepath.Dir(full), 0o755))
	require.NoError(r.t, os.WriteFile(full, []byte(src), 0o755))
}

// auditOne audits a root holding the one script src, linked K20 in rc0.d.
func auditOne(t *testing.T, src string, extra ...func(*testRoot)) ScriptResult {
	t.Helper()
	root := newRoot(t)
	root.script("x", src, "rc0.d/K20")
	for _, f := range extra {
		f(root)
	}
	rep, err := Audit(root.dir)
	require.NoError(t, err)
	require.Len(t, rep.Scripts, 1)
	return rep.Scripts[0]
}

func whys(s ScriptResult) string {
	var b strings.Builder
	for _, r := range s.Reasons {
		b.WriteString(r.Kind.String() + " " + r.Command + ": " + r.Why + "\n")
	}
	return b.String()
}

func TestStopActionRules(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		class Class
		why   string // a substring of one reason
	}{
		{"combined pattern", "case \"$1\" in\n  stop|force-stop) killall foo ;;\nesac\n", Redundant, "signals processes by name"},
		{"glob pattern", "case $1 in\n  st*) pkill foo ;;\n  *) touch /etc/x ;;\nesac\n", Redundant, "signals processes by name"},
		{"quoted pattern", "case \"$1\" in\n  'stop') sleep 1 ;;\nesac\n", Redundant, "waits"},
		{"first match wins", "case \"$1\" in\n  stop) kill 1 ;;\n  stop|restart) sync ;;\nesac\n", Redundant, "signals a process"},
		{"catch-all branch", "case \"$1\" in\n  start) touch /etc/x ;;\n  *) echo usage; exit 1 ;;\nesac\n", Redundant, "catch-all branch"},
		{"no stop branch", "case \"$1\" in\n  start) touch /etc/x ;;\nesac\n", Redundant, "has no branch for stop"},
		{"only messages", "case \"$1\" in\n  stop) echo bye; log_end_msg 0 ;;\nesac\n", Redundant, "only prints messages"},
		{"fallthrough", "#!/bin/bash\ncase \"$1\" in\n  stop) kill 1 ;&\n  save) sync ;;\nesac\n", Needed, "flushes file system buffers"},
		{"action in a variable", "ACTION=$1\ncase \"$ACTION\" in\n  stop) sync ;;\nesac\n", Needed, "flushes"},
		{"action in a function's variable", "f() { A=$1; case \"$A\" in stop) sync ;; esac; }\nf other\n", Unknown, "no case on the action"},
		{"dispatch in a function", "main() {\n  case \"$1\" in\n    stop) sync ;;\n  esac\n}\nmain \"$@\"\n", Needed, "flushes"},
		{"positional through calls", "run() { case \"$2\" in stop) alsactl store ;; esac; }\ncase \"$1\" in\n  stop) run card0 \"$1\" ;;\nesac\n", Needed, "saves the mixer state"},
		{"nested function follows", "a() { b; }\nb() { umount /srv; }\ncase \"$1\" in stop) a ;; esac\n", Needed, "unmounts file systems"},
		{"recursion stops", "a() { a; kill 1; }\ncase \"$1\" in stop) a ;; esac\n", Redundant, "signals a process"},
		{"command substitution", "case \"$1\" in stop) kill $(mysqladmin shutdown) ;; esac\n", Needed, "runs mysqladmin"},
		{"known test false", "case \"$1\" in stop|start)\n  if [ \"$1\" = start ]; then touch /etc/x; fi\n  kill 1 ;;\nesac\n", Redundant, "signals a process"},
		{"known test true", "case \"$1\" in stop|start)\n  [ \"$1\" != start ] && sync\n  kill 1 ;;\nesac\n", Needed, "flushes"},
		{"unknown test takes both ways", "case \"$1\" in stop)\n  if [ -f /x ]; then kill 1; else sync; fi ;;\nesac\n", Needed, "flushes"},
		{"preamble is not stop", "/usr/bin/setup-thing\ncase \"$1\" in stop) kill 1 ;; esac\n", Redundant, "signals a process"},
		{"ssd start in stop", "case \"$1\" in stop) start-stop-daemon --start --exec /bin/x ;; esac\n", Needed, "starts a program"},
		{"ssd short stop", "case \"$1\" in stop) start-stop-daemon -K -q -x /bin/x ;; esac\n", Redundant, "signals the daemon"},
		{"ssd status", "case \"$1\" in stop) start-stop-daemon --status --exec /bin/x || exit 0; kill 1 ;; esac\n", Redundant, "signals a process"},
		{"ssd no mode", "case \"$1\" in stop) start-stop-daemon $ARGS ;; esac\n", Unknown, "without a recognisable"},
		{"rm pidfile var", "case \"$1\" in stop) rm -f $MYPIDFILE ;; esac\n", Redundant, "removes a pidfile"},
		{"rm persistent", "case \"$1\" in stop) rm -f /var/lib/x/state ;; esac\n", Needed, "removes /var/lib/x/state"},
		{"rm run-time name", "case \"$1\" in stop) rm -f $STATE ;; esac\n", Unknown, "removes a file named only at run time"},
		{"redirect to var/lib", "case \"$1\" in stop) date > /var/lib/x/stamp ;; esac\n", Needed, "writes /var/lib/x/stamp"},
		{"append redirect", "case \"$1\" in stop) echo bye >> /var/log/x.log ;; esac\n", Needed, "writes /var/log/x.log"},
		{"redirect to run", "F=/run/x.state\ncase \"$1\" in stop) date > $F 2>/dev/null ;; esac\n", Redundant, "only prints messages"},
		{"redirect to run-time name", "case \"$1\" in stop) date > \"$OUT\" ;; esac\n", Unknown, "writes to a file named only at run time"},
		{"mkdir in run", "case \"$1\" in stop) mkdir -p -m 0755 /run/x; kill 1 ;; esac\n", Redundant, "signals"},
		{"chown persistent", "case \"$1\" in stop) chown root:adm /var/log/x ;; esac\n", Needed, "changes /var/log/x"},
		{"sed in place", "case \"$1\" in stop) sed -i s/a/b/ /etc/x ;; esac\n", Needed, "edits files in place"},
		{"sed reading", "case \"$1\" in stop) sed -n 1p /etc/x; kill 1 ;; esac\n", Redundant, "signals"},
		{"dd to null", "case \"$1\" in stop) dd if=/dev/zero of=/dev/null count=1; kill 1 ;; esac\n", Redundant, "signals"},
		{"hwclock show", "case \"$1\" in stop) hwclock --show; kill 1 ;; esac\n", Redundant, "signals"},
		{"hwclock other", "case \"$1\" in stop) hwclock --adjust ;; esac\n", Needed, "talks to the hardware clock"},
		{"alsactl other", "case \"$1\" in stop) alsactl init ;; esac\n", Needed, "talks to the sound hardware"},
		{"exec wrapper", "case \"$1\" in stop) exec /usr/sbin/x-save ;; esac\n", Needed, "runs /usr/sbin/x-save"},
		{"env wrapper", "case \"$1\" in stop) env -i LANG=C nice -n 5 sync ;; esac\n", Needed, "flushes"},
		{"command -v", "case \"$1\" in stop) command -v foo >/dev/null && kill 1 ;; esac\n", Redundant, "signals"},
		{"fstab-decode", "case \"$1\" in stop) fstab-decode umount /srv ;; esac\n", Needed, "unmounts"},
		{"eval", "case \"$1\" in stop) eval \"$STOP_CMD\" ;; esac\n", Unknown, "evaluates a string as shell code"},
		{"dynamic command", "case \"$1\" in stop) $STOP_CMD ;; esac\n", Unknown, "runs a command named only at run time: $STOP_CMD"},
		{"twice-assigned variable", "C=/bin/kill\n[ -x /x ] && C=/bin/true\ncase \"$1\" in stop) $C 1 ;; esac\n", Unknown, "named only at run time"},
		{"constant command", "C=/usr/bin/pkill\ncase \"$1\" in stop) $C foo ;; esac\n", Redundant, "signals processes"},
		{"sendsigs omit", "case \"$1\" in\n  start) echo $$ > /run/sendsigs.omit.d/x ;;\n  stop) kill 1 ;;\nesac\n", Needed, "line 2 puts the daemon in /run/sendsigs.omit.d"},
		{"relative source", "case \"$1\" in stop) . ./helpers ;; esac\n", Unknown, "a relative path"},
		{"dynamic source", "case \"$1\" in stop) . \"$LIB\" ; kill 1 ;; esac\n", Unknown, "sources a file named only at run time"},
		{"killall5", "case \"$1\" in stop) killall5 -15 ;; esac\n", Needed, "the shutdown's own kill step"},
		{"default on the action", "case ${1:-missing} in\n  (stop) sync ;;\nesac\n", Needed, "flushes"},
		{"default used", "f() { case ${1:-stop} in stop) sync ;; esac; }\ncase \"$1\" in stop) f ;; esac\n", Needed, "flushes"},
		{"other expansions are run-time", "case \"$1\" in stop) ${CMD#x} ;; esac\n", Unknown, "named only at run time"},
		{"command-scoped assignment", "C=/bin/true foo\ncase \"$1\" in stop) $C ;; esac\n", Unknown, "named only at run time"},
		{"halt -w", "case \"$1\" in stop) halt -w ;; esac\n", Needed, "writes the shutdown record to wtmp"},
		{"reboot", "case \"$1\" in stop) reboot -d -f ;; esac\n", Needed, "reboots the machine"},
		{"not a shell", "#!/usr/bin/perl\nprint 1;\n", Unknown, "interpreter /usr/bin/perl is not a shell"},
		{"bash syntax under sh", "#!/bin/sh\ncase \"$1\" in stop) kill 1 <<< x ;; esac\n", Unknown, "cannot parse the script"},
		{"bash syntax under bash", "#!/bin/bash\ncase \"$1\" in stop) [[ -f /x ]] && kill 1 ;; esac\n", Redundant, "signals"},
		{"env bash", "#!/usr/bin/env bash\ncase \"$1\" in stop) [[ -f /x ]] && kill 1 ;; esac\n", Redundant, "signals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := auditOne(t, tt.src)
			assert.Equal(t, tt.class, s.Class, whys(s))
			assert.Contains(t, whys(s), tt.why)
		})
	}
}

// TestCallFanOut: helpers calling helpers many times over are walked once
// per argument list, not once per path through the call graph.
func TestCallFanOut(t *testing.T) {
	var b strings.Builder
	b.WriteString("f0() { kill 1; }\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "f%d() { f%d; f%d; }\n", i, i-1, i-1)
	}
	b.WriteString("case \"$1\" in stop) f40 ;; esac\n")
	start := time.Now()
	s := auditOne(t, b.String())
	assert.Less(t, time.Since(start), 5*time.Second, "calls are not memoized")
	assert.Equal(t, Redundant, s.Class)
	require.Len(t, s.Reasons, 1)
	assert.Len(t, s.Reasons[0].Via, 41)
}

func TestSourcedFiles(t *testing.T) {
	script := "#!/bin/sh\n. /usr/share/x/functions\ncase \"$1\" in stop) x_stop ;; esac\n"
	t.Run("read from the root", func(t *testing.T) {
		s := auditOne(t, script, func(r *testRoot) {
			r.file("/usr/share/x/functions", "x_stop() {\n\tkill 1\n\tx-ctl flush\n}\n")
		})
		assert.Equal(t, Needed, s.Class, whys(s))
		r := findReason(s, "x-ctl flush")
		assert.Equal(t, "/usr/share/x/functions", r.File)
		assert.Equal(t, 3, r.Line)
		assert.Equal(t, []string{"x_stop"}, r.Via)
	})
	t.Run("missing", func(t *testing.T) {
		s := auditOne(t, script)
		assert.Equal(t, Unknown, s.Class)
		assert.Contains(t, whys(s), "calls x_stop, which may be a function from /usr/share/x/functions")
	})
	t.Run("missing but the stop action uses no function", func(t *testing.T) {
		s := auditOne(t, "#!/bin/sh\n. /usr/share/x/functions\ncase \"$1\" in stop) start-stop-daemon --stop --exec /x ;; esac\n")
		assert.Equal(t, Redundant, s.Class, whys(s))
	})
	t.Run("unparsable", func(t *testing.T) {
		s := auditOne(t, "#!/bin/sh\ncase \"$1\" in stop) . /usr/share/x/functions ;; esac\n", func(r *testRoot) {
			r.file("/usr/share/x/functions", "x() {\n  if true; then\n}\n")
		})
		assert.Equal(t, Unknown, s.Class)
		require.Len(t, s.Reasons, 1)
		assert.Equal(t, "/usr/share/x/functions", s.Reasons[0].File)
		assert.Equal(t, 3, s.Reasons[0].Line)
		assert.Contains(t, s.Reasons[0].Why, "cannot parse this sourced file")
	})
	t.Run("configuration overrides a constant", func(t *testing.T) {
		src := "#!/bin/sh\nSTOPPER=/bin/kill\n[ -r /etc/default/x ] && . /etc/default/x\ncase \"$1\" in stop) $STOPPER 1 ;; esac\n"
		assert.Equal(t, Redundant, auditOne(t, src).Class)
		s := auditOne(t, src, func(r *testRoot) { r.file("/etc/default/x", "STOPPER=/usr/sbin/x-save\n") })
		assert.Equal(t, Unknown, s.Class, whys(s))
	})
	t.Run("lsb functions are known", func(t *testing.T) {
		s := auditOne(t, "#!/bin/sh\n. /lib/lsb/init-functions\n. /lib/init/vars.sh\ncase \"$1\" in stop)\n log_daemon_msg a b\n killproc -p /run/x.pid /x\n status_of_proc /x x || log_end_msg 0 ;; esac\n")
		assert.Equal(t, Redundant, s.Class, whys(s))
		require.Len(t, s.Reasons, 1)
		assert.Equal(t, 6, s.Reasons[0].Line)
	})
}

func TestInitDScriptFramework(t *testing.T) {
	head := "#!/bin/sh /lib/init/init-d-script\nDAEMON=/usr/sbin/x\n"
	tests := []struct {
		name, src string
		class     Class
		why, via  string
	}{
		{"plain", head, Needed, "framework's default do_stop_cmd", "do_stop"},
		{"bare shebang", "#!/lib/init/init-d-script\nDAEMON=/usr/sbin/x\n", Needed, "framework's default do_stop_cmd", "do_stop"},
		{"sourced", "#!/bin/sh\nDAEMON=/usr/sbin/x\n. /lib/init/init-d-script\n", Needed, "framework's default do_stop_cmd", "do_stop"},
		{"do_stop_override", head + "do_stop_override() { sync; }\n", Needed, "flushes", "do_stop_override"},
		{"do_stop replaced", head + "do_stop() { sync; }\n", Needed, "flushes", "do_stop"},
		{"do_stop_cmd replaced", head + "do_stop_cmd() { sync; }\n", Needed, "flushes", "do_stop > do_stop_cmd"},
		{"prepare", head + "do_stop_prepare() { x-ctl drain; }\n", Needed, "runs x-ctl", "do_stop > do_stop_prepare"},
		{"prepare override needs prepare", head + "do_stop_prepare_override() { x-ctl drain; }\n", Needed, "framework's default", "do_stop"},
		{"prepare override", head + "do_stop_prepare() { :; }\ndo_stop_prepare_override() { x-ctl drain; }\n", Needed, "runs x-ctl", "do_stop > do_stop_prepare_override"},
		{"cleanup", head + "do_stop_cleanup() { rm -f /run/x/sock; }\n", Needed, "removes a pidfile, a runtime", "do_stop > do_stop_cleanup"},
		{"start hooks are not stop", head + "do_start_prepare() { x-ctl init; }\n", Needed, "framework's default", "do_stop"},
		{"preamble command", head + "x-check-config\n", Needed, "framework's default", "do_stop"},
		{"do_stop does nothing", head + "do_stop() { return 0; }\n", Redundant, "only prints messages", ""},
		{"sourced under a guard", "#!/bin/sh\nif [ true != \"$INIT_D_SCRIPT_SOURCED\" ] ; then\n" +
			"    set \"$0\" \"$@\"; INIT_D_SCRIPT_SOURCED=true . /lib/init/init-d-script\nfi\nDAEMON=/sbin/x\n",
			Needed, "framework's default", "do_stop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := auditOne(t, tt.src)
			assert.Equal(t, tt.class, s.Class, whys(s))
			var match *Reason
			for i, r := range s.Reasons {
				if strings.Contains(r.Why, tt.why) {
					match = &s.Reasons[i]
				}
			}
			require.NotNil(t, match, whys(s))
			assert.Equal(t, tt.via, strings.Join(match.Via, " > "))
		})
	}
	t.Run("default names the daemon", func(t *testing.T) {
		s := auditOne(t, head)
		require.Len(t, s.Reasons, 1)
		assert.Equal(t, Reason{Kind: Needed, File: "/etc/init.d/x", Line: 1,
			Command: "start-stop-daemon --stop --retry=TERM/0/CONT/30/KILL/5 --name x --exec /usr/sbin/x",
			Why:     s.Reasons[0].Why, Via: []string{"do_stop"}}, s.Reasons[0])
	})
	t.Run("reads /etc/default/NAME", func(t *testing.T) {
		s := auditOne(t, head, func(r *testRoot) {
			r.file("/etc/default/x", "x-ctl prime\ndo_stop_cmd_override() {\n\tx-ctl save\n}\n")
		})
		assert.Equal(t, Needed, s.Class, whys(s))
		r := findReason(s, "x-ctl save")
		assert.Equal(t, "/etc/default/x", r.File)
		assert.Equal(t, 3, r.Line)
		// the configuration's own commands run for every action, not stop
		assert.Equal(t, Reason{}, findReason(s, "x-ctl prime"))
	})
}

func TestSendsigsItselfIsNotRegistering(t *testing.T) {
	src := "#!/bin/sh\ndo_stop() {\n\tfor f in /run/sendsigs.omit.d/*; do :; done\n\tkillall5 -15\n}\ncase \"$1\" in stop) do_stop ;;\n start) ln -s /run/x.pid /run/sendsigs.omit.d/x ;; esac\n"
	root := newRoot(t)
	root.script("sendsigs", src, "rc0.d/S20")
	root.script("other", src, "rc0.d/K20")
	rep, err := Audit(root.dir)
	require.NoError(t, err)
	got := byName(t, rep)
	assert.NotContains(t, whys(got["sendsigs"]), "sendsigs.omit.d")
	assert.Contains(t, whys(got["sendsigs"]), "the shutdown's own kill step")
	assert.Contains(t, whys(got["other"]), "line 7 puts the daemon in /run/sendsigs.omit.d")
	for _, r := range got["other"].Reasons {
		if strings.Contains(r.Why, "sendsigs.omit.d") {
			assert.Equal(t, 6, r.Line, "points at the stop branch")
		}
	}
}

func TestDefaultStop(t *testing.T) {
	for _, tc := range []struct {
		src    string
		header bool
		levels []string
	}{
		{"#!/bin/sh\n### BEGIN INIT INFO\n# Default-Stop:\t0 1 6\n### END INIT INFO\n", true, []string{"0", "1", "6"}},
		{"### BEGIN INIT INFO\n# Default-Stop: 1\n### END INIT INFO\n# Default-Stop: 0\n", true, []string{"1"}},
		{"### BEGIN INIT INFO\n# default-stop: 1\n### END INIT INFO\n", true, nil}, // update-rc.d ignores it
		{"### BEGIN INIT INFO\n# Default-Stop:\n### END INIT INFO\n", true, []string{}},
		{"### BEGIN INIT INFO\n# Default-Start: 2\n### END INIT INFO\n", true, nil},
		{"#!/bin/sh\n# Default-Stop: 0 6\n", false, nil},
	} {
		header, levels := defaultStop([]byte(tc.src))
		assert.Equal(t, tc.header, header, tc.src)
		assert.Equal(t, tc.levels, levels, tc.src)
	}
}

func TestLinks(t *testing.T) {
	root := newRoot(t)
	root.script("a", "case \"$1\" in stop) kill 1 ;; esac\n", "rc0.d/K01", "rc6.d/K01", "rc0.d/S99")
	root.script("b", "case \"$1\" in stop) kill 1 ;; esac\n")
	// an absolute link target is resolved by name inside the root
	require.NoError(t, os.Symlink("/etc/init.d/b", filepath.Join(root.dir, "etc", "rc0.d", "K02b")))
	// a link whose name differs from its target is resolved by target
	require.NoError(t, os.Symlink("../init.d/b", filepath.Join(root.dir, "etc", "rc6.d", "K02other")))
	// a plain file named like a link stands for the script of that name
	root.file("/etc/rc6.d/K03a", "")
	// dangling links, READMEs and other names are ignored
	require.NoError(t, os.Symlink("../init.d/gone", filepath.Join(root.dir, "etc", "rc0.d", "K05gone")))
	root.file("/etc/rc0.d/README", "")
	root.file("/etc/rc0.d/Kfoo", "")
	rep, err := Audit(root.dir)
	require.NoError(t, err)
	require.Len(t, rep.Scripts, 2)
	assert.Equal(t, "a", rep.Scripts[0].Name)
	assert.Equal(t, []string{"rc0.d/K01a", "rc0.d/S99a", "rc6.d/K01a", "rc6.d/K03a"}, rep.Scripts[0].Links)
	assert.Equal(t, "b", rep.Scripts[1].Name)
	assert.Equal(t, []string{"rc0.d/K02b", "rc6.d/K02other"}, rep.Scripts[1].Links)
	assert.Equal(t, 3, rep.Summary.ShutdownForksSaved)
	assert.Equal(t, 3, rep.Summary.RebootForksSaved)
}

func TestStaleLinks(t *testing.T) {
	links := []string{"rc0.d/K01a", "rc0.d/S30a", "rc6.d/K01a"}
	assert.Equal(t, []string{"rc0.d/K01a"}, staleLinks(links, []string{"1", "6"}))
	assert.Equal(t, []string{"rc0.d/K01a", "rc6.d/K01a"}, staleLinks(links, []string{}))
	assert.Nil(t, staleLinks(links, []string{"0", "6"}))
	assert.Nil(t, staleLinks(links, nil), "no Default-Stop field: nothing to compare with")
}

func TestUnreadableScript(t *testing.T) {
	if os.Geteuid() == 0 {
		// root reads files whatever their mode: use a directory in the way
		root := newRoot(t)
		require.NoError(t, os.Mkdir(filepath.Join(root.dir, "etc", "init.d", "d"), 0o755))
		r := auditScript(root.dir, "d")
		assert.Equal(t, Unknown, r.Class)
		assert.Contains(t, r.Reasons[0].Why, "cannot read the script")
		return
	}
	root := newRoot(t)
	root.script("x", "case \"$1\" in stop) kill 1 ;; esac\n", "rc0.d/K01")
	require.NoError(t, os.Chmod(filepath.Join(root.dir, "etc", "init.d", "x"), 0))
	rep, err := Audit(root.dir)
	require.NoError(t, err)
	assert.Equal(t, Unknown, rep.Scripts[0].Class)
	assert.Contains(t, rep.Scripts[0].Reasons[0].Why, "cannot read the script: permission denied")
}
