package templates

import (
	"os/exec"
	"strings"
	"testing"
	"text/template"
	"text/template/parse"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuoteLeavesSafeWordsBare(t *testing.T) {
	for _, w := range []string{"hellod", "update-rc.d", "/etc/init.d/hellod", "2.0-1~", "1:2.0+dfsg-3", "a=b", "x,y@z%"} {
		assert.Equal(t, w, Quote(w), w)
	}
}

func TestQuoteQuotesEverythingElse(t *testing.T) {
	for in, want := range map[string]string{
		"":               "''",
		"~root":          "'~root'",
		"a b":            "'a b'",
		"it's":           `'it'\''s'`,
		"$(reboot)":      "'$(reboot)'",
		"x;rm -rf /":     "'x;rm -rf /'",
		"line\nbreak":    "'line\nbreak'",
		"`id`":           "'`id`'",
		"*":              "'*'",
		"a\\b":           `'a\b'`,
		"\"double\"":     `'"double"'`,
		"tab\there":      "'tab\there'",
		"semi&amp|pipe>": "'semi&amp|pipe>'",
	} {
		assert.Equal(t, want, Quote(in), "%q", in)
	}
}

// TestQuoteRoundTripsThroughDash checks with a real shell that every quoted word comes back
// as exactly the original string.
func TestQuoteRoundTripsThroughDash(t *testing.T) {
	dash, err := exec.LookPath("dash")
	require.NoError(t, err, "dash is needed")
	words := []string{"", "plain", "a b", "it's", "$(id)", "`id`", "$HOME", "~", "~x", "*", "?", "[a]",
		"a\nb", "\\", "'", "''", "\"", "!", "#c", "x;y", "a|b", "a&b", "<>", "{a,b}", "é ü", "\t"}
	for _, w := range words {
		out, err := exec.Command(dash, "-c", "printf '%s' "+Quote(w)).Output()
		require.NoError(t, err, "%q", w)
		assert.Equal(t, w, string(out), "%q quoted as %s", w, Quote(w))
	}
}

func TestRenderUnknownSnippet(t *testing.T) {
	_, err := Render("no-such.preinst", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no snippet "no-such.preinst"`)
}

func TestRenderWrongDataIsAnError(t *testing.T) {
	_, err := Render("daemon-removed.preinst", map[string]string{"Name": "x"})
	require.Error(t, err, "a missing key must be an error, not an empty string")
	assert.Contains(t, err.Error(), "daemon-removed.preinst.tmpl")
}

func TestNamesListsEverySnippet(t *testing.T) {
	names := Names()
	assert.Contains(t, names, "daemon-multiuser.postinst")
	assert.Contains(t, names, "info-removed.postrm")
	for _, n := range names {
		script := n[strings.LastIndexByte(n, '.')+1:]
		assert.Contains(t, []string{"preinst", "postinst", "prerm", "postrm"}, script, "snippet %s is named CONCERN.SCRIPT", n)
	}
}

// TestHostileValuesStayQuoted renders every snippet with values full of shell syntax and
// checks that each value appears only in its quoted form.
func TestHostileValuesStayQuoted(t *testing.T) {
	evil := "x'; pwned; echo '$(id)\n"
	data := map[string]any{
		"daemon-multiuser": MultiuserDaemon{Name: evil, InitScript: "/etc/init.d/" + evil, Since: evil},
		"daemon-removed":   RemovedDaemon{Name: evil, InitScript: "/etc/init.d/" + evil, RemovedIn: evil, Conffiles: []string{evil}, PriorVersion: evil},
		"info-removed":     RemovedInfo{File: evil, DirFile: evil, RemovedIn: evil},
		"init":             InitDaemon{Name: evil, InitScript: "/etc/init.d/" + evil, UpdateRcdParams: []string{evil}, InvokeOptions: []string{evil}, ErrorHandler: []string{evil}, Start: true, StopBeforeUpgrade: true, UpgradeAction: evil},
		"init.tmpfiles":    InitTmpfiles{Files: []string{evil}},
	}
	for _, name := range Names() {
		concern := name[:strings.LastIndexByte(name, '.')]
		out, err := Render(name, data[concern])
		require.NoError(t, err, name)
		stripped := strings.ReplaceAll(out, Quote(evil), "")
		stripped = strings.ReplaceAll(stripped, Quote("/etc/init.d/"+evil), "")
		assert.NotContains(t, stripped, "pwned", "%s leaks a value unquoted:\n%s", name, out)
	}
}

// builtins are text/template's own functions, which need no allow-list.
var builtins = map[string]bool{"and": true, "or": true, "not": true, "len": true, "index": true, "slice": true,
	"print": true, "printf": true, "println": true, "eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true,
	"call": true, "html": true, "js": true, "urlquery": true}

// TestFuncMapIsWhatTemplatesCall holds the function map to the snippets: every allow-listed
// sprig function is called by some snippet, and no snippet calls a function outside the map
// (or text/template's own).
func TestFuncMapIsWhatTemplatesCall(t *testing.T) {
	used := map[string]bool{}
	for _, tmpl := range allTemplates(t) {
		if tmpl.Tree != nil {
			calledIn(tmpl.Tree.Root, used)
		}
	}
	m := funcMap()
	for name := range used {
		assert.True(t, builtins[name] || m[name] != nil, "a snippet calls %q, which is not in the function map", name)
	}
	for _, name := range sprigAllowed {
		assert.True(t, used[name], "sprig's %q is allow-listed but no snippet calls it", name)
	}
	assert.True(t, used["shquote"], "the walk finds function calls")
}

// calledIn adds the names of the functions called in node to used.
func calledIn(node parse.Node, used map[string]bool) {
	switch n := node.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				calledIn(c, used)
			}
		}
	case *parse.ActionNode:
		calledIn(n.Pipe, used)
	case *parse.IfNode:
		calledIn(&n.BranchNode, used)
	case *parse.RangeNode:
		calledIn(&n.BranchNode, used)
	case *parse.WithNode:
		calledIn(&n.BranchNode, used)
	case *parse.BranchNode:
		calledIn(n.Pipe, used)
		calledIn(n.List, used)
		calledIn(n.ElseList, used)
	case *parse.TemplateNode:
		calledIn(n.Pipe, used)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				calledIn(c, used)
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			calledIn(a, used)
		}
	case *parse.IdentifierNode:
		used[n.Ident] = true
	case *parse.ChainNode:
		calledIn(n.Node, used)
	}
}

// familySets parses every family and returns their template sets by family name.
func familySets(t *testing.T) map[string]*template.Template {
	t.Helper()
	sets := map[string]*template.Template{}
	for _, name := range Names() {
		fam, _, _ := strings.Cut(name, ".")
		if sets[fam] != nil {
			continue
		}
		set, err := parsed(fam)
		require.NoError(t, err, fam)
		require.NotNil(t, set, fam)
		sets[fam] = set
	}
	return sets
}

// allTemplates returns the templates of every family: snippets and partials.
func allTemplates(t *testing.T) []*template.Template {
	var all []*template.Template
	for _, set := range familySets(t) {
		all = append(all, set.Templates()...)
	}
	return all
}

// TestPartialsStayInTheirFamily: a snippet's family is parsed on its own (on the first
// Render of one of its snippets), so every {{ template "NAME" }} must name a template
// defined in a file of the same family.
func TestPartialsStayInTheirFamily(t *testing.T) {
	calls := 0
	for fam, set := range familySets(t) {
		for _, tmpl := range set.Templates() {
			if tmpl.Tree == nil {
				continue
			}
			for _, called := range templatesCalledIn(tmpl.Tree.Root) {
				calls++
				assert.NotNil(t, set.Lookup(called), "%s calls the partial %q, which no file of the family %q defines", tmpl.Name(), called, fam)
			}
		}
	}
	assert.NotZero(t, calls, "the walk finds template calls")
}

// templatesCalledIn returns the names of the templates node calls.
func templatesCalledIn(node parse.Node) []string {
	var names []string
	var walk func(parse.Node)
	walk = func(node parse.Node) {
		switch n := node.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			names = append(names, n.Name)
		}
	}
	walk(node)
	return names
}
