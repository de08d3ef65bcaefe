package maintscript

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"mvdan.cc/sh/v3/syntax"
)

// generatedCommands is every command the snippets (ours and the init ones) may run; a value that escaped its quoting
// would show up as some other command.
var generatedCommands = map[string]bool{
	"[": true, "dpkg": true, "sed": true, "invoke-rc.d": true, "update-rc.d": true, "dpkg-maintscript-helper": true,
	"rm": true, "ln": true, "chmod": true, "install-info": true, "command": true, "exit": true, "set": true, "true": true,
	":": true, "mkdir": true, "systemctl": true, "deb-systemd-invoke": true, "deb-systemd-helper": true,
}

// FuzzDeclarations feeds arbitrary declaration files through the parser and, when they are
// accepted, through the renderer: nothing panics, every script parses as POSIX shell, and the
// scripts run no command but the snippets' own.
func FuzzDeclarations(f *testing.F) {
	f.Add([]byte(exampleDecls), "2.0-1")
	f.Add([]byte("Daemon: a\nRemoved-In: 1\nConffiles: /etc/a /etc/b\n"), "1")
	f.Add([]byte("Info: x\nFile: /opt/x.info\nRemoved-In: 1:2~3\n"), "1:3")
	f.Add([]byte("Daemon: $(id)\nMultiuser: yes\n"), "1")
	f.Add([]byte("daemon: a\n multi\n#c\n\nInfo: b\n"), "0")
	f.Add([]byte("Daemon: a\nRemoved-In: 1\nUnits: a.socket a-helper.timer\nReplaced-By: b\n"), "1")
	f.Fuzz(func(t *testing.T, data []byte, version string) {
		decls, diags := ParseDeclarations("f", data)
		if diags.HasErrors() {
			return
		}
		var scripts []InitScript
		for _, d := range decls.Daemons {
			if d.Multiuser {
				scripts = append(scripts, InitScript{Name: d.Name, File: "s", Content: []byte(hellodInit)})
			}
		}
		out, diags := Render(Package{Name: "hello", Version: version, Declarations: decls, InitScripts: scripts}, "dh_teardown/fuzz")
		if diags.HasErrors() {
			return
		}
		for _, script := range AllScripts() {
			text := out.Scripts.Get(script)
			if text == "" {
				continue
			}
			if err := checkCommands(text); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// checkCommands returns an error unless text parses as POSIX shell and calls only
// generatedCommands.
func checkCommands(text string) error {
	file, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(strings.NewReader(text), "script")
	if err != nil {
		return fmt.Errorf("generated script does not parse: %v\n%s", err, text)
	}
	var bad error
	syntax.Walk(file, func(node syntax.Node) bool {
		call, ok := node.(*syntax.CallExpr)
		if ok && len(call.Args) > 0 && !generatedCommands[call.Args[0].Lit()] && bad == nil {
			bad = fmt.Errorf("generated script runs %q, which no snippet does:\n%s", call.Args[0].Lit(), text)
		}
		return true
	})
	return bad
}

func TestCheckCommandsCatchesAnEscapedValue(t *testing.T) {
	require.Error(t, checkCommands("invoke-rc.d x stop; reboot\n"))
	require.Error(t, checkCommands("invoke-rc.d 'x\n"), "unparsable")
	require.NoError(t, checkCommands("invoke-rc.d x stop || exit 1\n"))
}
