package audit

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/pattern"
	"mvdan.cc/sh/v3/syntax"

	"github.com/dh-teardown/dh-teardown/dh/internal/shword"
)

// frameworkPath is the init-d-script framework (init-d-script(5)).
const frameworkPath = "/lib/init/init-d-script"

// knownSources are files an init script sources that the audit knows
// without reading them: they define functions (lsb) or set variables.
var knownSources = map[string]bool{
	"/lib/lsb/init-functions": true,
	"/lib/init/vars.sh":       true,
	"/etc/default/rcS":        true,
}

// arg is one positional parameter; ok is false when its value is only
// known at run time.
type arg struct {
	val string
	ok  bool
}

// frame is the context the walk is in: which file, and the positional
// parameters ($1...). complete tells whether args holds all of them.
type frame struct {
	file     string
	args     []arg
	complete bool
}

// findingKey identifies a finding whichever way the walk reached it.
type findingKey struct {
	kind         Class
	file         string
	line         uint
	command, why string
}

type funcDef struct {
	decl *syntax.FuncDecl
	file string
}

// analyzer walks the code that "/etc/init.d/NAME stop" runs, as far as it
// can be known without running it, and collects Reasons.
type analyzer struct {
	root string
	name string
	// funcs holds the shell functions defined so far, in walk order.
	funcs map[string][]funcDef
	// assigns counts the assignments to each variable; values holds the
	// value of variables assigned exactly once (the constants).
	assigns map[string]int
	values  map[string]*syntax.Word
	// topLevel holds the variables whose one assignment is outside any
	// function, where $1 is the action: ACTION="$1" resolves to "stop".
	topLevel map[string]bool
	// temps holds the variables that only ever hold a temporary file's
	// name (X=$(mktemp), or empty): writing or removing "$X" leaves
	// nothing a reboot would keep.
	temps map[string]bool
	// resolving holds the variables being resolved, to read
	// X="${X:-default}" as its default.
	resolving map[string]bool
	// every holds every value assigned to each variable, for commands
	// named by a variable assigned in several places.
	every map[string][]*syntax.Word
	// aliases maps the names defined with "alias NAME=VALUE".
	aliases map[string]string
	// handoff is set when the script execs another program for every
	// action before any dispatch.
	handoff *Reason
	// top is the script's own frame, $1 = "stop".
	top *frame
	// omitInStop is set once the stop action itself put a process in
	// /run/sendsigs.omit.d.
	omitInStop bool
	reasons    []Reason
	seen       map[findingKey]bool
	stack      []string
	sourced    map[string]bool
	walked     map[string]bool
	// opaque names the first sourced file the audit could not read: any
	// later unknown command may be a function from it.
	opaque string
	// dispatched is set once a case on the action ($1 = "stop") was met,
	// branchLine is the line of the branch taken.
	dispatched bool
	branchLine int
	// inStop is set while walking the stop action itself; code outside it
	// (the preamble every action runs, other branches' helpers) yields no
	// findings, since it is no more part of stopping than of "status".
	inStop    bool
	framework bool
	// frameworkLine is the line that names /lib/init/init-d-script.
	frameworkLine uint
	printer       *syntax.Printer
}

// analyze returns the reasons for script name with source src.
func analyze(root, name string, src []byte) []Reason {
	a := &analyzer{
		root:      root,
		name:      name,
		funcs:     map[string][]funcDef{},
		assigns:   map[string]int{},
		values:    map[string]*syntax.Word{},
		topLevel:  map[string]bool{},
		resolving: map[string]bool{},
		every:     map[string][]*syntax.Word{},
		aliases:   map[string]string{},
		temps:     map[string]bool{},
		seen:      map[findingKey]bool{},
		sourced:   map[string]bool{},
		walked:    map[string]bool{},
		printer:   syntax.NewPrinter(syntax.SingleLine(true)),
	}
	script := "/etc/init.d/" + name
	lang, framework, err := interpreter(src)
	if err != nil {
		return []Reason{{Kind: Unknown, File: script, Line: 1, Why: err.Error()}}
	}
	file, err := parse(src, name, lang)
	if err != nil {
		line, msg := parseErrorLine(err)
		return []Reason{{Kind: Unknown, File: script, Line: max(line, 1), Why: "cannot parse the script: " + msg}}
	}
	if framework {
		a.frameworkLine = 1
	}
	a.framework = framework
	a.countAssigns(file)
	top := &frame{args: []arg{{val: "stop", ok: true}}, complete: true}
	a.top = top
	a.stmts(top, file.Stmts)
	switch {
	case a.framework:
		a.frameworkStop(top)
	case !a.dispatched && a.handoff != nil:
		a.reasons = append(a.reasons, *a.handoff)
	case !a.dispatched:
		a.note(Unknown, top, 1, "", `no case on the action ($1) found: cannot tell which code is the stop action`)
	}
	if a.name != "sendsigs" && !a.omitInStop {
		a.omitOutsideStop(file)
	}
	if len(a.reasons) == 0 {
		a.reasons = append(a.reasons, Reason{Kind: Redundant, Line: int(a.stopLine()),
			Why: "the stop action only prints messages or tests state"})
	}
	for i := range a.reasons {
		if a.reasons[i].File == "" {
			a.reasons[i].File = script
		}
	}
	return a.reasons
}

// stopLine is the line a finding about the stop action as a whole points
// at: the stop branch of the dispatch, else the line that names the
// init-d-script framework, else the first line.
func (a *analyzer) stopLine() uint {
	switch {
	case a.branchLine > 0:
		return uint(a.branchLine)
	case a.frameworkLine > 0:
		return a.frameworkLine
	}
	return 1
}

// interpreter reads the shebang: the shell dialect to parse with, and
// whether the script runs under the init-d-script framework.
func interpreter(src []byte) (syntax.LangVariant, bool, error) {
	first, _, _ := bytes.Cut(src, []byte("\n"))
	if !bytes.HasPrefix(first, []byte("#!")) {
		return syntax.LangPOSIX, false, nil
	}
	fields := strings.Fields(string(first[2:]))
	if len(fields) == 0 {
		return syntax.LangPOSIX, false, nil
	}
	for _, f := range fields {
		if f == frameworkPath {
			return syntax.LangPOSIX, true, nil
		}
	}
	interp := path.Base(fields[0])
	if interp == "env" && len(fields) > 1 {
		interp = path.Base(fields[1])
	}
	switch interp {
	case "sh", "dash", "ash":
		return syntax.LangPOSIX, false, nil
	case "bash":
		return syntax.LangBash, false, nil
	case "mksh", "ksh":
		return syntax.LangMirBSDKorn, false, nil
	}
	return 0, false, fmt.Errorf("interpreter %s is not a shell the audit can read", fields[0])
}

func parse(src []byte, name string, lang syntax.LangVariant) (*syntax.File, error) {
	return syntax.NewParser(syntax.Variant(lang)).Parse(bytes.NewReader(src), name)
}

// parseErrorLine returns the line of a parser error and its message
// without the file name.
func parseErrorLine(err error) (int, string) {
	var pe syntax.ParseError
	if errors.As(err, &pe) {
		return int(pe.Pos.Line()), pe.Text
	}
	var le syntax.LangError
	if errors.As(err, &le) {
		_, msg, _ := strings.Cut(le.Error(), ": ")
		return int(le.Pos.Line()), msg
	}
	return 0, err.Error()
}

// add records a finding of the stop action once, at line (0: no line).
// Outside the stop action it does nothing.
func (a *analyzer) add(kind Class, f *frame, line uint, cmd, why string) {
	if a.inStop {
		a.note(kind, f, line, cmd, why)
	}
}

// note records a finding once, wherever the walk is.
func (a *analyzer) note(kind Class, f *frame, line uint, cmd, why string) {
	key := findingKey{kind, f.file, line, cmd, why}
	if a.seen[key] {
		return
	}
	a.seen[key] = true
	r := Reason{Kind: kind, File: f.file, Line: int(line), Command: cmd, Why: why}
	if len(a.stack) > 0 {
		r.Via = append([]string(nil), a.stack...)
	}
	a.reasons = append(a.reasons, r)
}

// text prints a node on one line, the way it reads in a reason.
func (a *analyzer) text(n syntax.Node) string {
	var b strings.Builder
	if err := a.printer.Print(&b, n); err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// countAssigns records every assignment in file, so that variables set
// exactly once to a value that does not depend on run time can be
// resolved. Loop variables, read targets and ${X:=...} count as dynamic.
func (a *analyzer) countAssigns(file *syntax.File) {
	dynamic := func(name string) { a.assigns[name] += 2 }
	var funcs []*syntax.FuncDecl
	syntax.Walk(file, func(n syntax.Node) bool {
		if d, ok := n.(*syntax.FuncDecl); ok {
			funcs = append(funcs, d)
		}
		return true
	})
	inFunc := func(n syntax.Node) bool {
		for _, d := range funcs {
			if n.Pos().Offset() >= d.Pos().Offset() && n.End().Offset() <= d.End().Offset() {
				return true
			}
		}
		return false
	}
	notTemp := map[string]bool{}
	syntax.Walk(file, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Assign:
			if n.Naked || n.Name == nil {
				break
			}
			if n.Append || n.Array != nil || n.Index != nil {
				dynamic(n.Name.Value)
				break
			}
			switch {
			case isMktemp(n.Value):
				if !notTemp[n.Name.Value] {
					a.temps[n.Name.Value] = true
				}
			case n.Value != nil && len(n.Value.Parts) > 0:
				notTemp[n.Name.Value] = true
				delete(a.temps, n.Name.Value)
			}
			a.assigns[n.Name.Value]++
			a.every[n.Name.Value] = append(a.every[n.Name.Value], n.Value)
			a.topLevel[n.Name.Value] = !inFunc(n)
			a.values[n.Name.Value] = n.Value
		case *syntax.WordIter:
			dynamic(n.Name.Value)
		case *syntax.ParamExp:
			if n.Exp != nil && (n.Exp.Op == syntax.AssignUnset || n.Exp.Op == syntax.AssignUnsetOrNull) && n.Param != nil {
				dynamic(n.Param.Value)
			}
		case *syntax.CallExpr:
			if len(n.Args) > 0 {
				// VAR=value cmd: the value is for cmd only
				for _, as := range n.Assigns {
					dynamic(as.Name.Value)
				}
			}
			if len(n.Args) > 1 {
				if c := n.Args[0].Lit(); c == "read" || c == "getopts" {
					for _, w := range n.Args[1:] {
						dynamic(w.Lit())
					}
				}
			}
		}
		return true
	})
}

// resolve returns the value of a word if it does not depend on run time:
// literals, quotes, known positional parameters and constants.
func (a *analyzer) resolve(f *frame, w *syntax.Word) (string, bool) {
	return a.resolveDepth(f, w, 0)
}

func (a *analyzer) resolveDepth(f *frame, w *syntax.Word, depth int) (string, bool) {
	if depth > 8 {
		return "", false
	}
	return shword.Value(w, func(p *syntax.ParamExp) (string, bool) { return a.param(f, p, depth) })
}

// param resolves a plain $NAME, ${NAME}, $1... or $0, and the defaults
// ${NAME-word} and ${NAME:-word}.
func (a *analyzer) param(f *frame, p *syntax.ParamExp, depth int) (string, bool) {
	if p.Param == nil || p.Excl || p.Length || p.Width || p.Index != nil || p.Slice != nil ||
		p.Repl != nil || p.Names != 0 || p.NestedParam != nil || len(p.Modifiers) > 0 {
		return "", false
	}
	if p.Exp != nil {
		if p.Exp.Op != syntax.DefaultUnset && p.Exp.Op != syntax.DefaultUnsetOrNull {
			return "", false
		}
		plain := *p
		plain.Exp = nil
		v, ok := a.param(f, &plain, depth)
		if !ok {
			return "", false
		}
		// A known empty value counts as unset for both forms: the audit
		// does not tell "set to empty" from "unset".
		if v != "" {
			return v, true
		}
		return a.resolveDepth(f, p.Exp.Word, depth+1)
	}
	name := p.Param.Value
	if name == "0" {
		return "/etc/init.d/" + a.name, true
	}
	if n, ok := positional(name); ok {
		if n <= len(f.args) {
			return f.args[n-1].val, f.args[n-1].ok
		}
		return "", f.complete
	}
	if a.resolving[name] {
		// X="${X:-default}": the X inside is the value X had before, unset
		// as far as the script tells
		return "", true
	}
	if a.assigns[name] != 1 {
		return "", false
	}
	a.resolving[name] = true
	defer delete(a.resolving, name)
	if a.topLevel[name] && a.top != nil {
		return a.resolveDepth(a.top, a.values[name], depth+1)
	}
	return a.resolveDepth(&frame{}, a.values[name], depth+1)
}

// positional reports whether name is a positional parameter, and which.
func positional(name string) (int, bool) {
	n := 0
	for _, c := range name {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n > 0
}

// expandArgs turns call arguments into the callee's positional
// parameters; "$@" and "$*" pass the caller's on.
func (a *analyzer) expandArgs(f *frame, words []*syntax.Word) ([]arg, bool) {
	var out []arg
	complete := true
	for _, w := range words {
		if isAllArgs(w) {
			out = append(out, f.args...)
			complete = complete && f.complete
			continue
		}
		v, ok := a.resolve(f, w)
		out = append(out, arg{val: v, ok: ok})
	}
	return out, complete
}

func isAllArgs(w *syntax.Word) bool {
	p := soleParam(w)
	return p != nil && (p.Param.Value == "@" || p.Param.Value == "*") &&
		p.Exp == nil && p.Index == nil && p.Slice == nil && p.Repl == nil && !p.Length
}

// soleParam returns the parameter expansion w consists of, quoted ("$X")
// or not ($X), or nil.
func soleParam(w *syntax.Word) *syntax.ParamExp {
	parts := w.Parts
	if len(parts) == 1 {
		if dq, ok := parts[0].(*syntax.DblQuoted); ok {
			parts = dq.Parts
		}
	}
	if len(parts) != 1 {
		return nil
	}
	p, ok := parts[0].(*syntax.ParamExp)
	if !ok || p.Param == nil {
		return nil
	}
	return p
}

// mentionsAction reports whether w refers to $1 (the action), directly or
// through a variable assigned once from it outside any function
// (command="$1"; case "$command" in ...).
func (a *analyzer) mentionsAction(w *syntax.Word, depth int) bool {
	found := false
	syntax.Walk(w, func(n syntax.Node) bool {
		p, ok := n.(*syntax.ParamExp)
		if !ok || p.Param == nil {
			return !found
		}
		switch name := p.Param.Value; {
		case name == "1":
			found = true
		case depth < 4 && a.assigns[name] == 1 && a.topLevel[name] && a.values[name] != nil:
			found = a.mentionsAction(a.values[name], depth+1)
		}
		return !found
	})
	return found
}

// isMktemp reports whether an assigned value is $(mktemp ...), quoted or
// not.
func isMktemp(w *syntax.Word) bool {
	if w == nil || len(w.Parts) != 1 {
		return false
	}
	part := w.Parts[0]
	if dq, ok := part.(*syntax.DblQuoted); ok && len(dq.Parts) == 1 {
		part = dq.Parts[0]
	}
	cs, ok := part.(*syntax.CmdSubst)
	if !ok || len(cs.Stmts) != 1 {
		return false
	}
	call, ok := cs.Stmts[0].Cmd.(*syntax.CallExpr)
	return ok && len(call.Args) > 0 && path.Base(call.Args[0].Lit()) == "mktemp"
}

// isTemp reports whether w is "$X" for a variable that only holds a
// temporary file's name.
func (a *analyzer) isTemp(w *syntax.Word) bool {
	p := soleParam(w)
	return p != nil && p.Exp == nil && a.temps[p.Param.Value]
}

func (a *analyzer) stmts(f *frame, list []*syntax.Stmt) {
	for _, s := range list {
		a.stmt(f, s)
	}
}

func (a *analyzer) stmt(f *frame, s *syntax.Stmt) {
	text := ""
	if _, ok := s.Cmd.(*syntax.CallExpr); ok {
		text = a.text(s)
	}
	for _, r := range s.Redirs {
		a.redirect(f, r, text)
	}
	a.command(f, s.Cmd, text)
}

// substs walks the command substitutions inside a node: they run too.
func (a *analyzer) substs(f *frame, n syntax.Node) {
	if n == nil {
		return
	}
	syntax.Walk(n, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CmdSubst:
			a.stmts(f, n.Stmts)
			return false
		case *syntax.ProcSubst:
			a.stmts(f, n.Stmts)
			return false
		}
		return true
	})
}

func (a *analyzer) command(f *frame, c syntax.Command, text string) {
	switch c := c.(type) {
	case *syntax.CallExpr:
		for _, as := range c.Assigns {
			if as.Value != nil {
				a.substs(f, as.Value)
			}
			if as.Array != nil {
				a.substs(f, as.Array)
			}
		}
		if len(c.Args) == 0 {
			return
		}
		for _, w := range c.Args {
			a.substs(f, w)
		}
		a.run(f, c.Args, c.Pos().Line(), text)
	case *syntax.Block:
		a.stmts(f, c.Stmts)
	case *syntax.Subshell:
		a.stmts(f, c.Stmts)
	case *syntax.BinaryCmd:
		a.stmt(f, c.X)
		val, known := a.evalTest(f, c.X)
		skip := known && ((c.Op == syntax.AndStmt && !val) || (c.Op == syntax.OrStmt && val))
		if !skip {
			a.stmt(f, c.Y)
		}
	case *syntax.IfClause:
		for cl := c; cl != nil; cl = cl.Else {
			a.stmts(f, cl.Cond)
			val, known := true, false
			if len(cl.Cond) == 1 {
				val, known = a.evalTest(f, cl.Cond[0])
			}
			if !known || val {
				a.stmts(f, cl.Then)
			}
			if known && val {
				break
			}
		}
	case *syntax.WhileClause:
		a.waitLoop(f, c)
		a.stmts(f, c.Cond)
		a.stmts(f, c.Do)
	case *syntax.ForClause:
		a.forWait(f, c)
		a.substs(f, c.Loop)
		a.stmts(f, c.Do)
	case *syntax.CaseClause:
		a.caseClause(f, c)
	case *syntax.FuncDecl:
		a.define(f, c)
	case *syntax.DeclClause:
		for _, as := range c.Args {
			a.substs(f, as)
		}
	case *syntax.TimeClause:
		if c.Stmt != nil {
			a.stmt(f, c.Stmt)
		}
	case *syntax.CoprocClause:
		a.stmt(f, c.Stmt)
	case *syntax.TestClause, *syntax.ArithmCmd, *syntax.LetClause:
		a.substs(f, c)
	case nil:
	default:
		a.add(Unknown, f, c.Pos().Line(), a.text(c), "a shell construct the audit does not follow")
	}
}

func (a *analyzer) define(f *frame, d *syntax.FuncDecl) {
	if d.Name == nil {
		return
	}
	for _, def := range a.funcs[d.Name.Value] {
		if def.decl == d {
			return
		}
	}
	a.funcs[d.Name.Value] = append(a.funcs[d.Name.Value], funcDef{decl: d, file: f.file})
}

// caseClause takes only the matching branch when the word is known, and
// every branch otherwise. A case on $1 that resolves to "stop" is the
// script's dispatch on its action.
func (a *analyzer) caseClause(f *frame, c *syntax.CaseClause) {
	a.substs(f, c.Word)
	val, ok := a.resolve(f, c.Word)
	if !ok {
		for _, it := range c.Items {
			a.stmts(f, it.Stmts)
		}
		return
	}
	dispatch := val == "stop" && a.mentionsAction(c.Word, 0)
	if dispatch {
		a.dispatched = true
	}
	matched := false
	for i := 0; i < len(c.Items); i++ {
		it := c.Items[i]
		hit, catchAll, known := a.caseMatch(f, it, val)
		if !known {
			// A pattern only known at run time: this branch may run.
			a.stmts(f, it.Stmts)
			continue
		}
		if !hit && !matched {
			continue
		}
		if dispatch && !matched {
			a.branchLine = int(it.Patterns[0].Pos().Line())
			if catchAll {
				a.note(Redundant, f, it.Patterns[0].Pos().Line(), "",
					fmt.Sprintf("stop is handled by the catch-all branch of the case at line %d", c.Pos().Line()))
			}
			if len(it.Stmts) == 0 {
				a.note(Redundant, f, it.Patterns[0].Pos().Line(), "", "the stop branch is empty")
			}
		}
		matched = true
		inStop := a.inStop
		a.inStop = a.inStop || dispatch
		a.stmts(f, it.Stmts)
		a.inStop = inStop
		switch it.Op {
		case syntax.Fallthrough:
			continue // the next branch's body runs too
		case syntax.Resume, syntax.ResumeKorn:
			matched = false // the next patterns are tested again
			continue
		}
		return
	}
	if dispatch && !matched {
		a.note(Redundant, f, c.Pos().Line(), "",
			fmt.Sprintf("the case on the action at line %d has no branch for stop: stop does nothing there", c.Pos().Line()))
	}
}

// caseMatch tells whether one of the branch's patterns matches val, and
// whether the match is a catch-all; known is false when a pattern is only
// known at run time.
func (a *analyzer) caseMatch(f *frame, it *syntax.CaseItem, val string) (hit, catchAll, known bool) {
	for _, p := range it.Patterns {
		pat, ok := a.patternOf(f, p)
		if !ok {
			return false, false, false
		}
		expr, err := pattern.Regexp(pat, pattern.EntireString)
		if err != nil {
			return false, false, false
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return false, false, false
		}
		if re.MatchString(val) {
			return true, pat == "*", true
		}
	}
	return false, false, true
}

// patternOf turns a case pattern into a glob: unquoted literal text keeps
// its meaning, quoted text and known parameters match themselves.
func (a *analyzer) patternOf(f *frame, w *syntax.Word) (string, bool) {
	var b strings.Builder
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			b.WriteString(p.Value)
		default:
			q, ok := a.resolve(f, &syntax.Word{Parts: []syntax.WordPart{p}})
			if !ok {
				return "", false
			}
			b.WriteString(pattern.QuoteMeta(q, 0))
		}
	}
	return b.String(), true
}

// redirect classifies output redirections: writing a file outside /run
// is state sendsigs would not save.
func (a *analyzer) redirect(f *frame, r *syntax.Redirect, text string) {
	a.substs(f, r.Word)
	if !isOutput(r.Op) {
		return
	}
	if text == "" {
		text = a.text(r)
	}
	target, ok := a.resolve(f, r.Word)
	switch {
	case strings.Contains(a.text(r.Word), "sendsigs.omit"):
		a.omitEntry(f, r.Pos().Line(), text)
	case a.isTemp(r.Word):
	case !ok:
		a.add(Unknown, f, r.Pos().Line(), text, "writes to a file named only at run time: "+a.text(r.Word))
	case harmlessTarget(target):
	default:
		a.add(Needed, f, r.Pos().Line(), text, "writes "+target)
	}
}

// harmlessTarget is a file whose writing leaves nothing behind a reboot:
// /dev/null, the terminal, or anything under /run.
func harmlessTarget(p string) bool {
	switch p {
	case "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/console", "/dev/tty":
		return true
	}
	return volatile(p)
}

// volatile reports whether p is under a directory the next boot empties.
func volatile(p string) bool {
	p = path.Clean(p)
	for _, dir := range []string{"/run", "/var/run", "/var/lock", "/run/lock", "/dev/shm"} {
		if strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}

// call follows a shell function, with the arguments as its positional
// parameters. Recursion stops at the first repeat, and a function already
// walked with the same arguments in the same part of the script is not
// walked again (its findings are recorded already).
func (a *analyzer) call(f *frame, name string, args []*syntax.Word) {
	for _, s := range a.stack {
		if s == name {
			return
		}
	}
	vals, complete := a.expandArgs(f, args)
	key := fmt.Sprintf("%q %v %v %v %d", name, vals, complete, a.inStop, len(a.funcs[name]))
	if a.walked[key] {
		return
	}
	a.walked[key] = true
	a.stack = append(a.stack, name)
	for _, def := range a.funcs[name] {
		a.stmt(&frame{file: def.file, args: vals, complete: complete}, def.decl.Body)
	}
	a.stack = a.stack[:len(a.stack)-1]
}

// source follows ". FILE": known library files are understood without
// reading, others are read from the root and walked; a file that cannot
// be read makes the rest of the stop action doubtful.
func (a *analyzer) source(f *frame, args []*syntax.Word, line uint, text string) {
	if len(args) == 0 {
		return
	}
	p, ok := a.resolve(f, args[0])
	switch {
	case !ok:
		a.add(Unknown, f, line, text, "sources a file named only at run time")
		a.markOpaque(a.text(args[0]))
		return
	case knownSources[p]:
		return
	case p == frameworkPath:
		a.framework = true
		if a.frameworkLine == 0 {
			a.frameworkLine = line
		}
		return
	case !path.IsAbs(p):
		a.add(Unknown, f, line, text, "sources "+p+", a relative path")
		a.markOpaque(p)
		return
	}
	if a.sourced[p] {
		return
	}
	a.sourced[p] = true
	src, err := os.ReadFile(filepath.Join(a.root, filepath.FromSlash(p)))
	if err != nil {
		if strings.HasPrefix(p, "/etc/default/") {
			return // an absent configuration file: nothing to read
		}
		a.add(Unknown, f, line, text, "sources "+p+", which the audit cannot read")
		a.markOpaque(p)
		return
	}
	src = latin1(src)
	lang, _, err := interpreter(src)
	if err != nil {
		lang = syntax.LangPOSIX
	}
	file, err := parse(src, p, lang)
	if err != nil {
		l, msg := parseErrorLine(err)
		a.add(Unknown, &frame{file: p}, uint(l), "", "cannot parse this sourced file: "+msg)
		a.markOpaque(p)
		return
	}
	a.countAssigns(file)
	a.stmts(&frame{file: p, args: f.args, complete: f.complete}, file.Stmts)
}

func (a *analyzer) markOpaque(p string) {
	if a.opaque == "" {
		a.opaque = p
	}
}

// frameworkStop follows what /lib/init/init-d-script does on "stop" after
// it has sourced the script: read /etc/default/$NAME (which, like the
// script's own top level, runs for every action, but may define hooks),
// then "call do_stop",
// where "call X" runs X_override if the script defines it, and the
// framework's do_stop runs do_stop_prepare, do_stop_cmd and
// do_stop_cleanup (the first and last only if the script defines them).
func (a *analyzer) frameworkStop(f *frame) {
	a.dispatched = true
	daemon, _ := a.constant("DAEMON")
	name, ok := a.constant("NAME")
	if !ok && daemon != "" && daemon != "none" {
		name = path.Base(daemon)
	}
	if name != "" {
		a.sourceConfig(f, "/etc/default/"+name)
	}
	a.inStop = true
	none := []*syntax.Word(nil)
	defined := func(fn string) bool { return len(a.funcs[fn]) > 0 }
	callHook := func(fn string) {
		if defined(fn + "_override") {
			a.call(f, fn+"_override", none)
		} else {
			a.call(f, fn, none)
		}
	}
	if defined("do_stop_override") || defined("do_stop") {
		callHook("do_stop")
		return
	}
	a.stack = append(a.stack, "do_stop")
	defer func() { a.stack = a.stack[:len(a.stack)-1] }()
	if defined("do_stop_prepare") {
		callHook("do_stop_prepare")
	}
	if defined("do_stop_cmd_override") || defined("do_stop_cmd") {
		callHook("do_stop_cmd")
	} else {
		cmd := "start-stop-daemon --stop --retry=TERM/0/CONT/30/KILL/5"
		if name != "" {
			cmd += " --name " + name
		}
		if daemon != "" && daemon != "none" {
			cmd += " --exec " + daemon
		}
		a.stopWait(&frame{}, a.frameworkLine, cmd,
			"the framework's default do_stop_cmd ("+frameworkPath+") signals the daemon (TERM, then CONT)",
			schedule{signal: "TERM", grace: 30})
	}
	if defined("do_stop_cleanup") {
		callHook("do_stop_cleanup")
	}
}

// sourceConfig reads a configuration file if the root has it.
func (a *analyzer) sourceConfig(f *frame, p string) {
	if _, err := os.Stat(filepath.Join(a.root, filepath.FromSlash(p))); err == nil {
		a.source(f, []*syntax.Word{lit(p)}, 0, "")
	}
}

func lit(s string) *syntax.Word {
	return &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: s}}}
}

// constant returns the value of a variable assigned once, if known.
func (a *analyzer) constant(name string) (string, bool) {
	if a.assigns[name] != 1 {
		return "", false
	}
	return a.resolve(&frame{}, a.values[name])
}

// evalTest evaluates a string comparison whose operands are known, as in
// `[ "$1" = start ]` or `test "$X" != yes`; known is false for anything
// else, and the walk then takes both ways.
func (a *analyzer) evalTest(f *frame, s *syntax.Stmt) (val, known bool) {
	call, ok := s.Cmd.(*syntax.CallExpr)
	if !ok || len(s.Redirs) > 0 || s.Background {
		return false, false
	}
	var words []string
	for _, w := range call.Args {
		v, ok := a.resolve(f, w)
		if !ok {
			return false, false
		}
		words = append(words, v)
	}
	switch {
	case len(words) == 5 && words[0] == "[" && words[4] == "]":
		words = words[1:4]
	case len(words) == 4 && words[0] == "test":
		words = words[1:]
	default:
		return false, false
	}
	switch words[1] {
	case "=", "==":
		val = words[0] == words[2]
	case "!=":
		val = words[0] != words[2]
	default:
		return false, false
	}
	return val != s.Negated, true
}
