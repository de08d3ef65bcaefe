package audit

import (
	"fmt"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// sendsigsGrace is how long sendsigs (initscripts' /etc/init.d/sendsigs)
// waits after its TERM before it sends KILL: ten rounds of "are they all
// gone? sleep 1". A stop action that gives its daemon longer than that,
// or waits until it is gone, does something sendsigs does not.
const sendsigsGrace = 10

// forever stands for a wait without a bound.
const forever = -1

// signalName returns the canonical name of a signal given as a name or
// number ("TERM", "SIGTERM", "15", "-15" → "TERM"); ok is false for
// anything else.
func signalName(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimPrefix(s, "-"))
	s = strings.TrimPrefix(s, "SIG")
	numbers := map[string]string{"0": "0", "1": "HUP", "2": "INT", "3": "QUIT", "9": "KILL", "10": "USR1", "12": "USR2", "15": "TERM", "18": "CONT", "19": "STOP"}
	if n, ok := numbers[s]; ok {
		return n, true
	}
	for _, n := range numbers {
		if s == n {
			return n, true
		}
	}
	if s == "" || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ12") != "" {
		return "", false
	}
	return s, true
}

// otherSignal is the reason a stop action that asks its daemon with a
// signal other than sendsigs' TERM (or KILL) is not known to be redundant:
// what the daemon does on it (nginx's graceful QUIT, tor's slow INT) only
// the daemon knows.
func otherSignal(sig string) string {
	return fmt.Sprintf("sends SIG%s where sendsigs sends TERM: what the daemon does on %s the audit cannot tell", sig, sig)
}

// schedule is what a start-stop-daemon --stop does: the first signal it
// sends, and how long it then gives the daemon before KILL (or before it
// gives up), in seconds; forever when it loops until the process is gone.
type schedule struct {
	signal string
	grace  int
}

// parseSchedule reads start-stop-daemon's --retry argument with the
// --signal it applies to (start-stop-daemon(8)): a bare timeout T means
// SIGNAL/T/KILL/T; otherwise items separated by "/" are signals (a name
// or a number, optionally with a leading "-"), timeouts in seconds, or
// "forever", which repeats the rest of the schedule until the process is
// gone. ok is false when an item is neither.
func parseSchedule(signal, retry string) (schedule, bool) {
	if t, err := strconv.Atoi(retry); err == nil {
		return schedule{signal: orTerm(signal), grace: t}, true
	}
	s := schedule{}
	loops := false
	for _, item := range strings.Split(retry, "/") {
		if item == "forever" {
			loops = true
			continue
		}
		if t, err := strconv.Atoi(item); err == nil && !strings.HasPrefix(item, "-") {
			// a wait, also before the first signal: --retry=0/30/KILL/5
			// waits 30 s for a process an earlier call signalled
			s.grace += t
			continue
		}
		sig, ok := signalName(item)
		if !ok {
			return schedule{}, false
		}
		switch {
		case sig == "KILL" && s.signal == "" && s.grace == 0:
			return schedule{signal: "KILL"}, true
		case sig == "KILL":
			// the rest of the schedule comes after KILL; waits before any
			// signal are for a process the script signalled earlier
			s.signal = orTerm(s.signal)
			return s, true
		case s.signal == "":
			s.signal = sig
		}
	}
	s.signal = orTerm(s.signal)
	if loops {
		s.grace = forever
	}
	return s, true
}

func orTerm(sig string) string {
	if sig == "" {
		return "TERM"
	}
	return sig
}

// stopWait classifies a stop that sends sig and then waits grace seconds
// (forever: until the process is gone) before KILL.
func (a *analyzer) stopWait(f *frame, line uint, text, what string, s schedule) {
	if s.signal != "TERM" && s.signal != "KILL" {
		what += " with SIG" + s.signal
	}
	switch {
	case s.grace == forever:
		a.add(Needed, f, line, text, what+" and waits until it is gone, however long that takes: sendsigs sends KILL after about 10 s")
	case s.grace > sendsigsGrace:
		a.add(Needed, f, line, text, fmt.Sprintf("%s and gives it up to %d s to exit: sendsigs sends KILL after about %d s, so a daemon that takes longer to shut down cleanly gets that time only from this stop action", what, s.grace, sendsigsGrace))
	case s.signal != "TERM" && s.signal != "KILL":
		a.add(Unknown, f, line, text, otherSignal(s.signal))
	case s.grace > 0:
		a.add(Redundant, f, line, text, fmt.Sprintf("%s and waits up to %d s for it to exit; sendsigs sends TERM and waits about %d s anyway", what, s.grace, sendsigsGrace))
	default:
		a.add(Redundant, f, line, text, what+"; sendsigs signals every process and waits anyway")
	}
}

// processTests are commands whose exit status tells whether a process
// still runs.
var processTests = setOf("pidof", "pgrep", "ps", "pidofproc", "status_of_proc", "killall5")

// waitLoop looks at a while or until loop in the stop action: one whose
// condition tests whether a process still runs (kill -0, pidof, pgrep,
// ps, status_of_proc, a /proc/PID test, start-stop-daemon --status) waits
// for a daemon to exit. Its bound is estimated from the loop's own
// counter (`[ $cnt -gt 24 ]`) times the seconds it sleeps per round; a
// loop without a known bound, or one longer than sendsigs' grace period,
// is a wait sendsigs would not do.
func (a *analyzer) waitLoop(f *frame, c *syntax.WhileClause) {
	if !a.inStop || !a.testsProcess(f, c.Cond) {
		return
	}
	line := c.Pos().Line()
	text := "while " + a.text(&syntax.Stmt{Cmd: &syntax.CallExpr{Args: condWords(c.Cond)}})
	if c.Until {
		text = "until" + strings.TrimPrefix(text, "while")
	}
	rounds, sleep := a.loopBound(f, c.Do)
	switch {
	case rounds > 0 && sleep > 0 && rounds*sleep <= sendsigsGrace:
		a.add(Redundant, f, line, text, fmt.Sprintf("waits for the process to exit, up to about %d s (%d × %d s); sendsigs waits about %d s anyway", rounds*sleep, rounds, sleep, sendsigsGrace))
	case rounds > 0 && sleep > 0:
		a.add(Needed, f, line, text, fmt.Sprintf("waits for the process to exit, up to about %d s (%d × %d s): sendsigs sends KILL after about %d s, so a daemon that takes longer to shut down cleanly gets that time only from this stop action", rounds*sleep, rounds, sleep, sendsigsGrace))
	default:
		a.add(Needed, f, line, text, fmt.Sprintf("waits in a loop until the process is gone, for a time the audit cannot bound: sendsigs sends KILL after about %d s", sendsigsGrace))
	}
}

// forWait looks at a for loop in the stop action that sleeps: it waits
// (mariadb's "for i in `seq 1 600`; do sleep 1; ...; break; done") for
// up to its number of rounds times the seconds it sleeps per round. A
// bound over sendsigs' grace period, or one the audit cannot tell, is a
// wait sendsigs would not do.
func (a *analyzer) forWait(f *frame, c *syntax.ForClause) {
	it, ok := c.Loop.(*syntax.WordIter)
	if !a.inStop || !ok {
		return
	}
	_, sleep := a.loopBound(f, c.Do)
	if sleep == 0 {
		return
	}
	rounds := a.rounds(f, it)
	line := c.Pos().Line()
	items := make([]string, len(it.Items))
	for i, w := range it.Items {
		items[i] = a.text(w)
	}
	text := "for " + it.Name.Value + " in " + strings.Join(items, " ")
	switch {
	case rounds > 0 && rounds*sleep <= sendsigsGrace:
		a.add(Redundant, f, line, text, fmt.Sprintf("waits, up to about %d s (%d × %d s); sendsigs waits about %d s anyway", rounds*sleep, rounds, sleep, sendsigsGrace))
	case rounds > 0:
		a.add(Needed, f, line, text, fmt.Sprintf("waits, up to about %d s (%d × %d s): sendsigs sends KILL after about %d s, so a daemon that takes longer to shut down cleanly gets that time only from this stop action", rounds*sleep, rounds, sleep, sendsigsGrace))
	default:
		a.add(Needed, f, line, text, fmt.Sprintf("waits in a loop for a time the audit cannot bound: sendsigs sends KILL after about %d s", sendsigsGrace))
	}
}

// rounds counts a for loop's items: literal words, or $(seq FIRST LAST)
// / `seq LAST`; 0 when not known.
func (a *analyzer) rounds(f *frame, it *syntax.WordIter) int {
	n := 0
	for _, w := range it.Items {
		if v, ok := a.resolve(f, w); ok {
			n += len(strings.Fields(v))
			continue
		}
		if len(w.Parts) != 1 {
			return 0
		}
		cs, ok := w.Parts[0].(*syntax.CmdSubst)
		if !ok || len(cs.Stmts) != 1 {
			return 0
		}
		call, ok := cs.Stmts[0].Cmd.(*syntax.CallExpr)
		if !ok || len(call.Args) < 2 || len(call.Args) > 3 || call.Args[0].Lit() != "seq" {
			return 0
		}
		first, last := 1, 0
		nums := make([]int, 0, 2)
		for _, arg := range call.Args[1:] {
			v, ok := a.resolve(f, arg)
			x, err := strconv.Atoi(v)
			if !ok || err != nil {
				return 0
			}
			nums = append(nums, x)
		}
		if len(nums) == 2 {
			first = nums[0]
		}
		last = nums[len(nums)-1]
		n += max(last-first+1, 0)
	}
	return n
}

// condWords returns the words of a loop condition's first simple
// command, for the reason's text.
func condWords(cond []*syntax.Stmt) []*syntax.Word {
	for _, s := range cond {
		if c, ok := s.Cmd.(*syntax.CallExpr); ok {
			return c.Args
		}
	}
	return nil
}

// testsProcess reports whether a loop condition asks whether a process
// is still there.
func (a *analyzer) testsProcess(f *frame, cond []*syntax.Stmt) bool {
	found := false
	for _, s := range cond {
		syntax.Walk(s, func(n syntax.Node) bool {
			c, ok := n.(*syntax.CallExpr)
			if !ok || len(c.Args) == 0 || found {
				return !found
			}
			name, _ := a.resolve(f, c.Args[0])
			name = lastPart(name)
			switch {
			case processTests[name]:
				found = true
			case name == "kill" && len(c.Args) > 1:
				v, _ := a.resolve(f, c.Args[1])
				found = v == "-0"
			case name == "start-stop-daemon":
				found = a.hasArg(f, c.Args[1:], "--status", "-T")
			case name == "test" || name == "[":
				for _, w := range c.Args[1:] {
					if strings.HasPrefix(a.text(w), "/proc/") {
						found = true
					}
				}
			}
			return !found
		})
	}
	return found
}

// loopBound estimates a wait loop's rounds (the largest number compared
// with in a test inside its body, the usual give-up counter) and the
// seconds it sleeps per round; 0 when not known.
func (a *analyzer) loopBound(f *frame, body []*syntax.Stmt) (rounds, sleep int) {
	for _, s := range body {
		syntax.Walk(s, func(n syntax.Node) bool {
			c, ok := n.(*syntax.CallExpr)
			if !ok || len(c.Args) == 0 {
				return true
			}
			name, _ := a.resolve(f, c.Args[0])
			switch lastPart(name) {
			case "sleep":
				if len(c.Args) == 2 {
					if v, ok := a.resolve(f, c.Args[1]); ok {
						if n, err := strconv.Atoi(v); err == nil {
							sleep += n
						}
					}
				}
			case "[", "test":
				for i, w := range c.Args[1:] {
					v, ok := a.resolve(f, w)
					if !ok || i == 0 {
						continue
					}
					op, _ := a.resolve(f, c.Args[i])
					if op != "-gt" && op != "-ge" && op != "=" && op != "-eq" {
						continue
					}
					if n, err := strconv.Atoi(v); err == nil && n > rounds {
						rounds = n
					}
				}
			}
			return true
		})
	}
	return rounds, sleep
}

// lastPart is the base name of a command.
func lastPart(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}
