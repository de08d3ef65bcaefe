package audit

import (
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// omitEntry records the stop action putting a process in
// /run/sendsigs.omit.d (mdadm links mdmon's pidfiles there on stop):
// sendsigs then spares that process, which is why the stop action must
// run at shutdown - without it sendsigs would kill the process.
func (a *analyzer) omitEntry(f *frame, line uint, text string) {
	if !a.inStop {
		return
	}
	a.omitInStop = true
	a.add(Needed, f, line, text, "adds an entry to /run/sendsigs.omit.d: sendsigs spares the processes listed there, so it is this stop action that keeps that process alive through the shutdown; without it sendsigs would kill the process")
}

// omitOutsideStop looks for code outside the stop action - typically the
// start action - that puts the daemon in /run/sendsigs.omit.d. sendsigs
// then spares it at shutdown, so its own stop action is the only thing
// that stops it. The finding points at the stop branch, the code it is
// about, and names the registering line in its text.
func (a *analyzer) omitOutsideStop(file *syntax.File) {
	var found *syntax.Stmt
	syntax.Walk(file, func(n syntax.Node) bool {
		if found != nil {
			return false
		}
		s, ok := n.(*syntax.Stmt)
		if !ok {
			return true
		}
		call, ok := s.Cmd.(*syntax.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		for _, r := range s.Redirs {
			if isOutput(r.Op) && containsOmit(a.text(r.Word)) {
				found = s
				return false
			}
		}
		if name := lastPart(call.Args[0].Lit()); fileChangers[name] {
			for _, w := range call.Args[1:] {
				if containsOmit(a.text(w)) {
					found = s
					return false
				}
			}
		}
		return true
	})
	if found == nil {
		return
	}
	a.note(Needed, &frame{}, a.stopLine(), "",
		fmt.Sprintf("line %d puts the daemon in /run/sendsigs.omit.d (`%s`): sendsigs spares the processes listed there, so this stop action is the only thing that stops it at shutdown",
			found.Pos().Line(), a.text(found)))
}

func containsOmit(s string) bool {
	return strings.Contains(s, "sendsigs.omit")
}

// isOutput reports whether a redirection writes its file.
func isOutput(op syntax.RedirOperator) bool {
	switch op {
	case syntax.RdrOut, syntax.AppOut, syntax.RdrAll, syntax.AppAll, syntax.RdrClob, syntax.RdrInOut:
		return true
	}
	return false
}
