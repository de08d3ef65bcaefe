package check

import (
	"bytes"
	"path"
	"regexp"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/dh-teardown/dh-teardown/dh/internal/shword"
	"pault.ag/go/debian/version"
)

// tri is a condition's value as far as the check can tell.
type tri int8

const (
	no tri = iota
	maybe
	yes
)

func and(a, b tri) tri { return min(a, b) }
func or(a, b tri) tri  { return max(a, b) }
func not(a tri) tri    { return yes - a }

// unknown stands for a word whose value the check cannot tell (a command substitution, a
// variable set outside the script); it equals no literal.
const unknown = "\x00?"

// Call is one simple command that a maintainer script may run for one invocation.
type Call struct {
	Script string
	Line   int
	// Args are the command's words after expansion; unknown marks a word the check cannot
	// resolve.
	Args []string
	// Text is the command as written.
	Text string
	// Reach is yes when the command runs for the invocation, maybe when that depends on a
	// condition the check cannot decide (a file test, the init system), no when the
	// conditions around it exclude the invocation (such calls are kept to explain why a
	// command does not count).
	Reach tri
	// Guarded is true when the command runs under a condition, or its failure is caught
	// (cmd || …, if cmd, ! cmd): an unguarded stop fails a fresh install.
	Guarded bool
	// Origin is the tool whose debhelper marker block ("# Automatically added by TOOL/…")
	// holds the command, or "" for hand-written code.
	Origin string
}

// describe names the call for a report: "preinst:14 `invoke-rc.d x stop` (dh_teardown)".
func (c Call) describe() string { return describeCalls([]Call{c})[0] }

// Analysis is what the check recognised in one maintainer script for one invocation.
type Analysis struct {
	Script string
	// Invocation is the script's arguments ("upgrade", OLD, NEW).
	Invocation []string
	Calls      []Call
	// Err is set when the script does not parse: nothing in it is recognised.
	Err error
}

// markerRE and endMarkerRE delimit debhelper's generated blocks (as lintian reads them).
var (
	markerRE    = regexp.MustCompile(`^# Automatically added by (\S+?)(?:/\S*)?\s*$`)
	endMarkerRE = regexp.MustCompile(`^# End automatically added section`)
)

// maxInline bounds how deeply shell functions are followed into.
const maxInline = 4

// Analyze finds the commands script (the content of maintainer script name) may run when
// dpkg calls it with args, with the package named pkg. It follows if/case/&&/|| with the
// arguments' values (dpkg --compare-versions is evaluated, so version guards are honoured),
// for loops over literal words, variables assigned literal values, and shell functions.
func Analyze(name, pkg string, script []byte, args []string) Analysis {
	a := Analysis{Script: name, Invocation: args}
	f, err := parseScript(name, script)
	if err != nil {
		a.Err = err
		return a
	}
	w := &walker{
		script:  name,
		src:     script,
		origins: origins(script),
		funcs:   map[string]*syntax.Stmt{},
		vars: map[string]string{
			"DPKG_ROOT":                "",
			"DPKG_MAINTSCRIPT_NAME":    name,
			"DPKG_MAINTSCRIPT_PACKAGE": pkg,
		},
	}
	syntax.Walk(f, func(n syntax.Node) bool {
		if fd, ok := n.(*syntax.FuncDecl); ok && fd.Name != nil {
			w.funcs[fd.Name.Value] = fd.Body
		}
		return true
	})
	w.stmts(f.Stmts, frame{params: args, reach: yes})
	a.Calls = w.calls
	return a
}

// parseScript parses a maintainer script as POSIX shell, or as bash when its #! line says so
// (or POSIX parsing fails).
func parseScript(name string, script []byte) (*syntax.File, error) {
	langs := []syntax.LangVariant{syntax.LangPOSIX, syntax.LangBash}
	if first, _, _ := bytes.Cut(script, []byte("\n")); bytes.HasPrefix(first, []byte("#!")) && bytes.Contains(first, []byte("bash")) {
		langs[0], langs[1] = langs[1], langs[0]
	}
	var firstErr error
	for _, lang := range langs {
		f, err := syntax.NewParser(syntax.Variant(lang)).Parse(bytes.NewReader(script), name)
		if err == nil {
			return f, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

// origins maps each line (1-based index) to the tool of the debhelper block it is in.
func origins(script []byte) []string {
	lines := strings.Split(string(script), "\n")
	out := make([]string, len(lines)+2)
	tool := ""
	for i, l := range lines {
		if m := markerRE.FindStringSubmatch(l); m != nil {
			tool = m[1]
		} else if endMarkerRE.MatchString(l) {
			tool = ""
		}
		out[i+1] = tool
	}
	return out
}

// frame is the context of the commands being walked.
type frame struct {
	params  []string
	reach   tri
	guarded bool
	depth   int
	// mayReturn is set inside a shell function that has a return statement: an exit there
	// is not certain (the check does not follow where return jumps).
	mayReturn bool
}

// under returns the frame of commands that run when cond holds.
func (f frame) under(cond tri) frame {
	f.reach = and(f.reach, cond)
	f.guarded = true
	return f
}

type walker struct {
	script  string
	src     []byte
	origins []string
	funcs   map[string]*syntax.Stmt
	vars    map[string]string
	calls   []Call
}

// stmts walks a list; it returns true when the list certainly exits the script.
func (w *walker) stmts(list []*syntax.Stmt, f frame) bool {
	for _, s := range list {
		if w.stmt(s, f) {
			return true
		}
	}
	return false
}

func (w *walker) stmt(s *syntax.Stmt, f frame) bool {
	if s.Negated {
		f.guarded = true
	}
	switch c := s.Cmd.(type) {
	case *syntax.CallExpr:
		return w.call(c, f)
	case *syntax.IfClause:
		return w.ifClause(c, f)
	case *syntax.CaseClause:
		word := w.word(c.Word, f)
		prev := no
		decided, result := false, false
		for _, item := range c.Items {
			m := no
			for _, p := range item.Patterns {
				m = or(m, w.match(word, p, f))
			}
			// Branches that do not run are walked too (their commands get Reach no), so that
			// a report can say why a command there does not count.
			here := and(not(prev), m)
			exits := w.stmts(item.Stmts, f.under(here))
			if here == yes {
				decided, result = true, exits
			}
			prev = or(prev, m)
		}
		return decided && result && f.reach == yes
	case *syntax.BinaryCmd:
		x := w.cond(c.X, f)
		switch c.Op {
		case syntax.AndStmt:
			w.stmt(c.X, frame{params: f.params, reach: f.reach, guarded: true, depth: f.depth})
			w.stmt(c.Y, f.under(x))
		case syntax.OrStmt:
			w.stmt(c.X, frame{params: f.params, reach: f.reach, guarded: true, depth: f.depth})
			w.stmt(c.Y, f.under(not(x)))
		default:
			w.stmt(c.X, frame{params: f.params, reach: f.reach, guarded: true, depth: f.depth})
			w.stmt(c.Y, f)
		}
	case *syntax.Block:
		return w.stmts(c.Stmts, f)
	case *syntax.Subshell:
		w.stmts(c.Stmts, f)
	case *syntax.ForClause:
		w.forClause(c, f)
	case *syntax.WhileClause:
		w.stmts(c.Cond, f.under(maybe))
		w.stmts(c.Do, f.under(maybe))
	case *syntax.DeclClause:
		for _, a := range c.Args {
			w.assign(a, f)
		}
	case *syntax.TimeClause:
		if c.Stmt != nil {
			return w.stmt(c.Stmt, f)
		}
	}
	return false
}

// ifClause walks every branch (those that do not run with Reach no); it returns true when
// the branch that runs certainly exits.
func (w *walker) ifClause(c *syntax.IfClause, f frame) bool {
	taken := no // whether an earlier branch was taken
	allExit, decided, result := true, false, false
	for ; c != nil; c = c.Else {
		cond := yes
		if len(c.Cond) > 0 {
			w.stmts(c.Cond, frame{params: f.params, reach: and(f.reach, not(taken)), guarded: true, depth: f.depth})
			cond = w.condList(c.Cond, f)
		}
		here := and(not(taken), cond)
		exits := w.stmts(c.Then, f.under(here))
		switch {
		case here == yes:
			decided, result = true, exits
		case here == maybe && !exits:
			allExit = false
		}
		taken = or(taken, cond)
		if c.Else == nil && taken != yes {
			allExit = false
		}
	}
	if decided {
		return result && f.reach == yes
	}
	return allExit && f.reach == yes
}

func (w *walker) forClause(c *syntax.ForClause, f frame) {
	it, ok := c.Loop.(*syntax.WordIter)
	if !ok {
		w.stmts(c.Do, f.under(maybe))
		return
	}
	var items []string
	if it.InPos.IsValid() {
		items = w.words(it.Items, f)
	} else {
		items = f.params
	}
	for _, v := range items {
		if v == unknown {
			w.vars[it.Name.Value] = unknown
			w.stmts(c.Do, f.under(maybe))
			return
		}
	}
	for _, v := range items {
		w.vars[it.Name.Value] = v
		w.stmts(c.Do, f)
	}
}

// call records a simple command, follows a shell function, or notes an assignment or exit.
func (w *walker) call(c *syntax.CallExpr, f frame) bool {
	for _, a := range c.Assigns {
		if len(c.Args) == 0 {
			w.assign(a, f)
		}
	}
	if len(c.Args) == 0 {
		return false
	}
	args := w.words(c.Args, f)
	switch name := args[0]; {
	case name == "exit":
		return f.reach == yes && !f.mayReturn
	case name == "return":
		return false
	case name == "[" || name == "test" || name == "dpkg" && len(args) > 1 && args[1] == "--compare-versions":
		return false // a condition, evaluated where it is used
	case w.funcs[name] != nil && f.depth < maxInline:
		body := w.funcs[name]
		g := f
		g.params, g.depth = args[1:], f.depth+1
		g.mayReturn = f.mayReturn || hasReturn(body)
		return w.stmt(body, g)
	}
	line := int(c.Pos().Line())
	origin := ""
	if line < len(w.origins) {
		origin = w.origins[line]
	}
	w.calls = append(w.calls, Call{
		Script:  w.script,
		Line:    line,
		Args:    args,
		Text:    w.text(c),
		Reach:   f.reach,
		Guarded: f.guarded,
		Origin:  origin,
	})
	return false
}

// hasReturn reports whether a function body has a return statement.
func hasReturn(body *syntax.Stmt) bool {
	found := false
	syntax.Walk(body, func(n syntax.Node) bool {
		if c, ok := n.(*syntax.CallExpr); ok && len(c.Args) > 0 && c.Args[0].Lit() == "return" {
			found = true
		}
		return !found
	})
	return found
}

func (w *walker) assign(a *syntax.Assign, f frame) {
	if a.Name == nil {
		return
	}
	v := ""
	if a.Value != nil {
		v = w.word(a.Value, f)
	} else if a.Naked {
		return
	}
	if a.Append || a.Array != nil || a.Index != nil {
		v = unknown
	}
	if old, ok := w.vars[a.Name.Value]; f.reach != yes && (!ok || old != v) {
		v = unknown
	}
	w.vars[a.Name.Value] = v
}

// text is the command as written, on one line.
func (w *walker) text(c *syntax.CallExpr) string {
	start, end := c.Pos().Offset(), c.End().Offset()
	if int(end) > len(w.src) || start > end {
		return ""
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(string(w.src[start:end]), "\\\n", " ")), " ")
}

// words expands a command's words: "$@" and $@ to the positional parameters.
func (w *walker) words(ws []*syntax.Word, f frame) []string {
	var out []string
	for _, word := range ws {
		if isAllParams(word) {
			out = append(out, f.params...)
			continue
		}
		out = append(out, w.word(word, f))
	}
	return out
}

func isAllParams(word *syntax.Word) bool {
	if len(word.Parts) != 1 {
		return false
	}
	part := word.Parts[0]
	if dq, ok := part.(*syntax.DblQuoted); ok && len(dq.Parts) == 1 {
		part = dq.Parts[0]
	}
	pe, ok := part.(*syntax.ParamExp)
	return ok && pe.Param != nil && pe.Param.Value == "@" && pe.Exp == nil && !pe.Length
}

// word resolves a word to its value, or unknown.
func (w *walker) word(word *syntax.Word, f frame) string {
	v, ok := shword.Value(word, func(p *syntax.ParamExp) (string, bool) { return w.param(p, f) })
	if !ok {
		return unknown
	}
	return v
}

// param resolves a parameter expansion: positional parameters, $#, variables the script set
// to known values, ${V:-default} and ${V:+alt}.
func (w *walker) param(p *syntax.ParamExp, f frame) (string, bool) {
	if p.Param == nil || p.Excl || p.Length || p.Index != nil || p.Slice != nil || p.Repl != nil || p.Names != 0 {
		return "", false
	}
	name := p.Param.Value
	val, set := "", false
	switch {
	case name == "#":
		val, set = strconv.Itoa(len(f.params)), true
	case name == "@" || name == "*":
		val, set = strings.Join(f.params, " "), true
	case isPositional(name):
		if i := int(name[0] - '1'); i < len(f.params) {
			val, set = f.params[i], true
		}
	default:
		val, set = w.vars[name]
	}
	if val == unknown {
		return "", false
	}
	if p.Exp == nil {
		if !set && !isPositional(name) {
			return "", false
		}
		return val, true
	}
	switch p.Exp.Op {
	case syntax.DefaultUnset, syntax.DefaultUnsetOrNull:
		if set && (val != "" || p.Exp.Op == syntax.DefaultUnset) {
			return val, true
		}
		if v := w.word(p.Exp.Word, f); v != unknown {
			return v, true
		}
	case syntax.AlternateUnset, syntax.AlternateUnsetOrNull:
		if set && (val != "" || p.Exp.Op == syntax.AlternateUnset) {
			if v := w.word(p.Exp.Word, f); v != unknown {
				return v, true
			}
			return "", false
		}
		return "", true
	}
	return "", false
}

// isPositional reports whether name is $1…$9 (unset means empty for these).
func isPositional(name string) bool {
	return len(name) == 1 && name[0] >= '1' && name[0] <= '9'
}

// match tells whether a case word matches a pattern.
func (w *walker) match(word string, pat *syntax.Word, f frame) tri {
	p := w.word(pat, f)
	if word == unknown || p == unknown {
		return maybe
	}
	ok, err := path.Match(p, word)
	if err != nil {
		return maybe
	}
	if ok {
		return yes
	}
	return no
}

// condList is the value of a condition list: its last command's status.
func (w *walker) condList(list []*syntax.Stmt, f frame) tri {
	if len(list) == 0 {
		return yes
	}
	return w.cond(list[len(list)-1], f)
}

// cond evaluates a command used as a condition.
func (w *walker) cond(s *syntax.Stmt, f frame) tri {
	v := w.condCmd(s.Cmd, f)
	if s.Negated {
		v = not(v)
	}
	return v
}

func (w *walker) condCmd(cmd syntax.Command, f frame) tri {
	switch c := cmd.(type) {
	case *syntax.CallExpr:
		if len(c.Args) == 0 {
			return yes
		}
		args := w.words(c.Args, f)
		switch args[0] {
		case "true", ":":
			return yes
		case "false":
			return no
		case "[":
			if args[len(args)-1] != "]" {
				return maybe
			}
			return evalTest(args[1 : len(args)-1])
		case "test":
			return evalTest(args[1:])
		case "dpkg":
			return compareVersions(args[1:])
		}
		return maybe
	case *syntax.BinaryCmd:
		x, y := w.cond(c.X, f), w.cond(c.Y, f)
		switch c.Op {
		case syntax.AndStmt:
			return and(x, y)
		case syntax.OrStmt:
			return or(x, y)
		}
		return y
	case *syntax.Block:
		return w.condList(c.Stmts, f)
	case *syntax.Subshell:
		return w.condList(c.Stmts, f)
	case *syntax.TestClause:
		return w.testExpr(c.X, f)
	}
	return maybe
}

// testExpr evaluates bash's [[ … ]].
func (w *walker) testExpr(x syntax.TestExpr, f frame) tri {
	switch x := x.(type) {
	case *syntax.BinaryTest:
		switch x.Op {
		case syntax.AndTest:
			return and(w.testExpr(x.X, f), w.testExpr(x.Y, f))
		case syntax.OrTest:
			return or(w.testExpr(x.X, f), w.testExpr(x.Y, f))
		case syntax.TsMatch, syntax.TsMatchShort, syntax.TsNoMatch:
			l, lok := x.X.(*syntax.Word)
			r, rok := x.Y.(*syntax.Word)
			if !lok || !rok {
				return maybe
			}
			m := w.match(w.word(l, f), r, f)
			if x.Op == syntax.TsNoMatch {
				m = not(m)
			}
			return m
		}
	case *syntax.UnaryTest:
		word, ok := x.X.(*syntax.Word)
		if !ok {
			if x.Op == syntax.TsNot {
				return not(w.testExpr(x.X, f))
			}
			return maybe
		}
		v := w.word(word, f)
		switch x.Op {
		case syntax.TsNempStr:
			return known(v, func(s string) bool { return s != "" })
		case syntax.TsEmpStr:
			return known(v, func(s string) bool { return s == "" })
		}
	case *syntax.ParenTest:
		return w.testExpr(x.X, f)
	case *syntax.Word:
		return known(w.word(x, f), func(s string) bool { return s != "" })
	}
	return maybe
}

func known(v string, pred func(string) bool) tri {
	if v == unknown {
		return maybe
	}
	if pred(v) {
		return yes
	}
	return no
}

// evalTest evaluates the arguments of test(1) / [ … ].
func evalTest(args []string) tri {
	t := &testParser{args: args}
	v := t.or()
	if t.i != len(t.args) {
		return maybe
	}
	return v
}

type testParser struct {
	args []string
	i    int
}

func (t *testParser) peek(k int) (string, bool) {
	if t.i+k < len(t.args) {
		return t.args[t.i+k], true
	}
	return "", false
}

func (t *testParser) or() tri {
	v := t.and()
	for {
		if a, ok := t.peek(0); !ok || a != "-o" {
			return v
		}
		t.i++
		v = or(v, t.and())
	}
}

func (t *testParser) and() tri {
	v := t.not()
	for {
		if a, ok := t.peek(0); !ok || a != "-a" {
			return v
		}
		t.i++
		v = and(v, t.not())
	}
}

func (t *testParser) not() tri {
	if a, ok := t.peek(0); ok && a == "!" {
		if _, more := t.peek(1); more {
			t.i++
			return not(t.not())
		}
	}
	return t.primary()
}

var binaryTests = map[string]bool{"=": true, "==": true, "!=": true, "-eq": true, "-ne": true,
	"-lt": true, "-le": true, "-gt": true, "-ge": true, "-nt": true, "-ot": true, "-ef": true}

func (t *testParser) primary() tri {
	a, ok := t.peek(0)
	if !ok {
		t.i = len(t.args) + 1
		return maybe
	}
	if op, ok := t.peek(1); ok && binaryTests[op] {
		b, ok := t.peek(2)
		if !ok {
			t.i = len(t.args) + 1
			return maybe
		}
		t.i += 3
		if a == unknown || b == unknown {
			return maybe
		}
		switch op {
		case "=", "==":
			return boolTri(a == b)
		case "!=":
			return boolTri(a != b)
		}
		return maybe
	}
	if a == "(" {
		t.i++
		v := t.or()
		if c, ok := t.peek(0); ok && c == ")" {
			t.i++
			return v
		}
		t.i = len(t.args) + 1
		return maybe
	}
	if len(a) == 2 && a[0] == '-' && a != unknown {
		if b, ok := t.peek(1); ok {
			t.i += 2
			switch a {
			case "-n":
				return known(b, func(s string) bool { return s != "" })
			case "-z":
				return known(b, func(s string) bool { return s == "" })
			}
			return maybe // file tests and the like depend on the system
		}
	}
	t.i++
	return known(a, func(s string) bool { return s != "" })
}

func boolTri(b bool) tri {
	if b {
		return yes
	}
	return no
}

// compareVersions evaluates the arguments of "dpkg --compare-versions A OP B".
func compareVersions(args []string) tri {
	if len(args) > 0 && args[0] == "--compare-versions" {
		args = args[1:]
	} else {
		return maybe
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) != 3 || args[0] == unknown || args[1] == unknown || args[2] == unknown {
		return maybe
	}
	ok, valid := dpkgCompare(args[0], args[1], args[2])
	if !valid {
		return maybe
	}
	return boolTri(ok)
}

// dpkgCompare is dpkg --compare-versions A OP B, including its handling of empty versions
// (earlier than any version, or later for the -nl operators).
func dpkgCompare(a, op, b string) (result, valid bool) {
	nl := strings.HasSuffix(op, "-nl")
	op = strings.TrimSuffix(op, "-nl")
	var c int
	switch {
	case a == "" && b == "":
		c = 0
	case a == "" || b == "":
		c = -1 // empty is earlier
		if nl {
			c = 1
		}
		if b == "" {
			c = -c
		}
	default:
		va, err1 := version.Parse(a)
		vb, err2 := version.Parse(b)
		if err1 != nil || err2 != nil {
			return false, false
		}
		c = version.Compare(va, vb)
	}
	switch op {
	case "lt", "<<":
		return c < 0, true
	case "le", "<=":
		return c <= 0, true
	case "eq", "=":
		return c == 0, true
	case "ne":
		return c != 0, true
	case "ge", ">=":
		return c >= 0, true
	case "gt", ">>":
		return c > 0, true
	}
	return false, false
}
